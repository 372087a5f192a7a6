"""Decks to native, editable PowerPoint: text boxes, tables, charts, pictures, notes.

No browser: the slide's HTML and the style's CSS are laid out by slidegen.export.layout. A
slide that fails to convert is exported as plain text and listed in the warnings; one bad
slide never fails the deck.
"""

from __future__ import annotations

import io
import logging
import re
from collections.abc import Callable
from dataclasses import dataclass, field

from lxml import etree
from lxml import html as lxml_html
from pptx import Presentation
from pptx.dml.color import RGBColor
from pptx.util import Emu

from slidegen.deck import ChartSpec, Deck, Slide
from slidegen.export.chart import add_native_chart, chart_picture
from slidegen.export.css import Stylesheet, compound_of, length, parse_colour, rgb_tuple
from slidegen.export.images import decode
from slidegen.export.layout import SLIDE_H, SLIDE_W, Item, Layout
from slidegen.export.table import add_table
from slidegen.export.text import Para, Run, Styler, TextStyle
from slidegen.export.textbox import add_shape, add_text, emu
from slidegen.render.charts import palette_from_css

log = logging.getLogger("slidegen.export")
SLIDE_W_EMU, SLIDE_H_EMU = 12192000, 6858000
BLANK_LAYOUT = 6

_EDGES = ("left", "right", "top", "bottom", "width", "height")

Progress = Callable[[int, int], None]


@dataclass
class ExportResult:
    """The file's bytes and what could not be exported exactly."""

    data: bytes
    warnings: list[str] = field(default_factory=list)
    slides: int = 0


def export_pptx(deck: Deck, *, on_slide: Progress | None = None) -> ExportResult:
    """Return the deck as a .pptx file; `on_slide(done, total)` reports progress."""
    prs = Presentation()
    prs.slide_width, prs.slide_height = Emu(SLIDE_W_EMU), Emu(SLIDE_H_EMU)
    prs.core_properties.title = deck.title[:255]
    prs.core_properties.subject = "Exported from Slidegen"
    sheet = Stylesheet(deck.css)
    palette = palette_from_css(deck.css)
    warnings: list[str] = []
    total = len(deck.slides)
    for number, slide in enumerate(deck.slides, 1):
        target = prs.slides.add_slide(prs.slide_layouts[BLANK_LAYOUT])
        try:
            problems = _convert(target, slide, sheet, palette)
        except Exception as exc:  # hostile or broken slide: plain text, never a failed deck
            log.warning("slide %s did not convert", number, exc_info=True)
            _plain_text(target, slide)
            problems = [f"converted as plain text ({type(exc).__name__})"]
        warnings.extend(f"Slide {number}: {p}" for p in problems)
        if slide.notes.strip():
            target.notes_slide.notes_text_frame.text = slide.notes.strip()
        if on_slide:
            on_slide(number, total)
    buffer = io.BytesIO()
    prs.save(buffer)
    return ExportResult(buffer.getvalue(), warnings, total)


def _root(slide_html: str) -> lxml_html.HtmlElement:
    try:
        fragment = lxml_html.fragment_fromstring(slide_html or "<p></p>", create_parent="div")
    except (etree.ParserError, ValueError):
        fragment = lxml_html.fragment_fromstring("<p></p>", create_parent="div")
    found = fragment.xpath("//*[contains(concat(' ', normalize-space(@class), ' '), ' slide ')]")
    if found:
        return found[0]
    fragment.set("class", "slide")
    return fragment


def _convert(target: object, slide: Slide, sheet: Stylesheet, palette: object) -> list[str]:
    root = _root(slide.html)
    styler = Styler(sheet, TextStyle())
    decls = styler.decls(root)
    background = _background(target, decls)
    layout = Layout(styler, background)
    charts = {c.chart_id: c for c in slide.charts}
    warnings: list[str] = []
    bar = _decoration(sheet.declarations((compound_of(root),), before=True), layout)
    if bar is not None:
        add_shape(target, bar)
    for item in layout.slide(root):
        warnings.extend(_draw(target, item, charts, palette, styler, layout) or [])
    return warnings


