"""Exports as background jobs (`export_jobs`): start, run with progress, follow, download.

`start_export` checks that the user may read the deck and queues a job; the process's
JobRunner runs it (`run_export`), heart-beating like generations, and stores the file in the
database (`export_files`), so any replica serves the download and a restart loses none. Files
are kept SLIDEGEN_EXPORT_RETENTION_HOURS. Only the user who asked can follow and download it.
"""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Callable
from datetime import timedelta
from typing import get_args

from sqlalchemy import delete, or_, select, update
from sqlalchemy.orm import Session

from slidegen.config import Settings, get_settings
from slidegen.db.base import utcnow
from slidegen.db.database import Database
from slidegen.db.models import ExportFile, ExportJob, UserSession
from slidegen.deck import Deck
from slidegen.errors import InvalidInputError, NotFoundError
from slidegen.identity import User
from slidegen.render.images import embed_images, image_references
from slidegen.schemas.exports import ExportJobOut
from slidegen.schemas.vocabulary import ExportFormat, NotesPlacement
from slidegen.services.decks.store import load_deck
from slidegen.services.generation.chat_requests import STALE_HEARTBEAT
from slidegen.services.library.images import image_data_uris
from slidegen.services.sessions.access import load_session
from slidegen.services.sessions.lock import JOB_TIMEOUT
from slidegen.services.usage.request_logs import write_export_log

log = logging.getLogger("slidegen.export")
FILE_FORMATS = ("pptx", "html", "pdf")  # exports that make a file (Google Slides makes a link)
MIMES = {
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "html": "text/html",
    "pdf": "application/pdf",
    "gslides": "text/uri-list",  # no file: the job's result is a link (result_url)
}
PROGRESS_EVERY_S = 0.25  # at most four progress writes a second


def start_export(
    session: Session,
    user: User,
    *,
    session_id: str,
    format: str,
    notes: str = "none",
    settings: Settings | None = None,
) -> ExportJobOut:
    """Queue an export of the deck's current version; the user needs read access.

    `notes` (PDF only) puts the speaker notes on a page after each slide ("pages"), in an
    appendix ("appendix") or nowhere ("none"). Google Slides ("gslides") needs the feature
    configured in `settings` and the user's Google account connected.
    """
    if format not in get_args(ExportFormat):
        raise InvalidInputError(f"Unknown export format {format!r}; use pptx, html or pdf.")
    if notes not in get_args(NotesPlacement):
        raise InvalidInputError(f"Unknown notes placement {notes!r}; use none, pages or appendix.")
    row = load_session(session, user, session_id)
    deck = load_deck(row)
    if format == "pdf":  # a missing Pango is said now, not as a failed job a moment later
        from slidegen.export.pdf import require_pdf_engine

        require_pdf_engine()
    if format == "gslides":  # not configured or not connected is said now, with what to do
        from slidegen.services.exports.google_auth import user_credentials

        user_credentials(session, user.name, settings=settings or get_settings())
    if not deck.slides:
        raise InvalidInputError("This deck has no slides yet; generate one before exporting.")
    reap_stale_exports(session)
    job = ExportJob(
        job_id=uuid.uuid4().hex,
        session_id=row.session_id,
        format=format,
        notes_placement=notes if format == "pdf" else None,
        status="pending",
        total_slides=len(deck.slides),
        title=(deck.title or row.title or "deck")[:500],
        requested_by=user.name,
        warnings=[],
    )
    session.add(job)
    session.flush()
    return _out(job)


def get_export(session: Session, user: User, *, job_id: str) -> ExportJobOut:
    """Return a job the user started."""
    return _out(_own_job(session, user, job_id))


def export_file(session: Session, user: User, *, job_id: str) -> tuple[bytes, str, str]:
    """Return a completed export's bytes, file name and MIME type."""
    job = _own_job(session, user, job_id)
    if job.status != "completed":
        raise InvalidInputError("This export has not finished yet.")
    if job.format == "gslides":
        raise InvalidInputError("A Google Slides export is a link, not a file: open it instead.")
    data = session.scalar(select(ExportFile.content).where(ExportFile.export_job_id == job.id))
    if data is None:
        raise NotFoundError("The exported file is no longer kept (files expire); export again.")
    return data, file_name(job.title, job.format), MIMES[job.format]


def _own_job(session: Session, user: User, job_id: str) -> ExportJob:
    job = session.scalar(select(ExportJob).where(ExportJob.job_id == job_id))
    if job is None or job.requested_by != user.name:
        raise NotFoundError(f"Export {job_id} does not exist or is not yours.")
    return job


def file_name(title: str | None, format: str) -> str:
    """A safe download name from the deck title."""
    safe = "".join(c if c.isalnum() or c in " -_" else " " for c in (title or ""))
    return f"{'-'.join(safe.split())[:60] or 'deck'}.{format}"


def _out(job: ExportJob) -> ExportJobOut:
    return ExportJobOut(
        job_id=job.job_id,
        session_id=job.session_id,
        format=job.format,
        status=job.status,
        progress=job.progress,
        total_slides=job.total_slides,
        title=job.title,
        file_name=file_name(job.title, job.format),
        warnings=[str(w) for w in job.warnings or []],
        error_message=job.error_message,
        result_url=job.result_url,
        created_at=job.created_at,
        completed_at=job.completed_at,
    )


