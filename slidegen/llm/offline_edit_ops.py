"""The offline engine's edit operations on slide HTML (lxml), each a change or a "cannot"."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from lxml import html as lxml_html

from slidegen.llm import offline_sections as sections
from slidegen.llm.offline_findings import Findings
from slidegen.llm.offline_slides import Card, chart_slide, money, month_name, pct, signed_money

if TYPE_CHECKING:
    from lxml.html import HtmlElement

_TIME = re.compile(
    r"^(\d{4}-\d{2}(-\d{2})?|Q[1-4] \d{4}|"
    r"(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)\w* \d{4})$"
)
MAX_PIE_SLICES = 6
_SECTION = re.compile(r"<section\b[^>]*data-slide-id=\"([^\"]+)\"[^>]*>.*?</section>", re.S)
_OUTLINE = re.compile(r"^(\d+)\. \[([^\]]+)\] (.*)$", re.M)


@dataclass
class EditRequest:
    """What an edit request holds: the outline, the selected slides and the instruction."""

    outline: list[tuple[int, str, str]]  # (number, slide id, title)
    selected: list[tuple[str, str]]  # (slide id, section HTML)
    instruction: str

    def number_of(self, slide_id: str) -> int:
        """Return a slide's 1-based position."""
        return next(n for n, sid, _ in self.outline if sid == slide_id)


def parse_request(request: str) -> EditRequest:
    """Split the edit request the service sends into its parts."""
    head, _, instruction = request.partition("# Instruction")
    outline_text, _, selected_text = head.partition("# Selected slides")
    outline = [(int(n), sid, title) for n, sid, title in _OUTLINE.findall(outline_text)]
    selected = [(m.group(1), m.group(0)) for m in _SECTION.finditer(selected_text)]
    return EditRequest(outline, selected, instruction.strip())


def _parse(section: str) -> HtmlElement:
    return lxml_html.fragment_fromstring(section)


def _replace(slide_id: str, element: HtmlElement) -> str:
    for name in ("data-slide-id", "data-op", "data-after"):
        element.attrib.pop(name, None)
    element.set("data-op", "replace")
    element.set("data-slide-id", slide_id)
    return lxml_html.tostring(element, encoding="unicode")


def _numbers(slide_ids: list[int]) -> str:
    return ", ".join(str(n) for n in slide_ids)


def delete(edit: EditRequest) -> str:
    """Delete the selected slides."""
    if len(edit.selected) == len(edit.outline):
        return "Deleting every slide would leave an empty deck; select the slides to delete."
    return "\n".join(
        f'<section class="slide" data-op="delete" data-slide-id="{sid}"></section>'
        for sid, _ in edit.selected
    )


def retitle(edit: EditRequest, title: str) -> str:
    """Give the selected slides the quoted title."""
    answers = []
    for slide_id, section in edit.selected:
        element = _parse(section)
        heading = element.find(".//h1")
        if heading is None or heading.text_content() == title:
            continue
        for child in list(heading):
            heading.remove(child)
        heading.text = title
        answers.append(_replace(slide_id, element))
    return "\n".join(answers) or f"The selected slides are already titled \u201c{title}\u201d."


def swap(edit: EditRequest) -> str:
    """Swap two slides' content (each keeps its place in the deck's order)."""
    if len(edit.selected) != 2:
        return "Name exactly two slides to swap, for example \u201cswap slides 3 and 4\u201d."
    (first_id, first), (second_id, second) = edit.selected
    return _replace(first_id, _parse(second)) + "\n" + _replace(second_id, _parse(first))


def remove_element(edit: EditRequest, what: str) -> str:
    """Remove every table (or chart) from the selected slides."""
    answers = []
    for slide_id, section in edit.selected:
        element = _parse(section)
        found = element.xpath(".//table" if what == "table" else ".//figure[@data-chart]")
        for node in found:
            parent = node.getparent()
            parent.remove(node)
            if parent.get("class") == "column" and len(parent) == 0:
                parent.getparent().remove(parent)
        if found:
            answers.append(_replace(slide_id, element))
    return "\n".join(answers) or f"None of the selected slides has a {what} to remove."


def concise(edit: EditRequest) -> str:
    """Keep at most two bullets per list and drop subtitles and second paragraphs in cards."""
    answers = []
    for slide_id, section in edit.selected:
        element, changed = _parse(section), False
        for node in element.xpath(".//p[contains(@class, 'subtitle')]"):
            node.getparent().remove(node)
            changed = True
        for listing in element.xpath(".//ul | .//ol"):
            for item in listing.xpath("./li")[2:]:
                listing.remove(item)
                changed = True
        if changed:
            answers.append(_replace(slide_id, element))
    if answers:
        return "\n".join(answers)
    return "The selected slides are already as short as they can be without losing their figures."


