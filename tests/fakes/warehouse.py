"""Fake Databricks SQL warehouses: the SQL Statement Execution API answered by sqlite3.

FakeGenieServer routes `/api/2.0/sql/...` here with the caller's name (a user added with
`add_user`, or APP for the app's own token). Statements really run, on an in-memory SQLite
database holding the tables of one catalog.schema plus `information_schema.columns`, so results
and failures are real; a table may be readable by some users only (Unity Catalog grants), which
a SQLite authorizer enforces. Statements can be scripted to stay PENDING/RUNNING for some polls,
or forever (until cancelled).
"""

from __future__ import annotations

import itertools
import re
import sqlite3
import threading
from dataclasses import dataclass, field
from typing import Any

APP = "app-service-principal"  # the caller name of requests made with the app's token
SQL_PREFIX = "/api/2.0/sql/"


@dataclass
class _Statement:
    statement_id: str
    caller: str
    body: dict[str, Any]
    outcome: dict[str, Any]  # the final response fields: status, manifest, result
    chunks: list[list[list[str | None]]] = field(default_factory=list)
    polls_left: int = 0
    hangs: bool = False
    cancelled: bool = False


class FakeWarehouses:
    """SQL warehouses and the tables of one catalog.schema, evaluated with sqlite3."""

    def __init__(self, catalog: str = "main", schema: str = "sales") -> None:
        self.catalog, self.schema = catalog, schema
        self.pending_polls = 0  # polls it takes a new statement to finish (it starts PENDING)
        self.hang = False  # new statements never finish (until cancelled)
        self.chunk_rows: int | None = None  # split results into chunks of this many rows
        self.cancelled: list[str] = []
        self._warehouses: dict[str, tuple[str, tuple[str, ...] | None]] = {}
        self._readers: dict[str, tuple[str, ...] | None] = {}  # table -> user names, or all
        self._statements: dict[str, _Statement] = {}
        self._ids = itertools.count(1)
        self._lock = threading.Lock()
        self._db = sqlite3.connect(":memory:", check_same_thread=False)
        self._db.execute("ATTACH ':memory:' AS information_schema")
        self._db.execute(
            "CREATE TABLE information_schema.columns (table_catalog, table_schema, table_name, "
            "column_name, data_type, ordinal_position)"
        )

    def add_warehouse(
        self, warehouse_id: str, name: str = "Shared", only_users: tuple[str, ...] | None = None
    ) -> None:
        """A warehouse; with `only_users`, everyone else (the app included) lacks CAN USE."""
        self._warehouses[warehouse_id] = (name, only_users)

    def add_table(
        self,
        name: str,
        columns: list[tuple[str, str]],
        rows: list[tuple[Any, ...]],
        readers: tuple[str, ...] | None = None,
    ) -> None:
        """A table of catalog.schema: (column, Databricks type) pairs; `readers` may SELECT."""
        with self._lock:
            self._db.execute(f"CREATE TABLE {name} ({', '.join(c for c, _ in columns)})")
            marks = ", ".join("?" for _ in columns)
            self._db.executemany(f"INSERT INTO {name} VALUES ({marks})", rows)
            self._db.executemany(
                "INSERT INTO information_schema.columns VALUES (?, ?, ?, ?, ?, ?)",
                [
                    (self.catalog, self.schema, name, column, data_type, position)
                    for position, (column, data_type) in enumerate(columns, start=1)
                ],
            )
            self._readers[name] = readers

    def handle(self, method: str, path: str, body: dict[str, Any], caller: str):
        """Answer one request under /api/2.0/sql/ as (status, JSON payload)."""
        rest = path.removeprefix(SQL_PREFIX)
        if method == "GET" and (match := re.fullmatch(r"warehouses/([^/]+)", rest)):
            denied = self._denied(match.group(1), caller)
            if denied:
                return denied
            name = self._warehouses[match.group(1)][0]
            return 200, {"id": match.group(1), "name": name, "state": "RUNNING"}
        if method == "POST" and rest == "statements":
            return self._submit(body, caller)
        match = re.fullmatch(r"statements/([^/]+)(/cancel|/result/chunks/(\d+))?", rest)
        with self._lock:
            statement = self._statements.get(match.group(1)) if match else None
            if statement is None or statement.caller != caller:
                return 404, _error("RESOURCE_DOES_NOT_EXIST", "Statement not found.")
            if method == "POST" and match.group(2) == "/cancel":
                statement.cancelled = True
                self.cancelled.append(statement.statement_id)
                return 200, {}
            if method == "GET" and match.group(3) is not None:
                return 200, self._chunk(statement, int(match.group(3)))
            if method == "GET" and match.group(2) is None:
                return 200, self._poll(statement)
        return 404, _error("ENDPOINT_NOT_FOUND", f"No API at {path}")

    def _denied(self, warehouse_id: str, caller: str):
        if warehouse_id not in self._warehouses:
            return 404, _error(
                "RESOURCE_DOES_NOT_EXIST", f"SQL warehouse {warehouse_id} not found."
            )
        only_users = self._warehouses[warehouse_id][1]
        if only_users is not None and caller not in only_users:
            return 403, _error(
                "PERMISSION_DENIED", f"You need CAN USE on warehouse {warehouse_id}."
            )
        return None

    def _submit(self, body: dict[str, Any], caller: str):
        denied = self._denied(body.get("warehouse_id", ""), caller)
        if denied:
            return denied
        with self._lock:
            statement = _Statement(f"stmt-{next(self._ids)}", caller, body, {})
            statement.outcome, statement.chunks = self._evaluate(body, caller)
            statement.polls_left = self.pending_polls or (body.get("wait_timeout") == "0s")
            statement.hangs = self.hang
            self._statements[statement.statement_id] = statement
            if statement.polls_left or statement.hangs:
                return 200, _status(statement, "PENDING")
            return 200, self._final(statement)

    def _poll(self, statement: _Statement) -> dict[str, Any]:
        if statement.cancelled:
            return _status(statement, "CANCELED")
        if statement.hangs or statement.polls_left > 1:
            statement.polls_left -= 1
            return _status(statement, "RUNNING")
        return self._final(statement)

    def _final(self, statement: _Statement) -> dict[str, Any]:
        return {"statement_id": statement.statement_id, **statement.outcome}

    def _chunk(self, statement: _Statement, index: int) -> dict[str, Any]:
        data = statement.chunks[index]
        more = {"next_chunk_index": index + 1} if index + 1 < len(statement.chunks) else {}
        return {"chunk_index": index, "row_count": len(data), "data_array": data, **more}

    def _evaluate(self, body: dict[str, Any], caller: str):
        """Run the statement on SQLite as `caller`; return the final fields and the chunks."""
        catalog, schema = body.get("catalog"), body.get("schema")
        if catalog not in (None, self.catalog) or schema not in (None, self.schema):
            return _failed(
                f"[SCHEMA_NOT_FOUND] The schema `{catalog}`.`{schema}` cannot be found."
            ), []
        params = {p["name"]: p.get("value") for p in body.get("parameters") or []}
        denied: list[str] = []
        visible = [
            t for t, readers in self._readers.items() if readers is None or caller in readers
        ]

        def authorize(action: int, table: str | None, *_: Any) -> int:
            if action == sqlite3.SQLITE_READ and table in self._readers and table not in visible:
                denied.append(table)
                return sqlite3.SQLITE_DENY
            return sqlite3.SQLITE_OK

        try:
            self._db.set_authorizer(authorize)
            cursor = self._db.execute(_visible_only(body["statement"], visible), params)
            names = [d[0] for d in cursor.description or []]
            rows = cursor.fetchall()
        except sqlite3.Error as exc:
            if denied:
                return _failed(
                    f"[INSUFFICIENT_PERMISSIONS] Insufficient privileges: User does not have "
                    f"SELECT on Table '{self.catalog}.{self.schema}.{denied[0]}'."
                ), []
            return _failed(f"[SQL_ERROR] {exc}. SQLSTATE: 42000"), []
        finally:
            self._db.set_authorizer(None)
        limit = body.get("row_limit")
        truncated = limit is not None and len(rows) > limit
        rows = rows[:limit] if limit is not None else rows
        return _succeeded(names, rows, truncated, self.chunk_rows)


