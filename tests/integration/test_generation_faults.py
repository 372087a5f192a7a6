"""Generation faults, the session lock and the reaper, and the deck commands of the CLI.

On SQLite and PostgreSQL. Every failure must end with one clear message in
chat_requests.error_message and an assistant "error" message, a deck whose stored parts agree,
and a released session lock: the next request starts (and here, runs to completion). Fixtures
and helpers come from test_generation.py; the CLI runs as users run it, `python -m slidegen`
in a subprocess.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from concurrent.futures import Future
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, select, text, update
from sqlalchemy.engine import make_url

from slidegen.db.base import utcnow
from slidegen.db.models import ChatRequest, ConfigDataSource, SessionSlideDeck, UserSession
from slidegen.errors import ConflictError, InvalidInputError
from slidegen.services.decks import store as decks
from slidegen.services.generation import chat_requests as requests
from slidegen.services.generation.chat_requests import JOB_TIMEOUT, STALE_HEARTBEAT, RequestHandle
from slidegen.services.generation.engine import claim_request
from slidegen.services.jobs.pool import JobRunner
from tests.factories import make_profile
from tests.fakes.openai_server import FakeOpenAIServer, Reply, ToolCall
from tests.integration.test_generation import (
    ALICE,
    BARE_PROFILE,
    JOB_WAIT_S,
    SLIDE_CHARS,
    UNUSABLE_MLFLOW,
    FakeLLM,
    Workspace,
    assert_unlocked,
    chat_messages,
    deck_text,
    fake_llm_fixture,  # noqa: F401  (the `llm` fixture)
    generate,
    messages,
    request_row,
    run_job,
    session_row,
    show,
    start_edit,
    start_generation,
    stored_slide_count,
    titles,
    wait_until,
    workspace_fixture,  # noqa: F401  (the `ws` fixture)
)

ROOT = Path(__file__).resolve().parents[2]


def assert_failed_cleanly(ws: Workspace, handle: RequestHandle, fragment: str) -> ChatRequest:
    """The request failed with `fragment` in its message, and the session is usable again."""
    request = request_row(ws, handle.request_id)
    assert (request.status, request.progress_message) == ("error", "Failed")
    assert fragment in request.error_message
    assert request.completed_at is not None
    last = messages(ws, handle.session_id)[-1]
    assert (last.role, last.message_type, last.content) == (
        "assistant",
        "error",
        request.error_message,
    )
    assert_consistent_deck(ws, handle.session_id)
    row = session_row(ws, handle.session_id)
    assert (row.is_processing, row.processing_started_at) == (False, None)
    # The lock is free: the next request starts and runs (offline) to completion.
    again = start_generation(ws, session_id=handle.session_id, prompt="Try again: costs")
    assert run_job(ws, again).status == "completed"
    return request


def assert_consistent_deck(ws: Workspace, session_id: str) -> None:
    with ws.db.scope() as session:
        deck = session.scalar(
            select(SessionSlideDeck)
            .join(UserSession, UserSession.id == SessionSlideDeck.session_id)
            .where(UserSession.session_id == session_id)
        )
        if deck is not None:
            assert deck.slide_count == len(deck.deck_json["slides"])
            assert len({s["slide_id"] for s in deck.deck_json["slides"]}) == deck.slide_count


def start_with_timeout(ws: Workspace, timeout_s: float) -> RequestHandle:
    """Start a generation whose configuration snapshot has a tiny LLM timeout."""
    with ws.db.scope() as session:
        handle = requests.start_generation(
            session, ALICE, prompt="Slow model", profile_name=BARE_PROFILE
        )
        row = session.scalar(select(UserSession).where(UserSession.session_id == handle.session_id))
        config = dict(row.agent_config)
        config["ai_infra"] = {**config["ai_infra"], "llm_timeout_s": timeout_s}
        row.agent_config = config
    return handle


# -- faults ------------------------------------------------------------------------------------


def test_a_model_that_never_answers_times_out_after_the_retries(
    ws: Workspace, llm: FakeLLM
) -> None:
    llm.server.enqueue(Reply.slow(1.0), times=3)  # the first try and two retries
    handle = start_with_timeout(ws, 0.2)
    run_job(ws, handle, llm.settings)

    assert len(llm.server.chat_requests) == 3
    assert show(ws, handle.session_id).slides == []
    assert_failed_cleanly(ws, handle, "'gpt-fake' did not answer in time")


def test_a_server_error_then_an_answer_succeeds(ws: Workspace, llm: FakeLLM) -> None:
    llm.server.enqueue(Reply.error(500, retry_after_ms=10), Reply.text(deck_text(2)))
    handle = start_generation(ws, profile_name=BARE_PROFILE)
    request = run_job(ws, handle, llm.settings)

    assert (request.status, request.error_message) == ("completed", None)
    assert len(llm.server.chat_requests) == 2
    assert titles(show(ws, handle.session_id)) == ["Slide 01", "Slide 02"]


def test_a_stream_cut_after_two_slides_keeps_them_in_an_incomplete_save_point(
    ws: Workspace, llm: FakeLLM
) -> None:
    # One slide per chunk; the connection drops after the second.
    llm.server.enqueue(Reply.truncated(deck_text(4), after_chunks=2, chunk_size=SLIDE_CHARS))
    handle = start_generation(ws, profile_name=BARE_PROFILE)
    run_job(ws, handle, llm.settings)

    detail = show(ws, handle.session_id)
    assert titles(detail) == ["Slide 01", "Slide 02"]
    assert [(v.version_number, v.description, v.slide_count) for v in detail.versions] == [
        (1, "Generated 2 slides (incomplete)", 2)
    ]
    assert_failed_cleanly(ws, handle, "broke off mid-answer")


def test_an_answer_without_slides_fails_and_stores_no_deck(ws: Workspace, llm: FakeLLM) -> None:
    llm.server.enqueue(Reply.text("I would rather not make slides about that.", usage=(40, 9)))
    handle = start_generation(ws, profile_name=BARE_PROFILE)
    run_job(ws, handle, llm.settings)

    detail = show(ws, handle.session_id)
    assert (detail.slides, detail.version, detail.versions) == ([], 0, [])
    request = assert_failed_cleanly(ws, handle, "answered without any slides")
    assert (request.prompt_tokens, request.completion_tokens) == (40, 9)


def test_failing_queries_reach_the_model_as_errors_and_the_deck_is_still_written(
    ws: Workspace, llm: FakeLLM
) -> None:
    llm.server.enqueue(
        Reply.tool_calls(
            [
                ToolCall("sample_consumption", {"query": "SELECT nope FROM workspace_consumption"}),
                ToolCall("sample_consumption", {"query": "DELETE FROM workspace_consumption"}),
            ]
        ),
        Reply.text(deck_text(2)),
    )
    handle = start_generation(ws)  # the default profile and its sample SQL source
    request = run_job(ws, handle, llm.settings)

    assert (request.status, request.error_message) == ("completed", None)
    missing_column, forbidden = (m["content"] for m in chat_messages(llm.server, 1)[3:])
    assert missing_column.startswith("Tool error: The query failed: no such column: nope")
    assert forbidden.startswith("Tool error: Query rejected: the query must start with SELECT")
    assert missing_column.endswith("Do not invent the missing data; say it is unavailable.")
    tools = [m for m in messages(ws, handle.session_id) if m.role == "tool"]
    assert [m.metadata["error"].split(":")[0] for m in tools] == [
        "The query failed",
        "Query rejected",
    ]
    assert titles(show(ws, handle.session_id)) == ["Slide 01", "Slide 02"]


def test_an_unreachable_data_source_is_a_tool_error_not_a_failed_request(
    ws: Workspace, llm: FakeLLM, tmp_path: Path
) -> None:
    with ws.db.scope() as session:
        profile = make_profile()
        missing = tmp_path / "gone" / "warehouse.db"
        profile.data_sources.append(ConfigDataSource(name="warehouse", url=f"sqlite:///{missing}"))
        session.add(profile)
        session.flush()
        name = profile.name
    llm.server.enqueue(
        Reply.tool_calls([ToolCall("warehouse", {"query": "SELECT 1 AS one"})]),
        Reply.text(deck_text(2)),
    )
    handle = start_generation(ws, profile_name=name)
    request = run_job(ws, handle, llm.settings)

    assert (request.status, request.error_message) == ("completed", None)
    reply = chat_messages(llm.server, 1)[-1]["content"]
    assert reply.startswith("Tool error: The query failed: unable to open database file")


def test_an_edit_naming_an_unknown_slide_changes_nothing(ws: Workspace, llm: FakeLLM) -> None:
    llm.server.enqueue(Reply.text(deck_text(3)))
    handle = generate(ws, llm.settings, profile_name=BARE_PROFILE)
    before = show(ws, handle.session_id)
    ids = [s.slide_id for s in before.slides]

    with pytest.raises(InvalidInputError, match=r"Unknown slide id\(s\): s-nothere\."):
        start_edit(ws, session_id=handle.session_id, instruction="Shorter", slide_ids=["s-nothere"])
    assert show(ws, handle.session_id) == before  # no request was even queued

    ghost = (
        '<section class="slide" data-op="replace" data-slide-id="s-ghost001"><h1>New</h1></section>'
    )
    llm.server.enqueue(Reply.text(ghost))
    edit = start_edit(ws, session_id=handle.session_id, instruction="Retitle it", slide_numbers=[2])
    run_job(ws, edit, llm.settings)

    after = show(ws, handle.session_id)
    assert (after.slides, after.version, after.versions) == (
        before.slides,
        before.version,
        before.versions,
    )
    # Decision 6: the model saw the outline and only the selected slide's HTML.
    asked = chat_messages(llm.server, 1)[1]["content"]
    assert f"1. [{ids[0]}] Slide 01\n2. [{ids[1]}] Slide 02\n3. [{ids[2]}] Slide 03" in asked
    assert f'data-slide-id="{ids[1]}"' in asked
    assert "Point 02" in asked and "Point 01" not in asked and "Point 03" not in asked
    assert_failed_cleanly(ws, edit, "not in the deck (s-ghost001); nothing was changed")


# -- the session lock and the reaper -----------------------------------------------------------


def test_a_second_generation_on_a_processing_session_is_refused(ws: Workspace) -> None:
    handle = start_generation(ws)
    with pytest.raises(ConflictError, match="already generating"):
        start_generation(ws, session_id=handle.session_id, prompt="Again")
    assert run_job(ws, handle).status == "completed"
    again = start_generation(ws, session_id=handle.session_id, prompt="Again")
    assert run_job(ws, again).status == "completed"
    assert [v.version_number for v in show(ws, handle.session_id).versions] == [2, 1]


def _age_lock(ws: Workspace, session_id: str, age: timedelta) -> None:
    with ws.db.scope() as session:
        session.execute(
            update(UserSession)
            .where(UserSession.session_id == session_id)
            .values(is_processing=True, processing_started_at=utcnow() - age)
        )


def test_a_lock_older_than_the_job_timeout_is_taken_over(ws: Workspace) -> None:
    handle = start_generation(ws)
    _age_lock(ws, handle.session_id, JOB_TIMEOUT - timedelta(minutes=1))
    with pytest.raises(ConflictError, match="already generating"):
        start_generation(ws, session_id=handle.session_id, prompt="Too early")

    _age_lock(ws, handle.session_id, JOB_TIMEOUT + timedelta(minutes=1))
    before = utcnow()
    taken = start_generation(ws, session_id=handle.session_id, prompt="Taken over")
    row = session_row(ws, handle.session_id)
    assert row.is_processing is True and row.processing_started_at >= before
    assert run_job(ws, taken).status == "completed"
    assert_unlocked(ws, handle.session_id)


def _claimed_by_another_replica(ws: Workspace) -> RequestHandle:
    handle = start_generation(ws)
    assert claim_request(ws.db, handle.request_id, "replica-b") is not None
    return handle


def _age_heartbeat(ws: Workspace, handle: RequestHandle, age: timedelta) -> None:
    with ws.db.scope() as session:
        session.execute(
            update(ChatRequest)
            .where(ChatRequest.request_id == handle.request_id)
            .values(heartbeat_at=utcnow() - age)
        )


def test_the_reaper_fails_silent_jobs_and_leaves_live_ones_alone(ws: Workspace) -> None:
    dead = _claimed_by_another_replica(ws)
    live = _claimed_by_another_replica(ws)
    _age_heartbeat(ws, dead, STALE_HEARTBEAT + timedelta(seconds=5))
    _age_heartbeat(ws, live, STALE_HEARTBEAT - timedelta(seconds=10))

    with ws.db.scope() as session:
        assert requests.reap_stale_requests(session) == 1

    reaped = request_row(ws, dead.request_id)
    assert reaped.status == "error" and reaped.completed_at is not None
    assert "stopped unexpectedly" in reaped.error_message
    assert_unlocked(ws, dead.session_id)
    alive = request_row(ws, live.request_id)
    assert (alive.status, alive.error_message, alive.worker_id) == ("running", None, "replica-b")
    assert session_row(ws, live.session_id).is_processing is True
    # The freed session takes new work; the live one stays busy.
    assert run_job(ws, start_generation(ws, session_id=dead.session_id)).status == "completed"
    with pytest.raises(ConflictError):
        start_generation(ws, session_id=live.session_id)


def test_a_unit_of_work_can_write_after_another_one_committed(ws: Workspace) -> None:
    busy = generate(ws)
    idle = generate(ws)
    failures: list[BaseException] = []

    def job_stores_progress() -> None:
        try:
            with ws.db.scope() as worker:
                worker.execute(
                    update(ChatRequest)
                    .where(ChatRequest.request_id == busy.request_id)
                    .values(progress_message="Wrote slide 1", heartbeat_at=utcnow())
                )
        except BaseException as exc:
            failures.append(exc)

    job = threading.Thread(target=job_stores_progress)
    with ws.db.scope() as page:
        before = decks.show_session(page, ALICE, session_id=idle.session_id)  # the page reads
        job.start()  # meanwhile a job commits progress of another session
        job.join(timeout=1)  # (an engine that serialises writers makes it wait for the page)
        handle = requests.start_edit(  # then the page writes
            page, ALICE, session_id=idle.session_id, instruction="delete it", slide_numbers=[2]
        )
    job.join(timeout=JOB_WAIT_S)
    assert (job.is_alive(), failures) == (False, [])
    assert request_row(ws, busy.request_id).progress_message == "Wrote slide 1"
    assert run_job(ws, handle).status == "completed"
    assert len(show(ws, idle.session_id).slides) == len(before.slides) - 1


# -- the database connection drops mid-generation (PostgreSQL) ---------------------------------


@pytest.fixture
def admin(ws: Workspace, pg_admin_url: str) -> Iterator[Engine]:
    if ws.backend == "sqlite":
        pytest.skip("SQLite is an embedded file: there is no server connection to drop")
    engine = create_engine(pg_admin_url, isolation_level="AUTOCOMMIT")
    yield engine
    engine.dispose()


def drop_connections(admin: Engine, database: str) -> int:
    with admin.connect() as connection:
        return len(
            connection.execute(
                text(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                    "WHERE datname = :name AND pid <> pg_backend_pid()"
                ),
                {"name": database},
            ).all()
        )


def allow_connections(admin: Engine, database: str, allowed: bool) -> None:
    with admin.connect() as connection:
        connection.execute(text(f'ALTER DATABASE "{database}" ALLOW_CONNECTIONS {allowed}'))


@dataclass
class HeldStream:
    """A generation whose first slide is stored while the model's stream is held open."""

    handle: RequestHandle
    gate: threading.Event
    runner: JobRunner
    future: Future[None]


