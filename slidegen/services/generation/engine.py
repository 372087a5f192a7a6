"""Run one generation or edit request: the agent loop, streaming slides into the database."""

from __future__ import annotations

import logging
import time
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from slidegen import bootstrap
from slidegen.config import Settings
from slidegen.db.base import utcnow
from slidegen.db.database import Database
from slidegen.db.models import ChatRequest, UserSession
from slidegen.deck import Deck, Slide
from slidegen.errors import SlidegenError
from slidegen.llm.base import Message
from slidegen.llm.prompt import compose_system_prompt, compose_user_message
from slidegen.render.early_layout import EarlyLayout
from slidegen.services.decks.operations import (
    apply_operations,
    choose_slides,
    edit_request_text,
)
from slidegen.services.decks.store import (
    add_message,
    create_save_point,
    deck_holder,
    load_deck,
    store_deck,
    store_deck_by_id,
)
from slidegen.services.generation.agent import AgentOutcome, SlideReady, ToolRan, run_agent
from slidegen.services.generation.chat_requests import release_lock
from slidegen.services.generation.rating import rate_request
from slidegen.services.generation.run_context import RunContext, claim_request
from slidegen.services.sessions.access import with_deck
from slidegen.services.usage import request_logs
from slidegen.services.verification import data as tool_data

__all__ = ["RunContext", "claim_request", "run_request"]
from slidegen.tracing import RequestTrace, exporter, start_trace

log = logging.getLogger("slidegen.generation")
MAX_SLIDES = 12
MAX_RUN_SECONDS = 600
MAX_TITLE_CHARS = 120


def run_request(db: Database, ctx: RunContext, settings: Settings) -> None:
    """Run a claimed request to completion or to a clear error; always release the lock."""
    outcome = AgentOutcome()
    meter = ctx.meter = request_logs.start_meter(
        settings,
        mode=ctx.mode,
        user_name=ctx.user.name,
        session_id=ctx.session_public_id,
        config=ctx.config,
        prompt=ctx.prompt,
        request_id=ctx.request_id,
        created_at=ctx.created_at,  # as the claim returned them: the log needs no read
        started_at=ctx.started_at,
    )
    ctx.trace = _start_trace(ctx, settings)
    try:
        if ctx.mode == "edit":
            _run_edit(db, ctx, settings, outcome)
        else:
            _run_generate(db, ctx, settings, outcome)
        rate_request(db, ctx, outcome)
        _end_trace(ctx, outcome, None)
    except Exception as exc:
        meter.failed(exc)
        message = (
            exc.user_message
            if isinstance(exc, SlidegenError)
            else f"Generation failed unexpectedly ({type(exc).__name__})."
        )
        if not isinstance(exc, SlidegenError):
            log.exception("request %s failed", ctx.request_pk)
        _end_trace(ctx, outcome, message)
        _finish_with_error(db, ctx, message, outcome)


def _start_trace(ctx: RunContext, settings: Settings) -> RequestTrace:
    experiment = (ctx.config.get("mlflow") or {}).get("experiment_name") or "slidegen"
    return start_trace(
        experiment_name=experiment,
        tracking_uri=settings.effective_mlflow_tracking_uri,
        user=ctx.user.name,
        session_id=ctx.session_public_id,
        request_id=ctx.request_id,
        mode=ctx.mode,
        prompt=ctx.prompt,
        experiment_id=settings.mlflow_experiment_id,
    )


def _end_trace(ctx: RunContext, outcome: AgentOutcome, error: str | None) -> None:
    if ctx.trace is None:
        return
    ctx.trace.root.end(
        outputs={"error": error} if error else {"slides": ctx.slide_count},
        status="ERROR" if error else "OK",
        prompt_tokens=outcome.prompt_tokens,
        completion_tokens=outcome.completion_tokens,
        tool_calls=outcome.tool_calls,
        llm_calls=outcome.iterations,
    )
    exporter().submit(ctx.trace)


def _messages(ctx: RunContext, user_text: str) -> list[Message]:
    system = compose_system_prompt(ctx.parts, max_slides=MAX_SLIDES, edit_mode=ctx.mode == "edit")
    template = (ctx.config.get("prompts") or {}).get("user_prompt_template") or "{question}"
    return [
        Message(role="system", content=system),
        Message(role="user", content=compose_user_message(template, user_text)),
    ]


