"""Request logs: one row per finished chat request or export, written in its own transaction.

The engine starts a `RequestMeter` when it picks a request up (with the times its claim
returned), notes each slide and the failure, and writes the row in the same unit of work that
closes the request, so a request's result and its log commit together (no extra commit, no
read). Every row goes through `add_request_log`, which also adds it to the dashboard's daily
roll-ups in the same unit of work (on PostgreSQL the row and its roll-ups are one statement).
Old rows and roll-ups are removed after SLIDEGEN_REQUEST_LOG_RETENTION_DAYS, at most once an
hour per process.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from slidegen import bootstrap
from slidegen.config import Settings
from slidegen.db.base import utcnow
from slidegen.db.models import ChatRequest, ExportJob, RequestLog, UserSession
from slidegen.services.usage.rollups import (
    insert_log_and_roll_up,
    log_values,
    purge_rollups,
    roll_up_logs,
    utc_day,
)

PROMPT_EXCERPT_CHARS = 200
PURGE_EVERY_S = 3600.0
_last_purge = [0.0]
_purge_lock = threading.Lock()


@dataclass
class RequestMeter:
    """What a running chat request measures for its log row."""

    kind: str
    user_name: str
    session_id: str | None
    profile_name: str | None
    provider: str | None
    model: str | None
    prompt_excerpt: str | None
    retention_days: int
    # The request's, from its claim (no read at the end); None: read them then.
    request_id: str | None = None
    created_at: datetime | None = None
    started_at: datetime | None = None
    first_slide_at: datetime | None = None
    slides: int = 0
    error_class: str | None = None

    def slide(self) -> None:
        """Note that a slide (or an edit operation) arrived."""
        self.first_slide_at = self.first_slide_at or utcnow()
        self.slides += 1

    def failed(self, exc: BaseException) -> None:
        """Note why the request failed: the exception's class names the kind of failure."""
        self.error_class = type(exc).__name__[:100]


def start_meter(
    settings: Settings,
    *,
    mode: str,
    user_name: str,
    session_id: str | None,
    config: dict[str, Any],
    prompt: str,
    request_id: str | None = None,
    created_at: datetime | None = None,
    started_at: datetime | None = None,
) -> RequestMeter:
    """Start measuring a chat request; never raises (a bad profile fails the request itself).

    `request_id`, `created_at` and `started_at` are the claimed row's: given, the log row is
    written without reading the request back.
    """
    try:
        llm = bootstrap.llm_settings(config, settings)
        provider, model = llm.provider, llm.endpoint or None
    except Exception:  # the engine reports the profile's problem; the log just lacks it
        provider = model = None
    return RequestMeter(
        kind=mode if mode in ("generate", "edit", "verify") else "generate",
        user_name=user_name,
        session_id=session_id,
        profile_name=config.get("profile_name"),
        provider=provider,
        model=model,
        prompt_excerpt=prompt[:PROMPT_EXCERPT_CHARS] if settings.log_prompts else None,
        retention_days=settings.request_log_retention_days,
        request_id=request_id,
        created_at=created_at,
        started_at=started_at,
    )


def write_chat_request_log(
    session: Session,
    meter: RequestMeter,
    *,
    request_pk: int,
    status: str,
    input_tokens: int,
    output_tokens: int,
    tool_calls: int,
    provider: str | None = None,
) -> None:
    """Add the log row of a chat request that ends in this unit of work.

    Its times come from the meter (the claim's row); a meter without them reads them back.
    """
    now = utcnow()
    request_id, created_at, started_at = meter.request_id, meter.created_at, meter.started_at
    if request_id is None or created_at is None:  # not started from a claim
        created_at, started_at, request_id = session.execute(
            select(ChatRequest.created_at, ChatRequest.started_at, ChatRequest.request_id).where(
                ChatRequest.id == request_pk
            )
        ).one()
    add_request_log(
        session,
        RequestLog(
            finished_at=now,
            request_id=request_id,
            session_id=meter.session_id,
            user_name=meter.user_name,
            profile_name=meter.profile_name,
            provider=provider or meter.provider,
            model=meter.model,
            kind=meter.kind,
            status=status,
            error_class=(meter.error_class or "Error") if status == "error" else None,
            queue_wait_ms=_ms(started_at, created_at),
            first_slide_ms=_ms(meter.first_slide_at, created_at),
            total_ms=_ms(now, created_at),
            input_tokens=input_tokens or 0,
            output_tokens=output_tokens or 0,
            tool_calls=tool_calls or 0,
            slides=meter.slides,
            prompt_excerpt=meter.prompt_excerpt,
        ),
    )
    _purge_now_and_then(session, meter.retention_days)


def write_export_log(session: Session, job: ExportJob, *, error_class: str | None) -> None:
    """Add the log row of an export job that ends in this unit of work."""
    now = job.completed_at or utcnow()
    profile = session.scalar(
        select(UserSession.profile_name).where(UserSession.session_id == job.session_id)
    )
    failed = job.status == "error"
    add_request_log(
        session,
        RequestLog(
            finished_at=now,
            request_id=job.job_id,
            session_id=job.session_id,
            user_name=job.requested_by or "unknown",
            profile_name=profile,
            kind=f"export:{job.format}",
            status="error" if failed else "completed",
            error_class=(error_class or "Error") if failed else None,
            total_ms=_ms(now, job.created_at),
            input_tokens=0,
            output_tokens=0,
            tool_calls=0,
            slides=0 if failed else job.total_slides,
        ),
    )


def add_request_log(session: Session, row: RequestLog) -> RequestLog:
    """Add a log row and count it in the daily roll-ups, in this unit of work.

    On PostgreSQL the row and its roll-ups are written now, in one statement (one round trip):
    the row gets its id and is not added to the session. On SQLite the row is added to the
    session (written at the next flush) and its roll-ups are three upserts.
    """
    row.finished_at = row.finished_at or utcnow()
    if session.get_bind().dialect.name == "postgresql":
        row.id = insert_log_and_roll_up(session, row)
        return row
    session.add(row)
    roll_up_logs(session, [log_values(row)])
    return row


def purge_request_logs(session: Session, *, retention_days: int, now: datetime) -> int:
    """Delete request logs older than the retention period (and their days' roll-ups)."""
    purge_rollups(session, before=utc_day(now - timedelta(days=retention_days)))
    result = session.execute(
        delete(RequestLog)
        .where(RequestLog.finished_at < now - timedelta(days=retention_days))
        .execution_options(synchronize_session=False)
    )
    return int(result.rowcount or 0)


def _purge_now_and_then(session: Session, retention_days: int) -> None:
    """Purge at most once an hour per process: one indexed DELETE, in this unit of work."""
    with _purge_lock:
        if time.monotonic() - _last_purge[0] < PURGE_EVERY_S:
            return
        _last_purge[0] = time.monotonic()
    purge_request_logs(session, retention_days=retention_days, now=utcnow())


def _ms(later: datetime | None, earlier: datetime | None) -> int | None:
    if later is None or earlier is None:
        return None
    return max(0, round((later - earlier).total_seconds() * 1000))