def hold_stream_after_first_slide(ws: Workspace, llm: FakeLLM) -> HeldStream:
    gate = threading.Event()
    llm.server.enqueue(Reply.text(deck_text(3), chunk_size=SLIDE_CHARS, gate=gate))
    handle = start_generation(ws, profile_name=BARE_PROFILE)
    runner = JobRunner(ws.db, llm.settings, max_workers=1)
    held = HeldStream(handle, gate, runner, runner.submit(handle.request_id))
    wait_until(lambda: stored_slide_count(ws, handle.session_id) == 1)
    return held


def test_connections_dropped_mid_generation_are_replaced(
    ws: Workspace, llm: FakeLLM, admin: Engine
) -> None:
    held = hold_stream_after_first_slide(ws, llm)
    try:
        assert drop_connections(admin, make_url(ws.url).database) >= 1
    finally:
        held.gate.set()
        held.future.result(timeout=JOB_WAIT_S)
        held.runner.shutdown()

    assert request_row(ws, held.handle.request_id).status == "completed"
    assert titles(show(ws, held.handle.session_id)) == ["Slide 01", "Slide 02", "Slide 03"]
    assert session_row(ws, held.handle.session_id).is_processing is False


def test_a_database_outage_mid_generation_is_reaped_and_the_lock_freed(
    ws: Workspace, llm: FakeLLM, admin: Engine
) -> None:
    name = make_url(ws.url).database
    held = hold_stream_after_first_slide(ws, llm)
    try:
        allow_connections(admin, name, False)
        drop_connections(admin, name)
        held.gate.set()
        held.future.result(timeout=JOB_WAIT_S)  # the worker gives up recording the failure
    finally:
        held.gate.set()
        allow_connections(admin, name, True)
        held.runner.shutdown()

    stuck = request_row(ws, held.handle.request_id)
    assert (stuck.status, stuck.error_message) == ("running", None)
    assert session_row(ws, held.handle.session_id).is_processing is True
    # Time passes without heartbeats; the next request on the session reaps the dead job.
    with ws.db.scope() as session:
        session.execute(
            update(ChatRequest)
            .where(ChatRequest.request_id == held.handle.request_id)
            .values(heartbeat_at=utcnow() - STALE_HEARTBEAT - timedelta(seconds=1))
        )
    again = start_generation(ws, session_id=held.handle.session_id, prompt="After the outage")
    reaped = request_row(ws, held.handle.request_id)
    assert reaped.status == "error" and "stopped unexpectedly" in reaped.error_message
    assert stored_slide_count(ws, held.handle.session_id) == 1  # what the user saw is kept
    assert_consistent_deck(ws, held.handle.session_id)
    assert run_job(ws, again).status == "completed"


