"""Genie data tool: ask a Databricks Genie space a question and return its table."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from databricks.sdk.errors import (
    DatabricksError,
    NotFound,
    OperationFailed,
    PermissionDenied,
    Unauthenticated,
)
from databricks.sdk.service.dashboards import GenieAttachment, GenieMessage, MessageStatus

from slidegen.tools.base import (
    ToolError,
    ToolKind,
    ToolResult,
    format_untrusted_table,
    format_untrusted_text,
    string_argument,
    typed_value,
)

if TYPE_CHECKING:
    from databricks.sdk import WorkspaceClient

TOOL_NAME_PREFIX = "query_genie_"
MAX_TOOL_NAME = 64  # OpenAI-compatible function names: ^[a-zA-Z0-9_-]{1,64}$
# States the SDK waiter does not treat as final; without this it would poll until the timeout.
_DEAD_ENDS = {MessageStatus.CANCELLED, MessageStatus.QUERY_RESULT_EXPIRED}


class _StopWaiting(Exception):
    """Raised from the SDK poll callback to end the wait on a dead-end status."""

    def __init__(self, message: GenieMessage) -> None:
        super().__init__(str(message.status))
        self.message = message


def genie_tool_name(space_name: str, space_id: str = "") -> str:
    """Derive a safe tool name such as `query_genie_usage` from a space name."""
    ascii_name = unicodedata.normalize("NFKD", space_name).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "_", ascii_name.lower()).strip("_")
    if not slug:
        slug = re.sub(r"[^a-z0-9]+", "_", space_id.lower()).strip("_") or "space"
    return (TOOL_NAME_PREFIX + slug)[:MAX_TOOL_NAME].rstrip("_")


class GenieTool:
    """One data tool per Genie space; keeps the space's conversation across calls."""

    kind: ToolKind = "genie"

    def __init__(
        self,
        space_id: str,
        space_name: str,
        description: str,
        client_factory: Callable[[], WorkspaceClient],
        conversation_id: str | None = None,
        timeout_s: float = 120.0,
        *,
        max_rows: int = 200,
        max_chars: int = 12_000,
    ) -> None:
        self.space_id = space_id
        self.space_name = space_name
        self.name = genie_tool_name(space_name, space_id)
        self.description = (
            f"Ask the Databricks Genie space '{space_name}' one question in plain language; "
            "Genie writes and runs the SQL and returns a table. Ask for aggregated figures "
            f"(totals per month, top 10 ...), one question per call. {description}"
        ).strip()
        self.parameters: dict[str, Any] = {
            "type": "object",
            "properties": {
                "question": {
                    "type": "string",
                    "description": "The question for Genie, in plain language.",
                }
            },
            "required": ["question"],
            "additionalProperties": False,
        }
        self._client_factory = client_factory
        self._conversation_id = conversation_id
        self._timeout = timedelta(seconds=timeout_s)
        self._max_rows = max_rows
        self._max_chars = max_chars
        self._last_poll: GenieMessage | None = None

    @property
    def conversation_id(self) -> str | None:
        """The Genie conversation to continue next time (persist it per session and space)."""
        return self._conversation_id

    def run(self, arguments: dict[str, Any]) -> ToolResult:
        """Ask Genie the question and return its table (or its text answer)."""
        question = string_argument(arguments, "question", max_chars=4000)
        try:
            client = self._client_factory()
        except ValueError as exc:  # the SDK reports unusable auth configuration as ValueError
            raise ToolError(
                f"Cannot connect to Databricks for Genie space '{self.space_name}': "
                "check the workspace host and credentials."
            ) from exc
        message = self._ask(client, question)
        return self._result(client, message)

    def _ask(self, client: WorkspaceClient, question: str) -> GenieMessage:
        """Send the question, continuing the conversation, and wait for Genie to finish."""
        try:
            try:
                return self._send(client, question)
            except NotFound:
                if self._conversation_id is None:
                    raise
                # A stored conversation may have been deleted or expired: start afresh once.
                self._conversation_id = None
                return self._send(client, question)
        except _StopWaiting as stop:
            status = stop.message.status.value if stop.message.status else "unknown"
            raise ToolError(
                f"Genie stopped answering in space '{self.space_name}' (status {status}); "
                "ask the question again."
            ) from None
        except (DatabricksError, OperationFailed, TimeoutError) as exc:
            raise self._error(exc) from exc

    def _send(self, client: WorkspaceClient, question: str) -> GenieMessage:
        # start_conversation/create_message + result() is exactly what the *_and_wait helpers
        # do; holding the waiter keeps the new conversation id even when the wait fails.
        if self._conversation_id is None:
            waiter = client.genie.start_conversation(space_id=self.space_id, content=question)
            self._conversation_id = waiter.conversation_id
        else:
            waiter = client.genie.create_message(
                space_id=self.space_id, conversation_id=self._conversation_id, content=question
            )
        self._last_poll = None
        return waiter.result(timeout=self._timeout, callback=self._on_poll)

    def _on_poll(self, message: GenieMessage) -> None:
        self._last_poll = message  # the SDK drops a FAILED message's error text; keep it here
        if message.status in _DEAD_ENDS:
            raise _StopWaiting(message)

    def _error(self, exc: Exception) -> ToolError:
        """Translate an SDK failure into a message the user can act on."""
        space = f"Genie space '{self.space_name}' (id {self.space_id})"
        if isinstance(exc, NotFound):
            return ToolError(f"{space} was not found: check the space id in the profile.")
        if isinstance(exc, PermissionDenied):
            return ToolError(
                f"You do not have access to {space}: ask its owner to share it with you "
                "(and CAN USE on its SQL warehouse)."
            )
        if isinstance(exc, Unauthenticated):
            return ToolError(
                f"Databricks rejected the credentials used for {space}: sign in again "
                "or check the token."
            )
        if isinstance(exc, OperationFailed):
            last = self._last_poll
            reason = last.error.error if last and last.error and last.error.error else None
            detail = f": {_one_line(reason)}" if reason else ""
            return ToolError(f"Genie could not answer in {space}{detail}. Rephrase the question.")
        if isinstance(exc, TimeoutError):
            if exc.__cause__ is not None:  # the SDK's HTTP retries gave up, not Genie
                return ToolError(f"Cannot reach the Databricks workspace for {space}.")
            seconds = self._timeout.total_seconds()
            return ToolError(
                f"Genie did not answer within {seconds:g} s in {space}: "
                "ask a simpler question or try again later."
            )
        return ToolError(f"Genie request failed for {space}: {_one_line(str(exc))}")

    def _result(self, client: WorkspaceClient, message: GenieMessage) -> ToolResult:
        """Build the tool result from the message's query and text attachments."""
        attachments = message.attachments or []
        queries = [a for a in attachments if a.query is not None]
        text = "\n".join(a.text.content for a in attachments if a.text and a.text.content)
        source = f"Genie space {self.space_name}"
        metadata: dict[str, Any] = {"conversation_id": self._conversation_id}
        if not queries:
            answer = text or "Genie returned no answer."
            return ToolResult(
                content=format_untrusted_text(source, answer, max_chars=self._max_chars),
                summary=f"Genie space {self.space_name} answered in text",
                metadata=metadata | {"text": answer},
            )
        blocks: list[str] = []
        first: tuple[list[str], list[list[Any]], int, bool] | None = None
        per_block = self._max_chars // len(queries)
        for attachment in queries:
            columns, rows, total, truncated = self._fetch(client, message, attachment)
            first = first or (columns, rows, total, truncated)
            blocks.append(
                format_untrusted_table(
                    source,
                    columns,
                    rows,
                    max_rows=self._max_rows,
                    max_chars=per_block,
                    truncated=truncated,
                    note=" ".join(filter(None, [attachment.query.description, text])) or None,
                )
            )
        columns, rows, total, truncated = first or ([], [], 0, False)
        capped = rows[: self._max_rows]
        query = queries[0].query
        metadata |= {"sql": query.query, "description": query.description}
        if len(queries) > 1:
            metadata["queries"] = [a.query.query for a in queries]
        return ToolResult(
            content="\n".join(blocks),
            columns=columns,
            rows=capped,
            row_count=total,
            truncated=truncated or len(capped) < total,
            summary=f"Queried Genie space {self.space_name}: {total} rows"
            + (" (truncated)" if truncated else ""),
            metadata=metadata,
        )

    def _fetch(
        self, client: WorkspaceClient, message: GenieMessage, attachment: GenieAttachment
    ) -> tuple[list[str], list[list[Any]], int, bool]:
        """Fetch one query attachment's result: columns, typed rows, total rows, truncated."""
        attachment_id = attachment.attachment_id or attachment.query.id
        try:
            response = client.genie.get_message_attachment_query_result(
                space_id=self.space_id,
                conversation_id=message.conversation_id,
                message_id=message.message_id,
                attachment_id=attachment_id,
            )
        except DatabricksError as exc:
            raise self._error(exc) from exc
        statement = response.statement_response
        if statement is None:
            raise ToolError(f"Genie returned no result for its query in '{self.space_name}'.")
        if statement.status and statement.status.error and statement.status.error.message:
            reason = _one_line(statement.status.error.message)
            raise ToolError(f"Genie's query failed in '{self.space_name}': {reason}")
        manifest = statement.manifest
        infos = manifest.schema.columns if manifest and manifest.schema else None
        infos = infos or []
        columns = [info.name or f"column_{i + 1}" for i, info in enumerate(infos)]
        types = [info.type_name.value if info.type_name else None for info in infos]
        data = statement.result.data_array if statement.result else None
        rows = [
            [
                typed_value(value, types[i] if i < len(types) else None)
                for i, value in enumerate(row)
            ]
            for row in data or []
        ]
        total = manifest.total_row_count if manifest and manifest.total_row_count else len(rows)
        truncated = bool(manifest and manifest.truncated) or total > len(rows)
        return columns, rows, max(total, len(rows)), truncated


def _one_line(text: str, limit: int = 300) -> str:
    """Condense a server message to one short line."""
    line = " ".join(text.split())
    return line if len(line) <= limit else line[: limit - 1] + "…"
