"""Profile contributors: users or groups with CAN_USE, CAN_EDIT or CAN_MANAGE."""

from __future__ import annotations

from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import Session

from slidegen.db.models import ConfigProfile, ConfigProfileContributor
from slidegen.errors import InvalidInputError
from slidegen.identity import User
from slidegen.schemas.profiles import Contributor, FieldChange
from slidegen.services.profiles import history
from slidegen.services.profiles.access import LEVELS, load_profile
from slidegen.services.profiles.queries import profile_snapshot

_TYPES = ("USER", "GROUP")


def list_contributors(session: Session, user: User, *, name: str) -> list[Contributor]:
    """Return who has been granted access to a profile."""
    profile = load_profile(session, user, name)
    rows = session.scalars(
        select(ConfigProfileContributor)
        .where(ConfigProfileContributor.profile_id == profile.id)
        .order_by(ConfigProfileContributor.identity_type, ConfigProfileContributor.identity_id)
    ).all()
    return [
        Contributor(
            identity_type=r.identity_type,
            identity_id=r.identity_id,
            identity_name=r.identity_name,
            permission_level=r.permission_level,
        )
        for r in rows
    ]


def grant_access(
    session: Session,
    user: User,
    *,
    name: str,
    identity_type: str,
    identity_id: str,
    permission_level: str,
) -> list[Contributor]:
    """Grant (or change) a user's or group's access; only managers may."""
    identity_type, identity_id = identity_type.upper(), identity_id.strip()
    if identity_type not in _TYPES or not identity_id:
        raise InvalidInputError("Name a user (e-mail) or a group to share with.")
    if identity_type == "USER":
        identity_id = identity_id.lower()  # e-mail addresses: one grant whatever the case
    if permission_level not in LEVELS:
        raise InvalidInputError(f"Permission must be one of {', '.join(LEVELS)}.")
    profile = load_profile(session, user, name, need="CAN_MANAGE")
    row = session.scalar(_contributor(profile.id, identity_id))
    old = row.permission_level if row else None
    if row is None:
        row = ConfigProfileContributor(
            profile_id=profile.id,
            identity_type=identity_type,
            identity_id=identity_id,
            identity_name=identity_id,
            created_by=user.name,
        )
        session.add(row)
    row.permission_level = permission_level
    _record(session, user, profile, identity_id, old, permission_level)
    return list_contributors(session, user, name=name)


def revoke_access(
    session: Session, user: User, *, name: str, identity_id: str
) -> list[Contributor]:
    """Remove a contributor."""
    profile = load_profile(session, user, name, need="CAN_MANAGE")
    row = session.scalar(_contributor(profile.id, identity_id.strip()))
    if row is not None:
        old = row.permission_level
        session.delete(row)
        _record(session, user, profile, identity_id, old, None)
    return list_contributors(session, user, name=name)


def set_everyone_access(
    session: Session, user: User, *, name: str, permission_level: str | None
) -> None:
    """Give everyone a level on the profile (None: only the creator and contributors)."""
    if permission_level is not None and permission_level not in LEVELS:
        raise InvalidInputError(f"Permission must be one of {', '.join(LEVELS)} or none.")
    profile = load_profile(session, user, name, need="CAN_MANAGE")
    old, profile.global_permission = profile.global_permission, permission_level
    _record(session, user, profile, "everyone", old, permission_level)


def _record(
    session: Session,
    user: User,
    profile: ConfigProfile,
    who: str,
    old: str | None,
    new: str | None,
) -> None:
    session.flush()
    history.record_changes(
        session,
        profile,
        user,
        action="share",
        changes=[FieldChange(field=f"sharing.{who}", old=old, new=new)],
        snapshot=profile_snapshot(profile),
        domain="sharing",
    )


def _contributor(profile_id: int, identity_id: str) -> Select[tuple[ConfigProfileContributor]]:
    """The contributor row of this user (e-mail, any case) or group (exact name)."""
    same = ConfigProfileContributor.identity_id == identity_id
    if "@" in identity_id:
        same = or_(same, func.lower(ConfigProfileContributor.identity_id) == identity_id.lower())
    return select(ConfigProfileContributor).where(
        ConfigProfileContributor.profile_id == profile_id, same
    )
