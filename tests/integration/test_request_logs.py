"""Request logs: one row per generate, edit, export and failed request, on both databases.

Requests run as in the app (start in one unit of work, a JobRunner runs the job); the model is
the real openai client against the fake server. Fixtures come from test_generation.py.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import event, select, update
from sqlalchemy.orm import Session

from slidegen.db.base import utcnow
from slidegen.db.models import RequestLog, UsageDay, UsageDayUser, UserSession
from slidegen.services.exports import jobs as export
from slidegen.services.generation import engine
from slidegen.services.jobs.pool import JobRunner
from slidegen.services.usage import request_logs
from slidegen.services.usage.request_logs import add_request_log, purge_request_logs
from slidegen.services.usage.rollups import utc_day
from tests.fakes.openai_server import Reply
from tests.integration.test_generation import (
    ALICE,
    BARE_PROFILE,
    MODEL,
    FakeLLM,
    Workspace,
    deck_text,
    fake_llm_fixture,  # noqa: F401  (the `llm` fixture)
    run_job,
    show,
    start_edit,
    start_generation,
    workspace_fixture,  # noqa: F401  (the `ws` fixture)
)

PROMPT = "Quarterly review " + "x" * 300 + " [secret plan](https://evil.example/a.png)"


def log_of(ws: Workspace, request_id: str) -> RequestLog:
    with ws.db.scope() as session:
        rows = session.scalars(select(RequestLog).where(RequestLog.request_id == request_id)).all()
        assert len(rows) == 1, f"expected one log row, found {len(rows)}"
        return rows[0]


def test_a_generation_writes_one_log_row_with_timings_tokens_and_no_prompt(
    ws: Workspace, llm: FakeLLM
) -> None:
    llm.server.enqueue(Reply.text(deck_text(3), usage=(120, 45)))
    handle = start_generation(ws, prompt=PROMPT, profile_name=BARE_PROFILE)
    request = run_job(ws, handle, llm.settings)

    log = log_of(ws, handle.request_id)
    assert request.status == "completed"
    assert (log.kind, log.status, log.error_class) == ("generate", "completed", None)
    assert (log.user_name, log.session_id, log.profile_name) == (
        ALICE.name,
        handle.session_id,
        BARE_PROFILE,
    )
    assert (log.provider, log.model) == ("openai", MODEL)
    assert (log.input_tokens, log.output_tokens, log.tool_calls, log.slides) == (120, 45, 0, 3)
    assert log.queue_wait_ms is not None and log.queue_wait_ms >= 0
    assert log.first_slide_ms is not None and log.total_ms is not None
    assert log.queue_wait_ms <= log.first_slide_ms <= log.total_ms
    # Measured from the request's stored times (the claim's, carried to the end).
    assert log.queue_wait_ms == ms(request.started_at - request.created_at)
    assert log.total_ms == ms(log.finished_at - request.created_at)
    assert log.prompt_excerpt is None  # no prompt text unless the setting asks for it
    # The row commits with the request's result: it is as old as the request's end.
    assert abs((log.finished_at - request.completed_at).total_seconds()) < 5


def ms(delta: timedelta) -> int:
    return max(0, round(delta.total_seconds() * 1000))


@contextmanager
def closing_statements(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[list[str]]]:
    """The statements of each request's closing write (its UPDATE and its log), as the job runs
    it; what the transaction wrote before is flushed first and not counted."""
    monkeypatch.setattr(request_logs, "_last_purge", [time.monotonic()])  # no hourly purge now
    closings: list[list[str]] = []
    close = engine._close_request

    def counted(session: Session, *args: Any, **kwargs: Any) -> None:
        session.flush()
        statements: list[str] = []
        connection = session.connection()  # this transaction's only (not the heartbeat's)

        def count(conn: Any, cursor: Any, statement: str, *rest: Any) -> None:
            statements.append(statement)

        event.listen(connection, "before_cursor_execute", count)
        try:
            close(session, *args, **kwargs)
            session.flush()  # SQLite writes the log row itself at the flush
        finally:
            event.remove(connection, "before_cursor_execute", count)
        closings.append(statements)

    monkeypatch.setattr(engine, "_close_request", counted)
    yield closings


def test_closing_a_request_writes_its_log_without_reading_the_request_back(
    ws: Workspace, llm: FakeLLM, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The claim's times travel with the job: closing a request (generated, edited or failed)
    is its UPDATE and its log, one statement on PostgreSQL (the row's INSERT and three upserts
    on SQLite), with no read of the request."""
    llm.server.enqueue(Reply.text(deck_text(2)))
    with closing_statements(monkeypatch) as closings:
        handle = start_generation(ws, profile_name=BARE_PROFILE)
        done = run_job(ws, handle, llm.settings)
        first = show(ws, handle.session_id).slides[0].slide_id
        llm.server.enqueue(
            Reply.text(f'<section class="slide" data-slide-id="{first}"><h1>New</h1></section>')
        )
        edit = start_edit(
            ws, session_id=handle.session_id, instruction="retitle", slide_ids=[first]
        )
        edited = run_job(ws, edit, llm.settings)
        llm.server.enqueue(Reply.text("No slides today."))
        failed = run_job(ws, start_generation(ws, profile_name=BARE_PROFILE), llm.settings)
    assert (done.status, edited.status, failed.status) == ("completed", "completed", "error")
    expected = 2 if ws.backend == "postgresql" else 5
    assert [len(statements) for statements in closings] == [expected] * 3, closings
    for statements in closings:
        assert not [s for s in statements if s.lstrip().upper().startswith("SELECT")], statements
    for request in (done, edited, failed):
        log = log_of(ws, request.request_id)
        assert isinstance(request.started_at, datetime)
        assert log.queue_wait_ms == ms(request.started_at - request.created_at)


