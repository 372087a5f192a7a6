"""Organise sessions: rename, duplicate (whole or a save point), delete, contributor threads."""

from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.orm import Session

from slidegen.db.base import utcnow
from slidegen.db.models import SessionSlideDeck, SlideDeckVersion, UserSession
from slidegen.deck import Deck
from slidegen.errors import InvalidInputError, NotFoundError
from slidegen.identity import User
from slidegen.schemas.sessions import SessionSummary
from slidegen.services.decks.store import create_save_point, deck_holder, load_deck
from slidegen.services.sessions.access import load_session, right_on

MAX_TITLE = 100  # a deck title fits one line of the chat column and of History


def rename_session(session: Session, user: User, *, session_id: str, title: str) -> SessionSummary:
    """Give the session (and its deck) a new title; needs edit."""
    cleaned = " ".join((title or "").split())
    if not cleaned:
        raise InvalidInputError("Enter a title.")
    if len(cleaned) > MAX_TITLE:
        raise InvalidInputError(f"A title has at most {MAX_TITLE} characters.")
    row = deck_holder(load_session(session, user, session_id, edit=True))
    row.title = cleaned
    row.last_activity = utcnow()
    session.flush()
    return summary(session, user, row)


def duplicate_session(
    session: Session,
    user: User,
    *,
    session_id: str,
    version_number: int | None = None,
    title: str | None = None,
) -> SessionSummary:
    """Copy the deck (or one save point of it) into a new private session the user owns."""
    source = deck_holder(load_session(session, user, session_id))
    deck = load_deck(source) if version_number is None else _saved(session, source, version_number)
    suffix = "copy" if version_number is None else f"save point {version_number}"
    copy = UserSession(
        session_id=uuid.uuid4().hex,
        created_by=user.name,
        visibility="private",
        title=(title or f"{source.title} ({suffix})")[:MAX_TITLE],
        profile_id=source.profile_id,
        profile_name=source.profile_name,
        agent_config=source.agent_config,
    )
    session.add(copy)
    session.flush()
    if deck.slides:
        copy.slide_deck = SessionSlideDeck(
            title=deck.title,
            css=deck.css,
            deck_json=deck.model_dump(mode="json"),
            slide_count=len(deck.slides),
            version=1,
            modified_by=user.name,
        )
        session.flush()
        create_save_point(
            session, copy, deck, user=user, description=f"Duplicated from {source.title}"[:500]
        )
    return summary(session, user, copy)


def _saved(session: Session, row: UserSession, version_number: int) -> Deck:
    saved = session.scalar(
        select(SlideDeckVersion).where(
            SlideDeckVersion.session_id == row.id,
            SlideDeckVersion.version_number == version_number,
        )
    )
    if saved is None:
        raise NotFoundError(f"Save point {version_number} does not exist for this deck.")
    return Deck.model_validate(saved.deck_json)


def delete_session(session: Session, user: User, *, session_id: str) -> str:
    """Delete the session, its deck, chat, save points, grants and threads (owner only)."""
    row = load_session(session, user, session_id, need="manage")
    if row.is_processing:
        raise InvalidInputError(
            "This deck is being generated; wait until it finishes to delete it."
        )
    title = row.title
    session.delete(row)
    session.flush()
    return title


def open_thread(session: Session, user: User, *, session_id: str) -> str:
    """Return the session id the user should chat in for this deck.

    The owner (and a read-only viewer) use the session itself; a contributor with edit rights on
    someone else's deck gets their own thread (`parent_session_id`), created on first use, so
    conversations do not mix while the deck is shared.
    """
    row = load_session(session, user, session_id)
    right = right_on(session, row, user)
    if row.parent_session_id is not None or right in ("manage", "read"):
        return row.session_id
    if row.created_by is None:  # legacy ownerless decks are read-only for everyone
        return row.session_id
    existing = session.scalar(
        select(UserSession.session_id).where(
            UserSession.parent_session_id == row.id, UserSession.created_by == user.name
        )
    )
    if existing:
        return existing
    thread = UserSession(
        session_id=uuid.uuid4().hex,
        created_by=user.name,
        visibility="private",
        title=row.title,
        parent_session_id=row.id,
        profile_id=row.profile_id,
        profile_name=row.profile_name,
        agent_config=row.agent_config,
    )
    session.add(thread)
    session.flush()
    return thread.session_id


def summary(session: Session, user: User, row: UserSession) -> SessionSummary:
    """One History row for a session the user may read."""
    stored = deck_holder(row).slide_deck
    return SessionSummary(
        session_id=row.session_id,
        title=row.title,
        slide_count=stored.slide_count if stored else 0,
        profile_name=row.profile_name,
        visibility=row.visibility,
        created_by=row.created_by,
        created_at=row.created_at,
        last_activity=row.last_activity,
        deck_version=stored.version if stored else 0,
        my_right=right_on(session, row, user) or "read",
    )
