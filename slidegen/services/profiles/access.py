"""Who may use, edit and manage a profile: one place every profile service asks.

The creator manages a profile. Contributors (users by name, groups by the user's groups) get
CAN_USE, CAN_EDIT or CAN_MANAGE. `global_permission` grants a level to everyone; profiles made
by the seed (no personal creator) and the default profile are usable by everyone.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, false, func, or_, select, true
from sqlalchemy.orm import Session

from slidegen.db.models import ConfigProfile, ConfigProfileContributor
from slidegen.errors import NotFoundError, PermissionDeniedError
from slidegen.identity import User

LEVELS = ("CAN_USE", "CAN_EDIT", "CAN_MANAGE")
SYSTEM_CREATORS = (None, "system")
_VERB = {"CAN_USE": "use", "CAN_EDIT": "edit", "CAN_MANAGE": "manage"}


def rank(level: str | None) -> int:
    """Return 0 for no access, 1..3 for CAN_USE..CAN_MANAGE."""
    return LEVELS.index(level) + 1 if level in LEVELS else 0


def best(*levels: str | None) -> str | None:
    """Return the highest of some levels (None when all are None)."""
    top = max(levels, key=rank, default=None)
    return top if rank(top) else None


def permission_level(session: Session, profile: ConfigProfile, user: User) -> str | None:
    """Return the user's level on a profile, or None."""
    if profile.created_by == user.name:
        return "CAN_MANAGE"
    levels: list[str | None] = [profile.global_permission]
    if profile.created_by in SYSTEM_CREATORS:
        levels.append("CAN_MANAGE")  # like legacy sessions: shared by everyone
    if profile.is_default:
        levels.append("CAN_USE")
    levels.extend(
        session.scalars(
            select(ConfigProfileContributor.permission_level).where(
                ConfigProfileContributor.profile_id == profile.id, _matches(user)
            )
        ).all()
    )
    return best(*levels)


def _matches(user: User) -> ColumnElement[bool]:
    # E-mail addresses match whatever their case (see permissions.principal_match).
    by_name = (ConfigProfileContributor.identity_type == "USER") & (
        func.lower(ConfigProfileContributor.identity_id) == user.name.lower()
    )
    if not user.groups:
        return by_name
    by_group = (ConfigProfileContributor.identity_type == "GROUP") & (
        ConfigProfileContributor.identity_id.in_(user.groups)
    )
    return or_(by_name, by_group)


def visible_filter(user: User) -> ColumnElement[bool]:
    """A WHERE clause for the live profiles the user may at least use."""
    granted = (
        select(ConfigProfileContributor.id)
        .where(ConfigProfileContributor.profile_id == ConfigProfile.id, _matches(user))
        .exists()
    )
    return (ConfigProfile.is_deleted == false()) & or_(
        ConfigProfile.created_by == user.name,
        ConfigProfile.created_by.is_(None),
        ConfigProfile.created_by == "system",
        ConfigProfile.global_permission.is_not(None),
        ConfigProfile.is_default == true(),
        granted,
    )


def load_profile(
    session: Session, user: User, name: str, *, need: str = "CAN_USE", for_update: bool = False
) -> ConfigProfile:
    """Return a live profile by name if the user has `need` on it; otherwise raise."""
    query = select(ConfigProfile).where(
        ConfigProfile.name == name, ConfigProfile.is_deleted == false()
    )
    if for_update:
        query = query.with_for_update()
    profile = session.scalar(query)
    level = permission_level(session, profile, user) if profile is not None else None
    if profile is None or level is None:
        raise NotFoundError(
            f"No profile named {name!r} that you can see; see `python -m slidegen profiles list`."
        )
    if rank(level) < rank(need):
        raise PermissionDeniedError(
            f"You can {_VERB[level]} profile {name!r} but not {_VERB[need]} it; "
            "ask its creator for access."
        )
    return profile