def _visible_only(statement: str, visible: list[str]) -> str:
    """Hide information_schema rows of tables the caller may not read, as Unity Catalog does."""
    names = ", ".join(f"'{t}'" for t in visible) or "NULL"
    return statement.replace(
        "information_schema.columns",
        f"(SELECT * FROM information_schema.columns WHERE table_name IN ({names}))",
    )


def _type_name(values: list[Any]) -> str:
    sample = next((v for v in values if v is not None), None)
    if isinstance(sample, bool):
        return "BOOLEAN"
    if isinstance(sample, int):
        return "LONG"
    return "DOUBLE" if isinstance(sample, float) else "STRING"


def _succeeded(
    names: list[str], rows: list[tuple[Any, ...]], truncated: bool, chunk_rows: int | None
) -> tuple[dict[str, Any], list[list[list[str | None]]]]:
    columns = [
        {"name": name, "position": i, "type_name": _type_name([r[i] for r in rows])}
        for i, name in enumerate(names)
    ]
    # JSON_ARRAY sends every value as a string.
    data = [[None if v is None else str(v) for v in row] for row in rows]
    size = chunk_rows or max(1, len(data))
    chunks = [data[i : i + size] for i in range(0, len(data), size)] or [[]]
    first = {"chunk_index": 0, "row_count": len(chunks[0]), "data_array": chunks[0]}
    if len(chunks) > 1:
        first["next_chunk_index"] = 1
    manifest = {
        "format": "JSON_ARRAY",
        "schema": {"column_count": len(columns), "columns": columns},
        "total_row_count": len(data),
        "total_chunk_count": len(chunks),
        "truncated": truncated,
    }
    return {"status": {"state": "SUCCEEDED"}, "manifest": manifest, "result": first}, chunks


def _failed(message: str) -> dict[str, Any]:
    return {
        "status": {"state": "FAILED", "error": {"error_code": "BAD_REQUEST", "message": message}}
    }


def _status(statement: _Statement, state: str) -> dict[str, Any]:
    return {"statement_id": statement.statement_id, "status": {"state": state}}


def _error(code: str, message: str) -> dict[str, str]:
    return {"error_code": code, "message": message}
