"""SQL data tool: one read-only SELECT against a SQLite or PostgreSQL database.

Read-only is enforced in three layers, never trusted to the model: a tokenizer that
mirrors each dialect's quoting rules admits exactly one SELECT/WITH statement without
data-modifying keywords; the query runs in a read-only transaction (PostgreSQL) or on a
read-only connection (SQLite) with a time limit; and the transaction is always rolled back.
Connect with a read-only database role as well where you can.
"""

from __future__ import annotations

import re
import time
from pathlib import Path
from typing import Any
from urllib.parse import quote

from sqlalchemy import Connection, Engine, create_engine, inspect
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import DBAPIError, SQLAlchemyError

from slidegen.errors import ConfigurationError
from slidegen.tools.base import (
    ToolError,
    ToolResult,
    plain_value,
    query_result,
    string_argument,
)
from slidegen.tools.sql_guard import TOOL_NAME, validate_select

Fetched = tuple[list[str], list[list[Any]]]  # column names, rows


def _read_only_sqlite_url(url: URL) -> URL:
    """Open a SQLite file with mode=ro so even a missed check cannot write to it."""
    database = url.database or ""
    if database in ("", ":memory:") or database.startswith("file:"):
        return url
    path = quote(str(Path(database).resolve()))
    return URL.create(url.drivername, database=f"file:{path}", query={"mode": "ro", "uri": "true"})


