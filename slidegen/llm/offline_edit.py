"""The offline engine's edits: common instructions become operations, others one "cannot".

An answer without any `<section>` is the engine saying what it cannot do; the edit service
shows that sentence and changes nothing.
"""

from __future__ import annotations

import re

from slidegen.llm import offline_edit_ops as ops
from slidegen.llm.offline_data import Tables
from slidegen.llm.offline_edit_ops import parse_request
from slidegen.llm.offline_findings import analyse

_CHART_WORD = re.compile(r"\b(bar|column|stacked|line|area|pie|doughnut|donut)\b", re.I)
_ADD = re.compile(r"\b(add|insert|append|new)\b.*\bslide\b|\bslide\b.*\babout\b", re.I)
_QUOTED = re.compile(r"[\"“'‘]([^\"”'’]{2,120})[\"”'’]")
CAPABILITIES = (
    "make slides more concise, change a chart's type, add a slide about a SKU or workspace, "
    "split a slide, swap two slides, retitle a slide (quote the title) or remove a table or chart"
)


def needs_data(request: str) -> bool:
    """Whether the instruction asks for a new slide that must be written from data."""
    return bool(_ADD.search(parse_request(request).instruction))


def edit_operations(request: str, tables: Tables) -> str:
    """Return replace / insert / delete operations, or one sentence saying what cannot be done."""
    edit = parse_request(request)
    text = edit.instruction.lower()
    if not edit.selected:
        return "There are no slides to edit; generate a deck first."
    if re.search(r"\bswap\b|\bexchange\b|\bswitch\b.*\bslides?\b", text):
        return ops.swap(edit)
    if re.search(r"\bsplit\b|\bbreak\b.*\b(up|into)\b", text):
        return ops.split(edit)
    if re.search(
        r"\b(remove|delete|drop)\s+(the\s+|this\s+|that\s+)?(table|chart|graph)s?\b", text
    ):
        return ops.remove_element(edit, "chart" if re.search(r"chart|graph", text) else "table")
    if re.search(r"\b(delete|remove|drop)\b", text):
        return ops.delete(edit)
    if _ADD.search(text):
        return ops.add_about(edit, analyse(tables) if tables.complete else None)
    quoted = _QUOTED.search(edit.instruction)
    if quoted and re.search(r"\b(retitle|rename|title|heading|call it)\b", text):
        return ops.retitle(edit, quoted.group(1))
    chart = _CHART_WORD.search(text)
    if chart and re.search(r"\b(chart|graph|plot)\b", text):
        return ops.change_chart(edit, chart.group(1).lower().replace("donut", "doughnut"))
    if re.search(r"\b(concise|shorter|shorten|tighten|trim|less text|fewer words|brief)\b", text):
        return ops.concise(edit)
    return f"The offline demo engine cannot do that without a model; it can {CAPABILITIES}."
