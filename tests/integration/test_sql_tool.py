"""SqlTool on the sample SQLite database and on PostgreSQL: read-only, capped, time-limited."""

from __future__ import annotations

import hashlib
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from slidegen.errors import ConfigurationError
from slidegen.tools.base import DataTool, ToolError
from slidegen.tools.sample_data import DATASET_VERSION, ensure_sample_database, load_sample_data
from slidegen.tools.sql import SqlTool
from tests.conftest import DatabaseFactory

TABLE = "workspace_consumption"
ROWS = 6661
COST_BY_WORKSPACE = (
    "SELECT workspace, ROUND(CAST(SUM(cost_usd) AS NUMERIC), 2) AS cost, COUNT(*) AS days "
    f"FROM {TABLE} GROUP BY workspace ORDER BY cost DESC"
)
REJECTED_EVERYWHERE = [
    "INSERT INTO workspaces VALUES ('x', 'y', 'z', 'w')",
    f"UPDATE {TABLE} SET cost_usd = 0",
    f"DELETE FROM {TABLE}",
    f"DROP TABLE {TABLE}",
    f"SELECT 1; DROP TABLE {TABLE}",
    f"select 1 ;drop table {TABLE};",
    f"WITH gone AS (DELETE FROM {TABLE} RETURNING *) SELECT count(*) FROM gone",
    "PRAGMA query_only = OFF",
    "ATTACH DATABASE 'other.db' AS other",
    f"CREATE TABLE stolen AS SELECT * FROM {TABLE}",
    f"SELECT * INTO stolen FROM {TABLE}",
    f"SELECT * FROM {TABLE} FOR UPDATE",
    f"SELECT 1 /* ; */ ; DROP TABLE {TABLE}",
    f"SELECT 1 -- a comment\n; DELETE FROM {TABLE}",
    f"/* SELECT */ DELETE FROM {TABLE}",
    f"-- SELECT\nDROP TABLE {TABLE}",
    f"EXPLAIN ANALYZE DELETE FROM {TABLE}",
    "SELECT 1;;",
    "SELECT 1 /* never closed",
    f"SELECT /* /* nested */ 1 */ 1; DROP TABLE {TABLE}",
    "SELECT 'unterminated",
    "",
]
# Quoting tricks: each dialect lexes these differently, and the tool must lex like the database.
REJECTED_SQLITE = [
    f"SELECT $a(') ; DROP TABLE {TABLE}; --')",
    f"SELECT [ ' ]; DROP TABLE {TABLE}; --'",
    f"SELECT ` ' `; DROP TABLE {TABLE}; --'",
    "SELECT load_extension('evil')",
]
REJECTED_POSTGRESQL = [
    f"SELECT E'\\'' ; DROP TABLE {TABLE}; --'",
    f"SELECT $$ ' $$; DROP TABLE {TABLE}; --'",
    f"SELECT $q$ ' $q$; DROP TABLE {TABLE}; --'",
    "SELECT dblink_exec('dbname=other', 'DROP TABLE x')",
    "SELECT set_config('transaction_read_only', 'off', true)",
    "SELECT pg_terminate_backend(1)",
    "SELECT 1 --\r, pg_terminate_backend(1)",
]


@pytest.fixture(scope="module")
def sample_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    return ensure_sample_database(tmp_path_factory.mktemp("sample") / "sample.db")


@pytest.fixture(scope="module")
def postgres_url(databases: DatabaseFactory) -> str:
    """A PostgreSQL database with the sample rows, a sequence and a function that writes."""
    url = databases.url("postgresql")
    engine = create_engine(url)
    load_sample_data(engine)
    with engine.begin() as connection:
        connection.execute(text("CREATE SEQUENCE invoice_seq"))
        connection.execute(
            text(
                "CREATE FUNCTION wipe_workspaces() RETURNS int LANGUAGE sql AS "
                "$$ DELETE FROM workspaces; SELECT 1 $$"
            )
        )
    engine.dispose()
    return url


@pytest.fixture(params=["sqlite", "postgresql"])
def url(request: pytest.FixtureRequest) -> str:
    name = "sample_url" if request.param == "sqlite" else "postgres_url"
    return request.getfixturevalue(name)


@pytest.fixture
def tool(url: str) -> Iterator[SqlTool]:
    sql_tool = SqlTool("consumption", "Databricks consumption.", url, max_rows=50, timeout_s=0.5)
    yield sql_tool
    sql_tool.close()