# -- the command line --------------------------------------------------------------------------

CLI_PROMPT = "Cloud cost review: monthly trend, SKU mix and next steps"


@dataclass
class Ran:
    returncode: int
    stdout: str
    stderr: str


@dataclass
class CliRuns:
    generate: Ran
    edit: Ran
    show: Ran
    unknown_session: Ran
    unknown_slide: Ran
    rejected_key: Ran


def _environment(ws: Workspace, **extra: str) -> dict[str, str]:
    """The process environment without the developer's Slidegen, Databricks or MLflow setup."""
    prefixes = ("SLIDEGEN_", "DATABRICKS_", "OPENAI_", "MLFLOW_", "LAKEBASE_", "PG")
    clean = {k: v for k, v in os.environ.items() if not k.startswith(prefixes)}
    return clean | {
        "PYTHONPATH": str(ROOT),
        "DATABASE_URL": ws.url,
        "SLIDEGEN_USER": ALICE.name,
        "MLFLOW_TRACKING_URI": UNUSABLE_MLFLOW,
        **extra,
    }


def _spawn(ws: Workspace, cwd: Path, *args: str, **env: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "slidegen", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=cwd,
        env={k: v for k, v in _environment(ws, **env).items() if v},
    )


def _wait(process: subprocess.Popen[str]) -> Ran:
    stdout, stderr = process.communicate(timeout=120)
    return Ran(process.returncode, stdout, stderr)


