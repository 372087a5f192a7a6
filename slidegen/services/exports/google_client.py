"""The workspace's Google OAuth client: uploaded by an admin (encrypted) or from the environment.

An admin uploads `credentials.json` ("web" or "installed"); it is checked, then kept as one
Fernet token under SLIDEGEN_GOOGLE_TOKEN_KEY in `google_global_credentials` (one row), with
its client id, type, uploader and date in the clear. The key is required: without it the
feature is off and says how to make one.

Which client Google sign-ins use:
1. the uploaded client, when one is stored (even when the key can no longer read it: then the
   feature is off until an admin uploads it again or removes it; it never falls back silently);
2. else SLIDEGEN_GOOGLE_CLIENT_ID and SLIDEGEN_GOOGLE_CLIENT_SECRET (configuration as code).
The redirect URI is SLIDEGEN_GOOGLE_REDIRECT_URI when set; else, for an uploaded "web" client,
the first of its `redirect_uris`. An "installed" (Desktop) client lists no usable redirect:
Google sends it back only to a loopback address, so it needs SLIDEGEN_GOOGLE_REDIRECT_URI
(`http://localhost:8501/` on a laptop). Google's endpoints stay SLIDEGEN_GOOGLE_AUTH_URI and
SLIDEGEN_GOOGLE_TOKEN_URI (Google's own by default), never the file's `auth_uri`/`token_uri`:
the server's configuration, not an uploaded file, decides where secrets and tokens are sent.
"""

from __future__ import annotations

import urllib.parse
from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal

from cryptography.fernet import Fernet, InvalidToken
from pydantic import BaseModel
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from slidegen.config import Settings
from slidegen.db.base import utcnow
from slidegen.db.models import GoogleGlobalCredential
from slidegen.errors import (
    ConfigurationError,
    ConflictError,
    InvalidInputError,
    PermissionDeniedError,
)
from slidegen.identity import User
from slidegen.services.exports.google_client_file import ClientFile, parse_client_file
from slidegen.services.usage import access

ROW_ID = 1  # one client per deployment (a CHECK keeps it so)
KEY_COMMAND = (
    "python -c 'from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())'"
)
OFF = "Google Slides export is not configured on this server: "
ENV_CLIENT = ("SLIDEGEN_GOOGLE_CLIENT_ID", "SLIDEGEN_GOOGLE_CLIENT_SECRET")
LOOPBACK_HOSTS = ("localhost", "127.0.0.1", "::1")


class GoogleNotConfiguredError(ConfigurationError):
    """Google Slides export has no usable key or OAuth client."""


@dataclass(frozen=True)
class GoogleClient:
    """The OAuth client sign-ins use; the secret goes only to Google's token endpoint."""

    source: Literal["uploaded", "env"]
    client_id: str
    client_secret: str = field(repr=False)
    redirect_uri: str


class GoogleClientOut(BaseModel):
    """What admins (and the doctor) see of the client: never its secret."""

    key_ready: bool
    source: Literal["uploaded", "env", "none"]
    client_id: str | None = None
    client_type: str | None = None
    uploaded_by: str | None = None
    uploaded_at: datetime | None = None
    redirect_uri: str | None = None
    usable: bool
    message: str
    notes: list[str] = []


def google_client_status(session: Session, user: User, *, settings: Settings) -> GoogleClientOut:
    """Say where the Google client comes from and whether sign-ins can use it (admins)."""
    _require_admin(user, settings)
    return _inspect(session, settings)[1]


def upload_google_client(
    session: Session, user: User, *, settings: Settings, content: bytes
) -> GoogleClientOut:
    """Check a credentials.json and store it encrypted, replacing any earlier one (admins)."""
    _require_admin(user, settings)
    fernet = token_fernet(settings)
    parsed = parse_client_file(content)
    encrypted = fernet.encrypt(content)
    row = session.get(GoogleGlobalCredential, ROW_ID)
    if row is None:
        row = GoogleGlobalCredential(id=ROW_ID)
        session.add(row)
    row.encrypted_client, row.uploaded_by, row.uploaded_at = encrypted, user.name, utcnow()
    row.client_id, row.client_type = parsed.client_id, parsed.client_type
    try:
        session.flush()
    except IntegrityError:
        raise ConflictError(
            "Another admin uploaded a Google client at the same moment; reload and try again."
        ) from None
    return _inspect(session, settings)[1]


def remove_google_client(session: Session, user: User, *, settings: Settings) -> bool:
    """Delete the uploaded client (the environment's, if any, applies again); admins only."""
    _require_admin(user, settings)
    row = session.get(GoogleGlobalCredential, ROW_ID)
    if row is None:
        return False
    session.delete(row)
    session.flush()
    return True


def describe_google_client(session: Session, *, settings: Settings) -> GoogleClientOut:
    """The client's source and state without its secret, for the doctor (an operator's tool)."""
    return _inspect(session, settings)[1]


def oauth_client(session: Session, *, settings: Settings) -> GoogleClient:
    """The client any signed-in user's Google sign-in uses; off (with the reason) if none."""
    client, status = _inspect(session, settings)
    if client is None:
        raise GoogleNotConfiguredError(status.message)
    return client


def token_fernet(settings: Settings) -> Fernet:
    """The Fernet of SLIDEGEN_GOOGLE_TOKEN_KEY; without a valid key the feature is off."""
    if not settings.google_token_key or not settings.google_token_key.get_secret_value():
        raise GoogleNotConfiguredError(
            OFF + "the administrator must set SLIDEGEN_GOOGLE_TOKEN_KEY (a Fernet key that "
            f"encrypts the Google client and users' tokens; make one with `{KEY_COMMAND}`)."
        )
    try:
        return Fernet(settings.google_token_key.get_secret_value().encode())
    except ValueError:
        raise GoogleNotConfiguredError(
            "SLIDEGEN_GOOGLE_TOKEN_KEY is not a Fernet key (32 url-safe base64-encoded bytes); "
            f"make one with `{KEY_COMMAND}`."
        ) from None


