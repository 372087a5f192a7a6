"""Chart specs to Google Sheets API requests: one sheet of data and one native chart per chart.

The Google Slides export links these charts into the presentation (`createSheetsChart`,
LINKED), so they stay editable and refreshable in Sheets. The mapping from spec to chart follows
the PPTX export (slidegen.export.chart): the same chart types, the same first-series rule for
pies, series colours from the spec and then the style's palette, the same number formats.

Everything from the deck goes in as data: category labels, series names and titles are
`stringValue`s (never `formulaValue`, so a label such as `=IMPORTXML(...)` stays inert text)
and numbers are `numberValue`s.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from slidegen.deck import ChartSpec
from slidegen.export.chart import excel_format
from slidegen.export.css import parse_colour
from slidegen.export.gslides_elements import clean_text, rgb
from slidegen.render.charts import ChartPalette, parse_number_format

Request = dict[str, Any]
BASIC_TYPES = {  # spec type -> (basicChart chartType, stackedType)
    "bar": ("BAR", "NOT_STACKED"),
    "column": ("COLUMN", "NOT_STACKED"),
    "stacked": ("COLUMN", "STACKED"),
    "line": ("LINE", None),
    "area": ("AREA", "NOT_STACKED"),  # overlapping areas, as the slide draws them
    "scatter": ("SCATTER", None),
}
PIE_TYPES = {"pie": 0.0, "doughnut": 0.5}  # spec type -> pieHole
PX_PER_CSS_PX = 0.75  # the chart's box on the 720 pt Slides page, in 96-dpi pixels
MAX_CELL_TEXT = 50_000  # Google's limit for one cell
MAX_TITLE = 250
CELL_FIELDS = "userEnteredValue,userEnteredFormat.numberFormat,userEnteredFormat.textFormat"


@dataclass(frozen=True)
class ChartSheet:
    """Where one chart goes in the spreadsheet: its sheet and chart ids, its sheet's title."""

    sheet_id: int
    chart_id: int
    title: str


def sheets_problem(spec: ChartSpec) -> str | None:
    """Why Google Sheets cannot draw this chart (None: it can)."""
    if spec.type not in BASIC_TYPES and spec.type not in PIE_TYPES:
        return f"Google Sheets has no {spec.type} chart"
    if not spec.categories:
        return "the chart has no categories"
    if spec.type == "scatter" and not all(_is_number(c) for c in spec.categories):
        return "a scatter chart needs numbers on its x axis"
    return None


def chart_sheet_requests(
    spec: ChartSpec,
    where: ChartSheet,
    *,
    palette: ChartPalette,
    background: str,
    size: tuple[float, float],
) -> tuple[list[Request], list[str]]:
    """Add a sheet with the chart's data and a chart drawn from it; return requests, warnings."""
    series = spec.series[:1] if spec.type in PIE_TYPES else spec.series
    warnings = []
    if len(series) < len(spec.series):
        warnings.append("only the first series of a pie or doughnut chart is shown")
    n_rows, n_cols = len(spec.categories) + 1, len(series) + 1
    add_sheet = {
        "addSheet": {
            "properties": {
                "sheetId": where.sheet_id,
                "title": where.title,
                "gridProperties": {"rowCount": max(n_rows, 30), "columnCount": n_cols + 10},
            }
        }
    }
    cells = {
        "updateCells": {
            "start": {"sheetId": where.sheet_id, "rowIndex": 0, "columnIndex": 0},
            "rows": _rows(spec, series),
            "fields": CELL_FIELDS,
        }
    }
    if spec.type in PIE_TYPES:
        chart_spec = _pie(spec, where, n_rows)
    else:
        chart_spec = _basic(spec, series, where, n_rows, _colours(spec, palette))
    chart_spec.update(_look(spec, palette, background))
    w, h = size
    add_chart = {
        "addChart": {
            "chart": {
                "chartId": where.chart_id,
                "spec": chart_spec,
                "position": {
                    "overlayPosition": {
                        "anchorCell": {
                            "sheetId": where.sheet_id,
                            "rowIndex": 0,
                            "columnIndex": n_cols + 1,
                        },
                        "widthPixels": max(round(w * PX_PER_CSS_PX), 120),
                        "heightPixels": max(round(h * PX_PER_CSS_PX), 90),
                    }
                },
            }
        }
    }
    return [add_sheet, cells, add_chart], warnings


def about_rows(deck_title: str) -> list[Request]:
    """The first sheet's text: what the spreadsheet is and that exports replace its sheets."""
    lines = [
        f"Chart data of the Slidegen deck: {deck_title or 'Untitled deck'}",
        "One sheet per chart of the Google Slides export; the charts in the presentation are "
        "linked to them. Exporting the deck again replaces every other sheet of this "
        "spreadsheet.",
    ]
    return [{"values": [_text(line)]} for line in lines]


def _rows(spec: ChartSpec, series: list[Any]) -> list[Request]:
    fmt = parse_number_format(spec.number_format)
    integral = all(v is None or float(v).is_integer() for s in series for v in s.values)
    number_format = {
        "type": "PERCENT" if fmt.kind == "%" else "NUMBER",
        "pattern": excel_format(fmt, integral=integral),
    }
    header = [
        _text(spec.x_title or "Category", bold=True),
        *(_text(s.name or f"Series {i}", bold=True) for i, s in enumerate(series, 1)),
    ]
    rows = [{"values": header}]
    for index, category in enumerate(spec.categories):
        first = (
            _number(float(category))
            if spec.type == "scatter"
            else _text(_label(category))  # category labels stay labels, even "2024"
        )
        values = [
            _number(s.values[index] if index < len(s.values) else None, number_format)
            for s in series
        ]
        rows.append({"values": [first, *values]})
    return rows


