"""The data a request's tools returned, kept with the request (decision 11).

Only what verification needs is kept: the tool's name, the SQL text or Genie question, the
columns and the rows (capped), and Genie's text answer. No credentials, no conversation ids.
"""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from slidegen.db.models import ChatRequest, UserSession
from slidegen.tools.base import ToolResult, plain_value

MAX_ROWS = 200
MAX_TEXT_CHARS = 4_000
MAX_RESULT_BYTES = 64_000
MAX_REQUEST_BYTES = 256_000


def capture(name: str, arguments: dict[str, Any], result: ToolResult) -> dict[str, Any]:
    """Return the capped, JSON-ready record of one tool result."""
    question = arguments.get("question") if isinstance(arguments, dict) else None
    query = result.metadata.get("sql") or (
        arguments.get("query") if isinstance(arguments, dict) else None
    )
    rows = [[plain_value(v) for v in row] for row in result.rows[:MAX_ROWS]]
    record: dict[str, Any] = {
        "tool": name,
        "query": str(query)[:MAX_TEXT_CHARS] if query else None,
        "question": str(question)[:MAX_TEXT_CHARS] if question else None,
        "columns": [str(c) for c in result.columns],
        "rows": rows,
        "truncated": result.truncated or len(result.rows) > len(rows),
        "text": str(result.metadata.get("text") or "")[:MAX_TEXT_CHARS] or None,
    }
    # Wide rows can still be large: halve the rows until the record fits.
    while len(json.dumps(record)) > MAX_RESULT_BYTES and record["rows"]:
        record["rows"] = record["rows"][: len(record["rows"]) // 2]
        record["truncated"] = True
    return record


def append_result(existing: list[Any] | None, record: dict[str, Any]) -> list[Any]:
    """Return the request's results with `record` added, unless the request's cap is reached."""
    results = list(existing or [])
    if len(json.dumps(results)) + len(json.dumps(record)) > MAX_REQUEST_BYTES:
        return results
    return [*results, record]


def deck_tool_results(session: Session, holder: UserSession) -> list[dict[str, Any]]:
    """Return every tool result of the requests on this deck (its session and its threads)."""
    sessions = select(UserSession.id).where(
        (UserSession.id == holder.id) | (UserSession.parent_session_id == holder.id)
    )
    stored = session.scalars(
        select(ChatRequest.tool_results)
        .where(ChatRequest.session_id.in_(sessions), ChatRequest.tool_results.is_not(None))
        .order_by(ChatRequest.id)
    )
    return [record for results in stored for record in results or []]