def claim_export(db: Database, job_id: str, worker_id: str) -> int | None:
    """Mark a pending job running for this worker; return its key, or None if taken."""
    with db.scope() as session:
        claimed = session.execute(
            update(ExportJob)
            .where(ExportJob.job_id == job_id, ExportJob.status == "pending")
            .values(status="running", worker_id=worker_id, heartbeat_at=utcnow())
            .execution_options(synchronize_session=False)
        )
        if claimed.rowcount != 1:
            return None
        return session.scalar(select(ExportJob.id).where(ExportJob.job_id == job_id))


def run_export(db: Database, job_pk: int, settings: Settings) -> None:
    """Export the deck, writing progress as slides are done; never raises."""
    try:
        with db.scope() as session:
            job = session.get(ExportJob, job_pk)
            assert job is not None
            row = session.scalar(
                select(UserSession).where(UserSession.session_id == job.session_id)
            )
            if row is None:
                raise NotFoundError("The deck was deleted before the export started.")
            deck, format = _with_library_images(session, load_deck(row)), job.format
            notes = job.notes_placement or "none"
            session_pk, requested_by = row.id, job.requested_by or ""
        if format == "gslides":
            from slidegen.services.exports.google_slides import export_google_slides

            url, warnings = export_google_slides(
                db,
                deck=deck,
                session_pk=session_pk,
                user_name=requested_by,  # only the requester's own tokens, never another's
                settings=settings,
                on_step=_progress_writer(db, job_pk, len(deck.slides)),
            )
            _finish(db, job_pk, status="completed", warnings=warnings, result_url=url)
            return
        data, warnings = _render(db, job_pk, deck, format, notes)
        _finish(db, job_pk, data, status="completed", warnings=warnings)
    except Exception as exc:  # the job records the failure; the worker thread goes on
        log.warning("export %s failed", job_pk, exc_info=True)
        message = getattr(exc, "user_message", None) or (
            f"The export failed unexpectedly ({type(exc).__name__}); try again."
        )
        _finish(db, job_pk, status="error", error_message=message, error_class=type(exc).__name__)


def _with_library_images(session: Session, deck: Deck) -> Deck:
    """Return the deck with its library images (`image:NAME`) embedded as data URIs."""
    images = image_data_uris(session, image_references(s.html for s in deck.slides))
    if not images:
        return deck
    slides = [s.model_copy(update={"html": embed_images(s.html, images)}) for s in deck.slides]
    return deck.model_copy(update={"slides": slides, "images": images})


def _progress_writer(db: Database, job_pk: int, total: int) -> Callable[[int, int], None]:
    """Report `done` of `steps` API calls as a share of the job's slides."""

    def progress(done: int, steps: int) -> None:
        with db.scope() as session:
            session.execute(
                update(ExportJob)
                .where(ExportJob.id == job_pk)
                .values(progress=min(total * done // max(steps, 1), total), heartbeat_at=utcnow())
                .execution_options(synchronize_session=False)
            )

    return progress


def _render(
    db: Database, job_pk: int, deck: Deck, format: str, notes: str
) -> tuple[bytes, list[str]]:
    if format == "html":
        from slidegen.render.html_export import export_html

        return export_html(deck), []
    last = [0.0]

    def progress(done: int, total: int) -> None:
        now = time.monotonic()
        # The last slide is always said: the file is then written (a PDF's pages painted),
        # which takes a while on a long deck, and the page says so.
        if now - last[0] >= PROGRESS_EVERY_S or done >= total:
            last[0] = now
            with db.scope() as session:
                session.execute(
                    update(ExportJob)
                    .where(ExportJob.id == job_pk)
                    .values(progress=done, heartbeat_at=utcnow())
                    .execution_options(synchronize_session=False)
                )

    if format == "pdf":
        from slidegen.export.pdf import export_pdf

        result = export_pdf(deck, notes=notes, on_slide=progress)
        return result.data, result.warnings
    from slidegen.export.pptx import export_pptx

    result = export_pptx(deck, on_slide=progress)
    return result.data, result.warnings


def prune_export_files(session: Session, settings: Settings) -> int:
    """Delete export files older than the retention (their jobs then say to export again)."""
    cutoff = utcnow() - timedelta(hours=settings.export_retention_hours)
    result = session.execute(
        delete(ExportFile)
        .where(ExportFile.created_at < cutoff)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount or 0


def _finish(
    db: Database,
    job_pk: int,
    data: bytes | None = None,
    error_class: str | None = None,
    **values: object,
) -> None:
    with db.scope() as session:
        job = session.get(ExportJob, job_pk)
        if job is None:
            return
        for name, value in values.items():
            setattr(job, name, value)
        if data is not None:  # the file and the job's completion commit together
            session.add(ExportFile(export_job_id=job_pk, content=data, size_bytes=len(data)))
        if values.get("status") == "completed":
            job.progress = job.total_slides
        job.completed_at = utcnow()
        write_export_log(session, job, error_class=error_class)  # commits with the result


def reap_stale_exports(session: Session) -> int:
    """Fail exports whose worker stopped heart-beating, or that never started."""
    now = utcnow()
    stale = session.scalars(
        select(ExportJob).where(
            or_(
                (ExportJob.status == "running") & (ExportJob.heartbeat_at < now - STALE_HEARTBEAT),
                (ExportJob.status == "pending") & (ExportJob.created_at < now - JOB_TIMEOUT),
            )
        )
    ).all()
    for job in stale:
        job.status, job.completed_at = "error", now
        job.error_message = "The export stopped unexpectedly (the app restarted); export again."
    session.flush()
    return len(stale)
