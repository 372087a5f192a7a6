"""Google Slides export: the workspace's OAuth client, encrypted per-user tokens, one-time OAuth
states, presentations."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, LargeBinary, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from slidegen.db.base import Base, in_check, utcnow

GOOGLE_CLIENT_TYPES = ("web", "installed")


class GoogleGlobalCredential(Base):
    """The workspace's Google OAuth client file as an admin uploaded it: one row at most.

    The file (client secret included) is one Fernet token (SLIDEGEN_GOOGLE_TOKEN_KEY); only
    non-secret facts about it are kept in the clear.
    """

    __tablename__ = "google_global_credentials"
    __table_args__ = (
        CheckConstraint("id = 1", name="single_row"),  # one client per deployment
        CheckConstraint(in_check("client_type", GOOGLE_CLIENT_TYPES), name="client_type_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    encrypted_client: Mapped[bytes] = mapped_column(LargeBinary)
    client_id: Mapped[str] = mapped_column(String(255))
    client_type: Mapped[str] = mapped_column(String(16))
    uploaded_by: Mapped[str] = mapped_column(String(255))
    uploaded_at: Mapped[datetime] = mapped_column(default=utcnow)


class GoogleOAuthToken(Base):
    """A user's Google tokens as one Fernet token (SLIDEGEN_GOOGLE_TOKEN_KEY); never plaintext."""

    __tablename__ = "google_oauth_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_name: Mapped[str] = mapped_column(String(255), unique=True)
    encrypted_tokens: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class GoogleOAuthState(Base):
    """A one-time `state` of an authorisation started by one user (CSRF check on return)."""

    __tablename__ = "google_oauth_states"

    id: Mapped[int] = mapped_column(primary_key=True)
    state: Mapped[str] = mapped_column(String(64), unique=True)
    user_name: Mapped[str] = mapped_column(String(255), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class GooglePresentation(Base):
    """The Google Slides presentation a user exported a deck to; re-exports replace its slides."""

    __tablename__ = "google_presentations"
    __table_args__ = (UniqueConstraint("session_id", "user_name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(
        ForeignKey("user_sessions.id", ondelete="CASCADE"), index=True
    )
    # Per user: with the drive.file scope a user's token reaches only presentations it created.
    user_name: Mapped[str] = mapped_column(String(255))
    presentation_id: Mapped[str] = mapped_column(String(255))
    url: Mapped[str] = mapped_column(String(500))
    # The spreadsheet holding the charts' data (one sheet and linked chart each); None: none yet.
    spreadsheet_id: Mapped[str | None] = mapped_column(String(255))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
