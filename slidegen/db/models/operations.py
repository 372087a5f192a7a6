"""Operational records: feedback, surveys, request metrics and identities seen."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Boolean, CheckConstraint, Float, Index, Integer, String, Text, true
from sqlalchemy.orm import Mapped, mapped_column

from slidegen.db.base import Base, in_check, utcnow
from slidegen.db.models.profiles import IDENTITY_TYPES

FEEDBACK_CATEGORIES = ("bug", "quality", "idea", "praise")
FEEDBACK_SEVERITIES = ("low", "medium", "high")
REQUEST_STATUSES = ("completed", "error")


class FeedbackConversation(Base):
    """A user's feedback conversation, with the structured summary they confirmed."""

    __tablename__ = "feedback_conversations"
    __table_args__ = (
        CheckConstraint(in_check("category", FEEDBACK_CATEGORIES), name="category_known"),
        CheckConstraint(in_check("severity", FEEDBACK_SEVERITIES), name="severity_known"),
        Index("ix_feedback_conversations_created_at", "created_at"),
        Index("ix_feedback_conversations_category_created_at", "category", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    category: Mapped[str] = mapped_column(String(50))
    summary: Mapped[str] = mapped_column(Text)
    severity: Mapped[str] = mapped_column(String(20))
    raw_conversation: Mapped[dict[str, Any]] = mapped_column(default=dict)
    # The public id of the deck it concerns; no foreign key: feedback outlives a deleted deck.
    session_id: Mapped[str | None] = mapped_column(String(64))
    created_by: Mapped[str | None] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class SurveyResponse(Base):
    """A satisfaction survey answer: NPS, minutes saved on the last deck, one line of text."""

    __tablename__ = "survey_responses"
    __table_args__ = (
        CheckConstraint("star_rating BETWEEN 1 AND 5", name="star_rating_range"),
        CheckConstraint("nps_score IS NULL OR nps_score BETWEEN 0 AND 10", name="nps_range"),
        Index("ix_survey_responses_created_at", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    star_rating: Mapped[int | None] = mapped_column(Integer)
    time_saved_minutes: Mapped[int | None] = mapped_column(Integer)
    nps_score: Mapped[int | None] = mapped_column(Integer)
    comment: Mapped[str | None] = mapped_column(String(500))
    created_by: Mapped[str | None] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class SurveySchedule(Base):
    """When a user last answered or snoozed the survey."""

    __tablename__ = "survey_schedules"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_name: Mapped[str] = mapped_column(String(255), unique=True)
    snoozes: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    snoozed_until: Mapped[datetime | None]
    answered_at: Mapped[datetime | None]


class RequestLog(Base):
    """One finished chat request or export: who, what, how long, how many tokens.

    No prompt text unless SLIDEGEN_LOG_PROMPTS stores its first 200 characters.
    """

    __tablename__ = "request_logs"
    __table_args__ = (
        CheckConstraint(in_check("status", REQUEST_STATUSES), name="status_known"),
        # The dashboard reads a date range, optionally of one profile; the survey counts a
        # user's finished decks.
        Index("ix_request_logs_finished_at", "finished_at"),
        Index("ix_request_logs_profile_name_finished_at", "profile_name", "finished_at"),
        Index("ix_request_logs_user_name_kind", "user_name", "kind"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    finished_at: Mapped[datetime] = mapped_column(default=utcnow)
    request_id: Mapped[str | None] = mapped_column(String(64))
    session_id: Mapped[str | None] = mapped_column(String(64))
    user_name: Mapped[str] = mapped_column(String(255))
    profile_name: Mapped[str | None] = mapped_column(String(255))
    provider: Mapped[str | None] = mapped_column(String(50))
    model: Mapped[str | None] = mapped_column(String(255))
    kind: Mapped[str] = mapped_column(String(30))
    status: Mapped[str] = mapped_column(String(20))
    error_class: Mapped[str | None] = mapped_column(String(100))
    queue_wait_ms: Mapped[int | None] = mapped_column(Integer)
    first_slide_ms: Mapped[int | None] = mapped_column(Integer)
    total_ms: Mapped[int | None] = mapped_column(Integer)
    input_tokens: Mapped[int] = mapped_column(Integer, default=0)
    output_tokens: Mapped[int] = mapped_column(Integer, default=0)
    tool_calls: Mapped[int] = mapped_column(Integer, default=0)
    slides: Mapped[int] = mapped_column(Integer, default=0)
    prompt_excerpt: Mapped[str | None] = mapped_column(String(200))


class UsagePrice(Base):
    """The price an admin set for an endpoint's tokens, per 1,000 input and output tokens."""

    __tablename__ = "usage_prices"

    id: Mapped[int] = mapped_column(primary_key=True)
    endpoint: Mapped[str] = mapped_column(String(255), unique=True)
    input_per_1k: Mapped[float] = mapped_column(Float, default=0.0)
    output_per_1k: Mapped[float] = mapped_column(Float, default=0.0)
    updated_by: Mapped[str | None] = mapped_column(String(255))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


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
