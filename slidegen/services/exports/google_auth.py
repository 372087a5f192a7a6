"""Connecting a user's Google account: OAuth 2.0 authorisation code flow, encrypted tokens.

`start_google_connect` stores a one-time random `state` bound to the user and returns Google's
consent URL; Google redirects back to the client's redirect URI with `code` and `state`, and
`complete_google_connect` accepts the code only with a state this user started (and not yet
used or expired), exchanges it at the token endpoint and stores the tokens encrypted with
Fernet (key: SLIDEGEN_GOOGLE_TOKEN_KEY). The OAuth client is the one an admin uploaded, else the
environment's (google_client.py); without the key or a client the feature is off and says why.
A row the key cannot read (a rotated key), or tokens granted to a client since replaced, ask
the user to connect again. Scopes: presentations and drive.file only.
"""

from __future__ import annotations

import json
import secrets
import urllib.parse
from datetime import UTC, datetime, timedelta
from typing import Any

import requests
from cryptography.fernet import InvalidToken
from google.oauth2.credentials import Credentials
from pydantic import BaseModel
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from slidegen.config import Settings
from slidegen.db.base import utcnow
from slidegen.db.models import GoogleOAuthState, GoogleOAuthToken
from slidegen.errors import InvalidInputError, SlidegenError
from slidegen.identity import User
from slidegen.services.exports.google_client import (
    GoogleNotConfiguredError,
    oauth_client,
    token_fernet,
)

SCOPES = (
    "https://www.googleapis.com/auth/presentations",
    "https://www.googleapis.com/auth/drive.file",
)
STATE_TTL = timedelta(minutes=15)
TOKEN_TIMEOUT_S = 30


class GoogleReconnectError(SlidegenError):
    """The user has no usable Google authorisation: connect (again)."""


class GoogleApiError(SlidegenError):
    """Google answered with an error or could not be reached."""


class GoogleConnectionOut(BaseModel):
    """Whether Google Slides export is configured, and whether this user is connected."""

    configured: bool
    connected: bool
    message: str


def google_connection(session: Session, user: User, *, settings: Settings) -> GoogleConnectionOut:
    """Say whether the feature is configured and the user has readable tokens."""
    try:
        oauth_client(session, settings=settings)
    except GoogleNotConfiguredError as exc:
        return GoogleConnectionOut(configured=False, connected=False, message=exc.user_message)
    try:
        user_credentials(session, user.name, settings=settings)
    except GoogleReconnectError as exc:
        return GoogleConnectionOut(configured=True, connected=False, message=exc.user_message)
    return GoogleConnectionOut(configured=True, connected=True, message="Google account connected.")


def start_google_connect(session: Session, user: User, *, settings: Settings) -> str:
    """Store a one-time state for the user and return Google's consent URL."""
    client = oauth_client(session, settings=settings)
    session.execute(
        delete(GoogleOAuthState).where(GoogleOAuthState.created_at < utcnow() - STATE_TTL)
    )
    state = secrets.token_urlsafe(32)
    session.add(GoogleOAuthState(state=state, user_name=user.name))
    session.flush()
    query = {
        "client_id": client.client_id,
        "redirect_uri": client.redirect_uri,
        "response_type": "code",
        "scope": " ".join(SCOPES),
        "state": state,
        "access_type": "offline",  # a refresh token, so exports work after the first hour
        "prompt": "consent",
        "include_granted_scopes": "true",
    }
    return f"{settings.google_auth_uri}?{urllib.parse.urlencode(query)}"


def complete_google_connect(
    session: Session, user: User, *, settings: Settings, state: str, code: str
) -> GoogleConnectionOut:
    """Check the state is this user's, unused and fresh; exchange the code; store the tokens."""
    client = oauth_client(session, settings=settings)
    row = session.scalar(select(GoogleOAuthState).where(GoogleOAuthState.state == state))
    if row is None or row.user_name != user.name:
        raise InvalidInputError(
            "This Google sign-in was not started here by you (or was already used); connect again."
        )
    session.delete(row)  # one use only, whatever happens next
    session.flush()
    if row.created_at < utcnow() - STATE_TTL:
        raise InvalidInputError("This Google sign-in took too long and expired; connect again.")
    answer = _token_request(
        settings,
        {
            "grant_type": "authorization_code",
            "code": code,
            "client_id": client.client_id,
            "client_secret": client.client_secret,
            "redirect_uri": client.redirect_uri,
        },
    )
    if not answer.get("refresh_token"):
        raise GoogleApiError("Google did not grant offline access; connect again.")
    expiry = utcnow() + timedelta(seconds=int(answer.get("expires_in", 3600)))
    store_tokens(
        session,
        user.name,
        settings=settings,
        access_token=str(answer["access_token"]),
        refresh_token=str(answer["refresh_token"]),
        expiry=expiry,
        client_id=client.client_id,
    )
    return GoogleConnectionOut(configured=True, connected=True, message="Google account connected.")


