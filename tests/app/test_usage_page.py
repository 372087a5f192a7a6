"""The Usage page: figures for admins, hostile text shown as data, non-admins refused."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from slidegen.config import Settings, reload_settings
from slidegen.db.base import utcnow
from slidegen.db.database import Database
from slidegen.db.models import FeedbackConversation, RequestLog
from slidegen.services.usage.request_logs import add_request_log
from slidegen.services.usage.rollups import count_checked_slides, count_vote, utc_day
from tests.app.conftest import APP_USER, shown
from tests.app.test_pages import APP, all_text, run_page
from tests.factories import make_session

PAGE_BACKEND = "postgresql"  # several users or background jobs meet here

USAGE_PAGE = str(Path(__file__).resolve().parents[2] / "app_pages" / "usage.py")
HOSTILE = "![pwn](https://evil.example/x.png) **bold** <img src=x onerror=alert(1)>"


def _add_usage(url: str) -> str:
    database = Database(Settings(DATABASE_URL=url))
    try:
        with database.scope() as session:
            deck = make_session(APP_USER, title=HOSTILE)
            session.add(deck)
            now = utcnow()
            for n in range(6):
                add_request_log(
                    session,
                    RequestLog(
                        finished_at=now - timedelta(days=n % 3),
                        user_name=f"user{n}@example.com",
                        profile_name="default",
                        model="gpt-fake",
                        kind="generate" if n % 2 else "edit",
                        status="error" if n == 5 else "completed",
                        error_class=HOSTILE[:100] if n == 5 else None,
                        total_ms=1000 + n,
                        first_slide_ms=100 + n,
                        input_tokens=1000,
                        output_tokens=100,
                        tool_calls=0,
                        slides=3,
                        prompt_excerpt=HOSTILE,
                    ),
                )
            today = utc_day(now)
            count_checked_slides(
                session,
                day=today,
                profile_name="default",
                ratings=["verified", "verified", "verified", "problem"],
            )
            count_vote(session, day=today, profile_name="default", rating="problem", up=False)
            session.add(
                FeedbackConversation(
                    category="bug",
                    severity="high",
                    summary=HOSTILE,
                    session_id=deck.session_id,
                    created_by=APP_USER,
                )
            )
            return deck.session_id
    finally:
        database.dispose()


def test_an_admin_sees_figures_and_hostile_text_only_as_data(app_env: str) -> None:
    session_id = _add_usage(app_env)
    at = run_page("app_pages/usage.py")

    assert at.title[0].value == "Usage"
    assert [m.value for m in at.metric][:3] == ["6", "2", "3"]  # requests, decks, edits
    frames = [frame.value for frame in at.dataframe]
    feedback = frames[-1]
    assert list(feedback["summary"]) == [HOSTILE]  # a data cell: never Markdown or HTML
    assert list(feedback["deck"]) == [HOSTILE]
    assert list(feedback["open"]) == [f"/?session={session_id}"]
    assert HOSTILE not in all_text(at)
    assert "evil.example" not in all_text(at)
    assert len(at.get("download_button")) >= 5  # every table has its CSV download
    [checks] = [f for f in frames if "rating" in f.columns]
    assert [tuple(r) for r in checks[["rating", "slides", "share", "thumbs_down"]].values] == [
        ("verified", 3, "75.0%", 0),
        ("problem", 1, "25.0%", 1),
    ]
    # Drawn by Streamlit from fixed specs: users and decks per day, users per week, latency,
    # verification ratings and votes (no exports or survey answers in this range).
    assert len(at.get("vega_lite_chart")) == 6


def test_the_usage_page_refuses_a_non_admin(app_env: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SLIDEGEN_ADMIN_GROUP", "slidegen-admins")
    reload_settings()
    at = AppTest.from_file(APP, default_timeout=30)
    at.run()
    assert not at.exception, at.exception
    assert "Usage" not in [link.label for link in at.get("page_link")]
    page = AppTest.from_file(USAGE_PAGE, default_timeout=30)  # opened by its address
    page.run()
    assert not page.exception, page.exception
    assert shown(page.error[0].value) == (
        "Usage figures and feedback are for members of slidegen-admins only."
    )
    assert not page.dataframe
