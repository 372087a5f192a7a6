"""Who is using the app: resolved from the Databricks Apps proxy headers or the local user."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Mapping
from typing import Any

from pydantic import BaseModel, ConfigDict

from slidegen.config import Settings
from slidegen.errors import PermissionDeniedError

log = logging.getLogger("slidegen.identity")

# Headers the Databricks Apps proxy forwards, most specific first.
_IDENTITY_HEADERS = (
    "x-forwarded-email",
    "x-forwarded-preferred-username",
    "x-forwarded-user",
)
TOKEN_HEADER = "x-forwarded-access-token"
GROUPS_TTL_SECONDS = 600.0
GROUPS_RETRY_AFTER_FAILURE_S = 60.0


class User(BaseModel):
    """The person a request acts for."""

    model_config = ConfigDict(frozen=True)

    name: str
    display_name: str
    groups: tuple[str, ...] = ()
    from_proxy: bool = False


class UnidentifiedRequestError(PermissionDeniedError):
    """A request reached the Databricks App without the proxy's identity headers."""


def _lowered(headers: Mapping[str, str]) -> dict[str, str]:
    return {key.lower(): (value or "").strip() for key, value in headers.items()}


def resolve_user(headers: Mapping[str, str], settings: Settings) -> User:
    """Return the user named by the proxy headers, or the local development user.

    Inside a Databricks App every request comes through the proxy, so a request without its
    headers is refused rather than treated as a default user.
    """
    lowered = _lowered(headers)
    for header in _IDENTITY_HEADERS:
        value = lowered.get(header)
        if value:
            display = lowered.get("x-forwarded-preferred-username") or value
            return User(name=value, display_name=display, from_proxy=True)
    if settings.runs_as_databricks_app:
        raise UnidentifiedRequestError(
            "This request carries no user identity. Open Slidegen through its Databricks App "
            "URL so the workspace can sign you in."
        )
    return User(name=settings.user, display_name=settings.user, groups=settings.local_groups)


def forwarded_token(headers: Mapping[str, str]) -> str | None:
    """Return the user's access token the proxy forwards (user authorization), if any."""
    return _lowered(headers).get(TOKEN_HEADER) or None


class GroupDirectory:
    """The workspace groups of each user, looked up through SCIM and cached for a while."""

    def __init__(
        self, client_factory: Callable[[str | None], Any], *, ttl: float = GROUPS_TTL_SECONDS
    ) -> None:
        self._client_factory = client_factory
        self._ttl = ttl
        self._cache: dict[str, tuple[float, tuple[str, ...]]] = {}
        self._lock = threading.Lock()

    def groups_of(self, user_name: str, user_token: str | None = None) -> tuple[str, ...]:
        """Return the user's group names (cached by user name, never by token)."""
        with self._lock:
            hit = self._cache.get(user_name)
        if hit and time.monotonic() - hit[0] < self._ttl:
            return hit[1]
        try:
            groups = self._lookup(user_name, user_token)
        except Exception as exc:  # permissions then fall back to the user's own grants
            log.warning("group lookup for %s failed: %s", user_name, type(exc).__name__)
            fallback = hit[1] if hit else ()
            with self._lock:  # ask again only after a while: every page run waits for this
                expires = time.monotonic() - self._ttl + GROUPS_RETRY_AFTER_FAILURE_S
                self._cache[user_name] = (expires, fallback)
            return fallback
        with self._lock:
            self._cache[user_name] = (time.monotonic(), groups)
        return groups

    def _lookup(self, user_name: str, user_token: str | None) -> tuple[str, ...]:
        client = self._client_factory(user_token)
        if user_token:  # the user's own token reads their groups (scope iam.current-user:read)
            me = client.current_user.me()
            return _names(me.groups)
        escaped = user_name.replace('"', '\\"')
        for found in client.users.list(filter=f'userName eq "{escaped}"', attributes="groups"):
            return _names(found.groups)
        return ()


def _names(groups: Any) -> tuple[str, ...]:
    return tuple(sorted({g.display for g in groups or () if g.display}))


def with_groups(
    user: User, settings: Settings, directory: GroupDirectory | None, token: str | None
) -> User:
    """Return the user with their workspace groups when the workspace can tell them."""
    if not user.from_proxy or directory is None or not settings.has_databricks_workspace:
        return user
    return user.model_copy(update={"groups": directory.groups_of(user.name, token)})
