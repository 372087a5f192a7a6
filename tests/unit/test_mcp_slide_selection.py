"""How edit_deck reads its `slides` argument: numbers, numbers as text, slide ids."""

from __future__ import annotations

import pytest

from slidegen.agents.deck_tools import slide_selection
from slidegen.errors import InvalidInputError


def test_numbers_and_ids_are_kept_and_digit_text_becomes_a_number() -> None:
    assert slide_selection([2, " 5 ", "s-1a2b3c4d"]) == [2, 5, "s-1a2b3c4d"]


def test_no_selection_means_the_slides_the_instruction_names() -> None:
    assert slide_selection(None) is None
    assert slide_selection([]) is None


@pytest.mark.parametrize("bad", [True, " ", 2.5])
def test_anything_else_is_one_sentence(bad: object) -> None:
    with pytest.raises(InvalidInputError, match="Slides are numbers"):
        slide_selection([bad])  # type: ignore[list-item]
