"""The offline demo engine: real decks from the sample data without a network or a model.

It answers like a model would, through the real pipeline: it first calls the profile's SQL
data tool with the queries of `offline_data`, then computes its findings from the results and
streams HTML slides in the slide contract, following the storyline of the selected deck prompt
(or the topics of a free request). In edit mode it returns operations (see `offline_edit`).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator

from slidegen.llm.base import Finished, LLMEvent, Message, TextDelta, ToolCallEvent, ToolSpec, Usage
from slidegen.llm.offline_briefs import executive_summary, topic_deck, use_case_analysis
from slidegen.llm.offline_data import QUERIES, Tables, parse_table
from slidegen.llm.offline_edit import edit_operations, needs_data
from slidegen.llm.offline_estimates import ESTIMATES, apply_estimates, estimate_queries
from slidegen.llm.offline_findings import Findings, analyse
from slidegen.llm.offline_slides import Card, cards_slide, esc, title_slide
from slidegen.llm.offline_story import consumption_review, quarterly_review
from slidegen.llm.titles import subject_title

CHUNK_CHARS = 48
DEFAULT_MAX_SLIDES = 12
SAMPLE_TABLE = "workspace_consumption"  # the source holding it is preferred
SQL_KIND = "sql"
SHORT_DECK = 6
_CURRENCY = re.compile(r"€|£|\b(euros?|eur|gbp|pounds?)\b", re.I)
USD_NOTE = "The data is in US dollars and holds no exchange rate, so every figure stays in USD."
_DATA_WORDS = re.compile(
    r"\b(cost|costs|consumption|usage|spend|spending|dbus?|billing|data|sku|workspaces?|"
    r"budget|savings?|platform)\b",
    re.I,
)
_STORIES = [
    (r"consumption", "consumption"),
    (r"quarterly|\bqbr\b", "quarterly"),
    (r"executive", "executive"),
    (r"use[- ]case", "use_cases"),
]
_DEFAULT_TITLES = {
    "consumption": "Consumption review",
    "quarterly": "Quarterly business review",
    "executive": "Executive summary",
    "use_cases": "Use case analysis",
    "topics": "Platform cost review",
}


class OfflineProvider:
    """A deterministic stand-in for an LLM (the UI and CLI say it is a demo engine)."""

    name = "offline"

    def stream(
        self, messages: list[Message], tools: list[ToolSpec], *, temperature: float, max_tokens: int
    ) -> Iterator[LLMEvent]:
        """Call the SQL tool once with every query, then stream the deck (or the edit)."""
        system = (messages[0].content or "") if messages else ""
        request = next((m.content or "" for m in reversed(messages) if m.role == "user"), "")
        results = [m for m in messages if m.role == "tool"]
        tool = sql_tool_name(tools) if not results else None
        if "# Selected slides" in request:
            if tool and needs_data(request):
                yield from _query_calls(tool)
                return
            text = edit_operations(request, _tables(results))
        else:
            story = storyline(system, request)
            if tool and (story != "topics" or _DATA_WORDS.search(request)):
                yield from _query_calls(tool)
                return
            tables = _tables(results)
            estimates = estimate_queries(analyse(tables)) if tables.complete else {}
            if estimates and not any(key in tables.by_query for key in estimates):
                yield from _calls(results[-1].name or "", estimates)  # the same data source
                return
            text = deck_html(request, system, tables)
        for start in range(0, len(text), CHUNK_CHARS):
            yield TextDelta(text[start : start + CHUNK_CHARS])
        prompt_chars = sum(len(m.content or "") for m in messages)
        yield Usage(prompt_tokens=prompt_chars // 4, completion_tokens=len(text) // 4)
        yield Finished("stop")


def sql_tool_name(tools: list[ToolSpec]) -> str | None:
    """Return the SQL data source to query, chosen by kind, never by its parameters' names.

    Among several SQL sources, the one whose description names the sample table wins.
    """
    sources = [tool for tool in tools if tool.kind == SQL_KIND]
    holding = [tool for tool in sources if SAMPLE_TABLE in tool.description]
    return next((tool.name for tool in holding or sources), None)


def _query_calls(tool_name: str) -> Iterator[LLMEvent]:
    yield from _calls(tool_name, QUERIES)


def _calls(tool_name: str, queries: dict[str, str]) -> Iterator[LLMEvent]:
    for key, sql in queries.items():
        arguments = {"query": sql}
        yield ToolCallEvent(f"call_{key}", tool_name, arguments, json.dumps(arguments))
    yield Finished("tool_calls")


def _tables(results: list[Message]) -> Tables:
    tables = Tables()
    for message in results:
        key = (message.tool_call_id or "").removeprefix("call_")
        if key in QUERIES or key in ESTIMATES:
            tables.by_query[key] = parse_table(message.content or "")
    return tables


def storyline(system: str, request: str) -> str:
    """Return the storyline: the selected deck prompt's, else one the request names, else topics."""
    match = re.search(r"^# Deck prompt: (.+)$", system, re.M)
    for text in ([match.group(1)] if match else []) + [request[:200]]:
        for pattern, story in _STORIES:
            if re.search(pattern, text, re.I):
                return story
    return "topics"