def _require_admin(user: User, settings: Settings) -> None:
    if not access.is_admin(user, settings):
        who = f"members of {settings.admin_group}" if settings.admin_group else "admins"
        raise PermissionDeniedError(f"Only {who} may manage the Google OAuth client.")


def _inspect(session: Session, settings: Settings) -> tuple[GoogleClient | None, GoogleClientOut]:
    """The usable client (or None) and what to say about it."""
    row = session.get(GoogleGlobalCredential, ROW_ID)
    try:
        fernet = token_fernet(settings)
    except GoogleNotConfiguredError as exc:
        source = "uploaded" if row else ("env" if settings.google_client_id else "none")
        return None, _out(row, settings, source, key_ready=False, message=exc.user_message)
    if row is not None:
        return _uploaded(row, fernet, settings)
    return _from_env(settings)


def _uploaded(
    row: GoogleGlobalCredential, fernet: Fernet, settings: Settings
) -> tuple[GoogleClient | None, GoogleClientOut]:
    try:
        parsed = parse_client_file(fernet.decrypt(row.encrypted_client))
    except (InvalidToken, InvalidInputError):
        message = (
            "Google Slides export is off: the uploaded Google OAuth client can no longer be "
            "read (SLIDEGEN_GOOGLE_TOKEN_KEY changed); an admin must upload credentials.json "
            "again."
        )
        return None, _out(row, settings, "uploaded", message=message)
    redirect, problem = _redirect(parsed, settings)
    notes = _installed_notes(parsed, redirect)
    if problem:
        return None, _out(row, settings, "uploaded", message=OFF + problem, notes=notes)
    client = GoogleClient("uploaded", parsed.client_id, parsed.client_secret, redirect)
    message = f'Users sign in with the uploaded "{parsed.client_type}" client.'
    return client, _out(row, settings, "uploaded", redirect, message, usable=True, notes=notes)


def _redirect(parsed: ClientFile, settings: Settings) -> tuple[str, str]:
    """The redirect URI to use, or '' and why there is none."""
    if settings.google_redirect_uri:
        return settings.google_redirect_uri, ""
    if parsed.client_type == "installed":
        return "", (
            'an "installed" (Desktop) client needs SLIDEGEN_GOOGLE_REDIRECT_URI set to the '
            "app's own loopback address, e.g. http://localhost:8501/ (Google sends Desktop "
            "clients back only to loopback addresses)."
        )
    if not parsed.redirect_uris:
        return "", (
            "the uploaded client lists no redirect URI; add the app's URL as an authorised "
            "redirect URI in Google Cloud and upload the file again, or set "
            "SLIDEGEN_GOOGLE_REDIRECT_URI."
        )
    return parsed.redirect_uris[0], ""


def _installed_notes(parsed: ClientFile, redirect: str) -> list[str]:
    """Warn when a Desktop client is to come back anywhere but a loopback address."""
    if parsed.client_type != "installed" or not redirect:
        return []
    if urllib.parse.urlsplit(redirect).hostname in LOOPBACK_HOSTS:
        return []
    return [
        'An "installed" (Desktop) client: Google sends users back only to a loopback address '
        "(http://localhost:PORT/), not to this redirect URI; a deployed app needs a Web "
        "application client."
    ]


def _from_env(settings: Settings) -> tuple[GoogleClient | None, GoogleClientOut]:
    values = (settings.google_client_id, settings.google_client_secret)
    if not any(values):
        message = OFF + (
            "an admin must upload the Google OAuth client (credentials.json) on the Admin "
            "page, or set SLIDEGEN_GOOGLE_CLIENT_ID, SLIDEGEN_GOOGLE_CLIENT_SECRET and "
            "SLIDEGEN_GOOGLE_REDIRECT_URI."
        )
        return None, _out(None, settings, "none", message=message)
    needed = dict(zip(ENV_CLIENT, values, strict=True))
    needed["SLIDEGEN_GOOGLE_REDIRECT_URI"] = settings.google_redirect_uri
    missing = [name for name, value in needed.items() if not value]
    if missing:
        message = OFF + "the administrator must set " + ", ".join(missing) + "."
        return None, _out(None, settings, "env", message=message)
    secret = settings.google_client_secret
    assert settings.google_client_id and secret and settings.google_redirect_uri
    client = GoogleClient(
        "env", settings.google_client_id, secret.get_secret_value(), settings.google_redirect_uri
    )
    message = "Users sign in with the client of SLIDEGEN_GOOGLE_CLIENT_ID (the environment)."
    return client, _out(None, settings, "env", client.redirect_uri, message, usable=True)


def _out(
    row: GoogleGlobalCredential | None,
    settings: Settings,
    source: Literal["uploaded", "env", "none"],
    redirect_uri: str | None = None,
    message: str = "",
    *,
    usable: bool = False,
    key_ready: bool = True,
    notes: list[str] | None = None,
) -> GoogleClientOut:
    if row is not None:
        facts = {"client_id": row.client_id, "client_type": row.client_type}
        facts |= {"uploaded_by": row.uploaded_by, "uploaded_at": row.uploaded_at}
    else:
        facts = {"client_id": settings.google_client_id} if source == "env" else {}
    return GoogleClientOut(
        key_ready=key_ready,
        source=source,
        redirect_uri=redirect_uri,
        usable=usable,
        message=message,
        notes=notes or [],
        **facts,
    )
