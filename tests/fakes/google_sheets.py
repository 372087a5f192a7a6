"""The Sheets v4 part of the fake Google (tests/fakes/google_server.py), on the same port.

- `POST /v4/spreadsheets`, `GET /v4/spreadsheets/{id}`, `POST /v4/spreadsheets/{id}:batchUpdate`:
  spreadsheets kept in memory with their sheets, cells and charts. Like `drive.file` on Google,
  a grant reaches only the spreadsheets it created (else 404). A batch is all or nothing, and
  each request is checked as the API reference says: `addSheet` (unique non-negative id, unique
  title ignoring case, at most 100 characters), `deleteSheet` (an existing sheet, never the
  last), `updateCells` (a known sheet, `fields` given, inside the grid, one kind of value per
  cell, no read-only `errorValue`), `updateSpreadsheetProperties`, `addChart` (one chart kind,
  a unique chart id, an anchor inside a known sheet's grid, source ranges one column or row
  wide inside the grid, domain and series of equal length, stacking only on stackable types,
  line and point styles only on AREA, LINE and SCATTER, a pie's domain and series, a pie hole
  between 0 and 1). Anything else is a 400 naming the request.
- `chart(spreadsheet_id, chart_id, grant)` tells the Slides fake's `createSheetsChart` whether
  a chart exists for that grant (never while `hidden_from_slides` is set).
"""

from __future__ import annotations

import copy
import itertools
import re
import threading
from dataclasses import dataclass, field
from typing import Any

_SPREADSHEET = re.compile(r"^/v4/spreadsheets/([A-Za-z0-9_-]+)(:batchUpdate)?$")
_BASIC_TYPES = {"BAR", "LINE", "AREA", "COLUMN", "SCATTER", "COMBO", "STEPPED_AREA"}
_STACKABLE = {"AREA", "BAR", "COLUMN", "COMBO", "STEPPED_AREA"}
_STYLED_LINES = {"AREA", "LINE", "SCATTER"}
_CHART_KINDS = {
    "basicChart", "pieChart", "bubbleChart", "candlestickChart", "orgChart", "histogramChart",
    "waterfallChart", "treemapChart", "scorecardChart",
}  # fmt: skip
_VALUE_KINDS = {"numberValue", "stringValue", "boolValue", "formulaValue"}
Json = dict[str, Any]


class SheetsBadRequest(Exception):
    pass


@dataclass
class Sheet:
    sheet_id: int
    title: str
    rows: int = 1000
    columns: int = 26
    cells: dict[tuple[int, int], Json] = field(default_factory=dict)  # (row, col) -> CellData
    charts: dict[int, Json] = field(default_factory=dict)  # chart id -> EmbeddedChart

    def describe(self, index: int) -> Json:
        grid = {"rowCount": self.rows, "columnCount": self.columns}
        props = {"sheetId": self.sheet_id, "title": self.title, "index": index,
                 "sheetType": "GRID", "gridProperties": grid}  # fmt: skip
        charts = [{"chartId": cid, **chart} for cid, chart in self.charts.items()]
        return {"properties": props, "charts": charts}


@dataclass
class Spreadsheet:
    spreadsheet_id: str
    title: str
    owner_grant: str
    sheets: list[Sheet] = field(default_factory=list)

    def describe(self) -> Json:
        return {
            "spreadsheetId": self.spreadsheet_id,
            "properties": {"title": self.title},
            "sheets": [s.describe(i) for i, s in enumerate(self.sheets)],
            "spreadsheetUrl": f"https://docs.google.com/spreadsheets/d/{self.spreadsheet_id}/edit",
        }

    def sheet(self, sheet_id: Any) -> Sheet:
        found = next((s for s in self.sheets if s.sheet_id == sheet_id), None)
        if found is None:
            raise SheetsBadRequest(f"No grid with id: {sheet_id}")
        return found

    def chart_ids(self) -> set[int]:
        return {cid for s in self.sheets for cid in s.charts}


def _error(status: int, message: str) -> tuple[int, Json]:
    state = {400: "INVALID_ARGUMENT", 404: "NOT_FOUND"}.get(status, "INTERNAL")
    return status, {"error": {"code": status, "message": message, "status": state}}


