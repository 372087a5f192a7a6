"""A fake Databricks Genie REST API on 127.0.0.1 for driving the real databricks-sdk.

It serves exactly what `genie.start_conversation`, `genie.create_message`, their `_and_wait`
polling (`GET .../messages/{id}`) and `genie.get_message_attachment_query_result` call, plus
the host-metadata probe the SDK makes when a WorkspaceClient is created, `genie.get_space`,
and the SCIM calls for a user's groups (`current_user.me()` with a user's own token, and
`users.list(filter='userName eq "..."')` as the app). Users added with `add_user` sign in with
their own token (on-behalf-of-user access); a space can be limited to some users. `sql` is the
workspace's SQL warehouses (tests/fakes/warehouse.py): statements, their tables and grants.
"""

from __future__ import annotations

import itertools
import json
import re
import threading
import urllib.parse
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from tests.fakes.warehouse import APP, SQL_PREFIX, FakeWarehouses

PREFIX = "/api/2.0/genie/spaces/"
SCIM = "/api/2.0/preview/scim/v2/"


@dataclass
class QueryAnswer:
    """Genie wrote SQL and ran it: a query attachment with this result."""

    columns: list[tuple[str, str]]  # (name, Databricks type name such as STRING or DOUBLE)
    rows: list[list[Any]]
    sql: str = "SELECT 1"
    description: str = "Genie's query"
    truncated: bool = False
    total_row_count: int | None = None
    text: str | None = None  # an optional text summary beside the query


@dataclass
class TextAnswer:
    """Genie answered in words only (e.g. a clarifying question)."""

    text: str


@dataclass
class FailedAnswer:
    """Genie gave up: the message ends in FAILED with this error."""

    error: str = "Genie could not generate a query"


@dataclass
class SlowAnswer:
    """Genie does not finish: every poll reports this status (until `fails_after_polls`)."""

    status: str = "EXECUTING_QUERY"
    # After this many polls the message fails: a client that ignores its time limit sees a
    # failure instead of waiting forever (tests then tell the two apart by the error).
    fails_after_polls: int | None = None


Answer = QueryAnswer | TextAnswer | FailedAnswer | SlowAnswer


@dataclass
class RecordedRequest:
    method: str
    path: str
    body: dict[str, Any] | None
    authorization: str | None


@dataclass
class _Space:
    answer: Answer
    forbidden: bool = False
    only_users: tuple[str, ...] | None = None


@dataclass
class _Message:
    space_id: str
    conversation_id: str
    message_id: str
    content: str
    answer: Answer
    polls: int = 0
    attachments: list[str] = field(default_factory=list)


