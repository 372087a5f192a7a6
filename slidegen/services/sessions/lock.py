"""The generation lock of a deck: one request at a time, shared by the owner and every thread.

The lock lives on the session that holds the deck (a contributor thread's parent), so a
contributor's request, a hand edit or a restore in their own thread meets the owner's running
job, and the other way round. A lock older than JOB_TIMEOUT is stale and may be taken over.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, or_, select, update
from sqlalchemy.orm import Session

from slidegen.db.base import utcnow
from slidegen.db.models import ChatRequest, UserSession
from slidegen.errors import ConflictError
from slidegen.identity import User
from slidegen.schemas.vocabulary import UNFINISHED

JOB_TIMEOUT = timedelta(minutes=15)  # a lock older than this is released


def _holder(row: UserSession) -> UserSession:
    return row.parent if row.parent is not None else row


def _free(now: datetime) -> ColumnElement[bool]:
    return or_(
        UserSession.is_processing.is_(False),
        UserSession.processing_started_at < now - JOB_TIMEOUT,
    )


def acquire_lock(session: Session, row: UserSession, user: User | None = None) -> None:
    """Take the deck's generation lock atomically, or say who is generating."""
    holder = _holder(row)
    now = utcnow()
    result = session.execute(
        update(UserSession)
        .where(UserSession.id == holder.id, _free(now))
        .values(is_processing=True, processing_started_at=now, last_activity=now)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        raise busy_error(session, holder, user)


def check_unlocked(session: Session, row: UserSession, user: User) -> None:
    """Refuse a change by hand while the deck generates; else hold the deck's row until commit.

    The check is an UPDATE, not a read: it locks the row (PostgreSQL) or the database (SQLite)
    for the rest of the transaction, so no request can take the lock between this check and
    the change being stored.
    """
    holder = _holder(row)
    now = utcnow()
    result = session.execute(
        update(UserSession)
        .where(UserSession.id == holder.id, _free(now))
        .values(last_activity=now)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        raise busy_error(session, holder, user)


def busy_error(session: Session, holder: UserSession, user: User | None) -> ConflictError:
    """The conflict to report while the deck generates: who is generating, and what to do."""
    threads = select(UserSession.id).where(UserSession.parent_session_id == holder.id)
    generating = session.scalar(
        select(ChatRequest.created_by)
        .where(
            or_(ChatRequest.session_id == holder.id, ChatRequest.session_id.in_(threads)),
            ChatRequest.status.in_(sorted(UNFINISHED)),
        )
        .order_by(ChatRequest.id.desc())
        .limit(1)
    )
    if generating is None or (user is not None and generating == user.name):
        return ConflictError(
            "This deck is already generating; wait for it to finish, then try again."
        )
    return ConflictError(f"{display_name(generating)} is generating; try again when it finishes.")


def display_name(user_name: str) -> str:
    """A readable name from a user name: 'alice.smith@example.com' reads 'Alice Smith'."""
    local = user_name.split("@", 1)[0]
    words = local.replace(".", " ").replace("_", " ").split()
    return " ".join(w.capitalize() for w in words) or user_name


def release_lock(session: Session, session_pk: int) -> None:
    """Release the generation lock of the deck this session (or thread) works on."""
    parent = session.scalar(
        select(UserSession.parent_session_id).where(UserSession.id == session_pk)
    )
    session.execute(
        update(UserSession)
        .where(UserSession.id == (parent or session_pk))
        .values(is_processing=False, processing_started_at=None, last_activity=utcnow())
        .execution_options(synchronize_session=False)
    )
