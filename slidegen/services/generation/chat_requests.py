"""Starting generation and edit requests: sessions, the per-session lock, stale-job reaping."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

from pydantic import BaseModel
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from slidegen.db.base import utcnow
from slidegen.db.models import (
    ChatRequest,
    ConfigProfile,
    SlideDeckPrompt,
    SlideStyle,
    UserSession,
)
from slidegen.errors import ConflictError, InvalidInputError, NotFoundError
from slidegen.identity import User
from slidegen.llm.titles import subject_title
from slidegen.schemas.vocabulary import UNFINISHED
from slidegen.services.decks.store import add_message, load_deck
from slidegen.services.profiles.access import load_profile
from slidegen.services.profiles.queries import active_profile_row, profile_snapshot
from slidegen.services.sessions.access import load_session
from slidegen.services.sessions.lock import (
    JOB_TIMEOUT,  # noqa: F401  (re-exported: exports and tests use it from here)
    acquire_lock,
    check_unlocked,
    release_lock,
)

MAX_PROMPT_CHARS = 20_000
STALE_HEARTBEAT = timedelta(seconds=90)  # a running job silent this long has died
NEW_DECK_TITLE = "New deck"


class RequestHandle(BaseModel):
    """The ids a caller needs to follow a request."""

    session_id: str
    request_id: str


def start_generation(
    session: Session,
    user: User,
    *,
    prompt: str,
    session_id: str | None = None,
    profile_name: str | None = None,
    deck_prompt_id: int | None = None,
    slide_style_id: int | None = None,
) -> RequestHandle:
    """Queue a new deck for a new or existing session; the session is locked until it ends.

    `deck_prompt_id` and `slide_style_id` replace the profile's choice for this session
    (0 means no deck prompt); None keeps the profile's.
    """
    prompt = _clean_prompt(prompt)
    if session_id:
        row = load_session(session, user, session_id, edit=True)
        if profile_name:
            _apply_profile(row, _find_profile(session, user, profile_name))
    else:
        row = UserSession(
            session_id=uuid.uuid4().hex, created_by=user.name, title=derive_title(prompt)
        )
        _apply_profile(row, _find_profile(session, user, profile_name))
        session.add(row)
        session.flush()
    _take_lock(session, row, user)
    choose_prompts(session, row, deck_prompt_id=deck_prompt_id, slide_style_id=slide_style_id)
    return _queue(session, row, user, prompt, {"mode": "generate"})


def choose_prompts(
    session: Session,
    row: UserSession,
    *,
    deck_prompt_id: int | None = None,
    slide_style_id: int | None = None,
) -> None:
    """Put a deck prompt (0: none) and a slide style into a session's configuration."""
    prompts = dict((row.agent_config or {}).get("prompts") or {})
    if deck_prompt_id is not None:
        found = deck_prompt_id == 0 or session.get(SlideDeckPrompt, deck_prompt_id) is not None
        if not found:
            raise NotFoundError("That deck prompt no longer exists; pick another one.")
        prompts["selected_deck_prompt_id"] = deck_prompt_id or None
    if slide_style_id is not None:
        if session.get(SlideStyle, slide_style_id) is None:
            raise NotFoundError("That slide style no longer exists; pick another one.")
        prompts["selected_slide_style_id"] = slide_style_id
    row.agent_config = {**(row.agent_config or {}), "prompts": prompts}


def start_edit(
    session: Session,
    user: User,
    *,
    session_id: str,
    instruction: str,
    slide_ids: list[str] | None = None,
    slide_numbers: list[int] | None = None,
) -> RequestHandle:
    """Queue an edit of selected slides (by id, by 1-based number, or named in the text)."""
    instruction = _clean_prompt(instruction)
    row = load_session(session, user, session_id, edit=True, deck=True)
    _take_lock(session, row, user)  # first: while someone generates, the slides may change
    deck = load_deck(row)
    if not deck.slides:
        raise InvalidInputError("This deck has no slides yet; generate one first.")
    selected = list(slide_ids or [])
    for number in slide_numbers or []:
        if not 1 <= number <= len(deck.slides):
            raise InvalidInputError(
                f"Slide {number} does not exist; the deck has {len(deck.slides)} slides."
            )
        selected.append(deck.slides[number - 1].slide_id)
    known = {s.slide_id for s in deck.slides}
    unknown = [s for s in selected if s not in known]
    if unknown:
        raise InvalidInputError(f"Unknown slide id(s): {', '.join(unknown)}.")
    return _queue(
        session,
        row,
        user,
        instruction,
        {"mode": "edit", "slide_ids": list(dict.fromkeys(selected))},
    )


