"""The demo: every shipped deck prompt x every shipped slide style, written by the offline engine.

The engine answers as in a request: its tool calls run through the real SQL tool on the sample
data, its text is parsed and sanitised as the generation engine does, and the tool results
are captured as they are kept with a request. Then the verification's own checks run: every
number must match the data (no special cases), and the layout check (WeasyPrint: text outside
the canvas, overflowing or clipped, overlaps, text under 12 px, contrast, mostly empty) must
find nothing on any slide of the 16 decks. One layout pass per style covers its four decks
(a slide two decks share is laid out once).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from slidegen import seed_content
from slidegen.deck import Slide
from slidegen.llm.base import Message, TextDelta, ToolCallEvent, ToolSpec
from slidegen.llm.offline import OfflineProvider
from slidegen.llm.prompt import PromptParts, compose_system_prompt
from slidegen.render.layout_check import available, check_layout
from slidegen.render.parse import parse_deck
from slidegen.seed_content.prompts import DEFAULT_SYSTEM_PROMPT
from slidegen.services.verification.data import capture
from slidegen.services.verification.service import check_slides
from slidegen.tools.sample_data import ensure_sample_database
from slidegen.tools.sql import SqlTool

PLACEHOLDER = re.compile(r"\bTBD\b|\bTODO\b|lorem ipsum|placeholder|\?\?\?", re.I)
STYLES = {style.name: style.style_content for style in seed_content.SLIDE_STYLES}
PROMPTS = [prompt.name for prompt in seed_content.DECK_PROMPTS]


def write_deck(tool: SqlTool, prompt_name: str) -> tuple[list[Slide], list[dict[str, Any]]]:
    """Return the deck the offline engine writes for a deck prompt's card, and its data."""
    seed = next(p for p in seed_content.DECK_PROMPTS if p.name == prompt_name)
    parts = PromptParts(
        DEFAULT_SYSTEM_PROMPT, deck_prompt=seed.prompt_content, deck_prompt_name=seed.name
    )
    system = compose_system_prompt(parts, max_slides=12, edit_mode=False)
    spec = ToolSpec(tool.name, tool.description, {}, kind="sql")
    messages = [Message("system", system), Message("user", seed_content.starter_request(seed.name))]
    provider = OfflineProvider()
    results = []
    while True:  # the engine queries (in two rounds: the data, then its estimates) and writes
        events = list(provider.stream(messages, [spec], temperature=0, max_tokens=0))
        calls = [e for e in events if isinstance(e, ToolCallEvent)]
        if not calls:
            break
        ran = [(call, tool.run(call.arguments)) for call in calls]
        messages.append(Message("assistant", tool_calls=tuple(calls)))
        messages += [
            Message("tool", result.content, tool_call_id=call.id, name=call.name)
            for call, result in ran
        ]
        results += ran
    text = "".join(e.text for e in events if isinstance(e, TextDelta))
    slides = [Slide(html=s.html, charts=s.charts, notes=s.notes) for s in parse_deck(text).slides]
    return slides, [capture(call.name, call.arguments, result) for call, result in results]


@pytest.fixture(scope="module")
def decks(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, tuple]]:
    """The four deck prompts' decks (the style does not change what the engine writes)."""
    path = Path(tmp_path_factory.mktemp("sample")) / "sample.db"
    tool = SqlTool(
        "sample_consumption", "workspace_consumption, workspaces", ensure_sample_database(path)
    )
    yield {name: write_deck(tool, name) for name in PROMPTS}
    tool.close()


@pytest.mark.parametrize("prompt_name", PROMPTS)
def test_every_number_on_a_deck_prompts_deck_matches_its_data(
    decks: dict[str, tuple], prompt_name: str
) -> None:
    slides, results = decks[prompt_name]
    assert len(slides) >= 7 and len(results) >= 6
    checked = check_slides("", slides, results, None)
    numbers = [f for findings, _ in checked for f in findings]
    wrong = [(f.number, f.verdict, f.text) for f in numbers if f.verdict != "verified"]
    assert len(numbers) > 40 and wrong == []
    assert not [s.html for s in slides if PLACEHOLDER.search(s.html)]
    assert all(s.notes for s in slides)


@pytest.mark.skipif(not available(), reason="WeasyPrint's Pango library is not installed")
@pytest.mark.parametrize("style", list(STYLES))
def test_every_slide_of_the_four_decks_lays_out_cleanly_in_each_style(
    decks: dict[str, tuple], style: str
) -> None:
    slides = [(name, n, slide) for name in PROMPTS for n, slide in enumerate(decks[name][0], 1)]
    unique = list({slide.html: slide for _, _, slide in slides}.values())  # decks share slides
    issues = dict(zip([s.html for s in unique], check_layout(STYLES[style], unique), strict=True))
    found = [
        (name, n, issue.check, issue.text)
        for name, n, slide in slides
        for issue in issues[slide.html]
    ]
    assert len(slides) >= 28 and found == []
