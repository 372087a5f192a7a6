"""Decks to Google Slides API requests: native text boxes, tables, shapes, backgrounds, notes.

The same layout model as the PPTX export (slidegen.export.layout) places every item; this
module only turns the items into `presentations.batchUpdate` requests. A 1280x720 CSS px slide
maps to Google's default 720x405 pt page. Text only ever goes in through `insertText`; no
request carries a link, so hostile slide text stays inert.

Each chart is a `ChartSlot`: its box on the slide and two ways to fill it, decided once Google
Sheets has been asked to draw the charts (slidegen.export.gsheets): a linked Sheets chart
(`createSheetsChart`, LINKED) or, when Sheets cannot draw it or refused, a native table of its
data under its title. (The Slides API inserts images only from a URL Google itself can fetch,
which a Slidegen server usually is not, so a picture of the chart is no option.)
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
from slidegen.export.gslides_elements import (
    PAGE_SIZE,
    Builder,
    Request,
    clean_text,
    filled_shape,
    native_table,
    rgb,
    text_box,
)
from slidegen.export.layout import Item, Layout
from slidegen.export.pptx import _decoration, _root
from slidegen.export.table import MAX_COLS, MAX_ROWS, _rows
from slidegen.export.text import Para, Run, Styler, TextStyle

log = logging.getLogger("slidegen.export")


@dataclass
class ChartSlot:
    """A chart's place on a slide: a linked Sheets chart there if one was drawn, else `fallback`."""

    slide_number: int
    spec: ChartSpec
    object_id: str
    box: tuple[float, float, float, float]  # CSS px, from the layout model
    background: str  # the slide's colour behind the chart (RRGGBB)
    properties: dict[str, Any]  # the chart's size and position on its slide, in points
    fallback: list[Request]  # its data as a native table under its title
    position: int  # where it goes among the slide's requests (its place in the z-order)

    @property
    def name(self) -> str:
        return f"chart '{self.spec.title or self.spec.type}'"

    def linked(self, spreadsheet_id: str, chart_id: int) -> Request:
        """The request that embeds the Sheets chart, linked so it stays refreshable."""
        return {
            "createSheetsChart": {
                "objectId": self.object_id,
                "spreadsheetId": spreadsheet_id,
                "chartId": chart_id,
                "linkingMode": "LINKED",
                "elementProperties": self.properties,
            }
        }


@dataclass
class DrawnCharts:
    """What Google Sheets drew: the spreadsheet, a chart id per slot, why the others were not."""

    spreadsheet_id: str | None = None
    chart_ids: dict[str, int] = field(default_factory=dict)  # slot object id -> Sheets chart id
    reasons: dict[str, str] = field(default_factory=dict)  # slot object id -> why a table
    remarks: dict[str, list[str]] = field(default_factory=dict)  # slot object id -> warnings


@dataclass
class SlidePlan:
    """One slide's object id, the requests that build it, its charts, notes and warnings."""

    object_id: str
    requests: list[Request] = field(default_factory=list)
    notes: str = ""
    warnings: list[str] = field(default_factory=list)
    charts: list[ChartSlot] = field(default_factory=list)

    @property
    def size(self) -> int:
        """The most requests the slide can take (every chart as its table)."""
        return len(self.requests) + sum(len(slot.fallback) for slot in self.charts)

    def resolve(self, drawn: DrawnCharts) -> tuple[list[Request], list[str]]:
        """The slide's requests with each chart linked if drawn, else its table; the warnings."""
        requests: list[Request] = []
        warnings, start = list(self.warnings), 0
        for slot in self.charts:
            requests += self.requests[start : slot.position]
            start = slot.position
            where = f"Slide {slot.slide_number}: {slot.name}"
            chart_id = drawn.chart_ids.get(slot.object_id)
            if chart_id is not None and drawn.spreadsheet_id:
                requests.append(slot.linked(drawn.spreadsheet_id, chart_id))
                warnings += [f"{where}: {w}" for w in drawn.remarks.get(slot.object_id, [])]
                continue
            requests += slot.fallback
            reason = drawn.reasons.get(slot.object_id)
            because = f" ({reason})" if reason else ""
            warnings.append(f"{where} exported as a native table of its data{because}")
        return requests + self.requests[start:], warnings


