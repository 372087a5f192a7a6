"""A provider for any OpenAI-compatible chat-completions server, streaming with tools.

Retries: the openai client retries 408/409/429/5xx responses, timeouts and connection errors
before the response starts, `max_retries` times, with exponential backoff (0.5 s doubling, at
most 8 s, minus up to 25 % jitter) or the server's Retry-After / retry-after-ms when it is
at most 120 s. Once the stream has started nothing is retried, because the caller may already
have shown text: a stream that breaks off raises LLMResponseError. `timeout_s` bounds the wait
for the response to start and for each next chunk, not the whole answer.

Usage: `stream_options.include_usage` is requested; a server that rejects it is asked again
without it (and never again by this provider). When the server reports no usage, no Usage
event is emitted: token counts are never guessed.
"""

from __future__ import annotations

import json
import logging
import uuid
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

import httpx2
import openai
from openai.types.chat import ChatCompletionChunk

from slidegen.llm.base import (
    Finished,
    LLMEvent,
    Message,
    TextDelta,
    ToolCallEvent,
    ToolSpec,
    Usage,
)
from slidegen.llm.errors import LLMError, LLMResponseError, translate_openai_error

log = logging.getLogger(__name__)

# Local servers often need no key, but the client refuses an empty one (and would otherwise
# read OPENAI_API_KEY from the environment itself).
NO_API_KEY = "no-key"
_CONNECT_TIMEOUT_S = 10.0


class OpenAICompatibleProvider:
    """Streams chat completions with tools from an OpenAI-compatible server."""

    name = "openai"

    def __init__(
        self,
        base_url: str,
        api_key: str | None,
        model: str,
        timeout_s: float,
        max_retries: int,
        default_headers: Mapping[str, str] | None = None,
        http_auth: httpx2.Auth | None = None,
    ) -> None:
        self.model = model
        self._send_stream_options = True
        self._max_tokens_param = "max_tokens"
        # A client-level auth flow runs on every attempt, so it can set fresh headers.
        http_client = openai.DefaultHttpxClient(auth=http_auth) if http_auth else None
        self._client = openai.OpenAI(
            api_key=api_key or NO_API_KEY,
            base_url=base_url,
            timeout=httpx2.Timeout(timeout_s, connect=min(timeout_s, _CONNECT_TIMEOUT_S)),
            max_retries=max_retries,
            default_headers=default_headers,
            http_client=http_client,
        )

    def stream(
        self,
        messages: list[Message],
        tools: list[ToolSpec],
        *,
        temperature: float,
        max_tokens: int,
    ) -> Iterator[LLMEvent]:
        """Yield TextDelta as text arrives, then ToolCallEvents, Usage (if known), Finished."""
        params: dict[str, Any] = {
            "model": self.model,
            "messages": [to_openai_message(message) for message in messages],
            "temperature": temperature,
            self._max_tokens_param: max_tokens,
            "stream": True,
        }
        if tools:
            params["tools"] = [to_openai_tool(tool) for tool in tools]
        if self._send_stream_options:
            params["stream_options"] = {"include_usage": True}
        chunks = self._open(params)
        yield from self._events(chunks)

    def close(self) -> None:
        """Release the HTTP connections."""
        self._client.close()

    def _open(self, params: dict[str, Any]) -> openai.Stream[ChatCompletionChunk]:
        for _ in range(3):
            try:
                return self._client.chat.completions.create(**params)
            except openai.BadRequestError as exc:
                adapted = self._adapt_to_rejection(params, exc)
                if adapted is None:
                    raise self._translate(exc) from exc
                params = adapted
            except (openai.AuthenticationError, openai.PermissionDeniedError) as exc:
                # The server's text may echo the key back: keep it out of tracebacks too.
                raise self._translate(exc) from None
            except openai.OpenAIError as exc:
                raise self._translate(exc) from exc
        raise LLMResponseError(f"The model endpoint '{self.model}' kept rejecting the request.")

    def _translate(self, exc: Exception) -> LLMError:
        return translate_openai_error(exc, endpoint=self.model)

    def _adapt_to_rejection(
        self, params: dict[str, Any], exc: openai.BadRequestError
    ) -> dict[str, Any] | None:
        """Return the request without an optional parameter the server refused, if that was it."""
        text = f"{exc.message} {exc.body or ''}".lower()
        if "stream_options" in text and "stream_options" in params:
            log.info("%s does not accept stream_options; continuing without usage", self.model)
            self._send_stream_options = False
            return {key: value for key, value in params.items() if key != "stream_options"}
        if "max_completion_tokens" in text and "max_tokens" in params:
            self._max_tokens_param = "max_completion_tokens"
            adapted = dict(params)
            adapted["max_completion_tokens"] = adapted.pop("max_tokens")
            return adapted
        return None

    def _events(self, chunks: openai.Stream[ChatCompletionChunk]) -> Iterator[LLMEvent]:
        assembler = StreamAssembler(self.model)
        try:
            with chunks:
                for chunk in chunks:
                    yield from assembler.feed(chunk)
        except openai.APITimeoutError as exc:
            raise translate_openai_error(exc, endpoint=self.model) from exc
        except openai.APIConnectionError as exc:
            raise LLMResponseError(
                f"The connection to the model endpoint '{self.model}' broke off mid-answer. "
                "Try again.",
                endpoint=self.model,
            ) from exc
        except openai.OpenAIError as exc:
            raise translate_openai_error(exc, endpoint=self.model) from exc
        except ValueError as exc:  # a chunk that is not JSON
            raise LLMResponseError(
                f"The model endpoint '{self.model}' sent an answer that could not be read. "
                "Try again.",
                endpoint=self.model,
            ) from exc
        yield from assembler.finish()


