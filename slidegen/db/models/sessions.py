"""Chat sessions: messages, the deck, its save points and who may see it."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from slidegen.db.base import Base, CreatedUpdatedMixin, in_check, utcnow
from slidegen.db.models.jobs import ChatRequest

VISIBILITIES = ("private", "shared", "workspace")
MESSAGE_ROLES = ("user", "assistant", "tool", "system")
PRINCIPAL_TYPES = ("user", "group")
SESSION_PERMISSIONS = ("read", "edit")

_CHILD = {"cascade": "all, delete-orphan", "passive_deletes": True}


class UserSession(Base):
    """A conversation that owns one deck."""

    __tablename__ = "user_sessions"
    __table_args__ = (
        CheckConstraint(in_check("visibility", VISIBILITIES), name="visibility_known"),
        Index("ix_user_sessions_created_by_last_activity", "created_by", "last_activity"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[str] = mapped_column(String(64), unique=True)
    created_by: Mapped[str | None] = mapped_column(String(255))
    visibility: Mapped[str] = mapped_column(String(20), default="private", server_default="private")
    title: Mapped[str] = mapped_column(String(500), default="Untitled deck")
    profile_id: Mapped[int | None] = mapped_column(
        ForeignKey("config_profiles.id", ondelete="SET NULL"), index=True
    )
    profile_name: Mapped[str | None] = mapped_column(String(100))
    agent_config: Mapped[dict[str, Any] | None]
    parent_session_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_sessions.id", ondelete="CASCADE"), index=True
    )
    genie_conversation_id: Mapped[str | None] = mapped_column(String(255))
    experiment_id: Mapped[str | None] = mapped_column(String(255))
    is_processing: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    processing_started_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_activity: Mapped[datetime] = mapped_column(default=utcnow, index=True)

    messages: Mapped[list[SessionMessage]] = relationship(
        back_populates="session", order_by="SessionMessage.id", **_CHILD
    )
    slide_deck: Mapped[SessionSlideDeck | None] = relationship(back_populates="session", **_CHILD)
    versions: Mapped[list[SlideDeckVersion]] = relationship(
        back_populates="session", order_by="SlideDeckVersion.version_number", **_CHILD
    )
    requests: Mapped[list[ChatRequest]] = relationship(**_CHILD)
    permissions: Mapped[list[SessionPermission]] = relationship(back_populates="session", **_CHILD)
    # A contributor's thread: its own chat on the parent's (shared) deck.
    parent: Mapped[UserSession | None] = relationship(remote_side=[id], lazy="joined")


class SessionMessage(Base):
    """One chat message: user input, assistant reply, tool call or error."""

    __tablename__ = "session_messages"
    __table_args__ = (
        CheckConstraint(in_check("role", MESSAGE_ROLES), name="role_known"),
        Index("ix_session_messages_session_id_created_at", "session_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("user_sessions.id", ondelete="CASCADE"))
    role: Mapped[str] = mapped_column(String(20))
    content: Mapped[str] = mapped_column(Text)
    message_type: Mapped[str | None] = mapped_column(String(50))
    metadata_json: Mapped[dict[str, Any] | None]
    request_id: Mapped[str | None] = mapped_column(String(64), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    session: Mapped[UserSession] = relationship(back_populates="messages")


class SessionSlideDeck(CreatedUpdatedMixin, Base):
    """The session's current deck; `version` is the optimistic-locking counter."""

    __tablename__ = "session_slide_decks"
    __table_args__ = (CheckConstraint("slide_count >= 0", name="slide_count_nonnegative"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(
        ForeignKey("user_sessions.id", ondelete="CASCADE"), unique=True
    )
    title: Mapped[str | None] = mapped_column(String(500))
    css: Mapped[str] = mapped_column(Text, default="")
    deck_json: Mapped[dict[str, Any]] = mapped_column(default=dict)
    slide_count: Mapped[int] = mapped_column(Integer, default=0)
    verification_map: Mapped[dict[str, Any] | None]
    version: Mapped[int] = mapped_column(Integer, default=1)
    locked_by: Mapped[str | None] = mapped_column(String(255))
    locked_at: Mapped[datetime | None]
    modified_by: Mapped[str | None] = mapped_column(String(255))

    session: Mapped[UserSession] = relationship(back_populates="slide_deck")


class SlideDeckVersion(Base):
    """A save point: the deck and the chat up to that moment."""

    __tablename__ = "slide_deck_versions"
    __table_args__ = (
        UniqueConstraint("session_id", "version_number"),
        Index("ix_slide_deck_versions_session_id_created_at", "session_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("user_sessions.id", ondelete="CASCADE"))
    version_number: Mapped[int] = mapped_column(Integer)
    description: Mapped[str] = mapped_column(String(500))
    deck_json: Mapped[dict[str, Any]]
    verification_map_json: Mapped[dict[str, Any] | None]
    chat_history_json: Mapped[list[Any] | None]
    created_by: Mapped[str | None] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    session: Mapped[UserSession] = relationship(back_populates="versions")


class SessionPermission(Base):
    """A read or edit grant on a session for a user or a group."""

    __tablename__ = "session_permissions"
    __table_args__ = (
        UniqueConstraint("session_id", "principal_type", "principal_id"),
        CheckConstraint(in_check("principal_type", PRINCIPAL_TYPES), name="principal_type_known"),
        CheckConstraint(in_check("permission", SESSION_PERMISSIONS), name="permission_known"),
        Index("ix_session_permissions_principal", "principal_type", "principal_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(
        ForeignKey("user_sessions.id", ondelete="CASCADE"), index=True
    )
    principal_type: Mapped[str] = mapped_column(String(10))
    principal_id: Mapped[str] = mapped_column(String(255))
    permission: Mapped[str] = mapped_column(String(10))
    granted_by: Mapped[str] = mapped_column(String(255))
    granted_at: Mapped[datetime] = mapped_column(default=utcnow)

    session: Mapped[UserSession] = relationship(back_populates="permissions")
