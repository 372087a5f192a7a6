"""Prompt assembly: fixed order, safe placeholders, template validation."""

from __future__ import annotations

from slidegen.llm.prompt import (
    SLIDE_CONTRACT,
    PromptParts,
    compose_system_prompt,
    compose_user_message,
    fill_placeholders,
    template_problems,
)
from slidegen.seed_content import (
    DEFAULT_SLIDE_EDITING_INSTRUCTIONS,
    DEFAULT_SYSTEM_PROMPT,
    DEFAULT_USER_PROMPT_TEMPLATE,
)

PARTS = PromptParts(
    system_prompt="SYSTEM at most {max_slides} slides {{literal}}",
    deck_prompt="DECK PROMPT",
    deck_prompt_name="QBR",
    style_css=".slide { color: red; }",
    style_name="Minimal",
    image_guidelines="IMAGES",
    editing_instructions="EDITING",
)


def test_sections_come_in_the_documented_order() -> None:
    prompt = compose_system_prompt(PARTS, max_slides=9, edit_mode=True)
    order = [
        prompt.index(marker)
        for marker in (
            "SYSTEM",
            "DECK PROMPT",
            ".slide { color",
            "IMAGES",
            SLIDE_CONTRACT[:30],
            "EDITING",
        )
    ]
    assert order == sorted(order)
    assert "at most 9 slides {literal}" in prompt


def test_editing_instructions_only_in_edit_mode() -> None:
    assert "EDITING" not in compose_system_prompt(PARTS, max_slides=5, edit_mode=False)


def test_unknown_and_malformed_placeholders_never_crash() -> None:
    assert (
        fill_placeholders("a {unknown} b {max_slides} c {", {"max_slides": "3"})
        == "a {unknown} b 3 c {"
    )
    assert compose_user_message("Q: {question} {oops", "why?") == "Q: why? {oops"


def test_user_template_without_question_gets_it_appended() -> None:
    assert compose_user_message("Be brief.", "Cost review") == "Be brief.\n\nCost review"


def test_template_problems_name_what_is_wrong() -> None:
    assert template_problems("{question}", required=("question",)) == []
    problems = template_problems("{questoin} {", required=("question",))
    assert any("Unknown placeholder {questoin}" in p for p in problems)
    assert any("must contain {question}" in p for p in problems)
    assert any("Unmatched brace" in p for p in problems)


def test_seeded_prompts_are_valid_templates() -> None:
    assert template_problems(DEFAULT_SYSTEM_PROMPT, required=("max_slides",)) == []
    assert template_problems(DEFAULT_SLIDE_EDITING_INSTRUCTIONS) == []
    assert template_problems(DEFAULT_USER_PROMPT_TEMPLATE, required=("question",)) == []
    filled = fill_placeholders(DEFAULT_SYSTEM_PROMPT, {"max_slides": "12"})
    assert '{"type": "column"' in filled and "{max_slides}" not in filled
