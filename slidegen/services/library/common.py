"""Validation shared by the deck prompt and slide style services."""

from __future__ import annotations

from typing import Any, TypeVar

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from slidegen.db.models import ConfigProfile, ConfigPrompts
from slidegen.errors import ConflictError, NotFoundError, ValidationError

T = TypeVar("T")
MAX_NAME = 255
MAX_CATEGORY = 100
MAX_CONTENT = 200_000


def clean_name(name: str, what: str) -> str:
    """Return the trimmed name, or raise when it is empty or too long."""
    name = " ".join((name or "").split())
    if not name:
        raise ValidationError(f"Give the {what} a name.")
    if len(name) > MAX_NAME:
        raise ValidationError(f"The {what} name is too long (at most {MAX_NAME} characters).")
    return name


def clean_category(category: str | None) -> str | None:
    """Return the trimmed category (None when empty), or raise when it is too long."""
    category = " ".join((category or "").split()) or None
    if category and len(category) > MAX_CATEGORY:
        raise ValidationError(f"The category is too long (at most {MAX_CATEGORY} characters).")
    return category


def clean_content(content: str, what: str) -> str:
    """Return the content, or raise when it is blank or too long."""
    if not (content or "").strip():
        raise ValidationError(f"The {what} cannot be empty.")
    if len(content) > MAX_CONTENT:
        raise ValidationError(f"The {what} is too long (at most {MAX_CONTENT:,} characters).")
    return content.strip() + "\n"


def ensure_unique(
    session: Session, model: Any, name: str, what: str, *, own_id: int | None
) -> None:
    """Raise when another row of the model already has this name (case-insensitive)."""
    query = select(model.id).where(func.lower(model.name) == name.lower())
    if own_id is not None:
        query = query.where(model.id != own_id)
    if session.scalar(query.limit(1)) is not None:
        raise ConflictError(f"A {what} named “{name}” already exists; choose another name.")


def free_copy_name(session: Session, model: Any, name: str) -> str:
    """Return `name (copy)`, `name (copy 2)`, ... that no row of the model uses yet."""
    taken = {
        n.lower()
        for n in session.scalars(select(model.name).where(model.name.like(f"{name[:200]}%")))
    }
    base = f"{name[:200]} (copy"
    candidate, number = f"{base})", 2
    while candidate.lower() in taken:
        candidate, number = f"{base} {number})", number + 1
    return candidate


def profiles_using(session: Session, column: Any, ids: list[int]) -> dict[int, list[str]]:
    """Return, per library row id, the names of the profiles that select it."""
    if not ids:
        return {}
    rows = session.execute(
        select(column, ConfigProfile.name)
        .join(ConfigProfile, ConfigProfile.id == ConfigPrompts.profile_id)
        .where(column.in_(ids))
        .order_by(ConfigProfile.name)
    )
    used: dict[int, list[str]] = {}
    for row_id, profile in rows:
        used.setdefault(row_id, []).append(profile)
    return used


def load_by_id(session: Session, model: type[T], item_id: int, what: str) -> T:
    """Return the library row with this id, or raise a NotFoundError naming what it is."""
    row = session.get(model, item_id)
    if row is None:
        raise NotFoundError(
            f"{what.capitalize()} {item_id} does not exist (it may have been deleted)."
        )
    return row


def load_by_name(session: Session, model: type[T], name: str, what: str) -> T:
    """Return the library row with this name (case-insensitive), or raise a NotFoundError."""
    row = session.scalar(select(model).where(model.name.ilike(name.strip())))
    if row is None:
        raise NotFoundError(f"No {what} is named “{name}”.")
    return row