def _rejected_requests(ws: Workspace) -> int:
    with ws.db.scope() as session:
        found = session.scalars(
            select(ChatRequest.id).where(ChatRequest.error_message.contains("(HTTP 401)"))
        )
        return len(found.all())


@pytest.fixture(scope="module")
def cli(ws: Workspace, tmp_path_factory: pytest.TempPathFactory) -> Iterator[CliRuns]:
    """Run the deck commands once per backend (each takes 2-4 s, mostly imports).

    Commands that only read run beside one that writes; two writers never overlap, because
    concurrent writers on SQLite fail (see test_generation.py).
    """
    cwd = tmp_path_factory.mktemp("cli")
    # MLflow as configured by default on a laptop: ./mlflow.db in the working directory.
    mlflow_cwd = tmp_path_factory.getbasetemp() / "cli-default-mlflow"
    mlflow_cwd.mkdir(exist_ok=True)
    with FakeOpenAIServer() as server:
        server.default_reply = Reply.error(401)
        rejected = _spawn(
            ws,
            mlflow_cwd,
            "generate",
            CLI_PROMPT,
            "--json",
            MLFLOW_TRACKING_URI="",
            SLIDEGEN_LLM_PROVIDER="openai",
            SLIDEGEN_LLM_BASE_URL=server.openai_base_url,
            SLIDEGEN_LLM_MODEL="gpt-fake",
            SLIDEGEN_LLM_API_KEY="sk-wrong-key-123456",
        )
        unknown = _spawn(ws, cwd, "edit", "0123456789abcdef", "Shorter", "--json")
        # Its database writes are over once the failure is recorded; its trace export is not.
        known = _rejected_requests(ws)
        wait_until(lambda: _rejected_requests(ws) > known or rejected.poll() is not None, 60)
        generated = _wait(_spawn(ws, cwd, "generate", CLI_PROMPT, "--json"))
        session_id = json.loads(generated.stdout)["session_id"]
        instruction = 'retitle it "Plan for today"'
        edit = _wait(_spawn(ws, cwd, "edit", session_id, instruction, "--slides", "2", "--json"))
        # An edit of a running deck is refused as "already generating", so this one waits.
        too_far = _spawn(ws, cwd, "edit", session_id, "Shorter", "--slides", "99", "--json")
        shown = _wait(_spawn(ws, cwd, "show", session_id, "--json"))
        yield CliRuns(generated, edit, shown, _wait(unknown), _wait(too_far), _wait(rejected))


