"""Decks to Google Slides API requests: native text boxes, tables, shapes, backgrounds, notes.

The same layout model as the PPTX export (slidegen.export.layout) places every item; this
module only turns the items into `presentations.batchUpdate` requests. A 1280x720 CSS px slide
maps to Google's default 720x405 pt page. Charts become native tables of their data under
their title: the Slides API inserts images only from a URL Google itself can fetch, and a
Slidegen server is usually not reachable from Google. Text only ever goes in through
`insertText`; no request carries a link, so hostile slide text stays inert.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from lxml import html as lxml_html

from slidegen.deck import ChartSpec, Deck, Slide
from slidegen.export.css import Stylesheet, compound_of, parse_colour
from slidegen.export.layout import Item, Layout
from slidegen.export.pptx import _decoration, _root
from slidegen.export.table import MAX_COLS, MAX_ROWS, _rows
from slidegen.export.text import Para, Run, Styler, TextStyle

log = logging.getLogger("slidegen.export")
PT = 720.0 / 1280.0  # points per CSS px
PAGE_SIZE = {
    "width": {"magnitude": 720.0, "unit": "PT"},
    "height": {"magnitude": 405.0, "unit": "PT"},
}
_CONTROL = re.compile(r"[\x00-\x08\x0c\x0e-\x1f\x7f]")
_ALIGN = {"center": "CENTER", "right": "END", "justify": "JUSTIFIED"}
Request = dict[str, Any]


@dataclass
class SlidePlan:
    """One slide's object id, the requests that build it, its notes and warnings."""

    object_id: str
    requests: list[Request] = field(default_factory=list)
    notes: str = ""
    warnings: list[str] = field(default_factory=list)


def plan_deck(
    deck: Deck, *, prefix: str, on_slide: Callable[[int, int], None] | None = None
) -> list[SlidePlan]:
    """Return the requests for every slide; object ids start with `prefix` (unique per export)."""
    sheet = Stylesheet(deck.css)
    plans = []
    total = len(deck.slides)
    for number, slide in enumerate(deck.slides, 1):
        builder = _Builder(f"{prefix}_{number}")
        try:
            _convert(builder, slide, sheet)
        except Exception as exc:  # a broken slide becomes its plain text, never a failed deck
            log.warning("slide %s did not convert for Google Slides", number, exc_info=True)
            builder = _Builder(f"{prefix}_{number}")
            _plain_text(builder, slide)
            builder.warnings.append(f"converted as plain text ({type(exc).__name__})")
        plans.append(
            SlidePlan(
                builder.slide_id,
                builder.requests,
                clean_text(slide.notes.strip()),
                [f"Slide {number}: {w}" for w in builder.warnings],
            )
        )
        if on_slide:
            on_slide(number, total)
    return plans


def clean_text(text: str) -> str:
    """Text as the Slides API takes it: no control characters but newlines and tabs."""
    return _CONTROL.sub(" ", text.replace("\r\n", "\n").replace("\r", "\n"))


def utf16_len(text: str) -> int:
    """Length in UTF-16 code units: the Slides API counts text indexes in them."""
    return len(text.encode("utf-16-le")) // 2


class _Builder:
    """Collects one slide's requests with unique object ids."""

    def __init__(self, slide_id: str) -> None:
        self.slide_id = slide_id
        self.requests: list[Request] = [
            {
                "createSlide": {
                    "objectId": slide_id,
                    "slideLayoutReference": {"predefinedLayout": "BLANK"},
                }
            }
        ]
        self.warnings: list[str] = []
        self._count = 0

    def new_id(self) -> str:
        self._count += 1
        return f"{self.slide_id}_e{self._count}"

    def properties(self, x: float, y: float, w: float, h: float) -> dict[str, Any]:
        return {
            "pageObjectId": self.slide_id,
            "size": {
                "width": {"magnitude": round(max(w, 1.0) * PT, 2), "unit": "PT"},
                "height": {"magnitude": round(max(h, 1.0) * PT, 2), "unit": "PT"},
            },
            "transform": {
                "scaleX": 1,
                "scaleY": 1,
                "translateX": round(x * PT, 2),
                "translateY": round(y * PT, 2),
                "unit": "PT",
            },
        }


def _rgb(hex_colour: str) -> dict[str, Any]:
    value = hex_colour.lstrip("#")
    red, green, blue = (int(value[i : i + 2], 16) / 255 for i in (0, 2, 4))
    return {"rgbColor": {"red": round(red, 4), "green": round(green, 4), "blue": round(blue, 4)}}


