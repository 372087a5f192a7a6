"""Background jobs: chat requests (generations and edits) and exports."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import CheckConstraint, ForeignKey, Index, Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from slidegen.db.base import Base, in_check, utcnow

JOB_STATUSES = ("pending", "running", "completed", "error")
EXPORT_FORMATS = ("pptx", "html", "pdf", "gslides")
NOTES_PLACEMENTS = ("none", "pages", "appendix")  # where a PDF puts the speaker notes


class ChatRequest(Base):
    """One generation or edit job; workers heartbeat while it runs."""

    __tablename__ = "chat_requests"
    __table_args__ = (
        CheckConstraint(in_check("status", JOB_STATUSES), name="status_known"),
        Index("ix_chat_requests_session_id_created_at", "session_id", "created_at"),
        Index("ix_chat_requests_status_heartbeat_at", "status", "heartbeat_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[str] = mapped_column(String(64), unique=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("user_sessions.id", ondelete="CASCADE"))
    created_by: Mapped[str | None] = mapped_column(String(255))
    status: Mapped[str] = mapped_column(String(20), default="pending", server_default="pending")
    progress_message: Mapped[str | None] = mapped_column(String(500))
    error_message: Mapped[str | None] = mapped_column(Text)
    result_json: Mapped[dict[str, Any] | None]
    # The data its tools returned (capped, no credentials): what verification matches against.
    tool_results: Mapped[list[Any] | None]
    worker_id: Mapped[str | None] = mapped_column(String(100))
    heartbeat_at: Mapped[datetime | None]
    prompt_tokens: Mapped[int | None] = mapped_column(Integer)
    completion_tokens: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    started_at: Mapped[datetime | None]
    completed_at: Mapped[datetime | None]


class ExportJob(Base):
    """One export of a session's deck to PPTX, HTML, PDF or Google Slides."""

    __tablename__ = "export_jobs"
    __table_args__ = (
        CheckConstraint(in_check("status", JOB_STATUSES), name="status_known"),
        CheckConstraint(in_check("format", EXPORT_FORMATS), name="format_known"),
        CheckConstraint("progress >= 0", name="progress_nonnegative"),
        CheckConstraint(
            "notes_placement IS NULL OR " + in_check("notes_placement", NOTES_PLACEMENTS),
            name="notes_placement_known",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    job_id: Mapped[str] = mapped_column(String(64), unique=True)
    # The public session id, not a foreign key (as in the seeds): the job record outlives the deck.
    session_id: Mapped[str] = mapped_column(String(64), index=True)
    format: Mapped[str] = mapped_column(String(10), default="pptx", server_default="pptx")
    status: Mapped[str] = mapped_column(String(20), default="pending", server_default="pending")
    notes_placement: Mapped[str | None] = mapped_column(String(10))  # PDF only
    result_url: Mapped[str | None] = mapped_column(String(500))  # Google Slides: the link
    progress: Mapped[int] = mapped_column(Integer, default=0)
    total_slides: Mapped[int] = mapped_column(Integer, default=0)
    title: Mapped[str | None] = mapped_column(String(500))
    warnings: Mapped[list[Any] | None]
    error_message: Mapped[str | None] = mapped_column(Text)
    requested_by: Mapped[str | None] = mapped_column(String(255))
    worker_id: Mapped[str | None] = mapped_column(String(100))
    heartbeat_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    completed_at: Mapped[datetime | None]


class ExportFile(Base):
    """A finished export's bytes, in the database so any replica serves the download.

    Kept for SLIDEGEN_EXPORT_RETENTION_HOURS, then deleted (the job record stays and says so).
    """

    __tablename__ = "export_files"

    id: Mapped[int] = mapped_column(primary_key=True)
    export_job_id: Mapped[int] = mapped_column(
        ForeignKey("export_jobs.id", ondelete="CASCADE"), unique=True
    )
    content: Mapped[bytes] = mapped_column(LargeBinary)
    size_bytes: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
