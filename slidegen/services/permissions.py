"""Who may read and edit a session: one place every session service asks.

Owners read, edit and manage. Sessions with no owner (legacy) are readable by anyone signed
in. `workspace` visibility lets everyone read; `shared` adds the grants in
`session_permissions` (user grants by name, group grants by the user's groups).
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from slidegen.db.models import SessionPermission, UserSession
from slidegen.errors import NotFoundError
from slidegen.identity import User


def _grant(session: Session, row: UserSession, user: User) -> str | None:
    grants = session.scalars(
        select(SessionPermission.permission).where(
            SessionPermission.session_id == row.id,
            (
                (SessionPermission.principal_type == "user")
                & (SessionPermission.principal_id == user.name)
            )
            | (
                (SessionPermission.principal_type == "group")
                & (SessionPermission.principal_id.in_(user.groups or ("",)))
            ),
        )
    ).all()
    if "edit" in grants:
        return "edit"
    return "read" if grants else None


def can_read(session: Session, row: UserSession, user: User) -> bool:
    """Whether the user may view the session, its deck, messages and versions."""
    if row.created_by in (None, user.name) or row.visibility == "workspace":
        return True
    return row.visibility == "shared" and _grant(session, row, user) is not None


def can_edit(session: Session, row: UserSession, user: User) -> bool:
    """Whether the user may chat, edit slides and restore versions."""
    if row.created_by == user.name:
        return True
    return row.visibility == "shared" and _grant(session, row, user) == "edit"


def load_session(
    session: Session, user: User, session_id: str, *, edit: bool = False
) -> UserSession:
    """Return the session row if the user may read it (or edit it); otherwise raise."""
    row = session.scalar(select(UserSession).where(UserSession.session_id == session_id))
    allowed = row is not None and (can_edit if edit else can_read)(session, row, user)
    if row is None or not allowed:
        verb = "edit" if edit and row is not None and can_read(session, row, user) else "open"
        raise NotFoundError(
            f"Deck {session_id} does not exist or you don't have access to {verb} it."
        )
    return row