def _take_lock(session: Session, row: UserSession, user: User) -> None:
    reap_stale_requests(session)  # a crashed job must not keep this deck locked
    acquire_lock(session, row, user)


def _queue(
    session: Session, row: UserSession, user: User, prompt: str, meta: dict[str, Any]
) -> RequestHandle:
    request = ChatRequest(
        request_id=uuid.uuid4().hex,
        session_id=row.id,
        created_by=user.name,
        progress_message="Queued",
    )
    session.add(request)
    add_message(
        session,
        row,
        role="user",
        content=prompt,
        message_type="user_input",
        metadata=meta,
        request_id=request.request_id,
    )
    session.flush()
    return RequestHandle(session_id=row.session_id, request_id=request.request_id)


def reap_stale_requests(session: Session) -> int:
    """Fail jobs whose worker stopped heart-beating (crash, restart) and free their sessions.

    A queued request is heart-beaten by the replica holding it until a worker claims it, so
    one orphaned before its claim (the replica died, or nobody submitted it) is reaped on the
    same rule, from its creation when it never had a beat.
    """
    now = utcnow()
    stale = session.scalars(
        select(ChatRequest).where(
            ChatRequest.status.in_(sorted(UNFINISHED)),
            func.coalesce(ChatRequest.heartbeat_at, ChatRequest.created_at) < now - STALE_HEARTBEAT,
        )
    ).all()
    for request in stale:
        request.error_message = (
            "The generation stopped unexpectedly (the app restarted or lost its worker). "
            "Slides that had arrived are kept; send the request again to continue."
            if request.status == "running"
            else "The request was never started (the app restarted); send it again."
        )
        request.status = "error"
        request.completed_at = now
        release_lock(session, request.session_id)
    session.flush()
    return len(stale)


def derive_title(prompt: str) -> str:
    """Return a session title from the first request's subject (the deck's title replaces it)."""
    return subject_title(prompt) or NEW_DECK_TITLE


def _clean_prompt(prompt: str) -> str:
    prompt = (prompt or "").strip()
    if not prompt:
        raise InvalidInputError("Say what the deck should be about.")
    if len(prompt) > MAX_PROMPT_CHARS:
        raise InvalidInputError(
            f"The request is too long ({len(prompt):,} characters; at most {MAX_PROMPT_CHARS:,})."
        )
    return prompt


def _find_profile(session: Session, user: User, name: str | None) -> ConfigProfile:
    if name:  # only a profile the user may use (sharing)
        return load_profile(session, user, name)
    return active_profile_row(session, user)


def _apply_profile(row: UserSession, profile: ConfigProfile) -> None:
    """Copy the profile's configuration into the session (decision 8)."""
    row.profile_id = profile.id
    row.profile_name = profile.name
    row.agent_config = {
        "profile_id": profile.id,
        "profile_name": profile.name,
        **profile_snapshot(profile),
    }


def choose_session_prompts(
    session: Session,
    user: User,
    *,
    session_id: str,
    deck_prompt_id: int | None = None,
    slide_style_id: int | None = None,
) -> None:
    """Give a session another deck prompt (0: none) or slide style for its next requests."""
    row = load_session(session, user, session_id, edit=True)
    if row.is_processing:
        raise ConflictError("A generation is running on this deck; change it when it ends.")
    choose_prompts(session, row, deck_prompt_id=deck_prompt_id, slide_style_id=slide_style_id)
    session.flush()


def load_profile_into_session(
    session: Session, user: User, *, session_id: str, profile_name: str
) -> None:
    """Give a session another profile's configuration (new requests use it; decision 8)."""
    row = load_session(session, user, session_id, edit=True)
    check_unlocked(session, row, user)
    genie = (row.agent_config or {}).get("genie_conversations")
    _apply_profile(row, _find_profile(session, user, profile_name))
    if genie:  # conversations stay with the session across profile switches
        row.agent_config = {**row.agent_config, "genie_conversations": genie}
    session.flush()