def split(edit: EditRequest) -> str:
    """Split each selected slide's columns, list or table rows across it and a new slide."""
    answers = []
    for slide_id, section in edit.selected:
        first, second = _parse(section), _parse(section)
        parts = _splittable(first), _splittable(second)
        if parts[0] is None or parts[1] is None:
            continue
        (container, children), (container2, children2) = parts
        half = (len(children) + 1) // 2
        for child in children[half:]:
            container.remove(child)
        for child in children2[:half]:
            container2.remove(child)
        heading = second.find(".//h1")
        if heading is not None:
            heading.text = f"{heading.text_content()} (continued)"
            for child in list(heading):
                heading.remove(child)
        second.attrib.pop("data-slide-id", None)
        second.set("data-op", "insert")
        second.set("data-after", slide_id)
        answers += [_replace(slide_id, first), lxml_html.tostring(second, encoding="unicode")]
    return "\n".join(answers) or "The selected slides have no list, columns or table rows to split."


def _splittable(element: HtmlElement) -> tuple[HtmlElement, list[HtmlElement]] | None:
    for path in ("./div[@class='columns']", ".//table/tbody", ".//ul", ".//ol"):
        for container in element.xpath(path):
            children = [c for c in container if isinstance(c.tag, str)]
            if len(children) >= (4 if container.tag == "tbody" else 2):
                return container, children
    return None


def change_chart(edit: EditRequest, kind: str) -> str:
    """Change the selected slides' charts to `kind`; time stays along the x axis."""
    answers, refusals = [], []
    for slide_id, section in edit.selected:
        element = _parse(section)
        figures = element.xpath(".//figure[@data-chart]")
        results = [_convert(json.loads(f.get("data-chart")), kind) for f in figures]
        if not figures:
            continue
        if any(isinstance(r, str) for r in results):
            refusals.append(next(r for r in results if isinstance(r, str)))
            continue
        for figure, spec in zip(figures, results, strict=True):
            figure.set("data-chart", json.dumps(spec))
        answers.append(_replace(slide_id, element))
    if answers:
        return "\n".join(answers)
    return refusals[0] if refusals else "None of the selected slides has a chart to change."


def _convert(spec: dict[str, Any], kind: str) -> dict[str, Any] | str:
    """Return the spec as `kind`, or why it cannot be."""
    categories = [str(c) for c in spec.get("categories", [])]
    is_time = bool(categories) and all(_TIME.match(c) for c in categories)
    if kind == "bar" and is_time:
        kind = "column"  # a time series keeps time along the x axis
    if kind in ("pie", "doughnut"):
        return _as_pie(spec, kind, is_time)
    if spec.get("type") == kind:
        return f"That chart is already a {kind} chart."
    return {**spec, "type": kind}


def _as_pie(spec: dict[str, Any], kind: str, is_time: bool) -> dict[str, Any] | str:
    series = spec.get("series") or []
    if len(series) > 1 and len(series) <= MAX_PIE_SLICES:  # shares of the series' totals
        totals = [round(sum(v or 0 for v in s.get("values", [])), 2) for s in series]
        return {
            "type": kind,
            "title": (spec.get("title") or "Share") + ", total of the period",
            "categories": [s.get("name", "") for s in series],
            "series": [{"name": "Total", "values": totals}],
            "number_format": spec.get("number_format"),
        }
    if is_time:
        return "A single time series cannot be a pie chart; a pie shows shares of one total."
    if len(spec.get("categories", [])) > MAX_PIE_SLICES:
        return f"A pie chart shows at most {MAX_PIE_SLICES} slices; this chart has more categories."
    return {**spec, "type": kind, "x_title": None, "y_title": None}


def add_about(edit: EditRequest, findings: Findings | None) -> str:
    """Insert a slide about a SKU or workspace named in the instruction, after the selection."""
    if findings is None:
        return "I can add a slide only about data I can query, and no data source answered."
    names = [*findings.workspace_by_month, *findings.sku_by_month]
    text = edit.instruction.lower()
    name = next((n for n in sorted(names, key=len, reverse=True) if n.lower() in text), None)
    if name is None:
        return "I can add a slide about one of these SKUs or workspaces: " + ", ".join(names) + "."
    after = edit.selected[-1][0]
    slide = entity_slide(findings, name)
    return slide.replace("<section", f'<section data-op="insert" data-after="{after}"', 1)


def entity_slide(f: Findings, name: str) -> str:
    """Return a slide on one SKU or workspace: its monthly cost, share and change."""
    kind = "workspace" if name in f.workspace_by_month else "sku"
    by_month = (f.workspace_by_month if kind == "workspace" else f.sku_by_month)[name]
    values = [round(by_month.get(m, 0.0), 2) for m in f.months]
    total = sum(values)
    spec = {
        "type": "column",
        "title": f"{name}: monthly cost (USD)",
        "categories": [month_name(m) for m in f.months],
        "series": [{"name": name, "values": values}],
        "number_format": "$0,0",
    }
    mom = next(m for m in f.movers(kind) if m.name == name)
    points = [
        f"{money(total)} over {sections.period(f)}",
        f"{pct(total / f.total_cost)} of all cost",
        f"{month_name(f.months[-1])}: {money(mom.after)} "
        f"({signed_money(mom.change)} vs {month_name(f.months[-2])})",
    ]
    notes = (
        f"Monthly cost of {name} from the consumption table; "
        f"the share is of the total {money(f.total_cost)}."
    )
    title = f"{name}: {money(total)}, {pct(total / f.total_cost)} of cost"
    return chart_slide(title, spec, Card(name, points), sections.source(f), notes)
