"""The read-only guard lexes Databricks SQL (Spark) as Spark does, and refuses what it cannot.

SQLite and PostgreSQL are checked against the real databases in
tests/integration/test_sql_tool.py; Databricks SQL has no local engine, so each case here
names the Spark lexing rule it relies on (SqlBaseLexer.g4).
"""

from __future__ import annotations

import pytest

from slidegen.tools.base import ToolError
from slidegen.tools.sql_guard import tokenize, validate_select

SECRET = "secret('scope', 'key')"

ACCEPTED_DATABRICKS = [
    # Backticks quote identifiers (`` escapes one); '...' and "..." are strings.
    "SELECT `odd``name`, 'it''s', \"O'Brien\" FROM main.sales.`revenue 2026`",
    # A backslash escapes anything but the closing quote; r'...' is a raw string.
    "SELECT r'\\d+' AS pattern, 'a\\\\' AS backslash, 'tab\\t' FROM t",
    # JSON paths, casts, lambdas, named parameters and array subscripts are ordinary symbols.
    "SELECT raw:customer.id::string, transform(xs, x -> x + 1), ys[0] FROM t WHERE d > :since",
    "WITH totals AS (SELECT region, SUM(amount) AS total FROM revenue GROUP BY ALL)\n"
    "SELECT * FROM totals -- biggest first\r\nORDER BY total DESC;",
    "SELECT 1 /* a comment with a ' quote */ AS one",
]
REJECTED_DATABRICKS = [
    # Raw strings do not escape: where the readings could differ, the guard refuses.
    (f"SELECT r'\\' , {SECRET} --'", "backslash before '"),
    (f"SELECT 'a\\' , {SECRET} --'", "backslash before '"),
    (f'SELECT "\\" , {SECRET} --"', 'backslash before "'),
    # A carriage return ends a -- comment in Spark; a backslash-newline continues it.
    (f"SELECT 1 --\r, {SECRET}", "secret() is not allowed"),
    (f"SELECT 1 -- note \\\n, {SECRET}", "backslash at the end of a -- comment"),
    # Spark skips Unicode spaces between tokens: they must not glue words together.
    (f"SELECT 1,\u00a0{SECRET}", "secret() is not allowed"),
    ("SELECT 1,\u3000secret\u2003('scope', 'key')", "secret() is not allowed"),
    # [ is a subscript in Spark, not a quote as in SQLite.
    (f"SELECT a[ length(']') ], {SECRET} AS x --'", "secret() is not allowed"),
    ("SELECT `system`.`builtin`.`secret`('scope', 'key')", "secret() is not allowed"),
    ("SELECT IDENTIFIER('secret')('scope', 'key')", "identifier() is not allowed"),
    ("SELECT http_request(conn => 'c', method => 'GET', path => '/')", "http_request()"),
    ("SELECT java_method('java.lang.System', 'exit', 1)", "java_method()"),
    ("SELECT /*+ BROADCAST(t) */ * FROM t", "query hints"),
    (f"SELECT * FROM abc://x--y, {SECRET}", "unquoted paths"),
    ("SELECT '${spark.databricks.token}' AS leak", "variable references"),
    ("SELECT TRANSFORM(a) USING 'cat' AS (b) FROM t", "TRANSFORM scripts"),
    ("SELECT 1 /* /* nested */ */ AS one", "nested /* comment"),
    ("INSERT INTO t SELECT 1", "must start with SELECT"),
    ("SELECT * FROM t; DELETE FROM t", "more than one statement"),
    ("WITH x AS (SELECT 1) INSERT INTO t SELECT * FROM x", "INSERT is not allowed"),
]


@pytest.mark.parametrize("query", ACCEPTED_DATABRICKS)
def test_databricks_queries_that_are_harmless_pass(query: str) -> None:
    assert validate_select(query, "databricks") == query.rstrip(";")


@pytest.mark.parametrize(("query", "reason"), REJECTED_DATABRICKS)
def test_databricks_tricks_are_refused(query: str, reason: str) -> None:
    with pytest.raises(ToolError) as caught:
        validate_select(query, "databricks")
    assert reason in caught.value.user_message
    assert caught.value.user_message.startswith("Query rejected: ")


def test_databricks_tokens_follow_spark() -> None:
    tokens = tokenize("SELECT `a``b`, 'x''y', \"z\" -- c\rFROM t", "databricks")
    assert [(kind, text) for kind, text, _ in tokens] == [
        ("word", "SELECT"),
        ("quoted", "a``b"),
        ("symbol", ","),
        ("string", "'x'"),
        ("string", "'y'"),  # Spark joins adjacent literals
        ("symbol", ","),
        ("string", '"z"'),
        ("word", "FROM"),
        ("word", "t"),
    ]


def test_line_comments_end_where_each_database_ends_them() -> None:
    # PostgreSQL ends a -- comment at a carriage return too; SQLite only at a line feed.
    with pytest.raises(ToolError, match="pg_terminate_backend"):
        validate_select("SELECT 1 --\r, pg_terminate_backend(1)", "postgresql")
    assert validate_select("SELECT 1 --\r, load_extension('x')", "sqlite")