def _run_generate(db: Database, ctx: RunContext, settings: Settings, outcome: AgentOutcome) -> None:
    llm = bootstrap.llm_settings(ctx.config, settings)
    provider = ctx.provider = bootstrap.build_provider(llm, settings)
    ctx.engine = provider.name
    tools = bootstrap.build_tools(
        ctx.config,
        settings,
        ctx.conversations,
        images=(db.scope, ctx.user),
        user_token=ctx.user_token,
    )
    deck = Deck(
        title=ctx.deck.title if ctx.deck.slides else "Untitled deck",
        css=ctx.parts.style_css or "",
        slides=[],
    )
    ctx.early_layout = EarlyLayout(deck.css)
    deadline = time.monotonic() + MAX_RUN_SECONDS
    events = run_agent(
        trace=ctx.trace,
        provider=provider,
        messages=_messages(ctx, ctx.prompt),
        tools=tools,
        temperature=llm.temperature,
        max_tokens=llm.max_tokens,
        deadline=deadline,
        outcome=outcome,
        # The claim already said "Asking the model"; later rounds follow tool results.
        on_llm_call=lambda n: n > 1 and _progress(db, ctx, "Writing slides"),
    )
    for event in events:
        if isinstance(event, ToolRan):
            _record_tool(db, ctx, event, tools)
        elif isinstance(event, SlideReady):
            _note_slide(ctx)
            deck.title = event.title or deck.title
            deck.slides.append(
                Slide(html=event.slide.html, charts=event.slide.charts, notes=event.slide.notes)
            )
            outcome.warnings += event.slide.warnings
            _store_progress(db, ctx, deck)
            ctx.early_layout.add(deck.slides)  # checked while the model writes the next
    if not deck.slides:
        raise SlidegenError(
            "The model answered without any slides; rephrase the request or try again."
        )
    _finish(db, ctx, deck, outcome, f"Generated {len(deck.slides)} slides")


def _run_edit(db: Database, ctx: RunContext, settings: Settings, outcome: AgentOutcome) -> None:
    llm = bootstrap.llm_settings(ctx.config, settings)
    provider = ctx.provider = bootstrap.build_provider(llm, settings)
    ctx.engine = provider.name
    tools = bootstrap.build_tools(
        ctx.config,
        settings,
        ctx.conversations,
        images=(db.scope, ctx.user),
        user_token=ctx.user_token,
    )
    chosen, note = choose_slides(ctx.deck, ctx.prompt, ctx.slide_ids)
    text, selected = edit_request_text(ctx.deck, ctx.prompt, chosen)
    operations = []
    events = run_agent(
        trace=ctx.trace,
        provider=provider,
        messages=_messages(ctx, text),
        tools=tools,
        temperature=llm.temperature,
        max_tokens=llm.max_tokens,
        deadline=time.monotonic() + MAX_RUN_SECONDS,
        outcome=outcome,
        on_llm_call=lambda n: n > 1 and _progress(db, ctx, "Editing slides"),
    )
    for event in events:
        if isinstance(event, ToolRan):
            _record_tool(db, ctx, event, tools)
        elif isinstance(event, SlideReady):
            _note_slide(ctx)
            operations.append(event.slide)
    deck, description = apply_operations(ctx.deck, operations, selected, answer=outcome.text)
    _finish(db, ctx, deck, outcome, f"{description} {note}".strip())


def _note_slide(ctx: RunContext) -> None:
    if ctx.meter is not None:
        ctx.meter.slide()


def _progress(db: Database, ctx: RunContext, text: str) -> None:
    with db.scope() as session:
        session.execute(
            update(ChatRequest)
            .where(ChatRequest.id == ctx.request_pk)
            .values(progress_message=text, heartbeat_at=utcnow())
            .execution_options(synchronize_session=False)
        )


def _store_progress(db: Database, ctx: RunContext, deck: Deck) -> None:
    """Store the deck as it grows, so each slide is visible as soon as it closes.

    One UPDATE per slide: readers see progress in the deck's slide count; the heartbeat
    thread keeps the request alive.
    """
    with db.scope() as session:
        if ctx.deck_pk is None:  # the session's first deck: create its row
            row = session.get(UserSession, ctx.session_pk)
            ctx.version = store_deck(
                session, row, deck, user=ctx.user, expected_version=ctx.version
            )
            ctx.deck_pk = deck_holder(row).slide_deck.id
        else:
            ctx.version = store_deck_by_id(
                session, ctx.deck_pk, deck, user=ctx.user, expected_version=ctx.version
            )