def _convert(builder: _Builder, slide: Slide, sheet: Stylesheet) -> None:
    root = _root(slide.html)
    styler = Styler(sheet, TextStyle())
    background = _background(builder, styler.decls(root))
    layout = Layout(styler, background)
    charts = {c.chart_id: c for c in slide.charts}
    bar = _decoration(sheet.declarations((compound_of(root),), before=True), layout)
    if bar is not None:
        _shape(builder, bar)
    for item in layout.slide(root):
        if item.kind == "text":
            _text(builder, item)
        elif item.kind == "shape":
            _shape(builder, item)
        elif item.kind == "table":
            _html_table(builder, item)
        elif item.kind == "chart":
            spec = charts.get(item.data.get("chart_id") or "")
            if spec is None:
                builder.warnings.append("a chart placeholder without its chart data was left out")
            else:
                _chart(builder, spec, item)
        elif item.kind == "picture":
            builder.warnings.append(
                "an image was left out (Google Slides takes images only from a public URL)"
            )


def _background(builder: _Builder, decls: dict[str, str]) -> str:
    """Fill the page with the slide's colour (a gradient's first stop); return it."""
    value = decls.get("background-color") or decls.get("background") or ""
    stops = re.findall(r"#[0-9a-fA-F]{3,8}\b|rgba?\([^)]*\)", value)
    colour = parse_colour(value) or (parse_colour(stops[0]) if stops else None) or "FFFFFF"
    builder.requests.append(
        {
            "updatePageProperties": {
                "objectId": builder.slide_id,
                "pageProperties": {"pageBackgroundFill": {"solidFill": {"color": _rgb(colour)}}},
                "fields": "pageBackgroundFill.solidFill.color",
            }
        }
    )
    return colour


def _shape(builder: _Builder, item: Item) -> None:
    fill = (item.data or {}).get("fill")
    if not fill:
        return
    object_id = builder.new_id()
    props = builder.properties(item.x, item.y, item.w, item.h)
    radius = (item.data or {}).get("radius", 0)
    kind = "ROUND_RECTANGLE" if radius > 2 else "RECTANGLE"
    builder.requests += [
        {"createShape": {"objectId": object_id, "shapeType": kind, "elementProperties": props}},
        {
            "updateShapeProperties": {
                "objectId": object_id,
                "shapeProperties": {
                    "shapeBackgroundFill": {"solidFill": {"color": _rgb(fill)}},
                    "outline": {"propertyState": "NOT_RENDERED"},
                },
                "fields": "shapeBackgroundFill.solidFill.color,outline.propertyState",
            }
        },
    ]


def _run_text(run: Run) -> str:
    text = clean_text(run.text).replace("\n", "\v")  # a line break inside the paragraph
    return text.upper() if run.style.upper else text


def _text(builder: _Builder, item: Item) -> None:
    paras = [p for p in item.paras if p.text.strip()]
    if not paras:
        return
    object_id = builder.new_id()
    props = builder.properties(item.x, item.y, item.w, item.h)
    styles: list[Request] = []
    text, index = "", 0
    for number, para in enumerate(paras):
        start = index
        for run in para.runs:
            piece = _run_text(run)
            if not piece:
                continue
            end = index + utf16_len(piece)
            styles.append(_run_style(object_id, run.style, index, end, item.scale))
            text, index = text + piece, end
        styles += _para_style(object_id, para, start, index)
        if number < len(paras) - 1:
            text, index = text + "\n", index + 1
    builder.requests += [
        {
            "createShape": {
                "objectId": object_id,
                "shapeType": "TEXT_BOX",
                "elementProperties": props,
            }
        },
        {"insertText": {"objectId": object_id, "insertionIndex": 0, "text": text}},
        *styles,
    ]


def _run_style(object_id: str, style: TextStyle, start: int, end: int, scale: float) -> Request:
    return {
        "updateTextStyle": {
            "objectId": object_id,
            "textRange": {"type": "FIXED_RANGE", "startIndex": start, "endIndex": end},
            "style": {
                "fontSize": {"magnitude": round(style.size * scale * PT, 1), "unit": "PT"},
                "bold": style.bold,
                "italic": style.italic,
                "fontFamily": style.font,
                "foregroundColor": {"opaqueColor": _rgb(style.color)},
            },
            "fields": "fontSize,bold,italic,fontFamily,foregroundColor",
        }
    }


