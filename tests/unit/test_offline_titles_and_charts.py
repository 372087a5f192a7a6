"""Deck titles from a request's subject, and the offline engine's chart-type conversions."""

from __future__ import annotations

import pytest

from slidegen.llm.offline import deck_title, storyline
from slidegen.llm.offline_edit_ops import _convert
from slidegen.llm.titles import subject_title

MONTHLY = {
    "type": "stacked",
    "categories": ["Nov 2025", "Dec 2025", "Jan 2026"],
    "series": [{"name": "Jobs", "values": [1, 2, 3]}, {"name": "SQL", "values": [4, 5, 6]}],
}


@pytest.mark.parametrize(
    ("request_text", "title"),
    [
        ("Cloud cost review: monthly trend, SKU mix and next steps", "Cloud cost review"),
        (
            "Executive summary of our cloud spend for the CFO — keep it short, use € not $",
            "Executive summary of cloud spend",
        ),
        ("Create a 5-slide deck about workspace costs", "Workspace costs"),
        (  # the user prompt template's lead-in line is skipped
            "Create a slide deck for this request:\n\nQuarterly review of data platform",
            "Quarterly review of data platform",
        ),
        ("x " * 2000, None),
        ("42", None),
    ],
)
def test_titles_are_the_subject_in_its_own_words_or_nothing(
    request_text: str, title: str | None
) -> None:
    assert subject_title(request_text) == title


def test_a_request_without_a_short_subject_gets_the_storylines_name() -> None:
    long_request = "Walk through " + " ".join(["every cost and every team"] * 200)
    system = "# Deck prompt: Quarterly Business Review\n\n..."
    assert storyline(system, long_request) == "quarterly"
    assert deck_title(long_request, "quarterly") == "Quarterly business review"


def test_a_time_series_stays_vertical_and_never_becomes_a_pie() -> None:
    assert _convert(MONTHLY, "bar")["type"] == "column"  # time stays along the x axis
    assert _convert(MONTHLY, "line")["categories"] == MONTHLY["categories"]
    single = {**MONTHLY, "series": MONTHLY["series"][:1]}
    assert isinstance(_convert(single, "pie"), str)
    shares = _convert(MONTHLY, "pie")  # several series: shares of their totals
    assert shares["categories"] == ["Jobs", "SQL"]
    assert shares["series"] == [{"name": "Total", "values": [6, 15]}]
    ranked = {"type": "bar", "categories": ["a", "b"], "series": [{"values": [2, 1]}]}
    assert _convert(ranked, "pie")["type"] == "pie"
    assert _convert(ranked, "bar") == "That chart is already a bar chart."
