"""The database is the queue: a per-user limit of running requests, checked across replicas.

A worker claims a pending request only while its user has fewer than the limit running,
counted in the database, so replicas share one limit per user. Claims of one user's requests
are serialised: SQLite serialises every write transaction (BEGIN IMMEDIATE); on PostgreSQL a
transaction-scoped advisory lock keyed by the user does it, so two replicas cannot both see
room for the same last slot.
"""

from __future__ import annotations

import hashlib

from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from slidegen.db.models import ChatRequest
from slidegen.schemas.vocabulary import UNFINISHED


def serialise_user_claims(session: Session, user_name: str) -> None:
    """Hold, until the transaction ends, the lock under which this user's claims are made."""
    if session.get_bind().dialect.name != "postgresql":
        return  # SQLite: the transaction already holds the database's only write lock
    digest = hashlib.sha256(f"slidegen-claims:{user_name}".encode()).digest()
    key = int.from_bytes(digest[:8], "big", signed=True)
    session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": key})


def running_count(session: Session, user_name: str | None) -> int:
    """Return how many requests of this user run now, on any replica."""
    return (
        session.scalar(
            select(func.count())
            .select_from(ChatRequest)
            .where(ChatRequest.created_by == user_name, ChatRequest.status == "running")
        )
        or 0
    )


def requests_ahead(session: Session, request: ChatRequest) -> int:
    """Return how many of the same user's requests, queued or running, came before this one."""
    return (
        session.scalar(
            select(func.count())
            .select_from(ChatRequest)
            .where(
                ChatRequest.created_by == request.created_by,
                ChatRequest.status.in_(sorted(UNFINISHED)),
                ChatRequest.id < request.id,
            )
        )
        or 0
    )
