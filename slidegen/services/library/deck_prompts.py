"""Deck prompts: reusable instructions for a kind of deck, shared by every profile."""

from __future__ import annotations

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from slidegen.db.models import ConfigPrompts, SlideDeckPrompt
from slidegen.identity import User
from slidegen.schemas.library import DeckPromptDetail, DeckPromptIn, DeckPromptSummary
from slidegen.services.library.common import (
    ItemKind,
    check_may_change,
    create_item,
    duplicate_item,
    load_by_id,
    load_by_name,
    profiles_using,
    update_item,
)

WHAT = "deck prompt"
KIND = ItemKind(SlideDeckPrompt, WHAT, "prompt_content", "deck prompt's content", DeckPromptIn)


def search_deck_prompts(
    session: Session,
    user: User,
    *,
    text: str = "",
    category: str | None = None,
    active_only: bool = False,
) -> list[DeckPromptSummary]:
    """List deck prompts matching a search text (name, description, content) and category."""
    query = select(SlideDeckPrompt).order_by(SlideDeckPrompt.category, SlideDeckPrompt.name)
    if text.strip():
        pattern = f"%{text.strip().lower()}%"
        query = query.where(
            or_(
                SlideDeckPrompt.name.ilike(pattern),
                SlideDeckPrompt.description.ilike(pattern),
                SlideDeckPrompt.prompt_content.ilike(pattern),
            )
        )
    if category:
        query = query.where(SlideDeckPrompt.category == category)
    if active_only:
        query = query.where(SlideDeckPrompt.is_active.is_(True))
    return [DeckPromptSummary.model_validate(row) for row in session.scalars(query)]


def get_deck_prompt(session: Session, user: User, *, prompt_id: int) -> DeckPromptDetail:
    """Return one deck prompt with its content and the profiles using it."""
    return _detail(session, _load(session, prompt_id))


def find_deck_prompt(session: Session, user: User, *, name: str) -> DeckPromptDetail:
    """Return the deck prompt with this name (case-insensitive)."""
    return _detail(session, load_by_name(session, SlideDeckPrompt, name, WHAT))


def create_deck_prompt(
    session: Session,
    user: User,
    *,
    name: str,
    prompt_content: str,
    description: str | None = None,
    category: str | None = None,
    is_active: bool = True,
) -> DeckPromptDetail:
    """Add a deck prompt; the name must be unique and the content non-empty."""
    item = DeckPromptIn(
        name=name,
        prompt_content=prompt_content,
        description=description,
        category=category,
        is_active=is_active,
    )
    return _detail(session, create_item(session, user, KIND, item))


def update_deck_prompt(
    session: Session,
    user: User,
    *,
    prompt_id: int,
    name: str | None = None,
    prompt_content: str | None = None,
    description: str | None = None,
    category: str | None = None,
    is_active: bool | None = None,
) -> DeckPromptDetail:
    """Change the given fields of a deck prompt (None leaves a field as it is)."""
    changes = {
        "name": name,
        "prompt_content": prompt_content,
        "description": description,
        "category": category,
        "is_active": is_active,
    }
    return _detail(session, update_item(session, user, KIND, _load(session, prompt_id), changes))


def duplicate_deck_prompt(session: Session, user: User, *, prompt_id: int) -> DeckPromptDetail:
    """Copy a deck prompt under a free `NAME (copy)` name."""
    return _detail(session, duplicate_item(session, user, KIND, _load(session, prompt_id)))


def delete_deck_prompt(session: Session, user: User, *, prompt_id: int) -> list[str]:
    """Delete a deck prompt; return the profiles that used it (they now select none)."""
    row = _load(session, prompt_id)
    check_may_change(user, row, row.name, "delete")
    used = profiles_using(session, ConfigPrompts.selected_deck_prompt_id, [row.id]).get(row.id, [])
    session.delete(row)
    session.flush()
    session.expire_all()  # ON DELETE SET NULL changed config_prompts rows behind the ORM
    return used


def deck_prompt_categories(session: Session, user: User) -> list[str]:
    """Return the categories in use, sorted."""
    query = select(SlideDeckPrompt.category).where(SlideDeckPrompt.category.is_not(None))
    return sorted(set(session.scalars(query.distinct())))


def _load(session: Session, prompt_id: int) -> SlideDeckPrompt:
    return load_by_id(session, SlideDeckPrompt, prompt_id, WHAT)


def _detail(session: Session, row: SlideDeckPrompt) -> DeckPromptDetail:
    used = profiles_using(session, ConfigPrompts.selected_deck_prompt_id, [row.id])
    return DeckPromptDetail.model_validate(
        {
            **DeckPromptSummary.model_validate(row).model_dump(),
            "prompt_content": row.prompt_content,
            "used_by": used.get(row.id, []),
        }
    )
