"""A scriptable fake OpenAI-compatible chat-completions server (and Databricks host) on 127.0.0.1.

    with FakeOpenAIServer() as server:
        server.enqueue(Reply.error(429, retry_after_ms=10), Reply.text("Hello", delay_s=0.05))
        client = openai.OpenAI(base_url=server.openai_base_url, api_key="k")

Serves POST /v1/chat/completions and POST /serving-endpoints/chat/completions from a script
of replies (streamed as SSE when the request asks for it, as JSON otherwise), plus what the
databricks-sdk asks a workspace for: host metadata, OIDC discovery and an OAuth token endpoint
issuing `oauth-token-1`, `oauth-token-2`, ... Every request is recorded with its headers.
"""

from __future__ import annotations

import json
import select
import socket
import threading
import time
from collections import deque
from dataclasses import dataclass, field, replace
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Self

CHAT_PATHS = ("/v1/chat/completions", "/serving-endpoints/chat/completions")
_ERROR_DEFAULTS: dict[int, tuple[str, str | None, str]] = {
    400: ("Invalid request.", None, "invalid_request_error"),
    401: ("Incorrect API key provided.", "invalid_api_key", "invalid_request_error"),
    403: ("You are not allowed to query this endpoint.", None, "permission_error"),
    404: (
        "The model `{model}` does not exist or you do not have access to it.",
        "model_not_found",
        "invalid_request_error",
    ),
    429: ("Rate limit reached. Please try again later.", "rate_limit_exceeded", "requests"),
    500: ("The server had an error while processing your request.", None, "server_error"),
    503: ("The engine is currently overloaded, please try again later.", None, "server_error"),
}


@dataclass(frozen=True)
class ToolCall:
    """A tool call to stream: `arguments` as a dict, or a raw (possibly malformed) string."""

    name: str
    arguments: dict[str, Any] | str
    id: str | None = None

    def raw_arguments(self) -> str:
        """Return the arguments as the JSON text the fake model 'writes'."""
        return self.arguments if isinstance(self.arguments, str) else json.dumps(self.arguments)


@dataclass(frozen=True)
class Reply:
    """One scripted answer; build it with the class methods."""

    content: str = ""
    calls: tuple[ToolCall, ...] = ()
    chunk_size: int = 20
    fragment_size: int = 8
    interleave: bool = False
    delay_s: float = 0.0
    headers_delay_s: float = 0.0
    finish_reason: str | None = "stop"
    usage: tuple[int, int] | None = None
    cut_after_chunks: int | None = None
    status: int = 200
    body: dict[str, Any] | None = None
    headers: dict[str, str] = field(default_factory=dict)
    gate: threading.Event | None = None  # when set, hold the stream after its first text chunk

    @classmethod
    def text(
        cls, text: str, *, chunk_size: int = 20, delay_s: float = 0.0, **options: Any
    ) -> Reply:
        """Answer with text, streamed `chunk_size` characters a chunk, `delay_s` apart."""
        return cls(content=text, chunk_size=chunk_size, delay_s=delay_s, **options)

    @classmethod
    def tool_calls(
        cls, calls: list[ToolCall | tuple[str, dict[str, Any] | str]], **options: Any
    ) -> Reply:
        """Answer with tool calls (arguments fragmented; parallel when several)."""
        parsed = tuple(c if isinstance(c, ToolCall) else ToolCall(*c) for c in calls)
        options.setdefault("finish_reason", "tool_calls")
        return cls(calls=parsed, **options)

    @classmethod
    def error(
        cls,
        status: int,
        message: str | None = None,
        *,
        code: str | None = None,
        retry_after_s: float | None = None,
        retry_after_ms: int | None = None,
        body: dict[str, Any] | None = None,
        headers_delay_s: float = 0.0,
    ) -> Reply:
        """Answer with an HTTP error and an OpenAI-shaped body (or `body` as given)."""
        default_message, default_code, kind = _ERROR_DEFAULTS.get(
            status, ("Error.", None, "server_error")
        )
        error = {
            "message": message or default_message,
            "type": kind,
            "param": None,
            "code": code or default_code,
        }
        headers = {}
        if retry_after_s is not None:
            headers["retry-after"] = str(retry_after_s)
        if retry_after_ms is not None:
            headers["retry-after-ms"] = str(retry_after_ms)
        return cls(
            status=status,
            body=body if body is not None else {"error": error},
            headers=headers,
            headers_delay_s=headers_delay_s,
        )

    @classmethod
    def context_length_exceeded(cls) -> Reply:
        """Answer 400 as OpenAI does when the prompt does not fit."""
        return cls.error(
            400,
            "This model's maximum context length is 8192 tokens. However, your messages "
            "resulted in 9001 tokens. Please reduce the length of the messages.",
            code="context_length_exceeded",
        )

    @classmethod
    def truncated(cls, text: str, *, after_chunks: int = 2, **options: Any) -> Reply:
        """Stream `after_chunks` chunks of `text`, then drop the connection (no [DONE])."""
        return cls(content=text, cut_after_chunks=after_chunks, **options)

    @classmethod
    def slow(cls, seconds: float, then: Reply | None = None) -> Reply:
        """Wait `seconds` before sending the status line, then answer like `then`."""
        return replace(then or cls(content="late"), headers_delay_s=seconds)

    @classmethod
    def json(cls, body: dict[str, Any], status: int = 200) -> Reply:
        """Answer with exactly this JSON body."""
        return cls(status=status, body=body)


