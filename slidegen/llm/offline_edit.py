"""The offline engine's edits: delete, insert, change chart types, retitle selected slides."""

from __future__ import annotations

import html
import re

from slidegen.deck import CHART_TYPES

_SECTION = re.compile(r"<section\b[^>]*data-slide-id=\"([^\"]+)\"[^>]*>.*?</section>", re.S)
_QUOTED = re.compile(r"[\"“']([^\"”']{3,80})[\"”']")
_CHART_WORD = re.compile(r"\b(" + "|".join(CHART_TYPES) + r")\s+chart", re.I)


def edit_operations(request: str) -> str:
    """Return replace / insert / delete operations for the request's selected slides."""
    instruction = request.split("# Instruction", 1)[-1].strip()
    selected = [(m.group(1), m.group(0)) for m in _SECTION.finditer(request)]
    lowered = instruction.lower()
    if re.search(r"\b(delete|remove|drop)\b", lowered):
        return "\n".join(
            f'<section class="slide" data-op="delete" data-slide-id="{sid}"></section>'
            for sid, _ in selected
        )
    if re.search(r"\b(add|insert|append)\b", lowered):
        after = selected[-1][0] if selected else "start"
        topic = _QUOTED.search(instruction)
        title = html.escape(topic.group(1) if topic else _topic(instruction))
        return (
            f'<section class="slide" data-op="insert" data-after="{after}"><h1>{title}</h1>'
            "<ul><li>Key point: TBD</li><li>Supporting evidence: TBD</li></ul></section>"
        )
    chart = _CHART_WORD.search(instruction)
    return "\n".join(
        _replace(sid, body, instruction, chart.group(1).lower() if chart else None)
        for sid, body in selected
    )


def _replace(slide_id: str, body: str, instruction: str, chart_type: str | None) -> str:
    body = re.sub(r"\sdata-op=\"[^\"]*\"", "", body)
    body = body.replace("<section", '<section data-op="replace"', 1)
    if chart_type:
        return re.sub(
            r'(&quot;|")type(&quot;|")\s*:\s*(&quot;|")\w+(&quot;|")',
            rf"\1type\2: \3{chart_type}\4",
            body,
        )
    quoted = _QUOTED.search(instruction)
    if quoted:
        return re.sub(
            r"<h1>.*?</h1>", f"<h1>{html.escape(quoted.group(1))}</h1>", body, count=1, flags=re.S
        )
    note = html.escape(instruction[:160])
    return body.replace("</h1>", f'</h1><p class="subtitle">{note}</p>', 1)


def _topic(instruction: str) -> str:
    text = re.sub(
        r"^.*?\b(add|insert|append)\b\s+(a\s+|an\s+)?(new\s+)?(slide\s+)?(about|on|for)?\s*",
        "",
        instruction,
        flags=re.I,
    )
    text = text.strip(" .") or "New slide"
    return text[0].upper() + text[1:]
