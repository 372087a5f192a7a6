"""The usage dashboard's figures, feedback list and prices on SQLite and PostgreSQL.

Rows are written as the engine writes them; figures are checked against hand-computed values;
the number of SQL statements per dashboard run does not grow with the rows; non-admins are
refused.
"""

from __future__ import annotations

import random
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import delete, event, select
from sqlalchemy.orm import Session

from slidegen.config import Settings
from slidegen.db import migrate
from slidegen.db.database import Database
from slidegen.db.models import (
    FeedbackConversation,
    RequestLog,
    SurveyResponse,
    UsageDay,
    UsageDayUser,
    UsageLatency,
)
from slidegen.errors import InvalidInputError, PermissionDeniedError
from slidegen.identity import User
from slidegen.services.usage import dashboard
from slidegen.services.usage.request_logs import add_request_log
from slidegen.services.usage.rollups import latency_bucket, roll_up_logs
from tests.factories import make_session

ADMIN = User(name="admin@example.com", display_name="Admin", groups=("slidegen-admins",))
ALICE = User(name="alice@example.com", display_name="Alice")
MONDAY = datetime(2026, 1, 5, 12, tzinfo=UTC)  # a Monday
START, END = date(2026, 1, 1), date(2026, 1, 31)
SINCE = datetime(2026, 1, 1, tzinfo=UTC)


@pytest.fixture
def settings() -> Settings:
    return Settings(DATABASE_URL="sqlite:///unused.db", SLIDEGEN_ADMIN_GROUP="slidegen-admins")


def log(at: datetime, **fields: Any) -> RequestLog:
    values: dict[str, Any] = {
        "user_name": ALICE.name,
        "kind": "generate",
        "status": "completed",
        "profile_name": "default",
        "model": "gpt-fake",
        "provider": "openai",
        "input_tokens": 1000,
        "output_tokens": 500,
        "tool_calls": 0,
        "slides": 5,
        "total_ms": 1000,
        "first_slide_ms": 100,
    }
    return RequestLog(finished_at=at, **(values | fields))


def add_logs(db: Session, *rows: RequestLog) -> None:
    for row in rows:
        add_request_log(db, row)
    db.flush()


def report(db: Session, settings: Settings, **options: Any):
    return dashboard.usage_report(db, ADMIN, settings=settings, start=START, end=END, **options)


def test_days_weeks_decks_edits_exports_and_errors(db: Session, settings: Settings) -> None:
    tuesday, next_monday = MONDAY + timedelta(days=1), MONDAY + timedelta(days=7)
    add_logs(
        db,
        log(MONDAY),
        log(MONDAY, user_name="bob@example.com", kind="edit"),
        log(MONDAY, kind="export:pptx", model=None, input_tokens=0, output_tokens=0),
        log(tuesday, status="error", error_class="LLMTimeoutError"),
        log(tuesday, user_name="carol@example.com"),
        log(next_monday, kind="export:html", status="error", error_class="NotFoundError"),
        log(datetime(2025, 12, 31, 23, 59, tzinfo=UTC)),  # before the range
        log(MONDAY, profile_name="other"),
    )

    figures = report(db, settings, profile="default")
    by_day = {d.day: d for d in figures.days}
    assert (by_day[date(2026, 1, 5)].decks, by_day[date(2026, 1, 5)].edits) == (1, 1)
    assert (by_day[date(2026, 1, 5)].exports, by_day[date(2026, 1, 5)].active_users) == (1, 2)
    assert (by_day[date(2026, 1, 6)].decks, by_day[date(2026, 1, 6)].errors) == (1, 1)
    assert [(w.week, w.active_users) for w in figures.weeks] == [
        (date(2026, 1, 5), 3),
        (date(2026, 1, 12), 1),
    ]
    assert (figures.requests, figures.failed) == (6, 2)
    assert [(e.error_class, e.count) for e in figures.errors] == [
        ("LLMTimeoutError", 1),
        ("NotFoundError", 1),
    ] or [(e.error_class, e.count) for e in figures.errors] == [
        ("NotFoundError", 1),
        ("LLMTimeoutError", 1),
    ]
    assert figures.errors[0].rate == pytest.approx(1 / 6)
    assert [(e.format, e.count, e.errors) for e in figures.exports] == [
        ("html", 1, 1),
        ("pptx", 1, 0),
    ]
    assert report(db, settings).requests == 7  # every profile


def test_latency_percentiles_are_nearest_rank(db: Session, settings: Settings) -> None:
    for n in range(1, 21):  # totals 100..2000 ms, first slides 10..200 ms
        add_logs(db, log(MONDAY, total_ms=100 * n, first_slide_ms=10 * n))
    add_logs(db, log(MONDAY, kind="edit", total_ms=700, first_slide_ms=None))

    latency = {entry.kind: entry for entry in report(db, settings).latency}
    generate = latency["generate"]
    assert (generate.requests, generate.total_p50_ms, generate.total_p95_ms) == (20, 1000, 1900)
    assert (generate.first_slide_p50_ms, generate.first_slide_p95_ms) == (100, 190)
    assert (latency["edit"].total_p50_ms, latency["edit"].total_p95_ms) == (700, 700)
    assert latency["edit"].first_slide_p50_ms is None