def test_an_edit_is_logged_as_an_edit_with_the_slides_it_produced(
    ws: Workspace, llm: FakeLLM
) -> None:
    llm.server.enqueue(Reply.text(deck_text(2)))
    handle = start_generation(ws, profile_name=BARE_PROFILE)
    run_job(ws, handle, llm.settings)
    first = show(ws, handle.session_id).slides[0].slide_id
    replacement = f'<section class="slide" data-slide-id="{first}"><h1>New</h1></section>'
    llm.server.enqueue(Reply.text(replacement, usage=(30, 12)))
    edit = start_edit(ws, session_id=handle.session_id, instruction="retitle", slide_ids=[first])
    run_job(ws, edit, llm.settings)

    log = log_of(ws, edit.request_id)
    assert (log.kind, log.status, log.slides) == ("edit", "completed", 1)
    assert (log.input_tokens, log.output_tokens) == (30, 12)


def test_a_failed_request_is_logged_with_its_error_class(ws: Workspace, llm: FakeLLM) -> None:
    llm.server.enqueue(Reply.text("No slides today.", usage=(40, 9)))
    handle = start_generation(ws, profile_name=BARE_PROFILE)
    request = run_job(ws, handle, llm.settings)

    log = log_of(ws, handle.request_id)
    assert request.status == "error"
    assert (log.status, log.error_class, log.slides) == ("error", "SlidegenError", 0)
    assert (log.input_tokens, log.output_tokens, log.first_slide_ms) == (40, 9, None)


def test_a_model_error_is_logged_with_the_providers_error_class(
    ws: Workspace, llm: FakeLLM
) -> None:
    llm.server.enqueue(Reply.error(401, "bad key"))
    handle = start_generation(ws, profile_name=BARE_PROFILE)
    run_job(ws, handle, llm.settings)

    log = log_of(ws, handle.request_id)
    assert log.status == "error"
    assert log.error_class not in (None, "SlidegenError", "Error")
    assert log.error_class.endswith("Error")


def test_the_first_200_characters_of_the_prompt_only_when_the_setting_is_on(
    ws: Workspace, llm: FakeLLM
) -> None:
    llm.server.enqueue(Reply.text(deck_text(1)))
    handle = start_generation(ws, prompt=PROMPT, profile_name=BARE_PROFILE)
    run_job(ws, handle, ws.settings_with(**llm.env, SLIDEGEN_LOG_PROMPTS="true"))

    assert log_of(ws, handle.request_id).prompt_excerpt == PROMPT[:200]


def _export(ws: Workspace, session_id: str, fmt: str) -> str:
    with ws.db.scope() as session:
        job = export.start_export(session, ALICE, session_id=session_id, format=fmt)
    runner = JobRunner(ws.db, ws.settings, max_workers=1)
    try:
        runner.submit_export(job.job_id).result(timeout=60)
    finally:
        runner.shutdown()
    return job.job_id


def test_exports_are_logged_per_format_and_a_failed_one_with_its_class(
    ws: Workspace, llm: FakeLLM
) -> None:
    llm.server.enqueue(Reply.text(deck_text(2)))
    handle = start_generation(ws, profile_name=BARE_PROFILE)
    run_job(ws, handle, llm.settings)

    pptx, html = _export(ws, handle.session_id, "pptx"), _export(ws, handle.session_id, "html")
    for job_id, kind in ((pptx, "export:pptx"), (html, "export:html")):
        log = log_of(ws, job_id)
        assert (log.kind, log.status, log.slides, log.user_name) == (
            kind,
            "completed",
            2,
            ALICE.name,
        )
        assert (log.profile_name, log.session_id) == (BARE_PROFILE, handle.session_id)
        assert log.total_ms is not None and log.total_ms >= 0

    with ws.db.scope() as session:  # the deck disappears between the request and the job
        job = export.start_export(session, ALICE, session_id=handle.session_id, format="pptx")
        session.execute(
            update(UserSession)
            .where(UserSession.session_id == handle.session_id)
            .values(session_id="gone-" + handle.session_id[:10])
        )
    runner = JobRunner(ws.db, ws.settings, max_workers=1)
    try:
        runner.submit_export(job.job_id).result(timeout=60)
    finally:
        runner.shutdown()
    log = log_of(ws, job.job_id)
    assert (log.kind, log.status, log.error_class) == ("export:pptx", "error", "NotFoundError")


def test_logs_older_than_the_retention_are_purged(ws: Workspace) -> None:
    now = utcnow()
    with ws.db.scope() as session:
        for age_days, request_id in ((200, "old-purge"), (10, "recent-purge")):
            add_request_log(
                session,
                RequestLog(
                    finished_at=now - timedelta(days=age_days),
                    request_id=request_id,
                    user_name=ALICE.name,
                    kind="generate",
                    status="completed",
                    input_tokens=0,
                    output_tokens=0,
                    tool_calls=0,
                    slides=0,
                ),
            )
    with ws.db.scope() as session:
        assert purge_request_logs(session, retention_days=180, now=now) >= 1
    with ws.db.scope() as session:
        left = set(session.scalars(select(RequestLog.request_id)).all())
        days = set(session.scalars(select(UsageDay.day)).all())
        user_days = set(session.scalars(select(UsageDayUser.day)).all())
    assert "recent-purge" in left and "old-purge" not in left
    # The dashboard's roll-ups of those days go with them; the recent ones stay.
    old_day, recent_day = (utc_day(now - timedelta(days=d)) for d in (200, 10))
    assert old_day not in days and old_day not in user_days
    assert recent_day in days and recent_day in user_days
