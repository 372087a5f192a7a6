"""Session queries (generation and sharing arrive with later issues)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from slidegen.db.models import SessionSlideDeck, UserSession
from slidegen.identity import User
from slidegen.schemas.sessions import SessionSummary

DEFAULT_PAGE_SIZE = 50


def list_my_sessions(
    session: Session, user: User, *, limit: int = DEFAULT_PAGE_SIZE, offset: int = 0
) -> list[SessionSummary]:
    """List the user's own sessions, most recently active first."""
    rows = session.execute(
        select(UserSession, SessionSlideDeck.slide_count)
        .outerjoin(SessionSlideDeck, SessionSlideDeck.session_id == UserSession.id)
        .where(UserSession.created_by == user.name)
        .order_by(UserSession.last_activity.desc(), UserSession.id.desc())
        .limit(limit)
        .offset(offset)
    ).all()
    return [
        SessionSummary(
            session_id=row.session_id,
            title=row.title,
            slide_count=slide_count or 0,
            profile_name=row.profile_name,
            visibility=row.visibility,
            created_by=row.created_by,
            created_at=row.created_at,
            last_activity=row.last_activity,
        )
        for row, slide_count in rows
    ]