def discard_google_state(session: Session, user: User, *, state: str) -> None:
    """Use up the user's state after a failed sign-in (its rollback would have kept it)."""
    session.execute(
        delete(GoogleOAuthState).where(
            GoogleOAuthState.state == state, GoogleOAuthState.user_name == user.name
        )
    )


def disconnect_google(session: Session, user: User) -> bool:
    """Forget the user's Google tokens; return whether there were any."""
    result = session.execute(
        delete(GoogleOAuthToken).where(GoogleOAuthToken.user_name == user.name)
    )
    return bool(result.rowcount)


def user_credentials(session: Session, user_name: str, *, settings: Settings) -> Credentials:
    """The user's google-auth credentials (refreshed by the library when they expire)."""
    client = oauth_client(session, settings=settings)
    row = session.scalar(select(GoogleOAuthToken).where(GoogleOAuthToken.user_name == user_name))
    if row is None:
        raise GoogleReconnectError("Connect your Google account first to export to Google Slides.")
    try:
        tokens = json.loads(token_fernet(settings).decrypt(row.encrypted_tokens))
    except (InvalidToken, ValueError):
        raise GoogleReconnectError(
            "Your stored Google authorisation can no longer be read (the key changed); "
            "connect your Google account again."
        ) from None
    if tokens.get("client_id", client.client_id) != client.client_id:
        # Google grants refresh tokens to one client: the admin replaced it since.
        raise GoogleReconnectError(
            "This server's Google client changed since you connected; "
            "connect your Google account again."
        )
    expiry = datetime.fromisoformat(tokens["expiry"]).astimezone(UTC).replace(tzinfo=None)
    return Credentials(  # type: ignore[no-untyped-call]
        token=tokens["access_token"],
        refresh_token=tokens["refresh_token"],
        token_uri=settings.google_token_uri,
        client_id=client.client_id,
        client_secret=client.client_secret,
        scopes=list(SCOPES),
        expiry=expiry,  # google-auth compares naive UTC
    )


def store_tokens(
    session: Session,
    user_name: str,
    *,
    settings: Settings,
    access_token: str,
    refresh_token: str,
    expiry: datetime,
    client_id: str | None = None,
) -> None:
    """Encrypt and keep (or replace) the user's tokens (and the client they were granted to)."""
    payload = {"access_token": access_token, "refresh_token": refresh_token}
    payload["expiry"] = expiry.replace(tzinfo=expiry.tzinfo or UTC).isoformat()
    if client_id:
        payload["client_id"] = client_id
    encrypted = token_fernet(settings).encrypt(json.dumps(payload).encode())
    row = session.scalar(select(GoogleOAuthToken).where(GoogleOAuthToken.user_name == user_name))
    if row is None:
        session.add(GoogleOAuthToken(user_name=user_name, encrypted_tokens=encrypted))
    else:
        row.encrypted_tokens, row.updated_at = encrypted, utcnow()
    session.flush()


def _token_request(settings: Settings, form: dict[str, str]) -> dict[str, Any]:
    try:
        response = requests.post(settings.google_token_uri, data=form, timeout=TOKEN_TIMEOUT_S)
    except requests.RequestException as exc:
        raise GoogleApiError(
            f"Google's sign-in service could not be reached ({type(exc).__name__}); try again."
        ) from None
    try:
        answer = response.json()
    except ValueError:
        answer = {}
    if response.status_code == 400 and answer.get("error") == "invalid_grant":
        raise InvalidInputError(
            "Google refused the sign-in code (it was already used or has expired); connect again."
        )
    if response.status_code != 200 or "access_token" not in answer:
        raise GoogleApiError(
            f"Google's sign-in service answered HTTP {response.status_code}; try again later."
        )
    return answer  # type: ignore[no-any-return]
