"""The agent loop: the LLM calls data tools, gets their results, and streams slides out."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from slidegen.errors import SlidegenError
from slidegen.llm.base import (
    Finished,
    LLMProvider,
    Message,
    TextDelta,
    ToolCallEvent,
    ToolSpec,
    Usage,
)
from slidegen.render.parse import ParsedSlide
from slidegen.render.stream import SlideStream
from slidegen.tools.base import DataTool, ToolError, ToolResult
from slidegen.tracing import RequestTrace, SpanRecord

MAX_ITERATIONS = 6
MAX_PARALLEL_TOOLS = 4


@dataclass
class SlideReady:
    """A slide closed in the stream (decision 5)."""

    slide: ParsedSlide
    title: str | None


@dataclass
class ToolRan:
    """A data tool ran (or failed); `result` is None on failure."""

    call_id: str
    name: str
    arguments: dict[str, Any]
    result: ToolResult | None
    error: str | None
    duration_s: float


@dataclass
class AgentOutcome:
    """What the loop produced besides events: the text, the title, token usage."""

    text: str = ""
    title: str | None = None
    prompt_tokens: int = 0
    completion_tokens: int = 0
    iterations: int = 0
    tool_calls: int = 0
    warnings: list[str] = field(default_factory=list)


AgentEvent = SlideReady | ToolRan


def run_agent(
    provider: LLMProvider,
    messages: list[Message],
    tools: list[DataTool],
    *,
    temperature: float,
    max_tokens: int,
    deadline: float,
    outcome: AgentOutcome,
    on_llm_call: Callable[[int], None] | None = None,
    trace: RequestTrace | None = None,
) -> Iterator[AgentEvent]:
    """Run LLM turns until it answers without tool calls; yield slides and tool runs."""
    by_name = {tool.name: tool for tool in tools}
    specs = [
        ToolSpec(t.name, t.description, t.parameters, kind=getattr(t, "kind", "")) for t in tools
    ]
    conversation = list(messages)
    for iteration in range(1, MAX_ITERATIONS + 1):
        outcome.iterations = iteration
        if on_llm_call:
            on_llm_call(iteration)
        stream, calls = SlideStream(), []
        yield from _llm_turn(
            provider,
            conversation,
            specs,
            stream,
            calls,
            iteration=iteration,
            limits=(temperature, max_tokens, deadline),
            outcome=outcome,
            trace=trace,
        )
        for slide in stream.finish():
            yield SlideReady(slide=slide, title=stream.title)
        outcome.text += stream.full_text
        outcome.title = outcome.title or stream.title
        if not calls:
            return
        outcome.tool_calls += len(calls)
        conversation.append(Message(role="assistant", content=stream.full_text, tool_calls=calls))
        for ran in _run_tools(calls, by_name, deadline, trace):
            yield ran
            conversation.append(
                Message(
                    role="tool", content=_tool_reply(ran), tool_call_id=ran.call_id, name=ran.name
                )
            )
    raise SlidegenError(
        f"The model kept calling tools after {MAX_ITERATIONS} rounds without writing the deck; "
        "try a more specific request."
    )


def _llm_turn(
    provider: LLMProvider,
    conversation: list[Message],
    specs: list[ToolSpec],
    stream: SlideStream,
    calls: list[ToolCallEvent],
    *,
    iteration: int,
    limits: tuple[float, int, float],
    outcome: AgentOutcome,
    trace: RequestTrace | None,
) -> Iterator[AgentEvent]:
    """Run one LLM call: stream its text into slides, collect its tool calls and token usage.

    `limits` is (temperature, max_tokens, deadline).
    """
    temperature, max_tokens, deadline = limits
    with _span(
        trace, "llm.call", "CHAT_MODEL", provider=provider.name, iteration=iteration
    ) as span:
        usage = Usage(0, 0)
        for event in provider.stream(
            conversation, specs, temperature=temperature, max_tokens=max_tokens
        ):
            _check_deadline(deadline)
            if isinstance(event, TextDelta):
                for slide in stream.feed(event.text):
                    yield SlideReady(slide=slide, title=stream.title)
            elif isinstance(event, ToolCallEvent):
                calls.append(event)
            elif isinstance(event, Usage):
                usage = event
            elif isinstance(event, Finished):
                break
        outcome.prompt_tokens += usage.prompt_tokens
        outcome.completion_tokens += usage.completion_tokens
        if span:
            span.end(
                outputs={"chars": len(stream.full_text), "tool_calls": len(calls)},
                prompt_tokens=usage.prompt_tokens,
                completion_tokens=usage.completion_tokens,
            )


def _run_tools(
    calls: list[ToolCallEvent],
    tools: dict[str, DataTool],
    deadline: float,
    trace: RequestTrace | None,
) -> list[ToolRan]:
    def traced(call: ToolCallEvent) -> ToolRan:
        with _span(trace, f"tool.{call.name}", "TOOL", inputs=call.arguments) as span:
            ran = run(call)
            if span:
                rows = ran.result.row_count if ran.result else 0
                status = "OK" if ran.error is None else "ERROR"
                span.end(
                    outputs={"row_count": rows, "error": ran.error},
                    status=status,
                    row_count=rows,
                    duration_s=round(ran.duration_s, 3),
                )
            return ran

    def run(call: ToolCallEvent) -> ToolRan:
        started = time.monotonic()
        if call.error:
            return ToolRan(call.id, call.name, {}, None, f"Invalid arguments: {call.error}", 0.0)
        tool = tools.get(call.name)
        if tool is None:
            return ToolRan(
                call.id, call.name, call.arguments, None, f"Unknown tool {call.name!r}.", 0.0
            )
        try:
            result = tool.run(call.arguments)
            return ToolRan(
                call.id, call.name, call.arguments, result, None, time.monotonic() - started
            )
        except ToolError as exc:
            return ToolRan(
                call.id,
                call.name,
                call.arguments,
                None,
                exc.user_message,
                time.monotonic() - started,
            )
        except Exception as exc:  # a broken tool must not kill the generation
            error = f"The tool failed unexpectedly ({type(exc).__name__})."
            return ToolRan(
                call.id, call.name, call.arguments, None, error, time.monotonic() - started
            )

    _check_deadline(deadline)
    with ThreadPoolExecutor(max_workers=min(MAX_PARALLEL_TOOLS, len(calls))) as pool:
        return list(pool.map(traced, calls))


@contextmanager
def _span(
    trace: RequestTrace | None, name: str, kind: str, inputs: Any = None, **attrs: Any
) -> Iterator[SpanRecord | None]:
    if trace is None:
        yield None
        return
    with trace.span(name, kind, inputs, **attrs) as span:
        yield span


def _tool_reply(ran: ToolRan) -> str:
    if ran.result is not None:
        return ran.result.content
    return f"Tool error: {ran.error} Do not invent the missing data; say it is unavailable."


def _check_deadline(deadline: float) -> None:
    if time.monotonic() > deadline:
        raise SlidegenError("The generation took too long and was stopped; try a smaller deck.")
