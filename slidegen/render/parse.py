"""Parse what models emit into slides: fences, preambles, documents, fragments, old formats."""

from __future__ import annotations

import html as html_lib
import json
import re
from dataclasses import dataclass, field

from lxml import etree
from lxml import html as lxml_html
from pydantic import ValidationError

from slidegen.deck import ChartSpec, new_id
from slidegen.render.chartjs import ChartRecovery, recover_charts
from slidegen.render.sanitize import sanitize_slide_html

_FENCE = re.compile(r"```[a-zA-Z]*\s*|```")
_TITLE = re.compile(r"<title[^>]*>(.*?)</title>", re.S | re.I)
_SLIDE_XPATH = (
    "//*[self::section or self::div]"
    "[contains(concat(' ', normalize-space(@class), ' '), ' slide ')]"
    "[not(ancestor::*[contains(concat(' ', normalize-space(@class), ' '), ' slide ')])]"
)
_ID_CHARS = re.compile(r"[^A-Za-z0-9_-]")
_SCRIPT = re.compile(r"<script\b[^>]*>(.*?)</script>", re.S | re.I)
_BARE_IMG = re.compile(r"<img(?![^>]*\ssrc=)[^>]*>")


@dataclass
class ParsedSlide:
    """A slide as parsed: sanitised HTML, charts, notes, and the edit operation if any."""

    html: str
    charts: list[ChartSpec] = field(default_factory=list)
    notes: str = ""
    op: str | None = None  # replace | insert | delete (edit mode)
    slide_id: str | None = None  # the slide an edit targets
    after: str | None = None  # insert position: a slide id or "start"
    warnings: list[str] = field(default_factory=list)
    had_canvas: bool = False  # a Chart.js canvas (recovered as a chart or not)


@dataclass
class ParsedDeck:
    """The deck title (if the model gave one) and its slides in order."""

    title: str | None
    slides: list[ParsedSlide]
    chart_report: str | None = None  # Chart.js charts recovered and not (predecessor decks)


def clean_model_text(text: str) -> str:
    """Drop markdown fences and any prose before the first tag."""
    text = _FENCE.sub("", text)
    first_tag = text.find("<")
    return text[first_tag:] if first_tag >= 0 else ""


def parse_title(text: str) -> str | None:
    """Return the deck title from a `<title>` element, if present."""
    match = _TITLE.search(text)
    if not match:
        return None
    title = html_lib.unescape(re.sub(r"<[^>]+>", "", match.group(1))).strip()
    return title[:300] or None


def parse_deck(text: str, recovery: ChartRecovery | None = None) -> ParsedDeck:
    """Parse a whole answer into slides (tolerant of unclosed tags and stray markup).

    Chart.js charts are recovered from the answer's scripts, or taken from `recovery` when the
    scripts came separately (a streamed slide whose script follows all slides).
    """
    cleaned = clean_model_text(text)
    if not cleaned.strip():
        return ParsedDeck(title=None, slides=[])
    root = lxml_html.fromstring(f"<div id='slidegen-root'>{_TITLE.sub('', cleaned)}</div>")
    if recovery is None:
        recovery = chart_scripts_recovery(cleaned)
    slides = [_parse_slide(element, recovery) for element in root.xpath(_SLIDE_XPATH)]
    report = recovery.summary() if any(s.had_canvas for s in slides) else None
    return ParsedDeck(title=parse_title(cleaned), slides=slides, chart_report=report)


def chart_scripts_recovery(text: str) -> ChartRecovery:
    """Recover the Chart.js charts of every `<script>` in `text`."""
    scripts = "\n".join(_SCRIPT.findall(text))
    return recover_charts(scripts) if "Chart" in scripts else ChartRecovery()


def parse_slide_fragment(
    fragment: str, recovery: ChartRecovery | None = None
) -> ParsedSlide | None:
    """Parse one complete slide element (as produced by the stream splitter)."""
    deck = parse_deck(fragment, recovery)
    return deck.slides[0] if deck.slides else None


def _parse_slide(element: etree._Element, recovery: ChartRecovery) -> ParsedSlide:
    slide = ParsedSlide(html="")
    slide.op = _attr(element, "data-op")
    slide.slide_id = _attr(element, "data-slide-id")
    slide.after = _attr(element, "data-after")
    for notes in element.xpath(
        ".//aside[contains(concat(' ', normalize-space(@class), ' '), ' notes ')]"
    ):
        slide.notes = " ".join(notes.text_content().split())
        notes.drop_tree()
    for figure in element.xpath(".//figure[@data-chart]"):
        _extract_chart(figure, slide)
    _replace_chartjs_canvases(element, recovery, slide)
    for script in element.xpath(".//script"):
        script.drop_tree()
    for name in ("data-op", "data-slide-id", "data-after"):
        element.attrib.pop(name, None)
    element.tag = "section"
    classes = (element.get("class") or "").split()
    element.set("class", " ".join(dict.fromkeys(["slide", *classes])))
    element.tail = None
    for image in element.xpath(".//img[not(@src)]"):
        image.drop_tree()
    slide.html = sanitize_slide_html(lxml_html.tostring(element, encoding="unicode")).strip()
    for image_without_source in _BARE_IMG.findall(slide.html):  # src removed by the sanitiser
        slide.html = slide.html.replace(image_without_source, "")
    return slide


def _extract_chart(figure: etree._Element, slide: ParsedSlide) -> None:
    raw = figure.get("data-chart") or ""
    try:
        spec = ChartSpec.model_validate(json.loads(raw))
    except (ValueError, ValidationError) as exc:
        slide.warnings.append(f"A chart could not be read and was left out ({_short(exc)}).")
        figure.drop_tree()
        return
    slide.charts.append(spec)
    _make_placeholder(figure, spec)


def _replace_chartjs_canvases(
    element: etree._Element, recovery: ChartRecovery, slide: ParsedSlide
) -> None:
    for canvas in element.xpath(".//canvas"):
        slide.had_canvas = True
        canvas_id = canvas.get("id") or ""
        match = recovery.charts.get(canvas_id)
        if match is None:
            if not any(f"canvas '{canvas_id}'" in failure for failure in recovery.failures):
                slide.warnings.append(
                    f"A Chart.js canvas ('{canvas_id}') had no chart script and was left out."
                )
            canvas.drop_tree()
            continue
        spec = match.model_copy(update={"chart_id": new_id("c")})
        slide.charts.append(spec)
        figure = etree.Element("figure")
        canvas.getparent().replace(canvas, figure)
        _make_placeholder(figure, spec)


def _make_placeholder(figure: etree._Element, spec: ChartSpec) -> None:
    tail = figure.tail
    figure.clear()
    figure.tail = tail
    figure.set("class", "chart")
    figure.set("data-chart-id", _ID_CHARS.sub("", spec.chart_id))


def _attr(element: etree._Element, name: str) -> str | None:
    value = (element.get(name) or "").strip()
    return _ID_CHARS.sub("", value) or None if value else None


def _short(exc: Exception) -> str:
    return str(exc).splitlines()[0][:120]
