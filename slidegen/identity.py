"""Who is using the app: resolved from the Databricks Apps proxy headers or the local user."""

from __future__ import annotations

from collections.abc import Mapping

from pydantic import BaseModel, ConfigDict

from slidegen.config import Settings

# Headers the Databricks Apps proxy forwards, most specific first.
_IDENTITY_HEADERS = (
    "x-forwarded-email",
    "x-forwarded-preferred-username",
    "x-forwarded-user",
)


class User(BaseModel):
    """The person a request acts for."""

    model_config = ConfigDict(frozen=True)

    name: str
    display_name: str
    groups: tuple[str, ...] = ()
    from_proxy: bool = False


def resolve_user(headers: Mapping[str, str], settings: Settings) -> User:
    """Return the user named by the proxy headers, or the local development user."""
    lowered = {key.lower(): value for key, value in headers.items()}
    for header in _IDENTITY_HEADERS:
        value = (lowered.get(header) or "").strip()
        if value:
            display = (lowered.get("x-forwarded-preferred-username") or value).strip()
            return User(name=value, display_name=display, from_proxy=True)
    return User(name=settings.user, display_name=settings.user)
