"""Databricks SQL data tool: one read-only SELECT on a SQL warehouse, with the caller's rights.

The query goes through the SQL Statement Execution API with whatever credentials the client
factory gives: the signed-in user's forwarded token in a Databricks App (so Unity Catalog shows
them only their own data), the app's credentials otherwise. Databricks SQL has no read-only
transaction, so the guard in sql_guard.py (lexing as Spark does) is what keeps it read-only;
the user's own grants are the second line.
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from databricks.sdk.errors import DatabricksError, NotFound, PermissionDenied, Unauthenticated
from databricks.sdk.service.sql import (
    Disposition,
    ExecuteStatementRequestOnWaitTimeout,
    Format,
    StatementParameterListItem,
    StatementResponse,
    StatementState,
)

from slidegen.errors import ConfigurationError
from slidegen.tools.base import (
    ToolError,
    ToolKind,
    ToolResult,
    query_result,
    string_argument,
    typed_value,
)
from slidegen.tools.sql_guard import TOOL_NAME, validate_select

if TYPE_CHECKING:
    from databricks.sdk import WorkspaceClient

FIRST_POLL_S, MAX_POLL_S = 0.1, 2.0
MAX_WAIT_S = 50  # the longest wait_timeout the API accepts
MAX_SCHEMA_COLUMNS, MAX_SCHEMA_TABLES = 3000, 60
SCHEMA_TIMEOUT_S = 30  # the schema is read before the model is asked: do not hold it up long
_RUNNING = (StatementState.PENDING, StatementState.RUNNING)
Fetched = tuple[list[str], list[list[Any]], bool]  # column names, typed rows, truncated


class WarehouseSqlTool:
    """A data tool that runs one read-only SELECT on a Databricks SQL warehouse."""

    kind: ToolKind = "sql"

    def __init__(
        self,
        name: str,
        description: str,
        warehouse_id: str,
        client_factory: Callable[[], WorkspaceClient],
        *,
        catalog: str | None = None,
        schema: str | None = None,
        max_rows: int = 200,
        timeout_s: float = 120.0,
        max_chars: int = 12_000,
    ) -> None:
        if not TOOL_NAME.match(name):
            raise ConfigurationError(f"SQL tool name '{name}' must be letters, digits, _ or -.")
        self.name = name
        self.warehouse_id, self.catalog, self.schema = warehouse_id, catalog, schema
        default = ".".join(part for part in (catalog, schema) if part)
        where = f" Unqualified table names are in {default}." if default else ""
        self.description = (
            f"{description}\nRun one read-only Databricks SQL SELECT (or WITH ... SELECT) query "
            f"on a SQL warehouse; at most {max_rows} rows come back, so aggregate in SQL.{where}"
        ).strip()
        self.parameters: dict[str, Any] = {
            "type": "object",
            "properties": {
                "query": {"type": "string", "description": "One Databricks SQL SELECT."}
            },
            "required": ["query"],
            "additionalProperties": False,
        }
        self.max_rows, self.timeout_s, self.max_chars = max_rows, timeout_s, max_chars
        self._client_factory = client_factory
        self._client: WorkspaceClient | None = None
        self._lock = threading.Lock()  # the agent may run several calls of a tool at once

    def run(self, arguments: dict[str, Any]) -> ToolResult:
        """Validate and run the query; return its first rows inside an untrusted block."""
        query = validate_select(string_argument(arguments, "query"), "databricks")
        columns, rows, truncated = self._execute(query, row_limit=self.max_rows)
        return query_result(
            self.name,
            query,
            columns,
            rows,
            truncated=truncated,
            max_rows=self.max_rows,
            max_chars=self.max_chars,
        )

    def describe_schema(self, *, max_chars: int = 6000) -> str:
        """Describe the tables and columns the caller may read in the default catalog/schema."""
        query = (
            "SELECT table_schema, table_name, column_name, data_type "
            "FROM information_schema.columns WHERE table_schema <> 'information_schema'"
            + (" AND table_schema = :schema" if self.schema else "")
            + " ORDER BY table_schema, table_name, ordinal_position"
        )
        values = {"schema": self.schema} if self.schema else {}
        try:
            limit = min(self.timeout_s, SCHEMA_TIMEOUT_S)
            _, rows, truncated = self._execute(query, MAX_SCHEMA_COLUMNS, values, limit)
        except ToolError as exc:
            raise ToolError(f"Cannot read the warehouse's tables: {exc.user_message}") from None
        tables: dict[str, list[str]] = {}
        for table_schema, table, column, data_type in rows:
            label = table if self.schema else f"{table_schema}.{table}"
            tables.setdefault(label, []).append(f"{column} {data_type}")
        lines = [f"- {t}({', '.join(c)})" for t, c in list(tables.items())[:MAX_SCHEMA_TABLES]]
        if truncated or len(tables) > MAX_SCHEMA_TABLES:
            lines.append("(more tables exist: query information_schema.tables to list them)")
        text = "Tables:\n" + "\n".join(lines) if lines else "No tables are visible to you here."
        return text if len(text) <= max_chars else text[: max_chars - 1] + "…"

    def _workspace(self) -> WorkspaceClient:
        with self._lock:
            if self._client is None:
                try:
                    self._client = self._client_factory()
                except ValueError:  # the SDK reports unusable auth configuration as ValueError
                    raise ToolError(
                        f"Cannot connect to Databricks for SQL data source '{self.name}': "
                        "check the workspace host and credentials."
                    ) from None
            return self._client

    def _execute(
        self,
        statement: str,
        row_limit: int,
        values: dict[str, str] | None = None,
        timeout_s: float | None = None,
    ) -> Fetched:
        """Run the statement, wait for it within the time limit, and fetch its rows."""
        client = self._workspace()
        timeout_s = timeout_s or self.timeout_s
        deadline = time.monotonic() + timeout_s
        wait = int(min(MAX_WAIT_S, timeout_s))
        parameters = [
            StatementParameterListItem(name=k, value=v) for k, v in (values or {}).items()
        ]
        try:
            response = client.statement_execution.execute_statement(
                statement=statement,
                warehouse_id=self.warehouse_id,
                catalog=self.catalog,
                schema=self.schema,
                parameters=parameters or None,
                row_limit=row_limit,
                disposition=Disposition.INLINE,
                format=Format.JSON_ARRAY,
                wait_timeout=f"{wait}s" if wait >= 5 else "0s",  # the API takes 0 or 5-50 s
                on_wait_timeout=ExecuteStatementRequestOnWaitTimeout.CONTINUE,
            )
            response = self._wait(client, response, deadline, timeout_s)
            return self._fetch(client, response, row_limit)
        except (DatabricksError, TimeoutError) as exc:
            raise self._error(exc) from None

    @staticmethod
    def _wait(
        client: WorkspaceClient, response: StatementResponse, deadline: float, timeout_s: float
    ) -> StatementResponse:
        """Poll a pending or running statement until it ends; cancel it at the deadline."""
        delay = FIRST_POLL_S
        while _state(response) in _RUNNING:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                WarehouseSqlTool._cancel(client, response.statement_id)
                raise ToolError(
                    f"The query took longer than {timeout_s:g} s and was stopped: aggregate "
                    "or filter more (a stopped warehouse can also take a few minutes to start)."
                )
            time.sleep(min(delay, remaining))
            delay = min(delay * 2, MAX_POLL_S)
            response = client.statement_execution.get_statement(response.statement_id)
        state = _state(response)
        if state == StatementState.FAILED:
            error = response.status.error if response.status else None
            reason = _one_line(error.message) if error and error.message else "no reason given"
            raise ToolError(f"The query failed: {reason}")
        if state != StatementState.SUCCEEDED:
            raise ToolError(
                f"The query ended as {state.value if state else 'unknown'} on the SQL warehouse "
                "before returning rows; run it again."
            )
        return response

    @staticmethod
    def _cancel(client: WorkspaceClient, statement_id: str | None) -> None:
        # Best effort: the warehouse stops it at its own statement timeout anyway.
        with contextlib.suppress(DatabricksError, TimeoutError):
            client.statement_execution.cancel_execution(statement_id)

    @staticmethod
    def _fetch(client: WorkspaceClient, response: StatementResponse, row_limit: int) -> Fetched:
        """Columns and typed rows of a finished statement, reading further chunks if any."""
        manifest = response.manifest
        infos = (manifest.schema.columns if manifest and manifest.schema else None) or []
        columns = [info.name or f"column_{i + 1}" for i, info in enumerate(infos)]
        types = [info.type_name.value if info.type_name else None for info in infos]
        data, chunk = [], response.result
        while chunk is not None:
            data += chunk.data_array or []
            if chunk.next_chunk_index is None or len(data) >= row_limit:
                break
            chunk = client.statement_execution.get_statement_result_chunk_n(
                response.statement_id, chunk.next_chunk_index
            )
        rows = [
            [typed_value(v, types[i] if i < len(types) else None) for i, v in enumerate(row)]
            for row in data[:row_limit]
        ]
        return columns, rows, bool(manifest and manifest.truncated) or len(data) > row_limit

    def _error(self, exc: Exception) -> ToolError:
        """Translate an SDK failure into a message the user can act on."""
        warehouse = f"SQL warehouse {self.warehouse_id}"
        if isinstance(exc, NotFound):
            return ToolError(f"{warehouse} was not found: check the id in the data source URL.")
        if isinstance(exc, PermissionDenied):
            return ToolError(f"You may not use {warehouse}: ask its owner for CAN USE.")
        if isinstance(exc, Unauthenticated):
            return ToolError(
                f"Databricks rejected the credentials used for {warehouse}: sign in again "
                "or check the token."
            )
        if isinstance(exc, TimeoutError):  # the SDK's HTTP retries gave up
            return ToolError(f"Cannot reach the Databricks workspace for {warehouse}.")
        return ToolError(f"The query failed: {_one_line(str(exc))}")


def _state(response: StatementResponse) -> StatementState | None:
    return response.status.state if response.status else None


def _one_line(text: str, limit: int = 300) -> str:
    """Condense a server message to one short line."""
    line = " ".join(text.split())
    return line if len(line) <= limit else line[: limit - 1] + "…"