@dataclass
class _ToolCallParts:
    id: str = ""
    name: str = ""
    arguments: list[str] = field(default_factory=list)

    def event(self) -> ToolCallEvent:
        raw = "".join(self.arguments)
        arguments, error = parse_tool_arguments(raw)
        call_id = self.id or f"call_{uuid.uuid4().hex[:24]}"
        return ToolCallEvent(call_id, self.name, arguments, raw, error)


class StreamAssembler:
    """Turns chat-completion chunks into events, joining tool-call fragments by index."""

    def __init__(self, endpoint: str) -> None:
        self._endpoint = endpoint
        self._calls: dict[int, _ToolCallParts] = {}
        self._finish_reason: str | None = None
        self._usage: Usage | None = None

    def feed(self, chunk: ChatCompletionChunk) -> Iterator[LLMEvent]:
        """Yield the text in `chunk` and remember its tool-call fragments, finish and usage."""
        usage = getattr(chunk, "usage", None)
        if usage is not None:
            self._usage = Usage(usage.prompt_tokens or 0, usage.completion_tokens or 0)
        for choice in getattr(chunk, "choices", None) or ():
            if choice.index != 0:  # we never ask for n > 1
                continue
            delta = choice.delta
            if delta is not None and delta.content:
                yield TextDelta(delta.content)
            for part in (delta.tool_calls if delta is not None else None) or ():
                self._add_tool_call_part(part)
            if choice.finish_reason:
                self._finish_reason = choice.finish_reason

    def finish(self) -> Iterator[LLMEvent]:
        """Yield the tool calls in order, the usage if reported, and Finished."""
        if self._finish_reason is None:
            raise LLMResponseError(
                f"The answer from the model endpoint '{self._endpoint}' was cut off before it "
                "finished. Try again.",
                endpoint=self._endpoint,
            )
        for index in sorted(self._calls):
            yield self._calls[index].event()
        if self._usage is not None:
            yield self._usage
        yield Finished(self._finish_reason)

    def _add_tool_call_part(self, part: Any) -> None:
        parts = self._calls.setdefault(part.index, _ToolCallParts())
        if part.id:
            parts.id = part.id
        function = part.function
        if function is None:
            return
        # Most servers send the name once; some repeat it in every fragment, some split it.
        if function.name and function.name != parts.name:
            parts.name += function.name
        if function.arguments:
            parts.arguments.append(function.arguments)


def parse_tool_arguments(raw: str) -> tuple[dict[str, Any], str | None]:
    """Parse a tool call's JSON arguments; return ({}, reason) instead of raising."""
    if not raw.strip():
        return {}, None
    try:
        value = json.loads(raw)
    except json.JSONDecodeError as exc:
        return {}, f"arguments are not valid JSON ({exc.msg} at character {exc.pos})"
    if not isinstance(value, dict):
        return {}, f"arguments must be a JSON object, not {type(value).__name__}"
    return value, None


def to_openai_message(message: Message) -> dict[str, Any]:
    """Convert a Message to the chat-completions wire format."""
    wire: dict[str, Any] = {"role": message.role, "content": message.content}
    if message.role != "assistant" and message.content is None:
        wire["content"] = ""
    if message.tool_calls:
        # Arguments that did not parse are sent as {} so strict servers accept the history;
        # the tool result tells the model what was wrong.
        wire["tool_calls"] = [
            {
                "id": call.id,
                "type": "function",
                "function": {
                    "name": call.name,
                    "arguments": call.raw_arguments
                    if call.error is None and call.raw_arguments.strip()
                    else json.dumps(call.arguments),
                },
            }
            for call in message.tool_calls
        ]
    if message.role == "tool":
        wire["tool_call_id"] = message.tool_call_id
    elif message.name:
        wire["name"] = message.name
    return wire


def to_openai_tool(tool: ToolSpec) -> dict[str, Any]:
    """Convert a ToolSpec to the chat-completions wire format."""
    return {
        "type": "function",
        "function": {
            "name": tool.name,
            "description": tool.description,
            "parameters": tool.parameters,
        },
    }
