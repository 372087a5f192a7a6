"""WarehouseSqlTool through the real databricks-sdk against the fake workspace on 127.0.0.1.

The fake runs each statement on SQLite, so results and failures are real; `salaries` is
readable by Alice only, as a Unity Catalog grant would make it.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path

import pytest

from slidegen.bootstrap import build_tools
from slidegen.config import Settings
from slidegen.databricks.workspace import workspace_client
from slidegen.tools.base import DataTool, ToolError
from slidegen.tools.warehouse import WarehouseSqlTool
from tests.fakes.genie_server import FakeGenieServer
from tests.integration.test_generation import _isolate_databricks_env
from tests.integration.test_sql_tool import REJECTED_EVERYWHERE

APP_TOKEN = "dapi-app-service-principal"
ALICE = "alice@example.com"
ALICE_TOKEN = "dapi-alice-own-token-7f3a"
WAREHOUSE = "wh-shared"
REVENUE = [("EMEA", "2026-09", 1200.5), ("EMEA", "2026-10", 1310.25), ("AMER", "2026-10", 2400.0)]
BY_REGION = "SELECT region, SUM(amount) AS total FROM revenue GROUP BY region ORDER BY region"


def add_sales_tables(fake: FakeGenieServer, alice_token: str = ALICE_TOKEN) -> None:
    """Tables of main.sales on warehouse wh-shared: revenue for all, salaries for Alice only."""
    fake.add_user(alice_token, ALICE, ["finance"])
    fake.sql.add_warehouse(WAREHOUSE)
    fake.sql.add_table(
        "revenue", [("region", "STRING"), ("month", "STRING"), ("amount", "DOUBLE")], REVENUE
    )
    fake.sql.add_table(
        "salaries", [("team", "STRING"), ("headcount", "INT")], [("data", 7)], readers=(ALICE,)
    )


@pytest.fixture
def server(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[FakeGenieServer]:
    _isolate_databricks_env(monkeypatch, tmp_path)
    with FakeGenieServer(token=APP_TOKEN) as fake:
        add_sales_tables(fake)
        yield fake


def make_tool(
    server: FakeGenieServer, user_token: str | None = None, **options
) -> WarehouseSqlTool:
    settings = Settings(DATABRICKS_HOST=server.url, DATABRICKS_TOKEN=APP_TOKEN)
    options = {"catalog": "main", "schema": "sales", **options}
    warehouse = options.pop("warehouse_id", WAREHOUSE)
    return WarehouseSqlTool(
        "sales", "Revenue.", warehouse, lambda: workspace_client(settings, user_token), **options
    )


def statement_posts(server: FakeGenieServer) -> list:
    return [r for r in server.sql_requests() if r.path == "/api/2.0/sql/statements"]


def test_query_runs_on_the_warehouse_with_the_users_own_token(
    server: FakeGenieServer, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    tool = make_tool(server, ALICE_TOKEN)
    assert isinstance(tool, DataTool)
    assert "Unqualified table names are in main.sales." in tool.description

    result = tool.run({"query": BY_REGION + ";"})

    assert result.columns == ["region", "total"]
    assert result.rows == [["AMER", 2400.0], ["EMEA", 2510.75]]  # numbers, not strings
    assert result.row_count == 2 and not result.truncated
    assert '<untrusted-data source="SQL sales">' in result.content
    assert "| EMEA | 2510.75 |" in result.content
    [post] = statement_posts(server)
    assert post.body == {
        "statement": BY_REGION,
        "warehouse_id": WAREHOUSE,
        "catalog": "main",
        "schema": "sales",
        "row_limit": 200,
        "disposition": "INLINE",
        "format": "JSON_ARRAY",
        "wait_timeout": "50s",
        "on_wait_timeout": "CONTINUE",
    }
    assert {r.authorization for r in server.sql_requests()} == {f"Bearer {ALICE_TOKEN}"}
    assert ALICE_TOKEN not in caplog.text


def test_a_table_only_the_user_may_read_is_refused_to_the_app(server: FakeGenieServer) -> None:
    query = {"query": "SELECT team, headcount FROM salaries"}
    assert make_tool(server, ALICE_TOKEN).run(query).rows == [["data", 7]]

    app = make_tool(server)  # no forwarded token: the app's own identity
    with pytest.raises(ToolError, match="does not have SELECT on Table 'main.sales.salaries'"):
        app.run(query)
    assert app.run({"query": BY_REGION}).row_count == 2
    posts = statement_posts(server)
    assert [r.authorization for r in posts] == [f"Bearer {ALICE_TOKEN}"] + [
        f"Bearer {APP_TOKEN}"
    ] * 2


def test_schema_description_shows_what_the_caller_may_read(server: FakeGenieServer) -> None:
    alice = make_tool(server, ALICE_TOKEN).describe_schema()
    assert alice == (
        "Tables:\n- revenue(region STRING, month STRING, amount DOUBLE)\n"
        "- salaries(team STRING, headcount INT)"
    )
    assert make_tool(server).describe_schema() == (
        "Tables:\n- revenue(region STRING, month STRING, amount DOUBLE)"
    )
    # Without a schema in the URL, tables are named schema.table (the default catalog's).
    whole = make_tool(server, ALICE_TOKEN, catalog=None, schema=None).describe_schema()
    assert "- sales.revenue(region STRING" in whole and "- sales.salaries(" in whole
    post = statement_posts(server)[0]
    assert post.body["parameters"] == [{"name": "schema", "value": "sales"}]


@pytest.mark.parametrize(
    "query",
    [
        *REJECTED_EVERYWHERE[:8],
        "SELECT secret('scope', 'key')",
        "SELECT r'\\' , secret('scope', 'key') --'",
        "MERGE INTO revenue USING other ON true WHEN MATCHED THEN DELETE",
    ],
)
def test_writes_and_tricks_are_rejected_before_any_http_call(
    server: FakeGenieServer, query: str
) -> None:
    built: list[object] = []
    tool = WarehouseSqlTool("sales", "", WAREHOUSE, lambda: built.append(1) or object())
    with pytest.raises(ToolError, match="Query rejected|non-empty string"):
        tool.run({"query": query})
    assert built == [] and server.requests == []


def test_a_pending_statement_is_polled_until_it_succeeds(server: FakeGenieServer) -> None:
    server.sql.pending_polls = 3
    result = make_tool(server).run({"query": BY_REGION})
    assert result.row_count == 2
    polls = [r for r in server.sql_requests() if r.method == "GET"]
    assert len(polls) == 3 and all(r.path.startswith("/api/2.0/sql/statements/") for r in polls)


def test_a_statement_past_the_time_limit_is_cancelled(server: FakeGenieServer) -> None:
    server.sql.hang = True
    tool = make_tool(server, timeout_s=0.6)
    with pytest.raises(ToolError, match=r"took longer than 0.6 s and was stopped"):
        tool.run({"query": BY_REGION})
    [post] = statement_posts(server)
    assert post.body["wait_timeout"] == "0s"  # under 5 s the API cannot wait: poll instead
    [statement_id] = server.sql.cancelled
    cancels = [r for r in server.sql_requests() if r.path.endswith("/cancel")]
    assert [r.path for r in cancels] == [f"/api/2.0/sql/statements/{statement_id}/cancel"]
    with pytest.raises(ToolError, match="Cannot read the warehouse's tables: The query took"):
        tool.describe_schema()
    assert len(server.sql.cancelled) == 2


def test_a_failed_statement_gives_the_servers_message(server: FakeGenieServer) -> None:
    with pytest.raises(ToolError) as caught:
        make_tool(server).run({"query": "SELECT nope FROM revenue"})
    assert caught.value.user_message == (
        "The query failed: [SQL_ERROR] no such column: nope. SQLSTATE: 42000"
    )
    server.sql.pending_polls = 1  # failing after a poll reads the same
    with pytest.raises(ToolError, match="no such table: gone"):
        make_tool(server).run({"query": "SELECT * FROM gone"})


def test_row_cap_and_result_chunks(server: FakeGenieServer) -> None:
    server.sql.chunk_rows = 1
    result = make_tool(server, max_rows=5).run({"query": "SELECT * FROM revenue"})
    assert [row[2] for row in result.rows] == [1200.5, 1310.25, 2400.0]
    chunks = [r.path for r in server.sql_requests() if "/result/chunks/" in r.path]
    assert [p.rsplit("/", 1)[1] for p in chunks] == ["1", "2"]

    capped = make_tool(server, max_rows=2).run({"query": "SELECT * FROM revenue"})
    assert capped.truncated and capped.row_count == 2
    assert "Only the first 2 rows were returned." in capped.content
    assert capped.summary == "Ran SQL on sales: 2+ rows"


def test_warehouse_and_credential_problems_say_what_to_do(server: FakeGenieServer) -> None:
    query = {"query": BY_REGION}
    with pytest.raises(ToolError, match="SQL warehouse wh-gone was not found: check the id"):
        make_tool(server, warehouse_id="wh-gone").run(query)
    server.sql.add_warehouse("wh-finance", only_users=(ALICE,))
    assert make_tool(server, ALICE_TOKEN, warehouse_id="wh-finance").run(query).row_count == 2
    with pytest.raises(ToolError, match="You may not use SQL warehouse wh-finance: ask its owner"):
        make_tool(server, warehouse_id="wh-finance").run(query)
    with pytest.raises(ToolError, match="rejected the credentials") as caught:
        make_tool(server, "dapi-expired").run(query)
    assert "dapi-expired" not in caught.value.user_message
    with pytest.raises(ToolError, match="Cannot read the warehouse's tables: .* was not found"):
        make_tool(server, warehouse_id="wh-gone").describe_schema()


def test_build_tools_reads_the_schema_as_the_user_and_survives_a_missing_warehouse(
    server: FakeGenieServer,
) -> None:
    settings = Settings(DATABRICKS_HOST=server.url, DATABRICKS_TOKEN=APP_TOKEN)
    config = {
        "data_sources": [
            {"name": "sales", "url": f"databricks-sql://{WAREHOUSE}/main/sales", "max_rows": 50},
            {"name": "gone", "url": "databricks-sql://wh-gone/main/sales"},
        ]
    }
    sales, gone = build_tools(config, settings, {}, user_token=ALICE_TOKEN)
    assert isinstance(sales, WarehouseSqlTool) and sales.max_rows == 50
    assert "- salaries(team STRING, headcount INT)" in sales.description
    assert "(unavailable: Cannot read the warehouse's tables: SQL warehouse wh-gone" in (
        gone.description
    )
    assert {r.authorization for r in server.sql_requests()} == {f"Bearer {ALICE_TOKEN}"}


def test_data_tools_on_an_unreachable_workspace_fail_at_once_with_a_clear_error() -> None:
    """Nothing listens at DATABRICKS_HOST: the warehouse's schema is marked unavailable and a
    Genie question is a tool error naming the workspace, with no retrying for minutes."""
    from slidegen.config import Settings
    from slidegen.tools.base import ToolError
    from tests.pgserver import free_port

    host = f"http://127.0.0.1:{free_port()}"
    settings = Settings(DATABASE_URL="sqlite:///unused.db", DATABRICKS_HOST=host)
    config = {
        "genie_spaces": [{"space_id": "space-1", "space_name": "Usage"}],
        "data_sources": [{"name": "sales", "url": "databricks-sql://wh-1/main/sales"}],
    }
    warehouse, genie = build_tools(config, settings, {}, user_token="user-token")
    assert (
        f"(unavailable: Cannot read the warehouse's tables: The Databricks workspace at {host}"
        in (warehouse.description)
    )
    with pytest.raises(ToolError, match=f"The Databricks workspace at {host} did not answer"):
        genie.run({"question": "How many?"})
