"""The offline demo engine: deterministic decks without a network, through the real pipeline.

It answers like a model would: it calls the SQL tools first when data is configured, then
streams HTML slides in the slide contract (title, agenda, one slide per topic of the request,
chart and table slides from the query results, a closing slide). In edit mode it returns
replace / insert / delete operations for the selected slides.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Iterator
from typing import Any

from slidegen.deck import chart_figure
from slidegen.llm.base import Finished, LLMEvent, Message, TextDelta, ToolCallEvent, ToolSpec, Usage
from slidegen.llm.offline_edit import edit_operations

CHUNK_CHARS = 48
SOURCE_FOOTER = '<footer class="slide-footer">Source: sample workspace consumption data</footer>'
DEFAULT_MAX_SLIDES = 12
SAMPLE_TABLE = "workspace_consumption"  # the table SAMPLE_QUERIES read
SAMPLE_QUERIES = {
    "monthly": (
        "SELECT strftime('%Y-%m', usage_date) AS month, ROUND(SUM(cost_usd), 0) AS cost_usd, "
        "ROUND(SUM(dbus), 0) AS dbus FROM workspace_consumption GROUP BY 1 ORDER BY 1"
    ),
    "by_sku": (
        "SELECT sku, ROUND(SUM(cost_usd), 0) AS cost_usd FROM workspace_consumption "
        "GROUP BY sku ORDER BY 2 DESC"
    ),
    "by_workspace": (
        "SELECT workspace, ROUND(SUM(dbus), 0) AS dbus, ROUND(SUM(cost_usd), 0) AS cost_usd "
        "FROM workspace_consumption GROUP BY workspace ORDER BY 3 DESC"
    ),
}
_DATA_WORDS = re.compile(
    r"\b(cost|costs|consumption|usage|spend|spending|dbus?|billing|data)\b", re.I
)
_FRAMING = re.compile(r"^[^\n]*:[ \t]*\n\s*\n")
_FILLER = re.compile(
    r"^(please\s+)?(create|make|build|generate|write|prepare|give me)?\s*(me\s+)?"
    r"(an?\s+|the\s+)?(\d+[- ]slide\s+)?(deck|presentation|slides?|overview|summary)?\s*"
    r"(about|on|for|covering|of)?\s*",
    re.I,
)


class OfflineProvider:
    """A deterministic stand-in for an LLM (the UI and CLI say it is a demo engine)."""

    name = "offline"

    def stream(
        self, messages: list[Message], tools: list[ToolSpec], *, temperature: float, max_tokens: int
    ) -> Iterator[LLMEvent]:
        """Call the data tools once, then stream the deck (or the edit operations)."""
        system = messages[0].content or "" if messages else ""
        request = next((m.content or "" for m in reversed(messages) if m.role == "user"), "")
        results = [m for m in messages if m.role == "tool"]
        if "# Selected slides" in request:
            text = edit_operations(request)
        else:
            source = sample_source(tools)
            if source and not results and _DATA_WORDS.search(request):
                yield from _query_calls(source.name)
                return
            text = _deck_html(request, system, [_parse_table(m.content or "") for m in results])
        for start in range(0, len(text), CHUNK_CHARS):
            yield TextDelta(text[start : start + CHUNK_CHARS])
        prompt_chars = sum(len(m.content or "") for m in messages)
        yield Usage(prompt_tokens=prompt_chars // 4, completion_tokens=len(text) // 4)
        yield Finished("stop")


def sample_source(tools: list[ToolSpec]) -> ToolSpec | None:
    """Return the SQL data source to query: the one holding the sample table, else the first."""
    sources = [tool for tool in tools if tool.kind == "sql"]  # what it is, not its parameters
    holding = [tool for tool in sources if SAMPLE_TABLE in tool.description]
    return (holding or sources or [None])[0]


def _query_calls(tool_name: str) -> Iterator[LLMEvent]:
    for key, sql in SAMPLE_QUERIES.items():
        arguments = {"query": sql}
        yield ToolCallEvent(f"call_{key}", tool_name, arguments, json.dumps(arguments))
    yield Finished("tool_calls")


def _parse_table(content: str) -> list[dict[str, str]]:
    lines = [line for line in content.splitlines() if line.startswith("|")]
    if len(lines) < 2:
        return []
    split = lambda line: [c.strip() for c in re.split(r"(?<!\\)\|", line.strip())[1:-1]]  # noqa: E731
    header = split(lines[0])
    return [dict(zip(header, split(line), strict=False)) for line in lines[2:]]


def topics_of(request: str) -> list[str]:
    """Return the topics a request names, in order (at most eight)."""
    request = _FRAMING.sub("", request.strip(), count=1)  # the user template's lead-in line
    text = _FILLER.sub("", " ".join(request.split()), count=1)
    parts = re.split(r"[,;:\n]|\.\s|\band\b|\bincluding\b|\bwith\b", text)
    topics = []
    for part in parts:
        words = part.strip(" .!?-").split()
        if 1 <= len(words) <= 12:
            topic = " ".join(words)
            topics.append(topic[0].upper() + topic[1:])
    return list(dict.fromkeys(topics))[:8] or ["Overview"]


def _deck_html(request: str, system: str, tables: list[list[dict[str, str]]]) -> str:
    match = re.search(r"at most (\d+) slides", system)
    max_slides = int(match.group(1)) if match else DEFAULT_MAX_SLIDES
    topics = topics_of(request)
    title = topics[0] if len(topics[0]) <= 60 else topics[0][:57] + "…"
    slides = [_title_slide(title), _agenda_slide(topics)]
    slides += _data_slides(tables)
    body_topics = topics[1:] if len(topics) > 1 else topics  # the first one is the title
    slides += [_topic_slide(topic, index) for index, topic in enumerate(body_topics, 1)]
    slides = slides[: max(2, max_slides - 1)] + [_closing_slide(topics)]
    return f"<title>{html.escape(title)}</title>\n" + "\n".join(slides)


def _title_slide(title: str) -> str:
    return (
        f'<section class="slide title-slide"><h1>{html.escape(title)}</h1>'
        '<p class="subtitle">Prepared with the Slidegen offline demo engine</p>'
        '<aside class="notes">Built without an LLM: content is a structured draft.</aside>'
        "</section>"
    )


def _agenda_slide(topics: list[str]) -> str:
    items = "".join(f"<li>{html.escape(t)}</li>" for t in topics)
    return f'<section class="slide"><h1>Agenda</h1><ol>{items}</ol></section>'


def _topic_slide(topic: str, index: int) -> str:
    safe = html.escape(topic)
    return (
        f'<section class="slide"><h1>{safe}</h1><div class="columns">'
        f'<div class="column"><div class="card"><p><strong>Where we are</strong></p>'
        f"<ul><li>Current state of {safe.lower()}</li>"
        "<li>Key figures: TBD from your data</li></ul></div></div>"
        f'<div class="column"><div class="card"><p><strong>What we recommend</strong></p>'
        f"<ul><li>Priorities for {safe.lower()}</li>"
        "<li>Owner and timeline: TBD</li></ul></div></div>"
        f'</div><aside class="notes">Topic {index} of the request.</aside></section>'
    )


def _closing_slide(topics: list[str]) -> str:
    items = "".join(f"<li>Agree next steps on {html.escape(t.lower())}</li>" for t in topics[:4])
    return f'<section class="slide closing-slide"><h1>Next steps</h1><ul>{items}</ul></section>'


def _data_slides(tables: list[list[dict[str, str]]]) -> list[str]:
    monthly, by_sku, by_workspace = (tables + [[], [], []])[:3]
    slides = []
    if monthly:
        slides.append(_kpi_slide(monthly, by_sku))
        slides.append(
            _chart_slide("Monthly cost trend", "line", monthly, "month", "cost_usd", "$0,0")
        )
    if by_sku:
        slides.append(_chart_slide("Cost by SKU", "bar", by_sku, "sku", "cost_usd", "$0,0"))
    if by_workspace:
        slides.append(_table_slide(by_workspace))
    return slides


def _number(value: str) -> float:
    try:
        return float(value.replace(",", ""))
    except ValueError:
        return 0.0


def _kpi_slide(monthly: list[dict[str, str]], by_sku: list[dict[str, str]]) -> str:
    total = sum(_number(r.get("cost_usd", "0")) for r in monthly)
    dbus = sum(_number(r.get("dbus", "0")) for r in monthly)
    last, prev = (
        (_number(monthly[-1].get("cost_usd", "0")), _number(monthly[-2].get("cost_usd", "0")))
        if len(monthly) > 1
        else (0.0, 0.0)
    )
    change = (last - prev) / prev if prev else 0.0
    top = by_sku[0] if by_sku else {}
    share = _number(top.get("cost_usd", "0")) / total if total else 0.0
    kpis = [
        (
            f"${total / 1000:,.0f}K",
            f"Cost, {monthly[0].get('month')} to {monthly[-1].get('month')}",
            "",
        ),
        (f"{dbus / 1e6:,.2f}M", "DBUs consumed", ""),
        (
            f"{change:+.1%}",
            f"Cost change in {monthly[-1].get('month')}",
            "down" if change > 0 else "up",
        ),
        (f"{share:.0%}", f"Share of cost: {top.get('sku', 'top SKU')}", ""),
    ]
    cells = "".join(
        f'<div class="kpi"><span class="kpi-value">{html.escape(v)}</span>'
        f'<span class="kpi-label">{html.escape(label)}</span>'
        + (
            f'<span class="kpi-delta {d}">{"rising cost" if d == "down" else "falling cost"}</span>'
            if d
            else ""
        )
        + "</div>"
        for v, label, d in kpis
    )
    return (
        f'<section class="slide"><h1>Consumption at a glance</h1><div class="kpis">{cells}</div>'
        f"{SOURCE_FOOTER}</section>"
    )


def _chart_slide(
    title: str, kind: str, rows: list[dict[str, Any]], label: str, value: str, fmt: str
) -> str:
    spec = {
        "type": kind,
        "categories": [r.get(label, "") for r in rows],
        "series": [
            {"name": value.replace("_", " "), "values": [_number(r.get(value, "0")) for r in rows]}
        ],
        "number_format": fmt,
    }
    return (
        f'<section class="slide"><h1>{html.escape(title)}</h1>{chart_figure(spec)}'
        f"{SOURCE_FOOTER}</section>"
    )


def _table_slide(rows: list[dict[str, str]]) -> str:
    head = "".join(f"<th>{html.escape(c)}</th>" for c in rows[0])
    body = "".join(
        "<tr>"
        + "".join(
            f'<td class="num">{html.escape(v)}</td>' if _is_num(v) else f"<td>{html.escape(v)}</td>"
            for v in r.values()
        )
        + "</tr>"
        for r in rows[:8]
    )
    return (
        '<section class="slide"><h1>Consumption by workspace</h1>'
        f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"
        f"{SOURCE_FOOTER}</section>"
    )


def _is_num(value: str) -> bool:
    return bool(re.fullmatch(r"-?[\d,]+(\.\d+)?", value))
