"""Who may see usage figures and feedback: admins."""

from __future__ import annotations

from slidegen.config import Settings
from slidegen.errors import PermissionDeniedError
from slidegen.identity import User


def is_admin(user: User, settings: Settings) -> bool:
    """Admins: members of SLIDEGEN_ADMIN_GROUP, or everyone in local development."""
    if settings.admin_group:
        return settings.admin_group in user.groups
    return not settings.runs_as_databricks_app


def require_admin(user: User, settings: Settings) -> None:
    """Refuse anyone who is not an admin, with one sentence."""
    if not is_admin(user, settings):
        who = f"members of {settings.admin_group}" if settings.admin_group else "admins"
        raise PermissionDeniedError(f"Usage figures and feedback are for {who} only.")