@dataclass(frozen=True)
class RecordedRequest:
    """A request the server received; header names are lower-case."""

    method: str
    path: str
    headers: dict[str, str]
    body: Any
    received_at: float

    @property
    def authorization(self) -> str | None:
        """The Authorization header, if any."""
        return self.headers.get("authorization")


class FakeOpenAIServer:
    """The server, running in a background thread while the context is open."""

    def __init__(self) -> None:
        self._script: deque[Reply] = deque()
        self._requests: list[RecordedRequest] = []
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        # Set when a client closed its connection while a reply was held back (a timeout).
        self.client_hung_up = threading.Event()
        self._tokens_issued = 0
        self.default_reply: Reply | None = None
        self.oauth_token_ttl_s = 3600
        self.oauth_token_status = 200  # set to 401 to reject the client credentials
        self._httpd = _Server(("127.0.0.1", 0), _Handler)
        self._httpd.fake = self
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )

    @property
    def url(self) -> str:
        """The server's root, also usable as a Databricks workspace host."""
        return f"http://127.0.0.1:{self._httpd.server_address[1]}"

    @property
    def openai_base_url(self) -> str:
        """The base URL to give an OpenAI client."""
        return f"{self.url}/v1"

    @property
    def requests(self) -> list[RecordedRequest]:
        """All requests received so far."""
        with self._lock:
            return list(self._requests)

    @property
    def chat_requests(self) -> list[RecordedRequest]:
        """The chat-completions requests received so far."""
        return [r for r in self.requests if r.path in CHAT_PATHS]

    def reset(self) -> None:
        """Forget the replies still queued and the default reply (a new test starts clean)."""
        with self._lock:
            self._script.clear()
            self.default_reply = None

    def enqueue(self, *replies: Reply, times: int = 1) -> None:
        """Answer the next chat requests with these replies, in order (repeated `times`)."""
        with self._lock:
            for _ in range(times):
                self._script.extend(replies)

    def start(self) -> Self:
        """Start serving."""
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving and wake handlers that are sleeping (safe to call twice)."""
        if self._stopping.is_set():
            return
        self._stopping.set()
        self._httpd.shutdown()
        self._httpd.server_close()

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    def _record(self, request: RecordedRequest) -> None:
        with self._lock:
            self._requests.append(request)

    def _next_reply(self) -> Reply:
        with self._lock:
            if self._script:
                return self._script.popleft()
        return self.default_reply or Reply.error(400, "The fake server has no reply scripted.")

    def _issue_token(self) -> dict[str, Any]:
        with self._lock:
            self._tokens_issued += 1
            number = self._tokens_issued
        return {
            "access_token": f"oauth-token-{number}",
            "token_type": "Bearer",
            "expires_in": self.oauth_token_ttl_s,
        }


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    fake: FakeOpenAIServer

    def handle_error(self, request: Any, client_address: Any) -> None:
        """Stay quiet when a client hangs up (timeouts are tested on purpose)."""


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _Server

    def log_message(self, format: str, *args: Any) -> None:
        """Keep test output clean."""

    def do_GET(self) -> None:  # noqa: N802
        fake = self._receive(None)
        if self.path == "/.well-known/databricks-config":
            self._send_json(200, {"oidc_endpoint": f"{fake.url}/oidc", "workspace_id": "1234"})
        elif self.path == "/oidc/.well-known/oauth-authorization-server":
            self._send_json(
                200,
                {
                    "issuer": f"{fake.url}/oidc",
                    "authorization_endpoint": f"{fake.url}/oidc/v1/authorize",
                    "token_endpoint": f"{fake.url}/oidc/v1/token",
                },
            )
        else:
            self._send_json(404, {"error": {"message": f"No route {self.path}"}})

    def do_POST(self) -> None:  # noqa: N802
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        fake = self._receive(raw)
        if self.path == "/oidc/v1/token" and fake.oauth_token_status != 200:
            error = {"error": "invalid_client", "error_description": "Client authentication failed"}
            self._send_json(fake.oauth_token_status, error)
        elif self.path == "/oidc/v1/token":
            self._send_json(200, fake._issue_token())
        elif self.path in CHAT_PATHS:
            self._answer_chat(fake._next_reply(), json.loads(raw or b"{}"))
        else:
            self._send_json(404, {"error": {"message": f"No route {self.path}"}})

    def _receive(self, raw: bytes | None) -> FakeOpenAIServer:
        fake = self.server.fake
        try:
            body = json.loads(raw) if raw else None
        except ValueError:
            body = raw.decode(errors="replace") if raw else None
        headers = {key.lower(): value for key, value in self.headers.items()}
        fake._record(RecordedRequest(self.command, self.path, headers, body, time.monotonic()))
        return fake

    def _answer_chat(self, reply: Reply, request: dict[str, Any]) -> None:
        if reply.headers_delay_s and self._held_back(reply.headers_delay_s):
            return
        if reply.body is not None:  # an error names the requested model, as OpenAI's do
            body = json.dumps(reply.body).replace("{model}", str(request.get("model")))
            self._send_json(reply.status, json.loads(body), reply.headers)
        elif request.get("stream"):
            self._stream(reply, request)
        else:
            self._send_json(200, completion_body(reply, request))

    def _held_back(self, seconds: float) -> bool:
        """Wait before answering; True when the client hung up (or the server stops) first."""
        fake, deadline = self.server.fake, time.monotonic() + seconds
        while time.monotonic() < deadline:
            if fake._stopping.wait(0.02):
                return True
            readable, _, _ = select.select([self.connection], [], [], 0)
            if readable and not self.connection.recv(1, socket.MSG_PEEK):
                fake.client_hung_up.set()  # end of stream: the client closed the connection
                return True
        return False

    def _send_json(self, status: int, body: Any, headers: dict[str, str] | None = None) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)

    def _stream(self, reply: Reply, request: dict[str, Any]) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        include_usage = bool((request.get("stream_options") or {}).get("include_usage"))
        for number, (event, delay) in enumerate(stream_events(reply, request, include_usage)):
            if reply.cut_after_chunks is not None and number > reply.cut_after_chunks:
                self._drop_connection()
                return
            if delay and self.server.fake._stopping.wait(delay):
                return
            self._write_chunk(f"data: {event}\n\n".encode())
            if number == 1 and reply.gate is not None:
                reply.gate.wait(timeout=10)
        self._write_chunk(b"data: [DONE]\n\n")
        self.wfile.write(b"0\r\n\r\n")
        self.wfile.flush()

    def _write_chunk(self, data: bytes) -> None:
        self.wfile.write(f"{len(data):x}\r\n".encode() + data + b"\r\n")
        self.wfile.flush()

    def _drop_connection(self) -> None:
        self.close_connection = True
        self.wfile.flush()
        self.connection.shutdown(socket.SHUT_RDWR)


def _chunk(request: dict[str, Any], delta: dict[str, Any], finish: str | None = None) -> str:
    choice = {"index": 0, "delta": delta, "finish_reason": finish, "logprobs": None}
    return json.dumps(
        {
            "id": "chatcmpl-fake",
            "object": "chat.completion.chunk",
            "created": 1_700_000_000,
            "model": request.get("model", "fake-model"),
            "choices": [choice],
        }
    )


def _pieces(text: str, size: int) -> list[str]:
    return [text[i : i + size] for i in range(0, len(text), max(size, 1))]


def _usage(reply: Reply, request: dict[str, Any]) -> dict[str, int]:
    # Without a scripted figure, estimate like a tokenizer would: about four characters a token.
    prompt, completion = reply.usage or (
        len(json.dumps(request.get("messages", []))) // 4,
        (len(reply.content) + sum(len(c.raw_arguments()) for c in reply.calls)) // 4,
    )
    total = prompt + completion
    return {"prompt_tokens": prompt, "completion_tokens": completion, "total_tokens": total}


def _call_id(call: ToolCall, index: int) -> str:
    return call.id or f"call_fake_{index}"


def stream_events(
    reply: Reply, request: dict[str, Any], include_usage: bool
) -> list[tuple[str, float]]:
    """Return the SSE data payloads of a streamed reply, each with the delay before it."""
    events = [(_chunk(request, {"role": "assistant", "content": ""}), 0.0)]
    for piece in _pieces(reply.content, reply.chunk_size):
        events.append((_chunk(request, {"content": piece}), reply.delay_s))
    heads, fragments = [], []
    for index, call in enumerate(reply.calls):
        head = {"index": index, "id": _call_id(call, index), "type": "function"}
        head["function"] = {"name": call.name, "arguments": ""}
        heads.append(head)
        fragments.append(
            [
                {"index": index, "function": {"arguments": piece}}
                for piece in _pieces(call.raw_arguments(), reply.fragment_size)
            ]
        )
    if reply.interleave:  # heads first, then fragments round-robin: joined only by index
        longest = max(map(len, fragments), default=0)
        parts = heads + [f[i] for i in range(longest) for f in fragments if i < len(f)]
    else:
        parts = [p for head, frags in zip(heads, fragments, strict=True) for p in (head, *frags)]
    for part in parts:
        events.append((_chunk(request, {"tool_calls": [part]}), reply.delay_s))
    if reply.finish_reason is not None:
        events.append((_chunk(request, {}, reply.finish_reason), 0.0))
    if include_usage:
        usage_chunk = json.loads(_chunk(request, {}))
        usage_chunk["choices"] = []
        usage_chunk["usage"] = _usage(reply, request)
        events.append((json.dumps(usage_chunk), 0.0))
    return events


def completion_body(reply: Reply, request: dict[str, Any]) -> dict[str, Any]:
    """Return the non-streamed chat.completion JSON for a reply."""
    message: dict[str, Any] = {"role": "assistant", "content": reply.content or None}
    if reply.calls:
        message["tool_calls"] = [
            {
                "id": _call_id(call, index),
                "type": "function",
                "function": {"name": call.name, "arguments": call.raw_arguments()},
            }
            for index, call in enumerate(reply.calls)
        ]
    return {
        "id": "chatcmpl-fake",
        "object": "chat.completion",
        "created": 1_700_000_000,
        "model": request.get("model", "fake-model"),
        "choices": [
            {"index": 0, "message": message, "finish_reason": reply.finish_reason, "logprobs": None}
        ],
        "usage": _usage(reply, request),
    }