def assert_one_sentence_failure(ran: Ran, fragment: str) -> None:
    assert ran.returncode != 0
    assert "Traceback" not in ran.stderr
    assert fragment in ran.stderr
    lines = [line for line in ran.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, ran.stderr


def test_cli_generate_prints_the_deck_as_one_json_object(cli: CliRuns) -> None:
    assert cli.generate.returncode == 0, cli.generate.stderr
    deck = json.loads(cli.generate.stdout)
    assert {"session_id", "title", "version", "slides"} <= deck.keys()
    assert deck["title"] == "Cloud cost review"  # the request's subject
    assert len(deck["slides"]) >= 5
    for slide in deck["slides"]:
        assert {"slide_id", "html", "notes", "charts"} <= slide.keys()
        assert "<script" not in slide["html"]
    charts = [c["type"] for s in deck["slides"] for c in s["charts"]]
    assert charts == ["column", "stacked", "bar"]


def test_cli_edit_changes_only_the_selected_slide_and_show_agrees(cli: CliRuns) -> None:
    assert cli.edit.returncode == 0, cli.edit.stderr
    before, after = json.loads(cli.generate.stdout), json.loads(cli.edit.stdout)
    assert after["session_id"] == before["session_id"]
    assert after["version"] > before["version"]
    assert [s["slide_id"] for s in after["slides"]] == [s["slide_id"] for s in before["slides"]]
    assert "<h1>Plan for today</h1>" in after["slides"][1]["html"]
    assert after["slides"][:1] + after["slides"][2:] == before["slides"][:1] + before["slides"][2:]
    assert cli.show.returncode == 0, cli.show.stderr
    assert json.loads(cli.show.stdout) == after


def test_cli_edit_of_an_unknown_session_or_slide_is_one_sentence(cli: CliRuns) -> None:
    assert_one_sentence_failure(
        cli.unknown_session, "Deck 0123456789abcdef does not exist or you don't have access"
    )
    slides = len(json.loads(cli.generate.stdout)["slides"])
    assert_one_sentence_failure(
        cli.unknown_slide, f"Slide 99 does not exist; the deck has {slides} slides."
    )
    assert cli.unknown_session.stdout == cli.unknown_slide.stdout == ""


def test_cli_generate_with_a_rejected_key_exits_with_the_auth_message(cli: CliRuns) -> None:
    ran = cli.rejected_key
    assert_one_sentence_failure(
        ran, "error: The model endpoint 'gpt-fake' rejected the credentials (HTTP 401)."
    )
    assert "sk-wrong-key" not in ran.stderr + ran.stdout
    assert ran.stdout == ""
