"""What a worker needs to run a request: claimed atomically, read once at its start."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Final, Literal

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from slidegen.db.base import utcnow
from slidegen.db.database import Database
from slidegen.db.models import ChatRequest, SessionMessage, SlideDeckPrompt, SlideStyle, UserSession
from slidegen.deck import Deck
from slidegen.identity import User
from slidegen.llm.base import LLMProvider
from slidegen.llm.prompt import PromptParts
from slidegen.render.early_layout import EarlyLayout
from slidegen.services.decks.store import current_version, deck_holder, load_deck
from slidegen.services.generation.queue import running_count, serialise_user_claims
from slidegen.services.sessions.access import with_deck
from slidegen.services.usage.request_logs import RequestMeter
from slidegen.tracing import RequestTrace


@dataclass
class RunContext:
    """What a worker needs to run a request, read once at its start."""

    request_pk: int
    session_pk: int
    user: User
    mode: str
    prompt: str
    slide_ids: list[str]
    config: dict[str, Any]
    deck: Deck
    version: int
    start_version: int
    parts: PromptParts
    request_id: str = ""
    # The claimed row's times, as stored: the request's log row measures from them.
    created_at: datetime | None = None
    started_at: datetime | None = None
    session_public_id: str = ""
    slide_count: int = 0
    deck_pk: int | None = None
    engine: str = ""
    conversations: dict[str, str] = field(default_factory=dict)
    trace: RequestTrace | None = None
    provider: LLMProvider | None = None  # the request's own model, which also judges claims
    meter: RequestMeter | None = None  # what the request's log row records
    early_layout: EarlyLayout | None = None  # a generation's slides' layout checks, as they come
    # The forwarded user access token (on-behalf-of-user data access): in memory only,
    # handed over by JobRunner.submit, never stored, logged or printed.
    user_token: str | None = field(default=None, repr=False)


WAIT: Final = "wait"  # the user already runs their limit of requests: stay queued


def claim_request(
    db: Database, request_id: str, worker_id: str, *, per_user: int | None = None
) -> RunContext | Literal["wait"] | None:
    """Mark a pending request running for this worker.

    Return its context; WAIT while its user runs `per_user` requests (on any replica); None
    if it is no longer pending (another worker took it, or it was reaped).
    """
    with db.scope() as session:
        pending = session.execute(
            select(ChatRequest.id, ChatRequest.created_by).where(
                ChatRequest.request_id == request_id, ChatRequest.status == "pending"
            )
        ).first()
        if pending is None:
            return None
        if per_user is not None:
            serialise_user_claims(session, pending.created_by or "")
            if running_count(session, pending.created_by) >= per_user:
                return WAIT
        request = session.scalar(
            update(ChatRequest)
            .where(ChatRequest.request_id == request_id, ChatRequest.status == "pending")
            .values(
                status="running",
                worker_id=worker_id,
                started_at=utcnow(),
                heartbeat_at=utcnow(),
                progress_message="Asking the model",
            )
            .returning(ChatRequest)  # the claimed row itself, without reading it again
            .execution_options(synchronize_session=False)
        )
        if request is None:
            return None
        return _context(session, request)


def _context(session: Session, request: ChatRequest) -> RunContext:
    row = session.get(UserSession, request.session_id, options=[with_deck()])
    message = session.scalar(
        select(SessionMessage).where(
            SessionMessage.request_id == request.request_id, SessionMessage.role == "user"
        )
    )
    meta = message.metadata_json or {}
    config = row.agent_config or {}
    requester = request.created_by or row.created_by or "unknown"
    version = current_version(row)
    return RunContext(
        request_pk=request.id,
        session_pk=row.id,
        user=User(name=requester, display_name=requester),
        mode=meta.get("mode", "generate"),
        prompt=message.content,
        slide_ids=list(meta.get("slide_ids") or []),
        config=config,
        deck=load_deck(row),
        version=version,
        start_version=version,
        deck_pk=deck_holder(row).slide_deck.id if deck_holder(row).slide_deck else None,
        parts=prompt_parts(session, config),
        request_id=request.request_id,
        created_at=request.created_at,
        started_at=request.started_at,
        session_public_id=row.session_id,
        conversations=dict(config.get("genie_conversations") or {}),
    )


def prompt_parts(session: Session, config: dict[str, Any]) -> PromptParts:
    prompts = config.get("prompts") or {}
    deck_prompt = (
        session.get(SlideDeckPrompt, prompts["selected_deck_prompt_id"])
        if prompts.get("selected_deck_prompt_id")
        else None
    )
    style = (
        session.get(SlideStyle, prompts["selected_slide_style_id"])
        if prompts.get("selected_slide_style_id")
        else None
    )
    style = style or session.scalar(select(SlideStyle).where(SlideStyle.is_default.is_(True)))
    return PromptParts(
        system_prompt=prompts.get("system_prompt") or "You write slide decks.",
        deck_prompt=deck_prompt.prompt_content if deck_prompt and deck_prompt.is_active else None,
        deck_prompt_name=deck_prompt.name if deck_prompt else None,
        style_css=style.style_content if style else None,
        style_name=style.name if style else None,
        image_guidelines=style.image_guidelines if style else None,
        editing_instructions=prompts.get("slide_editing_instructions"),
    )
