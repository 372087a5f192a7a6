"""Find every number on a slide: its text, tables, KPI tiles and every value of its charts."""

from __future__ import annotations

import re
from dataclasses import dataclass

from lxml import etree
from lxml import html as lxml_html

from slidegen.deck import Slide

_NUMBER = re.compile(
    r"(?<![\w.,\-/:#])(?P<sign>[-−+])?(?P<cur>[$€£¥])?\s?"
    r"(?P<num>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)"
    r"(?:\s?(?P<suffix>%|bn\b|[kKmMbB](?![a-zA-Z])|thousand\b|million\b|billion\b))?"
    r"(?![\w/:\-]|\.\d)"
)
_MONTHS = (
    r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?"
    r"|Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\b\.?"
)
# "13 Mar 2026", "March 13, 2026", "Mar 13": the day of a date is not data (month names are
# capitalised, so "may" in prose is never taken for one).
_DATE = re.compile(
    rf"\b\d{{1,2}}\s+{_MONTHS}(?:\s+\d{{4}})?\b"
    rf"|\b{_MONTHS}\s+\d{{1,2}}(?:st|nd|rd|th)?\b(?!\s?%)(?:,?\s+\d{{4}}\b)?"
)
NUMBER_PATTERN = _NUMBER
_SCALES = {
    "k": 1e3,
    "thousand": 1e3,
    "m": 1e6,
    "million": 1e6,
    "b": 1e9,
    "bn": 1e9,
    "billion": 1e9,
}
_SKIPPED_TAGS = {"script", "style", "svg", "figure", "title", "head"}
_BLOCKS = {"p", "li", "td", "th", "h1", "h2", "h3", "h4", "h5", "h6", "div", "section"}
# Integers this small in prose count things ("top 5", "3 regions"), they are not data.
MAX_STRUCTURAL_INTEGER = 10


@dataclass(frozen=True)
class SlideNumber:
    """A number as written on a slide, with what it takes to match it."""

    text: str  # as written, e.g. "$7.2M"
    value: float  # the written digits, e.g. 7.2
    decimals: int | None  # digits after the point; None for chart values (exact floats)
    scale: float | None  # 1e6 for "M"; None when nothing says (chart values)
    percent: bool
    where: str  # text | table | chart
    context: str  # nearby text, or "chart title · series · category"
    label: str | None = None  # the table row's or the chart point's category
    series: str | None = None  # a chart value's series name
    locator: str | None = None  # a chart value's "chart:<chart>:<series>:<point>" (indexes)


def slide_numbers(slide: Slide) -> list[SlideNumber]:
    """Return every number of a slide's HTML and chart specs, in reading order."""
    return [*_html_numbers(slide.html), *_chart_numbers(slide)]


def parse_numbers(
    text: str, *, where: str, context: str, label: str | None = None
) -> list[SlideNumber]:
    """Return the numbers written in a piece of text."""
    found = []
    text = _DATE.sub(lambda m: " " * len(m.group()), text)
    for match in _NUMBER.finditer(text):
        digits = match["num"]
        suffix = (match["suffix"] or "").lower()
        value = float(digits.replace(",", ""))
        if match["sign"] in ("-", "−"):
            value = -value
        decimals = len(digits.split(".")[1]) if "." in digits else 0
        plain = not suffix and not match["cur"] and decimals == 0 and "," not in digits
        if plain and _is_year(value):
            continue
        if plain and where == "text" and abs(value) <= MAX_STRUCTURAL_INTEGER:
            continue
        found.append(
            SlideNumber(
                text=match.group().strip(),
                value=value,
                decimals=decimals,
                scale=_SCALES.get(suffix, 1.0),
                percent=suffix == "%",
                where=where,
                context=context[:160],
                label=label,
            )
        )
    return found


def _is_year(value: float) -> bool:
    return 1900 <= value <= 2100 and value == int(value)


def _html_numbers(slide_html: str) -> list[SlideNumber]:
    try:
        root = lxml_html.fragment_fromstring(slide_html, create_parent="div")
    except (etree.ParserError, ValueError):
        return []
    numbers: list[SlideNumber] = []
    for row in root.iter("tr"):
        cells = [c for c in row if isinstance(c.tag, str) and c.tag in ("td", "th")]
        texts = [_text(c) for c in cells]
        if not texts or all(c.tag == "th" for c in cells):
            continue  # a header row names columns
        label = texts[0]
        for text in texts[1:]:
            numbers += parse_numbers(text, where="table", context=" · ".join(texts), label=label)
    for text, context in _prose(root):
        numbers += parse_numbers(text, where="text", context=context)
    return numbers


def _prose(root: etree._Element) -> list[tuple[str, str]]:
    """Return (text, its block's text) for every text outside tables, charts and scripts."""
    out: list[tuple[str, str]] = []

    def walk(element: etree._Element, block: str) -> None:
        tag = element.tag if isinstance(element.tag, str) else ""
        if tag in _SKIPPED_TAGS or tag == "table":
            return
        if tag in _BLOCKS:
            block = _text(element)
        if element.text and tag:
            out.append((element.text, block))
        for child in element:
            walk(child, block)
            if child.tail and child.tail.strip():
                out.append((child.tail, block))

    walk(root, "")
    return out


def _text(element: etree._Element) -> str:
    """Return an element's text with its parts spaced (a KPI's value and label stay apart)."""
    return " ".join(" ".join(element.itertext()).split())


def _chart_numbers(slide: Slide) -> list[SlideNumber]:
    numbers = []
    for chart_no, chart in enumerate(slide.charts):
        for series_no, series in enumerate(chart.series):
            for index, value in enumerate(series.values):
                if value is None:
                    continue
                category = chart.categories[index] if index < len(chart.categories) else None
                label = None if category is None else _category_text(category)
                parts = [chart.title or "chart", series.name, label or f"point {index + 1}"]
                numbers.append(
                    SlideNumber(
                        text=_chart_text(value),
                        value=float(value),
                        decimals=None,
                        scale=None,
                        percent=False,
                        where="chart",
                        context=" · ".join(p for p in parts if p),
                        label=label,
                        series=series.name,
                        locator=f"chart:{chart_no}:{series_no}:{index}",
                    )
                )
    return numbers


def _category_text(category: str | float) -> str:
    if isinstance(category, float) and category == int(category):
        return str(int(category))
    return str(category)


def _chart_text(value: float) -> str:
    return str(int(value)) if value == int(value) else repr(value)


def prose_sentences(slide_html: str) -> list[str]:
    """Return the sentences of a slide's prose (outside tables and charts), each once."""
    try:
        root = lxml_html.fragment_fromstring(slide_html, create_parent="div")
    except (etree.ParserError, ValueError):
        return []
    seen: dict[str, None] = {}
    for text, block in _prose(root):
        if not text.strip():
            continue
        for sentence in re.split(r"(?<=[.!?])\s+", block):
            if len(sentence.split()) >= 3:
                seen.setdefault(sentence.strip(), None)
    return list(seen)
