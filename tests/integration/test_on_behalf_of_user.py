"""On-behalf-of-user data access: the forwarded token reaches Genie and Databricks SQL, and
nothing keeps it.

A request is started as the Chat page starts it, then run on a JobRunner with the token the
proxy forwarded (`submit(..., user_token=...)`), through the real databricks-sdk against the
fake workspace, whose Genie space and `salaries` table only Alice may read.
"""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from sqlalchemy import select

from slidegen.db.base import Base
from slidegen.db.models import ConfigDataSource
from slidegen.services.jobs.pool import JobRunner
from tests.factories import make_profile
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
from tests.integration.test_warehouse_tool import WAREHOUSE, add_sales_tables

APP_TOKEN = "dapi-app-service-principal"
ALICE_TOKEN = "dapi-alice-own-token-7f3a"


GENIE_CALL = ToolCall("query_genie_usage", {"question": "DBUs per month?"})
SQL_CALL = ToolCall("finance", {"query": "SELECT team, headcount FROM salaries"})


def _run(
    ws: Workspace,
    llm: FakeLLM,
    genie: FakeGenieServer,
    token: str | None,
    call: ToolCall = GENIE_CALL,
    profile: str = "genie-obo",
) -> list:
    settings = ws.settings_with(**llm.env, DATABRICKS_HOST=genie.url, DATABRICKS_TOKEN=APP_TOKEN)
    llm.server.enqueue(Reply.tool_calls([call]), Reply.text(deck_text(2)))
    handle = start_generation(ws, prompt="Usage review", profile_name=profile)
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


def test_sql_runs_with_the_forwarded_user_token_which_is_never_stored_or_logged(
    ws: Workspace,
    llm: FakeLLM,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    _isolate_databricks_env(monkeypatch, tmp_path)
    caplog.set_level(logging.DEBUG)
    with FakeGenieServer(token=APP_TOKEN) as workspace:
        add_sales_tables(workspace, ALICE_TOKEN)
        with ws.db.scope() as session:
            profile = make_profile("sql-obo")
            url = f"databricks-sql://{WAREHOUSE}/main/sales"
            profile.data_sources.append(ConfigDataSource(name="finance", url=url))
            session.add(profile)

        tools = _run(ws, llm, workspace, ALICE_TOKEN, SQL_CALL, "sql-obo")
        assert tools[0].metadata["error"] is None, tools[0].metadata["error"]
        assert tools[0].metadata["row_count"] == 1
        # The schema read for the model and the query itself both ran as Alice.
        assert len(workspace.sql_requests()) == 2
        assert {r.authorization for r in workspace.sql_requests()} == {f"Bearer {ALICE_TOKEN}"}
        [spec] = llm.server.chat_requests[-2].body["tools"]
        assert "salaries(team STRING, headcount INT)" in spec["function"]["description"]

        # Without the user's token the app's own identity is used, and it may not read salaries.
        workspace.requests.clear()
        tools = _run(ws, llm, workspace, None, SQL_CALL, "sql-obo")
        assert "does not have SELECT on Table 'main.sales.salaries'" in tools[0].metadata["error"]
        assert {r.authorization for r in workspace.sql_requests()} == {f"Bearer {APP_TOKEN}"}
        [spec] = llm.server.chat_requests[-2].body["tools"]
        assert "salaries" not in spec["function"]["description"]

    assert ALICE_TOKEN not in _stored_text(ws)
    assert ALICE_TOKEN not in caplog.text
    assert all(ALICE_TOKEN not in str(r.body) for r in llm.server.requests)
