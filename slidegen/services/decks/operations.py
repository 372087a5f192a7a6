"""Edits as operations on slide ids (decision 6): the LLM's context and applying its answer."""

from __future__ import annotations

import html
import re

from slidegen.deck import Deck, Slide, chart_figure
from slidegen.errors import SlidegenError
from slidegen.render.parse import ParsedSlide
from slidegen.services.decks.store import slide_title

_NAMED = re.compile(r"\bslides?\s+((?:\d+\s*(?:-|–|to|,|and|&)?\s*)+)", re.I)
_PLACEHOLDER = re.compile(r'<figure class="chart" data-chart-id="([^"]+)"></figure>')


def slides_named_in(text: str, count: int) -> list[int]:
    """Return the 1-based slide numbers a message names ("slide 3", "slides 2-4 and 6")."""
    numbers: list[int] = []
    for match in _NAMED.finditer(text):
        spec = re.sub(r"\s*(to|–)\s*", "-", match.group(1))
        for part in re.split(r"\s*(?:,|and|&|\s)\s*", spec):
            if re.fullmatch(r"\d+-\d+", part):
                start, end = map(int, part.split("-"))
                numbers += range(start, end + 1)
            elif part.isdigit():
                numbers.append(int(part))
    return [n for n in dict.fromkeys(numbers) if 1 <= n <= count]


def choose_slides(deck: Deck, instruction: str, ticked: list[str]) -> tuple[list[str], str]:
    """Return the slides a request edits, and a note when ticked slides were set aside.

    Slides the message names win over ticks (ticks can be left over from an earlier
    request); the note says so, for the reply.
    """
    numbers = slides_named_in(instruction, len(deck.slides))
    named = [deck.slides[n - 1].slide_id for n in numbers]
    set_aside = [deck.index_of(i) + 1 for i in ticked if i not in named]
    if not named:
        return list(ticked), ""
    if not set_aside:
        return named, ""
    one = len(set_aside) == 1
    return named, (
        f"(You named {_numbers(numbers)}; the ticked {_numbers(set_aside)} "
        f"{'was' if one else 'were'} not used.)"
    )


def _numbers(numbers: list[int]) -> str:
    noun = "slide" if len(numbers) == 1 else "slides"
    return f"{noun} {', '.join(map(str, numbers))}"


def edit_request_text(deck: Deck, instruction: str, slide_ids: list[str]) -> tuple[str, list[str]]:
    """Return the user message for an edit (outline + selected slides) and the selection."""
    selected = list(slide_ids)
    if not selected:
        named = slides_named_in(instruction, len(deck.slides))
        selected = [deck.slides[n - 1].slide_id for n in named] or [s.slide_id for s in deck.slides]
    outline = "\n".join(
        f"{number}. [{slide.slide_id}] {slide_title(slide.html)}"
        for number, slide in enumerate(deck.slides, 1)
    )
    bodies = "\n".join(_with_specs(deck.slides[deck.index_of(sid)]) for sid in selected)
    text = (
        f"# Deck outline\n{outline}\n\n# Selected slides\n{bodies}\n\n# Instruction\n{instruction}"
    )
    return text, selected


def _with_specs(slide: Slide) -> str:
    """Give the model each chart's data inline, and the slide's id to refer to it."""
    charts = {chart.chart_id: chart for chart in slide.charts}

    def inline(match: re.Match[str]) -> str:
        chart = charts.get(match.group(1))
        if chart is None:
            return match.group(0)
        return chart_figure(chart.model_dump(exclude={"chart_id"}, exclude_none=True))

    body = _PLACEHOLDER.sub(inline, slide.html)
    body = body.replace("<section", f'<section data-slide-id="{slide.slide_id}"', 1)
    notes = f'<aside class="notes">{html.escape(slide.notes)}</aside>' if slide.notes else ""
    return body.replace("</section>", f"{notes}</section>") if notes else body


def apply_operations(
    deck: Deck, operations: list[ParsedSlide], selected: list[str], *, answer: str = ""
) -> tuple[Deck, str]:
    """Apply replace / insert / delete operations all-or-nothing; describe what changed.

    Without operations, or when they change nothing, it raises with the model's own sentence
    (e.g. why it cannot do the edit) when it wrote one, so the chat never says "Edited".
    """
    if not operations:
        raise SlidegenError(_no_change(answer))
    slides = list(deck.slides)
    done: dict[str, list[int]] = {"Edited": [], "Inserted": [], "Deleted": []}
    for op in operations:
        kind = op.op or ("replace" if op.slide_id or len(selected) == 1 else "insert")
        target = op.slide_id or (selected[0] if kind == "replace" else None)
        if kind in ("replace", "delete"):
            index = _index(slides, target)
            if kind == "delete":
                done["Deleted"].append(index + 1)
                slides.pop(index)
            else:
                old = slides[index]
                new = Slide(
                    slide_id=old.slide_id,
                    html=op.html,
                    charts=op.charts,
                    notes=op.notes or old.notes,
                )
                if _same(old, new):
                    continue
                slides[index] = new
                done["Edited"].append(index + 1)
        else:
            after = op.after or (selected[-1] if selected else "start")
            position = 0 if after == "start" else _index(slides, after) + 1
            slides.insert(position, Slide(html=op.html, charts=op.charts, notes=op.notes))
            done["Inserted"].append(position + 1)
    if not slides:
        raise SlidegenError("That edit would delete every slide; keep at least one.")
    if not any(done.values()):
        raise SlidegenError("Nothing changed: the edit left every slide as it was.")
    return deck.model_copy(update={"slides": slides}), _describe(done)


def _same(old: Slide, new: Slide) -> bool:
    """Whether a replacement is the slide as it was (chart ids and spacing differ on a parse)."""

    def charts(slide: Slide) -> list[dict[str, object]]:
        return [chart.model_dump(exclude={"chart_id"}) for chart in slide.charts]

    def markup(slide: Slide) -> str:
        return " ".join(_PLACEHOLDER.sub("<figure/>", slide.html).split())

    return (markup(old), old.notes, charts(old)) == (markup(new), new.notes, charts(new))


def _no_change(answer: str) -> str:
    """The model's sentence when it answered in words instead of operations, else a hint."""
    text = " ".join(re.sub(r"<[^>]*>", " ", answer).split())
    if text:
        return html.unescape(text)[:300]
    return "The model returned no changes; rephrase the instruction or select slides."


def _index(slides: list[Slide], slide_id: str | None) -> int:
    for index, slide in enumerate(slides):
        if slide.slide_id == slide_id:
            return index
    raise SlidegenError(
        f"The model referred to a slide that is not in the deck ({slide_id}); nothing was changed."
    )


def _describe(done: dict[str, list[int]]) -> str:
    parts = []
    for verb, numbers in done.items():
        if numbers:
            noun = "slide" if len(numbers) == 1 else "slides"
            parts.append(f"{verb} {noun} {', '.join(map(str, numbers))}")
    return "; ".join(parts)
