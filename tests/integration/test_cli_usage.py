"""`usage` and `feedback list` as users run them, on both databases; admins only."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import timedelta

import pytest

from slidegen.config import Settings
from slidegen.db import migrate
from slidegen.db.base import utcnow
from slidegen.db.database import Database
from slidegen.db.models import FeedbackConversation, RequestLog
from slidegen.services.usage.request_logs import add_request_log
from slidegen.services.usage.rollups import count_checked_slides, utc_day
from tests.conftest import DatabaseFactory
from tests.integration.test_cli import assert_clean_failure, run_cli

HOSTILE = "![x](https://evil.example/a.png) it broke"


@pytest.fixture(scope="module")
def env(backend: str, databases: DatabaseFactory) -> Iterator[dict[str, str]]:
    url = databases.url(backend)
    database = Database(Settings(DATABASE_URL=url))
    migrate.upgrade(database.engine)
    now = utcnow()
    with database.scope() as session:
        for n, (kind, status) in enumerate(
            [("generate", "completed"), ("edit", "completed"), ("generate", "error")]
        ):
            add_request_log(
                session,
                RequestLog(
                    finished_at=now - timedelta(hours=n),
                    user_name="dana@example.com",
                    kind=kind,
                    status=status,
                    error_class="LLMTimeoutError" if status == "error" else None,
                    model="gpt-fake",
                    total_ms=1000 * (n + 1),
                    first_slide_ms=100,
                    input_tokens=100,
                    output_tokens=10,
                    tool_calls=0,
                    slides=2,
                ),
            )
        session.add(FeedbackConversation(category="bug", severity="high", summary=HOSTILE))
        ratings = ["verified", "verified", "verified", "problem"]
        count_checked_slides(session, day=utc_day(now), profile_name=None, ratings=ratings)
    database.dispose()
    yield {"DATABASE_URL": url, "SLIDEGEN_USER": "dana@example.com"}


def test_usage_json_has_the_dashboards_figures(env: dict[str, str]) -> None:
    result = run_cli("usage", "--json", env=env)
    assert result.returncode == 0, result.stderr
    figures = json.loads(result.stdout)
    assert (figures["requests"], figures["failed"]) == (3, 1)
    assert figures["error_rate"] == pytest.approx(1 / 3)
    assert [e["error_class"] for e in figures["errors"]] == ["LLMTimeoutError"]
    assert {entry["kind"] for entry in figures["latency"]} == {"generate", "edit"}
    assert figures["tokens"][0]["input_tokens"] == 300
    assert [(v["rating"], v["slides"]) for v in figures["verification"]] == [
        ("verified", 3),
        ("problem", 1),
    ]


def test_usage_text_and_a_since_date(env: dict[str, str]) -> None:
    result = run_cli("usage", "--since", "2020-01-01", env=env)
    assert result.returncode == 0, result.stderr
    assert "Usage since 2020-01-01" in result.stdout
    assert "requests 3, decks 1, edits 1" in result.stdout
    assert "slides rated problem: 1 (25%); readers agreed 0, disagreed 0" in result.stdout
    assert_clean_failure(run_cli("usage", "--since", "yesterday", env=env), "YYYY-MM-DD")


def test_feedback_list(env: dict[str, str]) -> None:
    listed = run_cli("feedback", "list", "--json", env=env)
    assert listed.returncode == 0, listed.stderr
    assert [(f["category"], f["summary"]) for f in json.loads(listed.stdout)] == [("bug", HOSTILE)]
    assert HOSTILE in run_cli("feedback", "list", env=env).stdout


def test_non_admins_are_refused_with_one_sentence(env: dict[str, str]) -> None:
    outsider = env | {"SLIDEGEN_ADMIN_GROUP": "slidegen-admins", "SLIDEGEN_USER_GROUPS": "x"}
    for args in (("usage",), ("usage", "--json"), ("feedback", "list", "--json")):
        result = run_cli(*args, env=outsider)
        assert_clean_failure(result, "for members of slidegen-admins only")
        assert result.stdout == ""
    admin = outsider | {"SLIDEGEN_USER_GROUPS": "slidegen-admins"}
    assert run_cli("usage", "--json", env=admin).returncode == 0
