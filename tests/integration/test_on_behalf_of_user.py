"""On-behalf-of-user data access: the forwarded token reaches Genie, and nothing keeps it.

A request is started as the Chat page starts it, then run on a JobRunner with the token the
proxy forwarded (`submit(..., user_token=...)`), through the real databricks-sdk against the
fake Genie server, whose space only Alice may read.
"""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from sqlalchemy import select

from slidegen.db.base import Base
from slidegen.services.jobs import JobRunner
from tests.fakes.genie_server import FakeGenieServer
from tests.fakes.openai_server import Reply, ToolCall
from tests.integration.test_generation import (
    ALICE,
    JOB_WAIT_S,
    USAGE,
    FakeLLM,
    Workspace,
    _genie_profile,
    _isolate_databricks_env,
    deck_text,
    fake_llm_fixture,  # noqa: F401  (the `llm` fixture)
    messages,
    request_row,
    start_generation,
    workspace_fixture,  # noqa: F401  (the `ws` fixture)
)

APP_TOKEN = "dapi-app-service-principal"
ALICE_TOKEN = "dapi-alice-own-token-7f3a"


def _run(ws: Workspace, llm: FakeLLM, genie: FakeGenieServer, token: str | None) -> list:
    settings = ws.settings_with(**llm.env, DATABRICKS_HOST=genie.url, DATABRICKS_TOKEN=APP_TOKEN)
    llm.server.enqueue(
        Reply.tool_calls([ToolCall("query_genie_usage", {"question": "DBUs per month?"})]),
        Reply.text(deck_text(2)),
    )
    handle = start_generation(ws, prompt="Usage review", profile_name="genie-obo")
    runner = JobRunner(ws.db, settings, max_workers=1)
    try:
        runner.submit(handle.request_id, user_token=token).result(timeout=JOB_WAIT_S)
    finally:
        runner.shutdown()
    assert request_row(ws, handle.request_id).status == "completed"
    return [m for m in messages(ws, handle.session_id) if m.role == "tool"]


def _stored_text(ws: Workspace) -> str:
    """Every row of every table, as text."""
    with ws.db.scope() as session:
        return "\n".join(
            repr(row)
            for table in Base.metadata.sorted_tables
            for row in session.execute(select(table))
        )


def test_genie_runs_with_the_forwarded_user_token_which_is_never_stored_or_logged(
    ws: Workspace,
    llm: FakeLLM,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    _isolate_databricks_env(monkeypatch, tmp_path)
    caplog.set_level(logging.DEBUG)
    with FakeGenieServer(token=APP_TOKEN) as genie:
        genie.add_user(ALICE_TOKEN, ALICE.name, ["analysts"])
        genie.set_space("space-usage", USAGE, only_users=(ALICE.name,))
        _genie_profile(ws, "genie-obo")

        tools = _run(ws, llm, genie, ALICE_TOKEN)
        assert tools[0].metadata["error"] is None, tools[0].metadata["error"]
        assert tools[0].metadata["row_count"] == 3
        calls = genie.genie_requests()
        assert calls and {r.authorization for r in calls} == {f"Bearer {ALICE_TOKEN}"}

        # Without the user's token the app's own identity is used, and it may not read the space.
        genie.requests.clear()
        tools = _run(ws, llm, genie, None)
        assert "do not have access" in (tools[0].metadata["error"] or "")
        assert {r.authorization for r in genie.genie_requests()} == {f"Bearer {APP_TOKEN}"}

    assert ALICE_TOKEN not in _stored_text(ws)
    assert ALICE_TOKEN not in caplog.text
    # The model (the app's service principal) never sees the user's token either.
    assert all(ALICE_TOKEN not in str(r.body) for r in llm.server.requests)