def _record_tool(db: Database, ctx: RunContext, ran: ToolRan, tools: list[Any]) -> None:
    summary = ran.result.summary if ran.result else f"{ran.name} failed: {ran.error}"
    metadata = {
        "tool": ran.name,
        "arguments": ran.arguments,
        "error": ran.error,
        "duration_s": round(ran.duration_s, 3),
    }
    if ran.result:
        metadata |= {"row_count": ran.result.row_count, "truncated": ran.result.truncated}
        if conversation := ran.result.metadata.get("conversation_id"):
            space = next((getattr(t, "space_id", None) for t in tools if t.name == ran.name), None)
            if space:
                ctx.conversations[space] = conversation
    with db.scope() as session:
        row = session.get(UserSession, ctx.session_pk)
        add_message(
            session,
            row,
            role="tool",
            content=summary,
            message_type="tool_call",
            metadata=metadata,
            request_id=ctx.request_id,
        )
        values: dict[str, Any] = {"progress_message": summary[:500], "heartbeat_at": utcnow()}
        if ran.result:  # kept with the request for verification (decision 11)
            stored = session.scalar(
                select(ChatRequest.tool_results).where(ChatRequest.id == ctx.request_pk)
            )
            record = tool_data.capture(ran.name, ran.arguments, ran.result)
            values["tool_results"] = tool_data.append_result(stored, record)
        session.execute(
            update(ChatRequest)
            .where(ChatRequest.id == ctx.request_pk)
            .values(**values)
            .execution_options(synchronize_session=False)
        )


def _finish(
    db: Database, ctx: RunContext, deck: Deck, outcome: AgentOutcome, description: str
) -> None:
    with db.scope() as session:
        row = session.get(UserSession, ctx.session_pk, options=[with_deck()])
        ctx.version = store_deck(session, row, deck, user=ctx.user, expected_version=ctx.version)
        create_save_point(session, row, deck, user=ctx.user, description=description)
        if ctx.mode == "generate" and ctx.start_version == 0 and _named(deck.title):
            row.title = deck.title  # the model's title for the first deck beats the request's words
        if ctx.conversations:
            row.agent_config = {
                **(row.agent_config or {}),
                "genie_conversations": ctx.conversations,
            }
        reply = description + (
            " — " + " ".join(dict.fromkeys(outcome.warnings)) if outcome.warnings else ""
        )
        add_message(
            session,
            row,
            role="assistant",
            content=reply,
            message_type="slide_update",
            metadata={"slide_count": len(deck.slides), "version": ctx.version},
            request_id=ctx.request_id,
        )
        ctx.slide_count = len(deck.slides)
        _close_request(
            session,
            ctx,
            "completed",
            None,
            outcome,
            {"slide_count": len(deck.slides), "description": description, "engine": ctx.engine},
        )
        release_lock(session, ctx.session_pk)


def _named(title: str) -> bool:
    return bool(title.strip()) and title != "Untitled deck" and len(title) <= MAX_TITLE_CHARS


def _finish_with_error(db: Database, ctx: RunContext, message: str, outcome: AgentOutcome) -> None:
    for attempt in range(3):  # the database itself may be what failed; retry briefly
        try:
            with db.scope() as session:
                row = session.get(UserSession, ctx.session_pk)
                if ctx.version != ctx.start_version:  # slides arrived before the failure: keep them
                    deck = load_deck(row)
                    description = f"Generated {len(deck.slides)} slides (incomplete)"
                    create_save_point(session, row, deck, user=ctx.user, description=description)
                add_message(
                    session,
                    row,
                    role="assistant",
                    content=message,
                    message_type="error",
                    request_id=ctx.request_id,
                )
                _close_request(session, ctx, "error", message, outcome, None)
                release_lock(session, ctx.session_pk)
            return
        except SlidegenError:
            time.sleep(0.5 * (attempt + 1))
    log.error("could not record the failure of request %s; the reaper will", ctx.request_pk)


def _close_request(
    session: Session,
    ctx: RunContext,
    status: str,
    error: str | None,
    outcome: AgentOutcome,
    result: dict[str, Any] | None,
) -> None:
    session.execute(
        update(ChatRequest)
        .where(ChatRequest.id == ctx.request_pk)
        .values(
            status=status,
            error_message=error,
            result_json=result,
            completed_at=utcnow(),
            heartbeat_at=utcnow(),
            progress_message="Done" if status == "completed" else "Failed",
            prompt_tokens=outcome.prompt_tokens or None,
            completion_tokens=outcome.completion_tokens or None,
        )
        .execution_options(synchronize_session=False)
    )
    if ctx.meter is not None:  # the request's log row commits with its result
        request_logs.write_chat_request_log(
            session,
            ctx.meter,
            request_pk=ctx.request_pk,
            status=status,
            input_tokens=outcome.prompt_tokens,
            output_tokens=outcome.completion_tokens,
            tool_calls=outcome.tool_calls,
            provider=ctx.engine or None,
        )