class FakeGenieServer:
    """Scriptable Genie spaces behind a ThreadingHTTPServer running in a daemon thread."""

    def __init__(self, token: str = "dapi-test", workspace_id: str = "1234567890") -> None:
        self.token = token
        self.workspace_id = workspace_id
        self.requests: list[RecordedRequest] = []
        self._spaces: dict[str, _Space] = {}
        self.endpoints: list[dict[str, Any]] = []  # serving endpoints the workspace lists
        self._users: dict[str, tuple[str, list[str]]] = {}  # token -> (user name, groups)
        self._messages: dict[tuple[str, str], _Message] = {}
        self._ids = itertools.count(1)
        self._lock = threading.Lock()
        self.sql = FakeWarehouses()
        # Lakebase: what POST /api/2.0/database/credentials answers (set by a test).
        self.database_token = "lakebase-token"
        self.database_token_expiry = "2026-11-23T10:00:00.000Z"
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler_class())
        # A short poll interval keeps shutdown() (and so each test's teardown) fast.
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> FakeGenieServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def __enter__(self) -> FakeGenieServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def set_space(
        self,
        space_id: str,
        answer: Answer,
        *,
        forbidden: bool = False,
        only_users: tuple[str, ...] | None = None,
    ) -> None:
        """Create or re-script a space: every new message in it gets `answer`.

        `only_users`: user names (see add_user) allowed in; everyone else gets 403.
        """
        with self._lock:
            self._spaces[space_id] = _Space(answer, forbidden, only_users)

    def add_user(self, token: str, name: str, groups: list[str]) -> None:
        """A workspace user who calls with their own access token."""
        with self._lock:
            self._users[token] = (name, groups)

    def add_endpoint(self, name: str, task: str = "llm/v1/chat") -> None:
        """List a serving endpoint in the workspace (ready)."""
        self.endpoints.append({"name": name, "task": task, "state": {"ready": "READY"}})

    def credential_requests(self) -> list[RecordedRequest]:
        """The recorded Lakebase database-credential requests."""
        return [r for r in self.requests if r.path == "/api/2.0/database/credentials"]

    def genie_requests(self) -> list[RecordedRequest]:
        """The recorded Genie API calls (without the SDK's host-metadata probe)."""
        return [r for r in self.requests if r.path.startswith(PREFIX)]

    def sql_requests(self) -> list[RecordedRequest]:
        """The recorded SQL warehouse and statement calls."""
        return [r for r in self.requests if r.path.startswith(SQL_PREFIX)]

    # -- request handling ---------------------------------------------------------------

    def _handle(self, method: str, path: str, body: dict[str, Any] | None, auth: str | None):
        self.requests.append(RecordedRequest(method, path, body, auth))
        if path == "/.well-known/databricks-config":
            return 200, {"oidc_endpoint": f"{self.url}/oidc", "workspace_id": self.workspace_id}
        token = (auth or "").removeprefix("Bearer ")
        caller = self._users.get(token)
        if token != self.token and caller is None:
            return 401, {"error_code": "UNAUTHENTICATED", "message": "Invalid access token."}
        if method == "POST" and path == "/api/2.0/database/credentials":
            return 200, {
                "token": self.database_token,
                "expiration_time": self.database_token_expiry,
            }
        if method == "GET" and path == "/api/2.0/serving-endpoints":
            return 200, {"endpoints": self.endpoints}
        if path.startswith(SCIM):
            return self._scim(path.removeprefix(SCIM), caller, body or {})
        if path.startswith(SQL_PREFIX):
            return self.sql.handle(method, path, body or {}, caller[0] if caller else APP)
        match = re.fullmatch(r"/api/2\.0/genie/spaces/([^/]+)(?:/(.*))?", path)
        if not match:
            return 404, {"error_code": "ENDPOINT_NOT_FOUND", "message": f"No API at {path}"}
        space_id, rest = match.groups()
        space = self._spaces.get(space_id)
        if space is None:
            return 404, _error("RESOURCE_DOES_NOT_EXIST", f"Genie space {space_id} not found.")
        denied = space.only_users is not None and (
            caller is None or caller[0] not in space.only_users
        )
        if space.forbidden or denied:
            return 403, _error("PERMISSION_DENIED", "You need CAN VIEW on this Genie space.")
        if rest is None and method == "GET":  # GET a space: its metadata
            return 200, {"space_id": space_id, "title": f"Space {space_id}"}
        with self._lock:
            return self._route(method, space_id, space, rest, body or {})

    def _scim(self, rest: str, caller: tuple[str, list[str]] | None, query: dict[str, Any]):
        if rest == "Me" and caller is not None:
            return 200, _scim_user(*caller)
        if rest == "Users":
            wanted = re.fullmatch(r'userName eq "(.*)"', query.get("filter", ""))
            found = [u for u in self._users.values() if wanted and u[0] == wanted.group(1)]
            return 200, {"Resources": [_scim_user(*u) for u in found], "totalResults": len(found)}
        return 404, _error("ENDPOINT_NOT_FOUND", f"No SCIM API {rest}")

    def _route(self, method: str, space_id: str, space: _Space, rest: str, body: dict[str, Any]):
        if method == "POST" and rest == "start-conversation":
            conversation_id = f"conv-{next(self._ids)}"
            message = self._new_message(space_id, space, conversation_id, body)
            return 200, {
                "conversation_id": conversation_id,
                "message_id": message.message_id,
                "conversation": {"id": conversation_id, "space_id": space_id, "title": "t"},
                "message": self._message_json(message, "SUBMITTED"),
            }
        parts = rest.split("/")
        if len(parts) < 2 or parts[0] != "conversations":
            return 404, _error("ENDPOINT_NOT_FOUND", "No such Genie API.")
        conversation_id = parts[1]
        known = any(m.conversation_id == conversation_id for m in self._messages.values())
        if not known:
            return 404, _error("RESOURCE_DOES_NOT_EXIST", "Conversation not found.")
        if method == "POST" and parts[2:] == ["messages"]:
            message = self._new_message(space_id, space, conversation_id, body)
            return 200, self._message_json(message, "SUBMITTED")
        if method != "GET" or len(parts) < 4 or parts[2] != "messages":
            return 404, _error("ENDPOINT_NOT_FOUND", "No such Genie API.")
        message = self._messages.get((conversation_id, parts[3]))
        if message is None or message.space_id != space_id:
            return 404, _error("RESOURCE_DOES_NOT_EXIST", "Message not found.")
        if len(parts) == 4:
            message.polls += 1
            return 200, self._message_json(message, self._status(message))
        if len(parts) == 7 and parts[4] == "attachments" and parts[6] == "query-result":
            return self._query_result(message, parts[5])
        return 404, _error("ENDPOINT_NOT_FOUND", "No such Genie API.")

    def _new_message(self, space_id: str, space: _Space, conversation_id: str, body: dict):
        message_id = f"msg-{next(self._ids)}"
        message = _Message(
            space_id, conversation_id, message_id, body.get("content", ""), space.answer
        )
        self._messages[(conversation_id, message_id)] = message
        return message

    @staticmethod
    def _status(message: _Message) -> str:
        answer = message.answer
        if isinstance(answer, SlowAnswer):
            limit = answer.fails_after_polls
            return "FAILED" if limit is not None and message.polls > limit else answer.status
        return "FAILED" if isinstance(answer, FailedAnswer) else "COMPLETED"

    def _message_json(self, message: _Message, status: str) -> dict[str, Any]:
        data: dict[str, Any] = {
            "space_id": message.space_id,
            "conversation_id": message.conversation_id,
            "message_id": message.message_id,
            "id": message.message_id,
            "content": message.content,
            "status": status,
        }
        answer = message.answer
        if status == "FAILED" and isinstance(answer, FailedAnswer):
            data["error"] = {"error": answer.error, "type": "GENERIC_CHAT_COMPLETION_EXCEPTION"}
        if status != "COMPLETED":
            return data
        attachments: list[dict[str, Any]] = []
        if isinstance(answer, QueryAnswer):
            attachment_id = f"att-{message.message_id}"
            message.attachments = [attachment_id]
            total = answer.total_row_count or len(answer.rows)
            query = {"query": answer.sql, "description": answer.description, "title": "Q"}
            query["query_result_metadata"] = {"row_count": total, "is_truncated": answer.truncated}
            attachments.append({"attachment_id": attachment_id, "query": query})
        text = answer.text if isinstance(answer, (QueryAnswer, TextAnswer)) else None
        if text:
            attachments.append(
                {"attachment_id": f"txt-{message.message_id}", "text": {"content": text}}
            )
        data["attachments"] = attachments
        return data

    def _query_result(self, message: _Message, attachment_id: str):
        answer = message.answer
        if attachment_id not in message.attachments or not isinstance(answer, QueryAnswer):
            return 404, _error("RESOURCE_DOES_NOT_EXIST", "Attachment not found.")
        columns = [
            {"name": name, "position": i, "type_name": type_name, "type_text": type_name}
            for i, (name, type_name) in enumerate(answer.columns)
        ]
        # The Statement Execution API's JSON_ARRAY format sends every value as a string.
        data_array = [[None if v is None else str(v) for v in row] for row in answer.rows]
        total = answer.total_row_count or len(answer.rows)
        return 200, {
            "statement_response": {
                "statement_id": f"stmt-{message.message_id}",
                "status": {"state": "SUCCEEDED"},
                "manifest": {
                    "format": "JSON_ARRAY",
                    "schema": {"column_count": len(columns), "columns": columns},
                    "total_row_count": total,
                    "total_chunk_count": 1,
                    "truncated": answer.truncated,
                },
                "result": {
                    "chunk_index": 0,
                    "row_offset": 0,
                    "row_count": len(data_array),
                    "data_array": data_array,
                },
            }
        }

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def _serve(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length) if length else b""
                body = json.loads(raw) if raw else None
                path, _, query = self.path.partition("?")
                if body is None and query:
                    body = {k: v[0] for k, v in urllib.parse.parse_qs(query).items()}
                status, payload = fake._handle(
                    self.command, path, body, self.headers.get("Authorization")
                )
                data = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            do_GET = do_POST = _serve

            def log_message(self, format: str, *args: Any) -> None:  # keep test output quiet
                pass

        return Handler


def _scim_user(name: str, groups: list[str]) -> dict[str, Any]:
    return {
        "id": f"id-{name}",
        "userName": name,
        "groups": [{"display": g, "value": f"g-{g}"} for g in groups],
    }


def _error(code: str, message: str) -> dict[str, str]:
    return {"error_code": code, "message": message}
