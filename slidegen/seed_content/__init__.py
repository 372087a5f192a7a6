"""Seed content for Slidegen: default prompts, deck prompts and slide styles."""

from __future__ import annotations

from .deck_prompts import DECK_PROMPTS, STARTER_REQUESTS, starter_request
from .prompts import (
    DEFAULT_SLIDE_EDITING_INSTRUCTIONS,
    DEFAULT_SYSTEM_PROMPT,
    DEFAULT_USER_PROMPT_TEMPLATE,
)
from .records import DeckPromptSeed, SlideStyleSeed
from .styles import SLIDE_STYLES

__all__ = [
    "DECK_PROMPTS",
    "DEFAULT_SLIDE_EDITING_INSTRUCTIONS",
    "DEFAULT_SYSTEM_PROMPT",
    "DEFAULT_USER_PROMPT_TEMPLATE",
    "DeckPromptSeed",
    "SLIDE_STYLES",
    "STARTER_REQUESTS",
    "SlideStyleSeed",
    "starter_request",
]