def _decoration(decls: dict[str, str], layout: Layout) -> Item | None:
    """The slide's `::before` bar (an accent stripe), if the style draws one."""
    if "content" not in decls or decls.get("position") != "absolute":
        return None
    colour = layout.colour(decls.get("background-color") or decls.get("background"))
    if not colour:
        return None
    edges = {k: length(decls.get(k), 16.0) if k in decls else None for k in _EDGES}
    left, right, top, bottom = edges["left"], edges["right"], edges["top"], edges["bottom"]
    width = edges["width"] or (SLIDE_W - (left or 0) - (right or 0))
    height = edges["height"] or (SLIDE_H - (top or 0) - (bottom or 0))
    x = left if left is not None else SLIDE_W - (right or 0) - width
    y = top if top is not None else SLIDE_H - (bottom or 0) - height
    return Item("shape", x, y, width, height, data={"fill": colour, "borders": {}})


def _background(target: object, decls: dict[str, str]) -> str:
    """Fill the slide background: solid colour, or a two-stop linear gradient natively."""
    value = decls.get("background-color") or decls.get("background") or ""
    gradient = decls.get("background", "")
    fill = target.background.fill  # type: ignore[attr-defined]
    stops = re.findall(r"#[0-9a-fA-F]{3,8}\b|rgba?\([^)]*\)", gradient)
    if "linear-gradient" in gradient and not decls.get("background-color") and len(stops) >= 2:
        first, last = parse_colour(stops[0]) or "FFFFFF", parse_colour(stops[-1]) or "FFFFFF"
        fill.gradient()
        fill.gradient_angle = 90.0 if "180deg" in gradient else 0.0
        fill.gradient_stops[0].color.rgb = RGBColor.from_string(first)
        fill.gradient_stops[1].color.rgb = RGBColor.from_string(last)
        return first
    colour = parse_colour(stops[0] if stops and not parse_colour(value) else value) or "FFFFFF"
    fill.solid()
    fill.fore_color.rgb = RGBColor.from_string(colour)
    return colour


def _draw(
    target: object,
    item: Item,
    charts: dict[str, ChartSpec],
    palette: object,
    styler: Styler,
    layout: Layout,
) -> list[str]:
    if item.kind == "text":
        add_text(target, item)
    elif item.kind == "shape":
        add_shape(target, item)
    elif item.kind == "table":
        box = (item.x, item.y, item.w, item.h)
        return add_table(
            target, item.data["element"], styler, box, scale=item.scale, over=layout.over
        )
    elif item.kind == "chart":
        spec = charts.get(item.data.get("chart_id") or "")
        if spec is None:
            return ["a chart placeholder without its chart data was left out"]
        return _chart(target, spec, palette, item, layout.over)
    elif item.kind == "picture":
        return _picture(target, item)
    return []


def _chart(
    target: object, spec: ChartSpec, palette: object, item: Item, over: tuple[int, int, int]
) -> list[str]:
    box = (item.x, item.y, item.w, item.h)
    try:
        return add_native_chart(target, spec, palette, box, over)  # type: ignore[arg-type]
    except Exception as exc:
        log.info("chart %s not native: %s", spec.chart_id, exc)
    name = f"chart '{spec.title or spec.type}'"
    try:
        image = chart_picture(spec, palette, item.w, item.h)  # type: ignore[arg-type]
    except Exception:
        return [f"{name} could not be drawn and was left out"]
    target.shapes.add_picture(image, emu(item.x), emu(item.y), emu(item.w), emu(item.h))  # type: ignore[attr-defined]
    return [f"{name} exported as a picture (not editable)"]


def _picture(target: object, item: Item) -> list[str]:
    """Add an embedded image, fitted inside its box with its aspect ratio kept."""
    picture = decode(item.data.get("src", ""))
    if picture is None:
        return ["an image that is not embedded or not readable was left out"]
    ratio = min(item.w / picture.width, item.h / picture.height, 1.0)
    w, h = picture.width * ratio, picture.height * ratio
    x = item.x + (item.w - w) / 2 if item.data.get("center", True) else item.x
    y = item.y + (item.h - h) / 2
    target.shapes.add_picture(io.BytesIO(picture.data), emu(x), emu(y), emu(w), emu(h))  # type: ignore[attr-defined]
    return []


def _plain_text(target: object, slide: Slide) -> None:
    """The last resort for a slide: its text, top-left, small enough to fit."""
    try:
        text = lxml_html.fragment_fromstring(slide.html, create_parent="div").text_content()
    except Exception:
        text = re.sub(r"<[^>]*>", " ", slide.html)
    lines = [" ".join(line.split()) for line in text.splitlines() if line.strip()][:40]
    style = TextStyle(size=18.0, color="000000")
    paras = [Para(runs=[Run(line, style)], style=style) for line in lines]
    add_text(target, Item("text", 72, 56, 1136, 608, paras=paras))


__all__ = ["ExportResult", "export_pptx", "rgb_tuple"]
