"""Google Slides export's charts: native charts drawn by Google Sheets, linked into the slides.

One spreadsheet per deck and user ("<title> — chart data"), its id kept next to the
presentation's (`google_presentations.spreadsheet_id`). Its first sheet ("About", id 0) says
what the spreadsheet is and stays; every other sheet holds one chart's data and the chart drawn
from it. Each export replaces those sheets in one `spreadsheets.batchUpdate` (Google applies a
batch all or nothing: the old sheets are deleted and the new ones added together), so Drive
never fills with copies; a spreadsheet deleted in Drive is created again. Calls: `create` the
first time, else `get` (the sheet and chart ids to replace), then one `batchUpdate`.

Scopes: the Sheets API's `spreadsheets.create`, `get` and `batchUpdate` accept `drive.file`
(files this app created), as does the Slides API's `createSheetsChart` (see the static discovery
documents sheets.v4 and slides.v1), so no scope beyond `presentations` and `drive.file` is asked.

A chart Sheets cannot draw, or any Sheets error, leaves the chart to its native table with a
warning naming the slide; only a dead grant (google-auth's RefreshError) ends the export.
"""

from __future__ import annotations

import logging
import secrets
from typing import Any

import httplib2
from google.auth.exceptions import TransportError
from googleapiclient.discovery import build
from googleapiclient.errors import HttpError

from slidegen.config import Settings
from slidegen.export.gsheets import ChartSheet, about_rows, chart_sheet_requests, sheets_problem
from slidegen.export.gslides import ChartSlot, DrawnCharts
from slidegen.render.charts import ChartPalette

log = logging.getLogger("slidegen.export")
ABOUT_SHEET_ID = 0
ABOUT_TITLE = "About"
SHEET_FIELDS = "sheets(properties(sheetId,title),charts(chartId))"
MAX_ID = 2**31 - 1  # sheet and chart ids are int32


def sheets_service(credentials: Any, settings: Settings) -> Any:
    """The Sheets v4 client from the library's static discovery document, on the same grant."""
    options = (
        {"api_endpoint": settings.google_sheets_endpoint}
        if settings.google_sheets_endpoint
        else None
    )
    return build(
        "sheets",
        "v4",
        credentials=credentials,
        static_discovery=True,
        cache_discovery=False,
        client_options=options,
    )


def spreadsheet_title(deck_title: str) -> str:
    """The spreadsheet's name in Drive: the deck's title and what it holds."""
    return f"{(deck_title or 'Slidegen deck')[:200]} — chart data"


def draw_charts(
    spreadsheets: Any,
    *,
    known: str | None,
    deck_title: str,
    slots: list[ChartSlot],
    palette: ChartPalette,
) -> DrawnCharts:
    """Draw every chart Sheets can draw in the deck's spreadsheet; say why the others are not."""
    drawn, drawable = DrawnCharts(), []
    for slot in slots:
        problem = sheets_problem(slot.spec)
        if problem:
            drawn.reasons[slot.object_id] = problem
        else:
            drawable.append(slot)
    if not drawable:
        return drawn
    try:
        drawn.spreadsheet_id, sheets = _target(spreadsheets, known, deck_title)
        requests, placed = _requests(drawable, sheets, deck_title, palette, drawn)
        spreadsheets.batchUpdate(
            spreadsheetId=drawn.spreadsheet_id, body={"requests": requests}
        ).execute()
    except HttpError as exc:
        log.warning("Google Sheets API error %s: %s", exc.resp.status, exc)
        _none_drawn(drawn, drawable, f"Google Sheets refused it: HTTP {exc.resp.status}")
        return drawn
    except (httplib2.HttpLib2Error, TransportError, OSError) as exc:
        log.warning("Google Sheets could not be reached: %s", type(exc).__name__)
        _none_drawn(drawn, drawable, "Google Sheets could not be reached")
        return drawn
    except (KeyError, TypeError, ValueError) as exc:  # an answer not shaped as documented
        log.warning("Google Sheets answered unexpectedly: %r", exc)
        _none_drawn(drawn, drawable, "Google Sheets answered unexpectedly")
        return drawn
    drawn.chart_ids.update(placed)
    return drawn


