"""Deck prompts: reusable instructions for a kind of deck, shared by every profile."""

from __future__ import annotations

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from slidegen.db.models import ConfigPrompts, SlideDeckPrompt
from slidegen.identity import User
from slidegen.schemas.library import DeckPromptDetail, DeckPromptSummary
from slidegen.services.library.common import (
    clean_category,
    clean_content,
    clean_name,
    ensure_unique,
    free_copy_name,
    load_by_id,
    load_by_name,
    profiles_using,
)

WHAT = "deck prompt"


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
    name = clean_name(name, WHAT)
    ensure_unique(session, SlideDeckPrompt, name, WHAT, own_id=None)
    row = SlideDeckPrompt(
        name=name,
        prompt_content=clean_content(prompt_content, "deck prompt's content"),
        description=(description or "").strip() or None,
        category=clean_category(category),
        is_active=is_active,
        created_by=user.name,
        updated_by=user.name,
    )
    session.add(row)
    session.flush()
    return _detail(session, row)


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
    row = _load(session, prompt_id)
    if name is not None:
        name = clean_name(name, WHAT)
        # Checked before assigning: autoflush would otherwise hit the unique index first.
        ensure_unique(session, SlideDeckPrompt, name, WHAT, own_id=row.id)
        row.name = name
    if prompt_content is not None:
        row.prompt_content = clean_content(prompt_content, "deck prompt's content")
    if description is not None:
        row.description = description.strip() or None
    if category is not None:
        row.category = clean_category(category)
    if is_active is not None:
        row.is_active = is_active
    row.updated_by = user.name
    session.flush()
    return _detail(session, row)


def duplicate_deck_prompt(session: Session, user: User, *, prompt_id: int) -> DeckPromptDetail:
    """Copy a deck prompt under a free `NAME (copy)` name."""
    source = _load(session, prompt_id)
    return create_deck_prompt(
        session,
        user,
        name=free_copy_name(session, SlideDeckPrompt, source.name),
        prompt_content=source.prompt_content,
        description=source.description,
        category=source.category,
        is_active=source.is_active,
    )


def delete_deck_prompt(session: Session, user: User, *, prompt_id: int) -> list[str]:
    """Delete a deck prompt; return the profiles that used it (they now select none)."""
    row = _load(session, prompt_id)
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
