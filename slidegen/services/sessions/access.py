"""Who may read, edit and manage a session: the one place every session service asks.

- Manage (delete, share, change visibility): the owner only.
- Edit (chat, edit slides, restore, rename): the owner, or an `edit` grant for the user or one
  of their groups while the session is `shared` or `workspace`.
- Read (view, messages, versions, export): anyone who may edit; everyone signed in when the
  visibility is `workspace`; any grant while `shared`; everyone for legacy ownerless sessions.
- A contributor's thread (`parent_session_id` set) is its creator's own chat on the parent's
  deck: reading or editing it also needs that right on the parent, so revoking the grant on the
  deck closes the thread too.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, and_, exists, func, or_, select
from sqlalchemy.orm import Session, joinedload
from sqlalchemy.orm.interfaces import ORMOption

from slidegen.db.models import SessionPermission, UserSession
from slidegen.errors import NotFoundError, PermissionDeniedError
from slidegen.identity import User
from slidegen.schemas.vocabulary import Right

_RANK = {None: 0, "read": 1, "edit": 2, "manage": 3}


def principal_match(user: User) -> ColumnElement[bool]:
    """SQL filter: a grant row names the user or one of their groups."""
    # E-mail addresses match whatever their case: grants made before they were stored in
    # lower case, or typed differently from the proxy's header, still apply.
    by_user = and_(
        SessionPermission.principal_type == "user",
        func.lower(SessionPermission.principal_id) == user.name.lower(),
    )
    if not user.groups:
        return by_user
    by_group = and_(
        SessionPermission.principal_type == "group",
        SessionPermission.principal_id.in_(user.groups),
    )
    return or_(by_user, by_group)


def _grant(session: Session, row: UserSession, user: User) -> str | None:
    grants = session.scalars(
        select(SessionPermission.permission).where(
            SessionPermission.session_id == row.id, principal_match(user)
        )
    ).all()
    if "edit" in grants:
        return "edit"
    return "read" if grants else None


def _own_right(session: Session, row: UserSession, user: User) -> str | None:
    """The user's right on this row alone (ignoring a thread's parent)."""
    if row.created_by == user.name:
        return "manage"
    grant = _grant(session, row, user) if row.visibility != "private" else None
    if grant == "edit":
        return "edit"
    if grant or row.created_by is None or row.visibility == "workspace":
        return "read"
    return None


def right_on(session: Session, row: UserSession, user: User) -> str | None:
    """Return 'manage', 'edit', 'read' or None: the user's strongest right on the session."""
    own = _own_right(session, row, user)
    if row.parent_session_id is None or own is None:
        return own
    parent = row.parent or session.get(UserSession, row.parent_session_id)
    inherited = right_on(session, parent, user) if parent is not None else None
    # A thread is never more than its creator's right on the deck; it is not managed on its own.
    best = min(_RANK[own], _RANK[inherited], _RANK["edit"])
    return next(name for name, rank in _RANK.items() if rank == best)


def can_edit(session: Session, row: UserSession, user: User) -> bool:
    """Whether the user may chat, edit slides, restore versions and rename."""
    return _RANK[right_on(session, row, user)] >= _RANK["edit"]


def with_deck() -> ORMOption:
    """Loader option: read a session's own deck row with the session (one statement less)."""
    return joinedload(UserSession.slide_deck)


def load_session(
    session: Session,
    user: User,
    session_id: str,
    *,
    edit: bool = False,
    need: Right | None = None,
    deck: bool = False,
) -> UserSession:
    """Return the session row if the user has the right (`need`, or read/edit); else raise.

    A session the user cannot even read is reported as missing (no leak of its existence).
    `deck=True` reads the session's deck in the same statement.
    """
    need = need or ("edit" if edit else "read")
    query = select(UserSession).where(UserSession.session_id == session_id)
    row = session.scalar(query.options(with_deck()) if deck else query)
    right = right_on(session, row, user) if row is not None else None
    if right is None:
        raise NotFoundError(f"Deck {session_id} does not exist or you don't have access to it.")
    if _RANK[right] < _RANK[need]:
        raise PermissionDeniedError(
            f"You don't have access to delete, share or change the visibility of deck "
            f"{session_id}: only its owner can."
            if need == "manage"
            else f"You don't have access to edit deck {session_id}: you can only view it."
        )
    return row


def readable_clause(user: User) -> ColumnElement[bool]:
    """SQL filter: the root sessions the user may read (for listings: never leaks)."""
    return or_(
        UserSession.created_by == user.name,
        UserSession.created_by.is_(None),
        UserSession.visibility == "workspace",
        and_(UserSession.visibility == "shared", grant_exists(user)),
    )


def grant_exists(user: User) -> ColumnElement[bool]:
    """SQL filter: the session carries a grant for the user or one of their groups."""
    return exists().where(SessionPermission.session_id == UserSession.id, principal_match(user))