def _none_drawn(drawn: DrawnCharts, slots: list[ChartSlot], reason: str) -> None:
    drawn.remarks.clear()
    for slot in slots:
        drawn.reasons[slot.object_id] = reason


def _target(spreadsheets: Any, known: str | None, deck_title: str) -> tuple[str, list[Any]]:
    """The deck's spreadsheet and its current sheets; a new one if there is none (any more)."""
    if known:
        try:
            found = spreadsheets.get(spreadsheetId=known, fields=SHEET_FIELDS).execute()
            return known, found.get("sheets", [])
        except HttpError as exc:
            if exc.resp.status not in (403, 404):  # deleted, or no longer this app's to reach
                raise
    body = {
        "properties": {"title": spreadsheet_title(deck_title)},
        "sheets": [{"properties": {"sheetId": ABOUT_SHEET_ID, "title": ABOUT_TITLE}}],
    }
    created = spreadsheets.create(body=body, fields=f"spreadsheetId,{SHEET_FIELDS}").execute()
    return created["spreadsheetId"], created.get("sheets", [])


def _requests(
    slots: list[ChartSlot],
    sheets: list[Any],
    deck_title: str,
    palette: ChartPalette,
    drawn: DrawnCharts,
) -> tuple[list[dict[str, Any]], dict[str, int]]:
    """Keep the About sheet, delete the other sheets, add one sheet and chart per slot."""
    sheet_ids = {s["properties"]["sheetId"] for s in sheets}
    chart_ids = {c["chartId"] for s in sheets for c in s.get("charts", [])}
    about = next((s for s in sheets if s["properties"]["sheetId"] == ABOUT_SHEET_ID), None)
    requests: list[dict[str, Any]] = []
    if about is None:  # deleted by hand: a spreadsheet must keep at least one sheet
        title = _unique(ABOUT_TITLE, {s["properties"].get("title", "") for s in sheets})
        requests.append(
            {"addSheet": {"properties": {"sheetId": ABOUT_SHEET_ID, "title": title, "index": 0}}}
        )
        sheet_ids.add(ABOUT_SHEET_ID)
    else:
        title = about["properties"].get("title", ABOUT_TITLE)
    titles = {title}
    requests += [
        {"deleteSheet": {"sheetId": s["properties"]["sheetId"]}}
        for s in sheets
        if s["properties"]["sheetId"] != ABOUT_SHEET_ID
    ]
    requests += [
        {
            "updateSpreadsheetProperties": {
                "properties": {"title": spreadsheet_title(deck_title)},
                "fields": "title",
            }
        },
        {
            "updateCells": {
                "start": {"sheetId": ABOUT_SHEET_ID, "rowIndex": 0, "columnIndex": 0},
                "rows": about_rows(deck_title),
                "fields": "userEnteredValue",
            }
        },
    ]
    placed: dict[str, int] = {}
    for slot in slots:
        where = ChartSheet(
            _fresh(sheet_ids), _fresh(chart_ids), _unique(f"Slide {slot.slide_number}", titles)
        )
        added, remarks = chart_sheet_requests(
            slot.spec, where, palette=palette, background=slot.background, size=slot.box[2:]
        )
        requests += added
        placed[slot.object_id] = where.chart_id
        if remarks:
            drawn.remarks[slot.object_id] = remarks
    return requests, placed


def _fresh(taken: set[int]) -> int:
    """An id no sheet or chart of the spreadsheet has (Google refuses a duplicate)."""
    while True:
        candidate = secrets.randbelow(MAX_ID - 1) + 1
        if candidate not in taken:
            taken.add(candidate)
            return candidate


def _unique(title: str, taken: set[str]) -> str:
    """A sheet title no other sheet has (Google compares them ignoring case)."""
    folded = {t.casefold() for t in taken}
    candidate, n = title, 1
    while candidate.casefold() in folded:
        n += 1
        candidate = f"{title} ({n})"
    taken.add(candidate)
    return candidate