class FakeSheets:
    """Spreadsheets in memory; `fail_batch_update_with` makes every batchUpdate answer a status."""

    def __init__(self) -> None:
        self.spreadsheets: dict[str, Spreadsheet] = {}
        self.fail_batch_update_with: int | None = None
        self.hidden_from_slides = False  # Slides cannot read the charts: createSheetsChart fails
        self._ids = itertools.count(1)
        self._lock = threading.Lock()

    def chart(self, spreadsheet_id: str, chart_id: Any, grant: str) -> bool:
        """Whether the grant can reach this spreadsheet and it has this chart."""
        with self._lock:
            book = self.spreadsheets.get(spreadsheet_id)
            if book is None or self.hidden_from_slides:
                return False
            return book.owner_grant == grant and chart_id in book.chart_ids()

    def delete(self, spreadsheet_id: str) -> None:
        """The user deletes the spreadsheet in Drive."""
        with self._lock:
            self.spreadsheets.pop(spreadsheet_id, None)

    def get(self, path: str, grant: str) -> tuple[int, Json]:
        match = _SPREADSHEET.match(path)
        with self._lock:
            book = self.spreadsheets.get(match.group(1)) if match and not match.group(2) else None
            if book is None or book.owner_grant != grant:
                return _error(404, "Requested entity was not found.")
            return 200, book.describe()

    def post(self, path: str, grant: str, body: Json) -> tuple[int, Json]:
        if path == "/v4/spreadsheets":
            return self._create(grant, body)
        match = _SPREADSHEET.match(path)
        if not match or not match.group(2):
            return _error(404, "Requested entity was not found.")
        with self._lock:
            book = self.spreadsheets.get(match.group(1))
            if book is None or book.owner_grant != grant:
                return _error(404, "Requested entity was not found.")
            if self.fail_batch_update_with:
                return _error(self.fail_batch_update_with, "Internal error encountered.")
            work = copy.deepcopy(book)
            try:
                replies = [self._apply(work, i, r) for i, r in enumerate(body.get("requests", []))]
            except SheetsBadRequest as exc:
                return _error(400, f"Invalid requests: {exc}")
            self.spreadsheets[book.spreadsheet_id] = work  # all or nothing, like Google
            return 200, {"spreadsheetId": work.spreadsheet_id, "replies": replies}

    def _create(self, grant: str, body: Json) -> tuple[int, Json]:
        with self._lock:
            book = Spreadsheet(f"sheet{next(self._ids)}", "", grant)
            book.title = (body.get("properties") or {}).get("title") or "Untitled spreadsheet"
            try:
                for number, sheet in enumerate(body.get("sheets") or [{}]):
                    props = dict(sheet.get("properties") or {})
                    props.setdefault("sheetId", 0 if number == 0 else next(self._ids))
                    self._add_sheet(book, props)
            except SheetsBadRequest as exc:
                return _error(400, f"Invalid spreadsheet: {exc}")
            self.spreadsheets[book.spreadsheet_id] = book
            return 200, book.describe()

    def _add_sheet(self, book: Spreadsheet, props: Json) -> Sheet:
        sheet_id = props.get("sheetId", next(self._ids))
        if not isinstance(sheet_id, int) or sheet_id < 0:
            raise SheetsBadRequest(f"Invalid sheetId: {sheet_id}")
        if any(s.sheet_id == sheet_id for s in book.sheets):
            raise SheetsBadRequest(f"A sheet with the id {sheet_id} already exists.")
        title = props.get("title") or f"Sheet{len(book.sheets) + 1}"
        if len(title) > 100:
            raise SheetsBadRequest("Sheet names cannot be longer than 100 characters.")
        if any(s.title.casefold() == title.casefold() for s in book.sheets):
            raise SheetsBadRequest(f'A sheet with the name "{title}" already exists.')
        grid = props.get("gridProperties") or {}
        sheet = Sheet(sheet_id, title, grid.get("rowCount", 1000), grid.get("columnCount", 26))
        book.sheets.insert(props.get("index", len(book.sheets)), sheet)
        return sheet

    def _apply(self, book: Spreadsheet, index: int, request: Json) -> Json:
        if len(request) != 1:
            raise SheetsBadRequest(f"requests[{index}] must set exactly one kind of request")
        ((kind, body),) = request.items()
        if kind == "addSheet":
            sheet = self._add_sheet(book, dict(body.get("properties") or {}))
            described = sheet.describe(book.sheets.index(sheet))
            return {"addSheet": {"properties": described["properties"]}}
        if kind == "deleteSheet":
            sheet = book.sheet(body.get("sheetId"))
            if len(book.sheets) == 1:
                raise SheetsBadRequest("You can't remove all the sheets in a document.")
            book.sheets.remove(sheet)
            return {}
        if kind == "updateSpreadsheetProperties":
            if not body.get("fields"):
                raise SheetsBadRequest("updateSpreadsheetProperties: 'fields' is required")
            if "title" in body["fields"]:
                book.title = (body.get("properties") or {}).get("title", "")
            return {}
        if kind == "updateCells":
            self._update_cells(book, body)
            return {}
        if kind == "addChart":
            return {"addChart": {"chart": self._add_chart(book, body.get("chart") or {})}}
        raise SheetsBadRequest(f"requests[{index}]: {kind} is not supported by this fake")

    def _update_cells(self, book: Spreadsheet, body: Json) -> None:
        if ("start" in body) == ("range" in body):
            raise SheetsBadRequest("updateCells needs exactly one of start or range")
        if not body.get("fields"):
            raise SheetsBadRequest("updateCells: at least one field must be specified")
        where = body.get("start") or body.get("range")
        sheet = book.sheet(where.get("sheetId"))
        top = where.get("rowIndex", where.get("startRowIndex", 0))
        left = where.get("columnIndex", where.get("startColumnIndex", 0))
        for r, row in enumerate(body.get("rows", [])):
            for c, cell in enumerate(row.get("values", [])):
                if top + r >= sheet.rows or left + c >= sheet.columns:
                    raise SheetsBadRequest(
                        f"Range ('{sheet.title}'!R{top + r + 1}C{left + c + 1}) exceeds grid "
                        f"limits. Max rows: {sheet.rows}, max columns: {sheet.columns}"
                    )
                value = cell.get("userEnteredValue")
                if value is not None and (len(value) != 1 or set(value) - _VALUE_KINDS):
                    raise SheetsBadRequest(f"Invalid value at row {r}, column {c}: {value}")
                sheet.cells[(top + r, left + c)] = cell

    def _add_chart(self, book: Spreadsheet, chart: Json) -> Json:
        spec = chart.get("spec") or {}
        kinds = set(spec) & _CHART_KINDS
        if len(kinds) != 1:
            raise SheetsBadRequest("addChart: the spec must set exactly one kind of chart")
        chart_id = chart.get("chartId", next(self._ids))
        if not isinstance(chart_id, int) or chart_id < 0 or chart_id in book.chart_ids():
            raise SheetsBadRequest(f"addChart: an object with id {chart_id} already exists")
        position = chart.get("position") or {}
        overlay = position.get("overlayPosition")
        if overlay is None:
            raise SheetsBadRequest("addChart: this fake needs an overlayPosition")
        anchor = overlay.get("anchorCell") or {}
        host = book.sheet(anchor.get("sheetId"))
        if anchor.get("rowIndex", 0) >= host.rows or anchor.get("columnIndex", 0) >= host.columns:
            raise SheetsBadRequest("addChart: the anchor cell is outside the grid")
        if "basicChart" in spec:
            self._check_basic(book, spec["basicChart"])
        elif "pieChart" in spec:
            self._check_pie(book, spec["pieChart"])
        host.charts[chart_id] = {"spec": spec, "position": position}
        return {"chartId": chart_id, "spec": spec, "position": position}

    def _check_basic(self, book: Spreadsheet, basic: Json) -> None:
        kind = basic.get("chartType")
        if kind not in _BASIC_TYPES:
            raise SheetsBadRequest(f"basicChart: invalid chartType {kind}")
        if len(basic.get("domains", [])) > 1:
            raise SheetsBadRequest("basicChart: only a single domain is supported")
        if basic.get("stackedType") in ("STACKED", "PERCENT_STACKED") and kind not in _STACKABLE:
            raise SheetsBadRequest(f"basicChart: a {kind} chart cannot be stacked")
        if basic.get("threeDimensional") and kind not in ("BAR", "COLUMN", "COMBO"):
            raise SheetsBadRequest(f"basicChart: a {kind} chart cannot be three-dimensional")
        lengths = {self._range(book, d.get("domain")) for d in basic.get("domains", [])}
        for series in basic.get("series", []):
            if ("lineStyle" in series or "pointStyle" in series) and kind not in _STYLED_LINES:
                raise SheetsBadRequest(f"basicChart: line and point styles do not apply to {kind}")
            lengths.add(self._range(book, series.get("series")))
        if not basic.get("series") or len(lengths) != 1:
            raise SheetsBadRequest("basicChart: series and domain must have the same length")

    def _check_pie(self, book: Spreadsheet, pie: Json) -> None:
        if not 0 <= pie.get("pieHole", 0) <= 1:
            raise SheetsBadRequest("pieChart: pieHole must be between 0 and 1")
        if self._range(book, pie.get("domain")) != self._range(book, pie.get("series")):
            raise SheetsBadRequest("pieChart: domain and series must have the same length")

    def _range(self, book: Spreadsheet, data: Json | None) -> int:
        """Check a ChartData's one source range; return its length."""
        sources = ((data or {}).get("sourceRange") or {}).get("sources") or []
        if len(sources) != 1:
            raise SheetsBadRequest("ChartData: this fake takes exactly one source range")
        grid = sources[0]
        sheet = book.sheet(grid.get("sheetId"))
        rows = grid.get("endRowIndex", sheet.rows) - grid.get("startRowIndex", 0)
        cols = grid.get("endColumnIndex", sheet.columns) - grid.get("startColumnIndex", 0)
        if rows <= 0 or cols <= 0 or grid.get("endRowIndex", 0) > sheet.rows:
            raise SheetsBadRequest(f"ChartData: the range {grid} is empty or outside the grid")
        if grid.get("endColumnIndex", 0) > sheet.columns or 1 not in (rows, cols):
            raise SheetsBadRequest("ChartData: exactly one dimension must have a length of 1")
        return max(rows, cols)