def plan_deck(
    deck: Deck, *, prefix: str, on_slide: Callable[[int, int], None] | None = None
) -> list[SlidePlan]:
    """Return the requests for every slide; object ids start with `prefix` (unique per export)."""
    sheet = Stylesheet(deck.css)
    plans = []
    total = len(deck.slides)
    for number, slide in enumerate(deck.slides, 1):
        builder = Builder(f"{prefix}_{number}")
        try:
            charts = _convert(builder, slide, sheet, number)
        except Exception as exc:  # a broken slide becomes its plain text, never a failed deck
            log.warning("slide %s did not convert for Google Slides", number, exc_info=True)
            builder, charts = Builder(f"{prefix}_{number}"), []
            _plain_text(builder, slide)
            builder.warnings.append(f"converted as plain text ({type(exc).__name__})")
        plans.append(
            SlidePlan(
                builder.slide_id,
                builder.requests,
                clean_text(slide.notes.strip()),
                [f"Slide {number}: {w}" for w in builder.warnings],
                charts,
            )
        )
        if on_slide:
            on_slide(number, total)
    return plans


def _convert(builder: Builder, slide: Slide, sheet: Stylesheet, number: int) -> list[ChartSlot]:
    root = _root(slide.html)
    styler = Styler(sheet, TextStyle())
    background = _background(builder, styler.decls(root))
    layout = Layout(styler, background)
    charts = {c.chart_id: c for c in slide.charts}
    slots: list[ChartSlot] = []
    bar = _decoration(sheet.declarations((compound_of(root),), before=True), layout)
    if bar is not None:
        filled_shape(builder, bar)
    for item in layout.slide(root):
        if item.kind == "text":
            text_box(builder, item)
        elif item.kind == "shape":
            filled_shape(builder, item)
        elif item.kind == "table":
            _html_table(builder, item)
        elif item.kind == "chart":
            spec = charts.get(item.data.get("chart_id") or "")
            if spec is None:
                builder.warnings.append("a chart placeholder without its chart data was left out")
            else:
                slots.append(_chart_slot(builder, spec, item, background, number))
        elif item.kind == "picture":
            builder.warnings.append(
                "an image was left out (Google Slides takes images only from a public URL)"
            )
    return slots


def _background(builder: Builder, decls: dict[str, str]) -> str:
    """Fill the page with the slide's colour (a gradient's first stop); return it."""
    value = decls.get("background-color") or decls.get("background") or ""
    stops = re.findall(r"#[0-9a-fA-F]{3,8}\b|rgba?\([^)]*\)", value)
    colour = parse_colour(value) or (parse_colour(stops[0]) if stops else None) or "FFFFFF"
    builder.requests.append(
        {
            "updatePageProperties": {
                "objectId": builder.slide_id,
                "pageProperties": {"pageBackgroundFill": {"solidFill": {"color": rgb(colour)}}},
                "fields": "pageBackgroundFill.solidFill.color",
            }
        }
    )
    return colour


def _html_table(builder: Builder, item: Item) -> None:
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
    native_table(builder, cells, (item.x, item.y, item.w, item.h), header=header)


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


def _chart_slot(
    builder: Builder, spec: ChartSpec, item: Item, background: str, number: int
) -> ChartSlot:
    """The chart's place, with its table ready in case Sheets does not draw it."""
    position, object_id = len(builder.requests), builder.new_id()
    properties = builder.properties(item.x, item.y, item.w, item.h)
    kept, builder.requests = builder.requests, []
    _chart_table(builder, spec, item)
    fallback, builder.requests = builder.requests, kept
    box = (item.x, item.y, item.w, item.h)
    return ChartSlot(number, spec, object_id, box, background, properties, fallback, position)


def _chart_table(builder: Builder, spec: ChartSpec, item: Item) -> None:
    """The chart's title as a text box and its data as a native table below it."""
    x, y, w, h = item.x, item.y, item.w, item.h
    if spec.title:
        style = TextStyle(size=22.0, bold=True)
        title = Item(
            "text", x, y, w, 36.0, paras=[Para(runs=[Run(spec.title, style)], style=style)]
        )
        text_box(builder, title)
        y, h = y + 40.0, max(h - 40.0, 40.0)
    native_table(builder, chart_rows(spec), (x, y, w, h), header=True)


def _plain_text(builder: Builder, slide: Slide) -> None:
    """The last resort for a slide: its text, top-left."""
    try:
        text = lxml_html.fragment_fromstring(slide.html, create_parent="div").text_content()
    except Exception:
        text = re.sub(r"<[^>]*>", " ", slide.html)
    lines = [" ".join(line.split()) for line in text.splitlines() if line.strip()][:40]
    style = TextStyle(size=18.0, color="000000")
    paras = [Para(runs=[Run(line, style)], style=style) for line in lines]
    text_box(builder, Item("text", 72, 56, 1136, 608, paras=paras))


__all__ = ["PAGE_SIZE", "ChartSlot", "DrawnCharts", "SlidePlan", "chart_rows", "plan_deck"]