def test_percentiles_of_many_requests_stay_within_their_10_percent_bucket(
    db: Session, settings: Settings
) -> None:
    rng = random.Random(18)
    totals = [rng.randrange(2_000, 120_000) for _ in range(2_000)]
    firsts = [rng.randrange(50, 20_000) for _ in totals]
    days = [MONDAY + timedelta(days=n % 20, minutes=n) for n in range(len(totals))]
    add_logs(
        db,
        *(
            log(at, total_ms=total, first_slide_ms=first)
            for at, total, first in zip(days, totals, firsts, strict=True)
        ),
    )

    [generate] = report(db, settings).latency
    assert generate.requests == len(totals)
    for estimate, values, fraction in (
        (generate.total_p50_ms, totals, 50),
        (generate.total_p95_ms, totals, 95),
        (generate.first_slide_p50_ms, firsts, 50),
        (generate.first_slide_p95_ms, firsts, 95),
    ):
        exact = sorted(values)[(fraction * len(values) + 99) // 100 - 1]  # nearest rank
        assert estimate is not None and abs(estimate - exact) <= 0.1 * exact
        assert latency_bucket(estimate) == latency_bucket(exact)


def test_tokens_and_cost_at_the_stored_price(db: Session, settings: Settings) -> None:
    add_logs(db, log(MONDAY), log(MONDAY), log(MONDAY, model="other-model"))
    dashboard.set_price(
        db, ADMIN, settings=settings, endpoint="gpt-fake", input_per_1k=0.5, output_per_1k=2.0
    )
    figures = report(db, settings)
    tokens = {t.model: t for t in figures.tokens}
    assert (tokens["gpt-fake"].input_tokens, tokens["gpt-fake"].output_tokens) == (2000, 1000)
    assert tokens["gpt-fake"].cost == pytest.approx(2 * 0.5 + 1 * 2.0)
    assert tokens["other-model"].cost == 0.0
    assert figures.cost == pytest.approx(3.0)
    dashboard.set_price(
        db, ADMIN, settings=settings, endpoint="gpt-fake", input_per_1k=1.0, output_per_1k=1.0
    )
    assert [p.input_per_1k for p in dashboard.list_prices(db, ADMIN, settings=settings)] == [1.0]
    with pytest.raises(InvalidInputError):
        dashboard.set_price(
            db, ADMIN, settings=settings, endpoint="x", input_per_1k=-1, output_per_1k=0
        )


def test_nps_per_week(db: Session, settings: Settings) -> None:
    for score in (10, 9, 8, 3):  # 2 promoters, 1 detractor of 4: NPS 25
        db.add(SurveyResponse(nps_score=score, created_by=ALICE.name, created_at=MONDAY))
    db.add(SurveyResponse(nps_score=0, created_by=ALICE.name, created_at=MONDAY + timedelta(7)))
    db.flush()
    assert [(w.week, w.responses, w.nps) for w in report(db, settings).nps] == [
        (date(2026, 1, 5), 4, 25.0),
        (date(2026, 1, 12), 1, -100.0),
    ]


def test_feedback_list_filters_by_category_and_names_the_deck(
    db: Session, settings: Settings
) -> None:
    deck = make_session(ALICE.name, title="Q3 review")
    db.add(deck)
    db.add_all(
        [
            FeedbackConversation(
                category="bug",
                severity="high",
                summary="![x](https://evil.example/t.png) export broke",
                session_id=deck.session_id,
                created_by=ALICE.name,
                created_at=MONDAY,
            ),
            FeedbackConversation(
                category="praise", severity="low", summary="Great", created_at=MONDAY
            ),
        ]
    )
    db.flush()
    bugs = dashboard.list_feedback(db, ADMIN, settings=settings, category="bug", since=SINCE)
    assert [(f.summary, f.deck_title, f.session_id) for f in bugs] == [
        ("![x](https://evil.example/t.png) export broke", "Q3 review", deck.session_id)
    ]
    assert len(dashboard.list_feedback(db, ADMIN, settings=settings, since=SINCE)) == 2


@contextmanager
def counted_statements(db: Session) -> Iterator[list[str]]:
    statements: list[str] = []
    engine = db.get_bind().engine

    def count(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", count)


def test_a_dashboard_run_takes_the_same_statements_for_ten_or_a_thousand_rows(
    db: Session, settings: Settings
) -> None:
    def run() -> int:
        with counted_statements(db) as statements:
            report(db, settings)
            dashboard.list_feedback(db, ADMIN, settings=settings, since=SINCE)
            dashboard.list_prices(db, ADMIN, settings=settings)
        return len(statements)

    add_logs(db, *(log(MONDAY + timedelta(hours=n % 300), user_name=f"u{n}") for n in range(10)))
    few = run()
    add_logs(db, *(log(MONDAY + timedelta(hours=n % 300), user_name=f"u{n}") for n in range(1000)))
    assert run() == few


def test_non_admins_are_refused_with_one_sentence(db: Session, settings: Settings) -> None:
    for call in (
        lambda: report_as(db, settings, ALICE),
        lambda: dashboard.list_feedback(db, ALICE, settings=settings),
        lambda: dashboard.list_prices(db, ALICE, settings=settings),
    ):
        with pytest.raises(PermissionDeniedError, match="for members of slidegen-admins only"):
            call()
    # Locally, without SLIDEGEN_ADMIN_GROUP, everyone is an admin; inside an app, nobody.
    local = Settings(DATABASE_URL="sqlite:///unused.db")
    assert report_as(db, local, ALICE).requests == 0
    in_app = Settings(DATABASE_URL="sqlite:///unused.db", DATABRICKS_APP_NAME="slidegen")
    with pytest.raises(PermissionDeniedError):
        report_as(db, in_app, ALICE)


def report_as(db: Session, settings: Settings, user: User):
    return dashboard.usage_report(db, user, settings=settings, start=START, end=END)


def test_requests_ending_at_once_each_count_in_the_shared_roll_ups(
    backend: str, databases: Any, settings: Settings
) -> None:
    """Requests that end together upsert the same day's, user's and latency bucket's rows:
    each of them must count (an upsert that read a stale row would lose one)."""
    database = Database(Settings(DATABASE_URL=databases.url(backend)))
    migrate.upgrade(database.engine)
    writers = 8
    together = threading.Barrier(writers)
    failures: list[BaseException] = []

    def end_request(number: int) -> None:
        try:
            with database.scope() as session:
                together.wait(timeout=30)  # all transactions open, then all write at once
                add_request_log(session, log(MONDAY, user_name=f"user{number % 3}@example.com"))
        except BaseException as exc:  # noqa: BLE001 - reported by the assertion below
            failures.append(exc)

    threads = [threading.Thread(target=end_request, args=(n,)) for n in range(writers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    try:
        assert not failures, failures
        with database.scope() as session:
            figures = dashboard.usage_report(
                session, ADMIN, settings=settings, start=START, end=END
            )
        monday = {d.day: d for d in figures.days}[date(2026, 1, 5)]
        assert (monday.decks, monday.active_users, figures.requests) == (writers, 3, writers)
    finally:
        database.dispose()


def test_a_log_and_its_roll_ups_are_one_statement_on_postgresql(backend: str, db: Session) -> None:
    """On PostgreSQL the row and its three upserts are one round trip (a data-modifying WITH);
    SQLite, in process, keeps the row's INSERT and three upserts."""
    db.execute(select(1))  # the test's savepoint is open: only the log's statements count
    with counted_statements(db) as statements:
        row = add_request_log(db, log(MONDAY, profile_name="default", first_slide_ms=100))
        db.flush()
    assert len(statements) == (1 if backend == "postgresql" else 4), statements
    stored = db.execute(select(RequestLog).where(RequestLog.id == row.id)).scalar_one()
    assert (stored.user_name, stored.first_slide_ms, stored.input_tokens) == (ALICE.name, 100, 1000)


def test_logs_written_one_by_one_roll_up_as_a_bulk_load_does(db: Session) -> None:
    """Each log's own write (one statement on PostgreSQL) leaves the same roll-ups as the bulk
    path (the migration's and the benchmark's load), conflicts and all."""
    rng = random.Random(6)
    for _ in range(120):
        failed = rng.random() < 0.3
        add_request_log(
            db,
            log(
                MONDAY + timedelta(hours=rng.randrange(60)),
                user_name=f"user{rng.randrange(4)}@example.com",
                profile_name=rng.choice(["default", "finance", None]),
                provider=rng.choice(["openai", None]),
                model=rng.choice(["gpt-fake", None]),
                kind=rng.choice(["generate", "edit", "export:pptx", "verify"]),
                status="error" if failed else "completed",
                error_class=rng.choice(["LLMTimeoutError", None]) if failed else None,
                first_slide_ms=rng.choice([None, rng.randrange(900, 1100)]),
                total_ms=rng.choice([None, rng.randrange(1, 5), rng.randrange(2000, 2300)]),
                input_tokens=rng.choice([None, rng.randrange(5000)]),
                output_tokens=rng.randrange(900),
            ),
        )
    db.flush()
    written = _stored_rollups(db)
    logs = [dict(row._mapping) for row in db.execute(select(*RequestLog.__table__.columns))]
    assert len(logs) == 120 and all(row["input_tokens"] is not None for row in logs)
    for model in ROLLUPS:
        db.execute(delete(model))
    roll_up_logs(db, logs)
    assert _stored_rollups(db) == written
    # The comparison compared conflicts: rows counted more than once, extremes kept.
    assert max(requests for *_, requests, _tokens_in, _tokens_out in written[UsageDay]) > 1
    assert any(low != high for *_, low, high in written[UsageLatency])


ROLLUPS = (UsageDay, UsageDayUser, UsageLatency)


def _stored_rollups(db: Session) -> dict[type, list[tuple[Any, ...]]]:
    found = {}
    for model in ROLLUPS:
        columns = [c for c in model.__table__.columns if c.key != "id"]
        found[model] = sorted(tuple(row) for row in db.execute(select(*columns)))
    return found
