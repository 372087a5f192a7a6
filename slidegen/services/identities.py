"""Record the users and groups the app has seen (app_identities), a fallback identity source."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from slidegen.db.base import utcnow
from slidegen.db.models import AppIdentity
from slidegen.identity import User


def record_identity(session: Session, user: User) -> list[str]:
    """Upsert the user and their groups as seen now; return the identity ids touched."""
    seen = [("USER", user.name, user.display_name)]
    seen += [("GROUP", group, group) for group in user.groups]
    ids = [f"{kind.lower()}:{name}" for kind, name, _ in seen]
    existing = {
        row.identity_id: row
        for row in session.scalars(select(AppIdentity).where(AppIdentity.identity_id.in_(ids)))
    }
    now = utcnow()
    for identity_id, (kind, name, display) in zip(ids, seen, strict=True):
        row = existing.get(identity_id)
        if row is None:
            session.add(
                AppIdentity(
                    identity_id=identity_id,
                    identity_type=kind,
                    identity_name=name,
                    display_name=display,
                    first_seen_at=now,
                    last_seen_at=now,
                )
            )
        else:
            row.display_name = display
            row.last_seen_at = now
            row.is_active = True
    session.flush()
    return ids


def known_identities(session: Session, user: User, *, limit: int = 500) -> list[str]:
    """Return the e-mails and group names seen here, most recent first, to share with.

    Anyone signed in may see them (a workspace's directory is visible to its users); the
    current user is left out.
    """
    rows = session.execute(
        select(AppIdentity.identity_type, AppIdentity.identity_name)
        .where(AppIdentity.is_active.is_(True))
        .order_by(AppIdentity.last_seen_at.desc(), AppIdentity.id.desc())
        .limit(limit)
    ).all()
    me = user.name.lower()
    return [name for kind, name in rows if not (kind == "USER" and name.lower() == me)]


def principal_type(name: str) -> str:
    """Users are named by e-mail address; anything else is a group."""
    return "user" if "@" in name else "group"