def deck_title(request: str, story: str) -> str:
    """Return a short title from the request's subject, or the storyline's name; never cut text."""
    return subject_title(request) or _DEFAULT_TITLES[story]


def audience_of(request: str) -> str:
    """Return who the deck is for when the request says so ("for the CFO")."""
    match = re.search(r"\bfor\s+(the\s+|our\s+)?([A-Z][\w&-]*(?:\s+[A-Z][\w&-]*)*)", request)
    return (match.group(1) or "") + match.group(2) if match else ""


def deck_html(request: str, system: str, tables: Tables) -> str:
    """Return the whole answer: a `<title>` and the slides."""
    match = re.search(r"at most (\d+) slides", system)
    max_slides = int(match.group(1)) if match else DEFAULT_MAX_SLIDES
    story = storyline(system, request)
    title = deck_title(request, story)
    if not tables.complete:
        slides = _without_data(title, request)
    else:
        short = bool(re.search(r"\b(short|brief|concise)\b", request, re.I))
        slides = _build(story, apply_estimates(analyse(tables), tables), title, request, short)
        max_slides = min(max_slides, SHORT_DECK) if short else max_slides
        if _CURRENCY.search(request):  # say why the figures stay in dollars
            slides[0] = slides[0].replace("</aside>", f" {USD_NOTE}</aside>", 1)
    if len(slides) > max_slides:  # keep the title and the closing recommendation
        slides = slides[: max_slides - 1] + slides[-1:]
    return f"<title>{esc(title)}</title>\n" + "\n".join(slides)


def _build(story: str, findings: Findings, title: str, request: str, short: bool) -> list[str]:
    if story == "consumption":
        return consumption_review(findings, title)
    if story == "quarterly":
        return quarterly_review(findings, title)
    if story == "executive":
        return executive_summary(findings, title, audience=audience_of(request), short=short)
    if story == "use_cases":
        return use_case_analysis(findings, title)
    return topic_deck(findings, title, request)


def _without_data(title: str, request: str) -> list[str]:
    """Two honest slides when there is no data to write from."""
    cards = [
        Card(
            "What this demo engine does",
            [
                "Writes decks from the sample consumption data",
                "Computes every figure from SQL results",
            ],
        ),
        Card(
            "What it needs here",
            [
                "A request about cost, usage or the platform",
                "The sample data source in the profile",
            ],
        ),
        Card(
            "For any other topic",
            ["Configure a model in Profiles", "Databricks or any OpenAI-compatible server"],
        ),
    ]
    notes = (
        "The offline engine writes only what it can compute from data; "
        "this request had none to query."
    )
    return [
        title_slide(
            title,
            "Drafted by the offline demo engine",
            "No data was available for this request",
            notes,
        ),
        cards_slide("This request needs a model or data", cards, "", notes),
    ]
