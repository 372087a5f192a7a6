"""Google Slides export: build the deck with the Slides API, in the user's own Google account.

Runs inside an export job (jobs.run_export) with the requesting user's tokens only. The first
export creates a presentation (`presentations.create`); the deck remembers its id per user, and
re-exports replace its slides in place, so the link stays stable. Charts are drawn first, as
native charts in the deck's Google Sheets spreadsheet (google_sheets), and linked into their
slides (`createSheetsChart`); a chart Sheets did not draw is a native table of its data. Requests
go in two `batchUpdate` calls (a very large deck in chunks): every slide with its elements and
the removal of the old slides, then the speaker notes, whose shape ids Google assigns and which
a `presentations.get` between the two reads.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Callable
from typing import Any

import httplib2
from google.auth.exceptions import RefreshError, TransportError
from googleapiclient.discovery import build
from googleapiclient.errors import HttpError
from sqlalchemy import select
from sqlalchemy.orm import Session

from slidegen.config import Settings
from slidegen.db.base import utcnow
from slidegen.db.database import Database
from slidegen.db.models import GoogleOAuthToken, GooglePresentation
from slidegen.deck import Deck
from slidegen.errors import SlidegenError
from slidegen.export.gslides import PAGE_SIZE, DrawnCharts, SlidePlan, plan_deck
from slidegen.identity import User
from slidegen.render.charts import palette_from_css
from slidegen.services.exports.google_auth import (
    GoogleApiError,
    GoogleReconnectError,
    store_tokens,
    user_credentials,
)
from slidegen.services.exports.google_sheets import draw_charts, sheets_service
from slidegen.services.sessions.access import load_session

log = logging.getLogger("slidegen.export")
MAX_REQUESTS_PER_CALL = 2000  # keeps one call's body well under Google's request size limit
NOTES_FIELDS = "slides(objectId,slideProperties(notesPage(notesProperties(speakerNotesObjectId))))"
REVOKED = (
    "Google refused Slidegen's access to your account (the authorisation was revoked or has "
    "expired); connect your Google account again."
)


def presentation_url(presentation_id: str) -> str:
    """The link that opens a presentation in Google Slides."""
    return f"https://docs.google.com/presentation/d/{presentation_id}/edit"


def google_slides_link(session: Session, user: User, *, session_id: str) -> str | None:
    """The link of the presentation this user exported the deck to, if any (needs read access)."""
    row = load_session(session, user, session_id)
    return session.scalar(
        select(GooglePresentation.url).where(
            GooglePresentation.session_id == row.id, GooglePresentation.user_name == user.name
        )
    )


def export_google_slides(
    db: Database,
    *,
    deck: Deck,
    session_pk: int,
    user_name: str,
    settings: Settings,
    on_step: Callable[[int, int], None] | None = None,
) -> tuple[str, list[str]]:
    """Export the deck to the user's Google Slides; return the presentation's URL and warnings."""
    with db.scope() as session:
        credentials = user_credentials(session, user_name, settings=settings)
        known, known_sheet = _remembered(session, session_pk, user_name)
    plans = plan_deck(deck, prefix=f"sg{secrets.token_hex(4)}")
    options = (
        {"api_endpoint": settings.google_slides_endpoint}
        if settings.google_slides_endpoint
        else None
    )
    try:
        service = build(
            "slides",
            "v1",
            credentials=credentials,
            static_discovery=True,
            cache_discovery=False,
            client_options=options,
        )
        presentations = service.presentations()
        presentation_id, old = _target(presentations, known, deck.title)
        drawn = DrawnCharts()
        slots = [slot for plan in plans for slot in plan.charts]
        if slots:
            drawn = draw_charts(
                sheets_service(credentials, settings).spreadsheets(),
                known=known_sheet,
                deck_title=deck.title,
                slots=slots,
                palette=palette_from_css(deck.css),
            )
        warnings = _build(presentations, presentation_id, plans, old, drawn, on_step)
    except RefreshError:
        with db.scope() as session:  # the grant is dead: the user must connect again
            _forget_tokens(session, user_name)
        raise GoogleReconnectError(REVOKED) from None
    except HttpError as exc:
        raise _api_error(exc) from None
    except (httplib2.HttpLib2Error, TransportError, OSError) as exc:
        raise GoogleApiError(
            f"Google Slides could not be reached ({type(exc).__name__}); try again later."
        ) from None
    url = presentation_url(presentation_id)
    with db.scope() as session:
        _remember(session, session_pk, user_name, presentation_id, url, drawn.spreadsheet_id)
        if credentials.token and credentials.expiry and credentials.refresh_token:
            store_tokens(  # keep a refreshed access token for the next export
                session,
                user_name,
                settings=settings,
                access_token=credentials.token,
                refresh_token=credentials.refresh_token,
                expiry=credentials.expiry,
                client_id=credentials.client_id,
            )
    return url, warnings


def _target(presentations: Any, known: str | None, title: str) -> tuple[str, list[str]]:
    """The presentation to fill and the ids of its current slides (to remove)."""
    if known:
        try:
            current = presentations.get(presentationId=known, fields="slides(objectId)").execute()
            return known, [s["objectId"] for s in current.get("slides", [])]
        except HttpError as exc:
            if exc.resp.status != 404:  # deleted in Google Drive: make a new one
                raise
    body = {"title": (title or "Slidegen deck")[:250], "pageSize": PAGE_SIZE}
    created = presentations.create(body=body).execute()
    return created["presentationId"], [s["objectId"] for s in created.get("slides", [])]


def _build(
    presentations: Any,
    presentation_id: str,
    plans: list[SlidePlan],
    old: list[str],
    drawn: DrawnCharts,
    on_step: Callable[[int, int], None] | None,
) -> list[str]:
    """Add the slides, remove the old ones, fill the notes; return the warnings."""
    chunks: list[list[SlidePlan]] = [[]]
    for plan in plans:
        if chunks[-1] and sum(p.size for p in chunks[-1]) + plan.size > MAX_REQUESTS_PER_CALL:
            chunks.append([])
        chunks[-1].append(plan)
    steps, warnings = len(chunks) + 1, []
    for done, group in enumerate(chunks, 1):
        removals = [{"deleteObject": {"objectId": o}} for o in old] if done == len(chunks) else []
        warnings += _chunk(presentations, presentation_id, group, removals, drawn)
        if on_step:
            on_step(done, steps)
    if any(plan.notes for plan in plans):
        page = presentations.get(presentationId=presentation_id, fields=NOTES_FIELDS).execute()
        notes_ids = {
            s["objectId"]: s["slideProperties"]["notesPage"]["notesProperties"][
                "speakerNotesObjectId"
            ]
            for s in page.get("slides", [])
        }
        notes = [
            {
                "insertText": {
                    "objectId": notes_ids[p.object_id],
                    "insertionIndex": 0,
                    "text": p.notes,
                }
            }
            for p in plans
            if p.notes and p.object_id in notes_ids
        ]
        _batch(presentations, presentation_id, notes)
    return warnings


def _chunk(
    presentations: Any,
    presentation_id: str,
    group: list[SlidePlan],
    removals: list[dict[str, Any]],
    drawn: DrawnCharts,
) -> list[str]:
    """One batchUpdate; if Slides refuses a linked chart in it, again with those as tables."""
    requests, warnings = _resolved(group, drawn)
    linked = {s.object_id for p in group for s in p.charts if s.object_id in drawn.chart_ids}
    try:
        _batch(presentations, presentation_id, requests + removals)
        return warnings
    except HttpError as exc:
        if exc.resp.status != 400 or not linked:
            raise
        log.warning("Google Slides refused the linked charts: %s", exc)
    # A batch is all or nothing: nothing of the refused one was applied.
    reason = "Google Slides could not link the Sheets chart"
    tables = DrawnCharts(
        drawn.spreadsheet_id,
        {k: v for k, v in drawn.chart_ids.items() if k not in linked},
        {**drawn.reasons, **dict.fromkeys(linked, reason)},
    )
    requests, warnings = _resolved(group, tables)
    _batch(presentations, presentation_id, requests + removals)
    return warnings


def _resolved(group: list[SlidePlan], drawn: DrawnCharts) -> tuple[list[dict[str, Any]], list[str]]:
    requests: list[dict[str, Any]] = []
    warnings: list[str] = []
    for plan in group:
        more, said = plan.resolve(drawn)
        requests += more
        warnings += said
    return requests, warnings


def _batch(presentations: Any, presentation_id: str, requests: list[dict[str, Any]]) -> None:
    if requests:
        presentations.batchUpdate(
            presentationId=presentation_id, body={"requests": requests}
        ).execute()


def _api_error(exc: HttpError) -> SlidegenError:
    status = exc.resp.status
    if status in (401, 403):
        return GoogleReconnectError(
            REVOKED
            if status == 401
            else (
                "Google refused access to the presentation (HTTP 403); connect your Google account "
                "again and allow Slidegen to manage its presentations."
            )
        )
    log.warning("Google Slides API error %s: %s", status, exc)
    return GoogleApiError(f"Google Slides refused the export (HTTP {status}); try again later.")


def _remembered(session: Session, session_pk: int, user_name: str) -> tuple[str | None, str | None]:
    """The presentation and the chart spreadsheet this user exported the deck to, if any."""
    row = session.execute(
        select(GooglePresentation.presentation_id, GooglePresentation.spreadsheet_id).where(
            GooglePresentation.session_id == session_pk, GooglePresentation.user_name == user_name
        )
    ).first()
    return (row[0], row[1]) if row else (None, None)


def _remember(
    session: Session, session_pk: int, user_name: str, pid: str, url: str, sheet: str | None
) -> None:
    row = session.scalar(
        select(GooglePresentation).where(
            GooglePresentation.session_id == session_pk, GooglePresentation.user_name == user_name
        )
    )
    if row is None:
        session.add(
            GooglePresentation(
                session_id=session_pk,
                user_name=user_name,
                presentation_id=pid,
                url=url,
                spreadsheet_id=sheet,
            )
        )
    else:
        row.presentation_id, row.url, row.updated_at = pid, url, utcnow()
        if sheet:  # a deck without charts this time keeps its spreadsheet for the next
            row.spreadsheet_id = sheet


def _forget_tokens(session: Session, user_name: str) -> None:
    row = session.scalar(select(GoogleOAuthToken).where(GoogleOAuthToken.user_name == user_name))
    if row is not None:
        session.delete(row)
