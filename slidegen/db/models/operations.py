"""Operational records: feedback, surveys, request metrics and identities seen."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Boolean, CheckConstraint, Float, Integer, String, Text, true
from sqlalchemy.orm import Mapped, mapped_column

from slidegen.db.base import Base, in_check, utcnow
from slidegen.db.models.profiles import IDENTITY_TYPES


class FeedbackConversation(Base):
    """A user's feedback, with a structured summary."""

    __tablename__ = "feedback_conversations"

    id: Mapped[int] = mapped_column(primary_key=True)
    category: Mapped[str] = mapped_column(String(50))
    summary: Mapped[str] = mapped_column(Text)
    severity: Mapped[str] = mapped_column(String(20))
    raw_conversation: Mapped[dict[str, Any]] = mapped_column(default=dict)
    created_by: Mapped[str | None] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class SurveyResponse(Base):
    """A satisfaction survey answer."""

    __tablename__ = "survey_responses"
    __table_args__ = (
        CheckConstraint("star_rating BETWEEN 1 AND 5", name="star_rating_range"),
        CheckConstraint("nps_score IS NULL OR nps_score BETWEEN 0 AND 10", name="nps_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    star_rating: Mapped[int] = mapped_column(Integer)
    time_saved_minutes: Mapped[int | None] = mapped_column(Integer)
    nps_score: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class RequestLog(Base):
    """Timing of one handled request, for monitoring."""

    __tablename__ = "request_logs"

    id: Mapped[int] = mapped_column(primary_key=True)
    timestamp: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    method: Mapped[str] = mapped_column(String(10))
    path: Mapped[str] = mapped_column(String(500))
    status_code: Mapped[int] = mapped_column(Integer)
    duration_ms: Mapped[float] = mapped_column(Float)
    request_id: Mapped[str | None] = mapped_column(String(64))


class AppIdentity(Base):
    """A user or group the app has seen (a fallback identity source)."""

    __tablename__ = "app_identities"
    __table_args__ = (
        CheckConstraint(in_check("identity_type", IDENTITY_TYPES), name="identity_type_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    identity_id: Mapped[str] = mapped_column(String(255), unique=True)
    identity_type: Mapped[str] = mapped_column(String(10))
    identity_name: Mapped[str] = mapped_column(String(255))
    display_name: Mapped[str | None] = mapped_column(String(255))
    first_seen_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(default=utcnow)
    is_active: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