def _para_style(object_id: str, para: Para, start: int, end: int) -> list[Request]:
    if end <= start:
        return []
    text_range = {"type": "FIXED_RANGE", "startIndex": start, "endIndex": end}
    found: list[Request] = []
    alignment = _ALIGN.get(para.style.align)
    if alignment:
        found.append(
            {
                "updateParagraphStyle": {
                    "objectId": object_id,
                    "textRange": text_range,
                    "style": {"alignment": alignment},
                    "fields": "alignment",
                }
            }
        )
    if para.bullet:
        preset = (
            "NUMBERED_DIGIT_ALPHA_ROMAN"
            if para.bullet[0].isdigit()
            else "BULLET_DISC_CIRCLE_SQUARE"
        )
        found.append(
            {
                "createParagraphBullets": {
                    "objectId": object_id,
                    "textRange": text_range,
                    "bulletPreset": preset,
                }
            }
        )
    return found


def _html_table(builder: _Builder, item: Item) -> None:
    rows = _rows(item.data["element"])
    cells = [[" ".join(c.text_content().split()) for c in row] for row in rows]
    if not cells:
        builder.warnings.append("an empty table was left out")
        return
    if len(rows) == MAX_ROWS:
        builder.warnings.append(f"a table was cut to {MAX_ROWS} rows and {MAX_COLS} columns")
    header = (
        all(c.tag == "th" for c in rows[0]) or rows[0][0].getparent().getparent().tag == "thead"
    )
    _table(builder, cells, (item.x, item.y, item.w, item.h), header=header)


def _table(
    builder: _Builder,
    cells: list[list[str]],
    box: tuple[float, float, float, float],
    *,
    header: bool,
) -> None:
    """A native table (createTable) filled cell by cell (insertText), header row bold."""
    object_id = builder.new_id()
    n_rows, n_cols = len(cells), max(len(r) for r in cells)
    x, y, w, h = box
    row_h = min(h / n_rows, 80.0)
    size = round(max(min(row_h * 0.45, 24.0), 7.0) * PT, 1)
    builder.requests.append(
        {
            "createTable": {
                "objectId": object_id,
                "elementProperties": builder.properties(x, y, w, row_h * n_rows),
                "rows": n_rows,
                "columns": n_cols,
            }
        }
    )
    for r, row in enumerate(cells):
        for c, value in enumerate(row):
            value = clean_text(value).replace("\n", "\v")
            if not value:
                continue  # insertText refuses empty text
            location = {"rowIndex": r, "columnIndex": c}
            style: dict[str, Any] = {"fontSize": {"magnitude": size, "unit": "PT"}}
            if header and r == 0:
                style["bold"] = True
            builder.requests += [
                {
                    "insertText": {
                        "objectId": object_id,
                        "cellLocation": location,
                        "insertionIndex": 0,
                        "text": value,
                    }
                },
                {
                    "updateTextStyle": {
                        "objectId": object_id,
                        "cellLocation": location,
                        "textRange": {"type": "ALL"},
                        "style": style,
                        "fields": ",".join(style),
                    }
                },
            ]


def chart_rows(spec: ChartSpec) -> list[list[str]]:
    """The chart's data as a table: a header row (series names), then one row per category."""
    header = [spec.x_title or "", *(s.name or f"Series {i}" for i, s in enumerate(spec.series, 1))]
    rows = [header]
    for index, category in enumerate(spec.categories[: MAX_ROWS - 1]):
        values = [s.values[index] if index < len(s.values) else None for s in spec.series]
        rows.append([_number(category), *(_number(v) for v in values)])
    return [row[:MAX_COLS] for row in rows]


def _number(value: str | float | None) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return f"{int(value):,}"
    if isinstance(value, (int, float)):
        return f"{value:,.2f}".rstrip("0").rstrip(".")
    return str(value)


def _chart(builder: _Builder, spec: ChartSpec, item: Item) -> None:
    """The chart's title as a text box and its data as a native table below it."""
    x, y, w, h = item.x, item.y, item.w, item.h
    if spec.title:
        style = TextStyle(size=22.0, bold=True)
        title = Item(
            "text", x, y, w, 36.0, paras=[Para(runs=[Run(spec.title, style)], style=style)]
        )
        _text(builder, title)
        y, h = y + 40.0, max(h - 40.0, 40.0)
    _table(builder, chart_rows(spec), (x, y, w, h), header=True)
    builder.warnings.append(
        f"chart '{spec.title or spec.type}' exported as a native table of its data"
    )


def _plain_text(builder: _Builder, slide: Slide) -> None:
    """The last resort for a slide: its text, top-left."""
    try:
        text = lxml_html.fragment_fromstring(slide.html, create_parent="div").text_content()
    except Exception:
        text = re.sub(r"<[^>]*>", " ", slide.html)
    lines = [" ".join(line.split()) for line in text.splitlines() if line.strip()][:40]
    style = TextStyle(size=18.0, color="000000")
    paras = [Para(runs=[Run(line, style)], style=style) for line in lines]
    _text(builder, Item("text", 72, 56, 1136, 608, paras=paras))
