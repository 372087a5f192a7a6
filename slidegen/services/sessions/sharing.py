"""Sharing a session: visibility and user or group grants (owners only)."""

from __future__ import annotations

from typing import Literal, get_args

from sqlalchemy import ColumnElement, delete, func, select
from sqlalchemy.orm import Session

from slidegen.db.models import SessionPermission, UserSession
from slidegen.errors import InvalidInputError, NotFoundError
from slidegen.identity import User
from slidegen.schemas.sessions import Grant, SharingOut
from slidegen.schemas.vocabulary import GrantPermission, Visibility
from slidegen.services.sessions.access import load_session

VISIBILITIES = get_args(Visibility)
SESSION_PERMISSIONS = get_args(GrantPermission)

PrincipalType = Literal["user", "group"]


def get_sharing(session: Session, user: User, *, session_id: str) -> SharingOut:
    """Return the session's owner, visibility and grants (anyone who may read it)."""
    return _sharing(session, load_session(session, user, session_id))


def set_visibility(session: Session, user: User, *, session_id: str, visibility: str) -> SharingOut:
    """Make the session private, shared (grants only) or workspace (everyone reads)."""
    if visibility not in VISIBILITIES:
        raise InvalidInputError(
            f"Unknown visibility {visibility!r}; use one of: {', '.join(VISIBILITIES)}."
        )
    row = load_session(session, user, session_id, need="manage")
    row.visibility = visibility
    session.flush()
    return _sharing(session, row)


def share_session(
    session: Session,
    user: User,
    *,
    session_id: str,
    principal_type: PrincipalType,
    principal_id: str,
    permission: str,
) -> SharingOut:
    """Grant read or edit to a user (by email) or a group; a private session becomes shared."""
    row = load_session(session, user, session_id, need="manage")
    principal_id = _principal(principal_type, principal_id)
    if permission not in SESSION_PERMISSIONS:
        raise InvalidInputError(f"Permission must be read or edit, not {permission!r}.")
    if principal_type == "user" and principal_id == row.created_by.lower():
        raise InvalidInputError("The owner always keeps edit; grant someone else.")
    grant = session.scalar(_grant_query(row, principal_type, principal_id))
    if grant is None:
        session.add(
            SessionPermission(
                session_id=row.id,
                principal_type=principal_type,
                principal_id=principal_id,
                permission=permission,
                granted_by=user.name,
            )
        )
    else:
        grant.permission = permission
    if row.visibility == "private":
        row.visibility = "shared"
    session.flush()
    return _sharing(session, row)


def unshare_session(
    session: Session,
    user: User,
    *,
    session_id: str,
    principal_type: PrincipalType,
    principal_id: str,
) -> SharingOut:
    """Remove a user's or a group's grant."""
    row = load_session(session, user, session_id, need="manage")
    principal_id = _principal(principal_type, principal_id)
    removed = session.execute(
        delete(SessionPermission).where(
            SessionPermission.session_id == row.id,
            SessionPermission.principal_type == principal_type,
            _same_principal(principal_type, principal_id),
        )
    ).rowcount
    if not removed:
        raise NotFoundError(f"{principal_type.capitalize()} {principal_id} has no grant here.")
    session.expire(row, ["permissions"])
    return _sharing(session, row)


def _principal(principal_type: str, principal_id: str) -> str:
    if principal_type not in ("user", "group"):
        raise InvalidInputError("Share with a user or a group.")
    cleaned = (principal_id or "").strip()
    if not cleaned or len(cleaned) > 255:
        raise InvalidInputError(f"Enter the {principal_type}'s name (at most 255 characters).")
    if principal_type == "user" and (" " in cleaned or "@" not in cleaned):
        raise InvalidInputError(f"{cleaned!r} is not an email address; users are shared by email.")
    return cleaned.lower() if principal_type == "user" else cleaned


def _same_principal(principal_type: str, principal_id: str) -> ColumnElement[bool]:
    """Users by e-mail in any case (older grants kept the case typed); groups exactly."""
    if principal_type == "user":
        return func.lower(SessionPermission.principal_id) == principal_id
    return SessionPermission.principal_id == principal_id


def _grant_query(row: UserSession, principal_type: str, principal_id: str):  # type: ignore[no-untyped-def]
    return select(SessionPermission).where(
        SessionPermission.session_id == row.id,
        SessionPermission.principal_type == principal_type,
        _same_principal(principal_type, principal_id),
    )


def _sharing(session: Session, row: UserSession) -> SharingOut:
    grants = session.scalars(
        select(SessionPermission)
        .where(SessionPermission.session_id == row.id)
        .order_by(SessionPermission.principal_type.desc(), SessionPermission.principal_id)
    )
    return SharingOut(
        session_id=row.session_id,
        owner=row.created_by,
        visibility=row.visibility,
        grants=[
            Grant(
                principal_type=g.principal_type,
                principal_id=g.principal_id,
                permission=g.permission,
            )
            for g in grants
        ],
    )
