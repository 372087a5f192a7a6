"""Feedback, the survey and the Usage page in a real browser, as a local admin.

The user has three finished decks, so the survey is due: they answer it, give feedback
through the sidebar dialog (offline engine: fixed questions), and open the Usage page. Hostile
text in the feedback is never fetched or rendered as Markdown.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select

from slidegen.config import Settings
from slidegen.db.base import utcnow
from slidegen.db.database import Database
from slidegen.db.models import FeedbackConversation, RequestLog, SurveyResponse
from slidegen.services.usage.request_logs import add_request_log
from tests.conftest import DatabaseFactory
from tests.e2e.app_server import LOCAL_USER, isolated_env, run_app, seeded_database_url

PAGE_BACKEND = "postgresql"  # several users or background jobs meet here

TIMEOUT_MS = 20_000
HOSTILE = "Colours lost ![x](https://evil.example/pixel.png) **loud**"


@dataclass
class RunningApp:
    url: str
    database_url: str


@pytest.fixture(scope="module")
def usage_app(
    backend: str, databases: DatabaseFactory, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[RunningApp]:
    database_url = seeded_database_url(backend, databases)
    database = Database(Settings(DATABASE_URL=database_url))
    with database.scope() as session:
        for n in range(3):
            add_request_log(
                session,
                RequestLog(
                    finished_at=utcnow(),
                    user_name=LOCAL_USER,
                    profile_name="default",
                    model="slidegen-offline",
                    kind="generate",
                    status="completed",
                    total_ms=4000 + n,
                    first_slide_ms=500 + n,
                    input_tokens=1200,
                    output_tokens=800,
                    tool_calls=1,
                    slides=8,
                ),
            )
    database.dispose()
    home = tmp_path_factory.mktemp(f"usage-home-{backend}")
    with run_app(isolated_env(database_url, home), home / "streamlit.log") as url:
        yield RunningApp(url, database_url)


def rows(app: RunningApp, model: type) -> list:
    database = Database(Settings(DATABASE_URL=app.database_url))
    try:
        with database.scope() as session:
            found = list(session.scalars(select(model)))
            session.expunge_all()
            return found
    finally:
        database.dispose()


def send_in_dialog(page: Page, text: str) -> None:
    dialog = page.get_by_role("dialog")
    # The run that shows the question replaces the last answer's box; wait until it has.
    expect(dialog.get_by_role("textbox")).to_have_count(1, timeout=TIMEOUT_MS)
    dialog.get_by_role("textbox").fill(text)
    dialog.get_by_role("button", name="Send").click()


def test_feedback_survey_and_dashboard(page: Page, usage_app: RunningApp) -> None:
    fetched: list[str] = []
    page.on("request", lambda request: fetched.append(request.url))
    page.goto(usage_app.url)
    expect(page.get_by_role("heading", name="Chat", exact=True)).to_be_visible(timeout=TIMEOUT_MS)

    sidebar = page.get_by_test_id("stSidebar")
    expect(sidebar.get_by_text("Quick survey")).to_be_visible(timeout=TIMEOUT_MS)
    answer_box = sidebar.get_by_label("Anything else? (one line)")
    expect(answer_box).to_be_hidden()  # closed: it does not push the page's sidebar away
    sidebar.get_by_text("Quick survey").click()
    answer_box.fill("Saves me hours")
    sidebar.get_by_role("button", name="Send").click()
    expect(sidebar.get_by_text("Quick survey")).to_have_count(0, timeout=TIMEOUT_MS)
    [answer] = rows(usage_app, SurveyResponse)
    assert (answer.nps_score, answer.comment, answer.created_by) == (
        8,
        "Saves me hours",
        LOCAL_USER,
    )

    sidebar.get_by_role("button", name="Feedback").click()
    dialog = page.get_by_role("dialog")
    expect(dialog.get_by_text("What happened? What would you like?")).to_be_visible(
        timeout=TIMEOUT_MS
    )
    send_in_dialog(page, HOSTILE)
    expect(dialog.get_by_text("Which fits best: bug, quality, idea or praise?")).to_be_visible(
        timeout=TIMEOUT_MS
    )
    said = dialog.get_by_role("group", name="Chat message from user")
    expect(said.get_by_text(HOSTILE, exact=True)).to_be_visible()  # literal, not Markdown
    send_in_dialog(page, "a bug")
    expect(dialog.get_by_text("How much does it matter to you")).to_be_visible(timeout=TIMEOUT_MS)
    send_in_dialog(page, "high")
    confirm = dialog.get_by_role("button", name="Confirm and send")
    expect(confirm).to_be_visible(timeout=TIMEOUT_MS)
    assert rows(usage_app, FeedbackConversation) == []
    confirm.click()
    expect(page.get_by_role("dialog")).to_have_count(0, timeout=TIMEOUT_MS)
    [stored] = rows(usage_app, FeedbackConversation)
    assert (stored.category, stored.severity, stored.summary) == ("bug", "high", HOSTILE)

    page.get_by_test_id("stSidebarNavItems").get_by_role("link", name="Usage").click()
    expect(page.get_by_role("heading", name="Usage", exact=True)).to_be_visible(timeout=TIMEOUT_MS)
    main = page.get_by_role("main")
    latency = "Latency (ms, nearest-rank percentiles within 10%)"
    expect(main.get_by_role("heading", name=latency)).to_be_visible(timeout=TIMEOUT_MS)
    expect(main.get_by_test_id("stMetricValue").first).to_have_text("3")
    # The charts are fixed Vega-Lite specs: Streamlit's bundled renderer draws them (no CDN).
    charts = main.get_by_test_id("stVegaLiteChart")
    expect(charts.first.locator("canvas, svg").first).to_be_visible(timeout=TIMEOUT_MS)
    # Users and decks per day, users per week, latency (drawn as the page's run reaches them).
    expect(charts.nth(3).locator("canvas, svg").first).to_be_visible(timeout=TIMEOUT_MS)
    expect(
        main.get_by_role("heading", name="Verification ratings (slides checked)")
    ).to_be_visible()
    expect(main.get_by_role("heading", name="Feedback", exact=True)).to_be_visible()
    expect(main.get_by_role("button", name="Download CSV").first).to_be_visible()
    assert page.locator("img[src*='evil.example']").count() == 0
    assert not [url for url in fetched if "evil.example" in url]