def running_statements(url: str, query: str) -> int:
    """How many sessions of the PostgreSQL server are running this statement now."""
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            return connection.execute(
                text(
                    "SELECT count(*) FROM pg_stat_activity WHERE state = 'active' "
                    "AND strpos(query, :query) > 0 AND pid <> pg_backend_pid()"
                ),
                {"query": query},
            ).scalar_one()
    finally:
        engine.dispose()


def row_count(url: str) -> int:
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            return connection.execute(text(f"SELECT count(*) FROM {TABLE}")).scalar_one()
    finally:
        engine.dispose()


def test_aggregate_query(tool: SqlTool) -> None:
    assert isinstance(tool, DataTool)
    result = tool.run({"query": COST_BY_WORKSPACE})
    assert result.columns == ["workspace", "cost", "days"]
    assert [row[0] for row in result.rows][:3] == ["prod-analytics", "data-platform", "prod-ml"]
    assert result.rows[0][1] == pytest.approx(246_161.5, abs=1)
    assert sum(row[2] for row in result.rows) == ROWS
    assert result.row_count == 6 and not result.truncated
    assert result.summary == "Ran SQL on consumption: 6 rows"
    assert result.metadata["sql"] == COST_BY_WORKSPACE
    assert result.content.startswith('<untrusted-data source="SQL consumption">\n')
    assert "| workspace | cost | days |" in result.content


def test_row_cap_and_truncation(tool: SqlTool) -> None:
    result = tool.run({"query": f"SELECT * FROM {TABLE} ORDER BY usage_date, workspace, sku"})
    assert len(result.rows) == 50 and result.row_count == 50 and result.truncated
    assert result.rows[0][0] == "2025-11-01"
    assert "50+ rows" in result.summary and "first 50 rows" in result.content
    small = tool.run({"query": "SELECT * FROM workspaces ORDER BY workspace;"})
    assert small.row_count == 6 and not small.truncated


def test_quoted_semicolons_comments_and_percent_are_fine(tool: SqlTool) -> None:
    query = (
        "SELECT ';' AS semi, 'DROP TABLE x; --' AS \"text;\" /* ; */, owner -- ; trailing\n"
        "FROM workspaces WHERE owner LIKE '%example%' AND workspace = 'prod-ml'; -- done"
    )
    result = tool.run({"query": query})
    assert result.rows == [[";", "DROP TABLE x; --", "raj.patel@example.com"]]


@pytest.mark.parametrize("query", REJECTED_EVERYWHERE)
def test_rejected_everywhere(tool: SqlTool, url: str, query: str) -> None:
    with pytest.raises(ToolError, match="Query rejected|non-empty"):
        tool.run({"query": query})
    assert row_count(url) == ROWS


@pytest.mark.parametrize("query", REJECTED_SQLITE)
def test_rejected_sqlite_tricks(sample_url: str, query: str) -> None:
    with pytest.raises(ToolError, match="Query rejected"):
        SqlTool("t", "", sample_url).run({"query": query})
    assert row_count(sample_url) == ROWS


@pytest.mark.parametrize("query", REJECTED_POSTGRESQL)
def test_rejected_postgresql_tricks(postgres_url: str, query: str) -> None:
    with pytest.raises(ToolError, match="Query rejected"):
        SqlTool("t", "", postgres_url).run({"query": query})
    assert row_count(postgres_url) == ROWS


def test_postgresql_quoting_that_is_harmless_runs(postgres_url: str) -> None:
    result = SqlTool("t", "", postgres_url).run({"query": "SELECT $$a;b$$ AS s, E'x\\'y' AS e"})
    assert result.rows == [["a;b", "x'y"]]


def test_a_carriage_return_ends_a_comment_in_postgresql_but_not_in_sqlite(
    tool: SqlTool, url: str
) -> None:
    result = tool.run({"query": "SELECT 1 AS a --\r, 2 AS b"})
    assert result.columns == (["a", "b"] if url.startswith("postgresql") else ["a"])


