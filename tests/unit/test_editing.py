"""Edits are operations on slide ids, applied all-or-nothing."""

from __future__ import annotations

import pytest

from slidegen.deck import ChartSeries, ChartSpec, Deck, Slide
from slidegen.errors import SlidegenError
from slidegen.render.parse import ParsedSlide, parse_deck
from slidegen.services.decks.operations import (
    apply_operations,
    choose_slides,
    edit_request_text,
    slides_named_in,
)


def _deck(n: int = 4) -> Deck:
    return Deck(
        title="D",
        slides=[
            Slide(slide_id=f"s{i}", html=f'<section class="slide"><h1>Title {i}</h1></section>')
            for i in range(1, n + 1)
        ],
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("make slide 3 shorter", [3]),
        ("slides 2 and 4 need a new title", [2, 4]),
        ("merge slides 1-3", [1, 2, 3]),
        ("fix slides 2, 4 & 9", [2, 4]),
        ("make the chart bigger", []),
    ],
)
def test_slides_named_in_a_message(text: str, expected: list[int]) -> None:
    assert slides_named_in(text, count=5) == expected


def test_edit_context_is_outline_plus_selected_slides_only() -> None:
    deck = _deck(20)
    chart = ChartSpec(chart_id="c1", type="bar", categories=["a"], series=[ChartSeries(values=[1])])
    deck.slides[4] = Slide(
        slide_id="s5",
        html='<section class="slide"><h1>Title 5</h1>'
        '<figure class="chart" data-chart-id="c1"></figure></section>',
        charts=[chart],
    )
    text, selected = edit_request_text(deck, "make slide 5 a line chart", [])
    assert selected == ["s5"]
    assert "20. [s20] Title 20" in text
    assert text.count("<section") == 1 and 'data-slide-id="s5"' in text
    assert "data-chart='" in text and '"type": "bar"' in text


def test_replace_insert_delete_apply_together() -> None:
    answer = parse_deck(
        '<section class="slide" data-op="replace" data-slide-id="s2"><h1>New two</h1></section>'
        '<section class="slide" data-op="insert" data-after="s3"><h1>Inserted</h1></section>'
        '<section class="slide" data-op="delete" data-slide-id="s4"></section>'
    )
    deck, description = apply_operations(_deck(), answer.slides, ["s2"])
    titles = [s.html for s in deck.slides]
    assert ["New two" in t for t in titles] == [False, True, False, False]
    assert "Inserted" in titles[3] and len(deck.slides) == 4
    assert deck.slides[1].slide_id == "s2"  # ids are stable
    assert description == "Edited slide 2; Inserted slide 4; Deleted slide 5"


def test_an_unknown_slide_id_changes_nothing() -> None:
    deck = _deck()
    ops = [
        ParsedSlide(html="<section></section>", op="replace", slide_id="s1"),
        ParsedSlide(html="", op="delete", slide_id="zz"),
    ]
    with pytest.raises(SlidegenError, match="not in the deck"):
        apply_operations(deck, ops, [])
    assert [s.slide_id for s in deck.slides] == ["s1", "s2", "s3", "s4"]


def test_no_operations_and_deleting_everything_are_refused() -> None:
    with pytest.raises(SlidegenError, match="no changes"):
        apply_operations(_deck(), [], [])
    with pytest.raises(SlidegenError, match="every slide"):
        apply_operations(_deck(1), [ParsedSlide(html="", op="delete", slide_id="s1")], ["s1"])


@pytest.mark.parametrize(
    ("text", "ticked", "chosen", "note"),
    [
        ("make it shorter", ["s7", "s9"], ["s7", "s9"], ""),
        ("make slide 5 a line chart", [], ["s5"], ""),
        ("make slide 5 a line chart", ["s5"], ["s5"], ""),
        ("make slides 5 and 7 shorter", ["s7"], ["s5", "s7"], ""),
        (
            "make slide 5 a line chart",
            ["s7", "s9"],
            ["s5"],
            "(You named slide 5; the ticked slides 7, 9 were not used.)",
        ),
        (
            "fix slides 2-3",
            ["s1"],
            ["s2", "s3"],
            "(You named slides 2, 3; the ticked slide 1 was not used.)",
        ),
    ],
)
def test_named_slides_win_over_ticked_ones(
    text: str, ticked: list[str], chosen: list[str], note: str
) -> None:
    assert choose_slides(_deck(10), text, ticked) == (chosen, note)


def test_slides_handed_back_unchanged_are_not_reported_as_edited() -> None:
    chart = ChartSpec(chart_id="c1", type="bar", categories=["a"], series=[ChartSeries(values=[1])])
    deck = _deck(3)
    deck.slides[1] = Slide(
        slide_id="s2",
        html='<section class="slide"><h1>Title 2</h1>'
        '<figure class="chart" data-chart-id="c1"></figure></section>',
        charts=[chart],
        notes="Keep it short.",
    )
    text, selected = edit_request_text(deck, "tidy slides 2 and 3", [])
    # The model hands back exactly the slides it was given (a real round trip through the parser).
    sections = text.split("# Selected slides\n", 1)[1].split("\n\n# Instruction", 1)[0]
    answer = parse_deck(sections.replace("<section", '<section data-op="replace"'))
    with pytest.raises(SlidegenError, match="Nothing changed"):
        apply_operations(deck, answer.slides, selected)

    answer.slides[1].html = answer.slides[1].html.replace("Title 3", "Title three")
    _, description = apply_operations(deck, answer.slides, selected)
    assert description == "Edited slide 3"