class SqlTool:
    """A data tool that runs one read-only SELECT and returns at most `max_rows` rows."""

    kind = "sql"  # a SQL data source (engines choose tools by kind, never by parameter names)

    def __init__(
        self,
        name: str,
        description: str,
        url_or_engine: str | URL | Engine,
        *,
        max_rows: int = 200,
        timeout_s: float = 10.0,
        max_chars: int = 12_000,
    ) -> None:
        if not TOOL_NAME.match(name):
            raise ConfigurationError(f"SQL tool name '{name}' must be letters, digits, _ or -.")
        is_engine = isinstance(url_or_engine, Engine)
        url = url_or_engine.url if is_engine else make_url(url_or_engine)
        self.dialect = url.get_backend_name()
        # The tokenizer and the read-only transaction are written for these two dialects only.
        if self.dialect not in ("sqlite", "postgresql"):
            raise ConfigurationError("The SQL tool supports SQLite and PostgreSQL databases only.")
        if is_engine:
            self._engine, self._owns_engine = url_or_engine, False
        else:
            if self.dialect == "sqlite":
                url = _read_only_sqlite_url(url)
            self._engine, self._owns_engine = create_engine(url), True
        self.name = name
        label = "PostgreSQL" if self.dialect == "postgresql" else "SQLite"
        self.description = (
            f"{description}\nRun one read-only {label} SELECT (or WITH ... SELECT) query; "
            f"at most {max_rows} rows come back, so aggregate in SQL."
        ).strip()
        self.parameters: dict[str, Any] = {
            "type": "object",
            "properties": {"query": {"type": "string", "description": f"One {label} SELECT."}},
            "required": ["query"],
            "additionalProperties": False,
        }
        self.max_rows, self.timeout_s, self.max_chars = max_rows, timeout_s, max_chars

    def close(self) -> None:
        """Release the connection pool if this tool created it."""
        if self._owns_engine:
            self._engine.dispose()

    def run(self, arguments: dict[str, Any]) -> ToolResult:
        """Validate and run the query; return its first rows inside an untrusted block."""
        query = validate_select(string_argument(arguments, "query"), self.dialect)
        columns, rows = self._execute(query)
        return query_result(
            self.name,
            query,
            columns,
            rows[: self.max_rows],
            truncated=len(rows) > self.max_rows,
            max_rows=self.max_rows,
            max_chars=self.max_chars,
        )

    def _execute(self, query: str) -> Fetched:
        deadline = time.monotonic() + self.timeout_s
        try:
            with self._engine.connect() as connection:
                try:
                    if self.dialect == "postgresql":
                        return self._run_postgresql(connection, query)
                    return self._run_sqlite(connection, query, deadline)
                finally:
                    connection.rollback()
        except DBAPIError as exc:
            raise self._error(exc) from None
        except SQLAlchemyError as exc:
            raise ToolError(f"The query failed: {self._condense(str(exc))}") from None

    def _run_postgresql(self, connection: Connection, query: str) -> Fetched:
        connection.exec_driver_sql("SET TRANSACTION READ ONLY")
        connection.exec_driver_sql(f"SET LOCAL statement_timeout = {int(self.timeout_s * 1000)}")
        # The tokenizer assumes standard strings, where backslash is an ordinary character.
        connection.exec_driver_sql("SET LOCAL standard_conforming_strings = on")
        check = connection.exec_driver_sql("SELECT current_setting('transaction_read_only')")
        if check.scalar() != "on":  # e.g. an AUTOCOMMIT engine, where SET TRANSACTION is a no-op
            raise ToolError("The SQL tool could not open a read-only transaction; query not run.")
        # A server-side cursor, so only the rows we fetch leave the database; no_parameters,
        # so psycopg2 does not read "%" in the query as a placeholder.
        streaming = connection.execution_options(
            stream_results=True, max_row_buffer=self.max_rows + 1, no_parameters=True
        )
        with streaming.exec_driver_sql(query + "\n") as result:
            rows = [[plain_value(v) for v in row] for row in result.fetchmany(self.max_rows + 1)]
            return list(result.keys()), rows

    def _run_sqlite(self, connection: Connection, query: str, deadline: float) -> Fetched:
        raw = connection.connection.dbapi_connection
        raw.execute("PRAGMA query_only = ON")
        # SQLite has no statement timeout: interrupt the VM once the deadline has passed.
        raw.set_progress_handler(lambda: int(time.monotonic() > deadline), 1000)
        try:
            raw_sql = connection.execution_options(no_parameters=True)
            with raw_sql.exec_driver_sql(query) as result:
                rows = [
                    [plain_value(v) for v in row] for row in result.fetchmany(self.max_rows + 1)
                ]
                return list(result.keys()), rows
        finally:
            raw.set_progress_handler(None, 0)
            if not self._owns_engine:  # give the caller's pooled connection back as it was
                raw.execute("PRAGMA query_only = OFF")

    def _error(self, exc: DBAPIError) -> ToolError:
        code = getattr(exc.orig, "pgcode", None)
        # 57014 is query_canceled (statement_timeout); SQLite says "interrupted".
        if code == "57014" or (self.dialect == "sqlite" and "interrupted" in str(exc.orig)):
            return ToolError(
                f"The query took longer than {self.timeout_s:g} s and was stopped: "
                "aggregate or filter more."
            )
        if code == "25006":
            return ToolError(f"The query tried to change data: {self._condense(str(exc.orig))}")
        return ToolError(f"The query failed: {self._condense(str(exc.orig))}")

    def _condense(self, message: str) -> str:
        """Keep the database's first line, without the SQL echo or any password."""
        line = message.strip().splitlines()[0] if message.strip() else "unknown error"
        line = re.sub(r"^(ERROR|FATAL):\s*", "", line).split("[SQL:")[0].strip()
        password = self._engine.url.password
        if password:
            line = line.replace(str(password), "***")
        return line[:300]

    def describe_schema(self, *, max_chars: int = 6000) -> str:
        """Describe tables, views and their columns for the tool description."""
        try:
            inspector = inspect(self._engine)
            names = sorted(inspector.get_table_names()) + sorted(inspector.get_view_names())
            lines = []
            for table in names[:60]:
                columns = inspector.get_columns(table)
                described = ", ".join(f"{c['name']} {c['type']}" for c in columns)
                lines.append(f"- {table}({described})")
        except SQLAlchemyError as exc:
            reason = self._condense(str(exc))
            raise ToolError(f"Cannot read the database schema: {reason}") from None
        text = "Tables:\n" + "\n".join(lines) if lines else "The database has no tables."
        return text if len(text) <= max_chars else text[: max_chars - 1] + "…"