def test_heavy_queries_hit_the_time_limit(tool: SqlTool, url: str) -> None:
    endless = (
        "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT count(*) FROM c"
    )
    queries = [endless] + (["SELECT pg_sleep(5)"] if url.startswith("postgresql") else [])
    for query in queries:
        with pytest.raises(ToolError, match=r"took longer than 0\.5 s and was stopped"):
            tool.run({"query": query})
        if url.startswith("postgresql"):  # the server no longer runs it: it was cancelled
            assert running_statements(url, query) == 0
    assert row_count(url) == ROWS
    assert tool.run({"query": "SELECT 1 AS one"}).rows == [[1]]  # the connection still works


def test_postgresql_transaction_is_read_only(postgres_url: str) -> None:
    tool = SqlTool("t", "", postgres_url)
    # These pass the tokenizer; the read-only transaction is what stops them.
    for query in ["SELECT nextval('invoice_seq')", "SELECT setval('invoice_seq', 42)"]:
        with pytest.raises(ToolError, match="tried to change data.*read-only transaction"):
            tool.run({"query": query})
    with pytest.raises(ToolError, match="cannot execute DELETE in a read-only transaction"):
        tool.run({"query": "SELECT wipe_workspaces()"})
    assert tool.run({"query": "SELECT last_value, is_called FROM invoice_seq"}).rows == [[1, False]]
    assert tool.run({"query": "SELECT count(*) FROM workspaces"}).rows == [[6]]


def test_database_errors_are_one_clean_line(tool: SqlTool) -> None:
    with pytest.raises(ToolError) as caught:
        tool.run({"query": "SELECT nope FROM missing_table"})
    message = caught.value.user_message
    assert message.startswith("The query failed: ") and "missing_table" in message
    assert "\n" not in message and "[SQL:" not in message and "Traceback" not in message


def test_describe_schema(tool: SqlTool) -> None:
    schema = tool.describe_schema()
    assert f"- {TABLE}(usage_date DATE, workspace TEXT, sku TEXT, dbus " in schema
    assert "- workspaces(workspace TEXT, business_unit TEXT, region TEXT, owner TEXT)" in schema


def test_sqlite_file_is_opened_read_only_and_callers_engine_is_restored(tmp_path: Path) -> None:
    url = ensure_sample_database(tmp_path / "copy.db")
    engine = create_engine(url)
    tool = SqlTool("t", "", engine)
    assert tool.run({"query": "SELECT count(*) FROM workspaces"}).rows == [[6]]
    with engine.begin() as connection:  # query_only was switched off again
        connection.execute(text("DELETE FROM workspaces WHERE workspace = 'dev-sandbox'"))
    engine.dispose()
    with pytest.raises(ToolError, match="unable to open database file"):
        SqlTool("t", "", f"sqlite:///{tmp_path / 'missing.db'}").run({"query": "SELECT 1"})
    assert not (tmp_path / "missing.db").exists()


def test_unsupported_configuration() -> None:
    with pytest.raises(ConfigurationError, match="SQLite and PostgreSQL"):
        SqlTool("t", "", "mysql://user:pw@localhost/db")
    with pytest.raises(ConfigurationError, match="name"):
        SqlTool("bad name!", "", "sqlite://")


def test_sample_database_is_deterministic_and_idempotent(tmp_path: Path, sample_url: str) -> None:
    first, second = tmp_path / "a" / "sample.db", tmp_path / "b" / "sample.db"
    ensure_sample_database(first)
    ensure_sample_database(second)
    digest = [hashlib.sha256(p.read_bytes()).hexdigest() for p in (first, second)]
    assert digest[0] == digest[1]
    stat = first.stat()
    assert ensure_sample_database(first) == f"sqlite:///{first.resolve()}"
    assert (first.stat().st_mtime_ns, first.stat().st_ino) == (stat.st_mtime_ns, stat.st_ino)
    assert sorted(p.name for p in first.parent.iterdir()) == ["sample.db"]  # no temp files left
    with sqlite3.connect(first) as db:  # an outdated dataset is rebuilt
        db.execute("PRAGMA user_version = 0")
    ensure_sample_database(first)
    with sqlite3.connect(first) as db:
        assert db.execute("PRAGMA user_version").fetchone()[0] == DATASET_VERSION
        totals = db.execute(f"SELECT count(*), round(sum(cost_usd), 2) FROM {TABLE}").fetchone()
    with sqlite3.connect(Path(sample_url.removeprefix("sqlite:///"))) as db:
        assert (
            db.execute(f"SELECT count(*), round(sum(cost_usd), 2) FROM {TABLE}").fetchone()
            == totals
        )
    assert totals[0] == ROWS
