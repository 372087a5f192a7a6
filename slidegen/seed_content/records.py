"""Frozen record types for the seed deck prompts and slide styles."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class DeckPromptSeed:
    """A reusable deck prompt (storyline template) seeded into the library."""

    name: str
    category: str
    description: str
    prompt_content: str


@dataclass(frozen=True)
class SlideStyleSeed:
    """A slide style (deck CSS plus image guidance) seeded into the library."""

    name: str
    category: str
    description: str
    style_content: str
    image_guidelines: str
    is_system: bool
    is_default: bool
