"""Library queries (editing arrives with the library issue)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from slidegen.db.models import SlideDeckPrompt, SlideStyle
from slidegen.identity import User
from slidegen.schemas.library import DeckPromptSummary, SlideStyleSummary


def list_deck_prompts(session: Session, user: User) -> list[DeckPromptSummary]:
    """List every deck prompt, grouped by category then name."""
    prompts = session.scalars(
        select(SlideDeckPrompt).order_by(SlideDeckPrompt.category, SlideDeckPrompt.name)
    )
    return [DeckPromptSummary.model_validate(prompt) for prompt in prompts]


def list_slide_styles(session: Session, user: User) -> list[SlideStyleSummary]:
    """List every slide style, the default first, then by name."""
    styles = session.scalars(
        select(SlideStyle).order_by(SlideStyle.is_default.desc(), SlideStyle.name)
    )
    return [SlideStyleSummary.model_validate(style) for style in styles]