def _basic(
    spec: ChartSpec, series: list[Any], where: ChartSheet, n_rows: int, colours: list[str]
) -> Request:
    chart_type, stacked = BASIC_TYPES[spec.type]
    items = []
    for i, _ in enumerate(series, 1):
        item: Request = {
            "series": _source(where.sheet_id, i, n_rows),
            "colorStyle": rgb(colours[(i - 1) % len(colours)]),
        }
        if spec.type == "scatter":
            item["lineStyle"] = {"type": "INVISIBLE"}  # points only, as on the slide
        if spec.type in ("bar", "column") and len(series) == 1 and len(spec.categories) <= 12:
            item["dataLabel"] = {"type": "DATA", "placement": "OUTSIDE_END"}
        items.append(item)
    # In a BAR chart the value axis runs along the bottom; in the others, up the left side.
    horizontal = spec.type == "bar"
    value_axis = "BOTTOM_AXIS" if horizontal else "LEFT_AXIS"
    domain_axis = "LEFT_AXIS" if horizontal else "BOTTOM_AXIS"
    axes = [
        {"position": domain_axis, "title": _title(spec.x_title)} if spec.x_title else None,
        {"position": value_axis, "title": _title(spec.y_title)} if spec.y_title else None,
    ]
    basic: Request = {
        "chartType": chart_type,
        "headerCount": 1,
        "legendPosition": "TOP_LEGEND" if len(series) > 1 else "NO_LEGEND",
        "domains": [{"domain": _source(where.sheet_id, 0, n_rows)}],
        "series": items,
        "axis": [a for a in axes if a],
    }
    if stacked:
        basic["stackedType"] = stacked
    if spec.type == "line":
        basic["lineSmoothing"] = True  # the slide draws monotone curves
    return {"basicChart": basic}


def _pie(spec: ChartSpec, where: ChartSheet, n_rows: int) -> Request:
    # Sheets has no per-slice colours in the API: slices take the spreadsheet's theme colours.
    pie: Request = {
        "legendPosition": "RIGHT_LEGEND",
        "domain": _source(where.sheet_id, 0, n_rows),
        "series": _source(where.sheet_id, 1, n_rows),
    }
    if PIE_TYPES[spec.type]:
        pie["pieHole"] = PIE_TYPES[spec.type]
    return {"pieChart": pie}


def _look(spec: ChartSpec, palette: ChartPalette, background: str) -> Request:
    """Title, and on a light slide its background and text colour; on a dark one Sheets' own.

    The API colours only the titles, not the legend or the tick labels, which stay dark grey:
    on a dark slide the chart keeps its white background so they stay readable.
    """
    look: Request = {"altText": _title(spec.title or f"{spec.type} chart")}
    if spec.title:
        look["title"] = _title(spec.title)
        look["titleTextFormat"] = {"bold": True}
    if _is_light(background):
        look["backgroundColorStyle"] = rgb(background)
        text = parse_colour(palette.text, _tuple(background))
        if text and spec.title:
            look["titleTextFormat"]["foregroundColorStyle"] = rgb(text)
    return look


def _colours(spec: ChartSpec, palette: ChartPalette) -> list[str]:
    own = [parse_colour(c) for c in (spec.colors or [])]
    return [c for c in own if c] + [parse_colour(c) or "4472C4" for c in palette.series]


def _source(sheet_id: int, column: int, n_rows: int) -> Request:
    grid = {
        "sheetId": sheet_id,
        "startRowIndex": 0,
        "endRowIndex": n_rows,
        "startColumnIndex": column,
        "endColumnIndex": column + 1,
    }
    return {"sourceRange": {"sources": [grid]}}


def _text(value: str, *, bold: bool = False) -> Request:
    """A text cell: `stringValue` is never parsed, so "=..." or "+..." stays text."""
    cell: Request = {"userEnteredValue": {"stringValue": clean_text(value)[:MAX_CELL_TEXT]}}
    if bold:
        cell["userEnteredFormat"] = {"textFormat": {"bold": True}}
    return cell


def _number(value: float | None, number_format: Request | None = None) -> Request:
    if value is None or not math.isfinite(value):
        return {}  # a missing value: an empty cell, a gap in the chart
    cell: Request = {"userEnteredValue": {"numberValue": value}}
    if number_format:
        cell["userEnteredFormat"] = {"numberFormat": number_format}
    return cell


def _title(text: str | None) -> str:
    return " ".join(clean_text(text or "").split())[:MAX_TITLE]


def _label(value: str | float) -> str:
    return str(int(value)) if isinstance(value, float) and value.is_integer() else str(value)


def _is_number(value: str | float) -> bool:
    try:
        return math.isfinite(float(value))
    except (TypeError, ValueError):
        return False


def _tuple(hex_colour: str) -> tuple[int, int, int]:
    value = hex_colour.lstrip("#")
    return int(value[0:2], 16), int(value[2:4], 16), int(value[4:6], 16)


def _is_light(hex_colour: str) -> bool:
    red, green, blue = _tuple(hex_colour)
    return 0.299 * red + 0.587 * green + 0.114 * blue > 150


__all__ = ["ChartSheet", "about_rows", "chart_sheet_requests", "sheets_problem"]
