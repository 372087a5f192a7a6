"""History queries: the sessions a user may see, searched, filtered, sorted and paginated.

Two statements per page whatever its size (the page with its decks, the count), plus one for
the user's grants on the page's sessions: no N+1.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Literal

from sqlalchemy import ColumnElement, Select, and_, func, or_, select, true
from sqlalchemy.orm import Session

from slidegen.db.models import SessionPermission, SessionSlideDeck, UserSession
from slidegen.deck import Slide
from slidegen.errors import InvalidInputError
from slidegen.identity import User
from slidegen.schemas.sessions import SessionPage, SessionSummary
from slidegen.services.sessions.access import grant_exists, principal_match, readable_clause

DEFAULT_PAGE_SIZE = 50
MAX_PAGE_SIZE = 200
Scope = Literal["all", "mine", "shared", "workspace"]
Sort = Literal["activity", "title"]
SCOPES: tuple[str, ...] = ("all", "mine", "shared", "workspace")


def _scope_clause(scope: str, user: User) -> ColumnElement[bool]:
    mine = UserSession.created_by == user.name
    if scope == "mine":
        return mine
    if scope == "shared":  # granted to me or my groups by someone else
        return and_(~mine, UserSession.visibility != "private", grant_exists(user))
    if scope == "workspace":  # everyone's: workspace visibility and legacy ownerless decks
        return and_(
            or_(UserSession.created_by.is_(None), ~mine),
            or_(UserSession.visibility == "workspace", UserSession.created_by.is_(None)),
        )
    if scope == "all":
        return true()
    raise InvalidInputError(f"Unknown scope {scope!r}; use one of: {', '.join(SCOPES)}.")


def _filtered(
    user: User,
    scope: str,
    search: str | None,
    profile: str | None,
    since: date | None,
    until: date | None,
) -> list[ColumnElement[bool]]:
    where = [
        UserSession.parent_session_id.is_(None),  # contributor threads show as their deck
        readable_clause(user),
        _scope_clause(scope, user),
    ]
    if search and search.strip():
        escaped = search.strip().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        where.append(func.lower(UserSession.title).like(f"%{escaped.lower()}%", escape="\\"))
    if profile:
        where.append(UserSession.profile_name == profile)
    if since:
        where.append(UserSession.last_activity >= datetime.combine(since, time.min, tzinfo=UTC))
    if until:
        where.append(
            UserSession.last_activity < datetime.combine(until + timedelta(1), time.min, tzinfo=UTC)
        )
    return where


def list_sessions(
    session: Session,
    user: User,
    *,
    scope: Scope = "all",
    search: str | None = None,
    profile: str | None = None,
    since: date | None = None,
    until: date | None = None,
    sort: Sort = "activity",
    limit: int = DEFAULT_PAGE_SIZE,
    offset: int = 0,
) -> SessionPage:
    """Return one page of the sessions the user may read; never one they may not."""
    limit = max(1, min(limit, MAX_PAGE_SIZE))
    where = _filtered(user, scope, search, profile, since, until)
    total = session.scalar(select(func.count()).select_from(UserSession).where(*where)) or 0
    order = (
        (func.lower(UserSession.title), UserSession.id)
        if sort == "title"
        else (UserSession.last_activity.desc(), UserSession.id.desc())
    )
    query: Select[tuple[UserSession, int | None, int | None]] = (
        select(UserSession, SessionSlideDeck.slide_count, SessionSlideDeck.version)
        .outerjoin(SessionSlideDeck, SessionSlideDeck.session_id == UserSession.id)
        .where(*where)
        .order_by(*order)
        .limit(limit)
        .offset(max(0, offset))
    )
    rows = session.execute(query).all()
    rights = _rights(session, user, [row for row, _, _ in rows])
    items = [
        SessionSummary(
            session_id=row.session_id,
            title=row.title,
            slide_count=count or 0,
            profile_name=row.profile_name,
            visibility=row.visibility,
            created_by=row.created_by,
            created_at=row.created_at,
            last_activity=row.last_activity,
            deck_version=version or 0,
            my_right=rights[row.id],
        )
        for row, count, version in rows
    ]
    return SessionPage(items=items, total=total, limit=limit, offset=max(0, offset))


def _rights(session: Session, user: User, rows: list[UserSession]) -> dict[int, str]:
    """The user's right on each listed root session, in one query for the grants."""
    others = [r.id for r in rows if r.created_by != user.name and r.visibility != "private"]
    edits: set[int] = set()
    if others:
        edits = set(
            session.scalars(
                select(SessionPermission.session_id).where(
                    SessionPermission.session_id.in_(others),
                    SessionPermission.permission == "edit",
                    principal_match(user),
                )
            )
        )
    return {
        r.id: "manage" if r.created_by == user.name else "edit" if r.id in edits else "read"
        for r in rows
    }


def list_my_sessions(
    session: Session, user: User, *, limit: int = DEFAULT_PAGE_SIZE, offset: int = 0
) -> list[SessionSummary]:
    """List the user's own sessions, most recently active first."""
    return list_sessions(session, user, scope="mine", limit=limit, offset=offset).items


def profile_names(session: Session, user: User) -> list[str]:
    """The profile names used by the sessions the user may read (for the History filter)."""
    names = session.scalars(
        select(UserSession.profile_name)
        .where(readable_clause(user), UserSession.profile_name.is_not(None))
        .distinct()
    )
    return sorted(name for name in names if name)


def first_slides(
    session: Session, user: User, *, session_ids: list[str]
) -> dict[str, tuple[str, str]]:
    """Return each readable session's first slide (as JSON) and CSS, in one query (thumbnails)."""
    if not session_ids:
        return {}
    rows = session.execute(
        select(UserSession.session_id, SessionSlideDeck.deck_json, SessionSlideDeck.css)
        .join(SessionSlideDeck, SessionSlideDeck.session_id == UserSession.id)
        .where(UserSession.session_id.in_(session_ids), readable_clause(user))
    ).all()
    found: dict[str, tuple[str, str]] = {}
    for session_id, deck_json, css in rows:
        slides = (deck_json or {}).get("slides") or []
        if slides:
            found[session_id] = (Slide.model_validate(slides[0]).model_dump_json(), css or "")
    return found
