"""What the deck prompt and slide style services share: validation and one save path.

Both kinds are created, changed and duplicated through `create_item`, `update_item` and
`duplicate_item` with an input schema (`DeckPromptIn`, `SlideStyleIn`), whether the change
comes from the Library page, the command line or an import file.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from slidegen.config import get_settings
from slidegen.db.models import ConfigProfile, ConfigPrompts
from slidegen.errors import ConflictError, InvalidInputError, NotFoundError, PermissionDeniedError
from slidegen.identity import User
from slidegen.schemas.library import LibraryItemIn

T = TypeVar("T")
MAX_NAME = 255
MAX_CATEGORY = 100
MAX_CONTENT = 200_000


def clean_name(name: str, what: str) -> str:
    """Return the trimmed name, or raise when it is empty or too long."""
    name = " ".join((name or "").split())
    if not name:
        raise InvalidInputError(f"Give the {what} a name.")
    if len(name) > MAX_NAME:
        raise InvalidInputError(f"The {what} name is too long (at most {MAX_NAME} characters).")
    return name


def clean_category(category: str | None) -> str | None:
    """Return the trimmed category (None when empty), or raise when it is too long."""
    category = " ".join((category or "").split()) or None
    if category and len(category) > MAX_CATEGORY:
        raise InvalidInputError(f"The category is too long (at most {MAX_CATEGORY} characters).")
    return category


def clean_content(content: str, what: str) -> str:
    """Return the content, or raise when it is blank or too long."""
    if not (content or "").strip():
        raise InvalidInputError(f"The {what} cannot be empty.")
    if len(content) > MAX_CONTENT:
        raise InvalidInputError(f"The {what} is too long (at most {MAX_CONTENT:,} characters).")
    return content.strip() + "\n"


def is_library_admin(user: User) -> bool:
    """Members of SLIDEGEN_LIBRARY_ADMIN_GROUP; when unset, only the local user of a laptop run
    (no proxy identity, not inside a Databricks App)."""
    settings = get_settings()
    if settings.library_admin_group:
        return settings.library_admin_group in user.groups
    return not user.from_proxy and not settings.runs_as_databricks_app


def may_change(user: User, row: Any) -> bool:
    """Whether the user may edit or delete a library row: its owner or a library admin."""
    return row.created_by == user.name or is_library_admin(user)


def check_may_change(user: User, row: Any, name: str, verb: str) -> None:
    """Raise unless the user owns the row or is a library admin (anyone may use or copy it)."""
    if not may_change(user, row):
        raise PermissionDeniedError(
            f"“{name}” belongs to {row.created_by}: only its owner or a library admin may "
            f"{verb} it. Duplicate it to make a copy of your own."
        )


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


@dataclass(frozen=True)
class ItemKind:
    """One kind of library item: its table, its name in messages and its content field.

    `check_content` cleans the content (a style's CSS is sanitised) and may refuse it;
    `check_change` refuses changes a row does not allow (a system style, the default).
    """

    model: Any
    what: str
    content_field: str
    content_label: str
    schema: type[LibraryItemIn]
    check_content: Callable[[str], str] = lambda content: content
    check_change: Callable[[Any, dict[str, Any]], None] = lambda row, changes: None


def create_item(session: Session, user: User, kind: ItemKind, item: LibraryItemIn) -> Any:
    """Add a library row from its input schema; the name must be free."""
    fields = _clean(session, kind, item.model_dump(), own_id=None)
    row = kind.model(**fields, created_by=user.name, updated_by=user.name)
    session.add(row)
    session.flush()
    return row


def update_item(
    session: Session, user: User, kind: ItemKind, row: Any, changes: dict[str, Any]
) -> Any:
    """Change the given fields of a library row (a None value leaves that field as it is)."""
    changes = {field: value for field, value in changes.items() if value is not None}
    kind.check_change(row, changes)  # first: a system style says it is protected
    check_may_change(user, row, row.name, "edit")
    for field, value in _clean(session, kind, changes, own_id=row.id).items():
        setattr(row, field, value)
    row.updated_by = user.name
    session.flush()
    return row


def duplicate_item(
    session: Session, user: User, kind: ItemKind, source: Any, **overrides: Any
) -> Any:
    """Copy a library row under a free `NAME (copy)` name (`overrides` change fields)."""
    item = kind.schema.model_validate(source, from_attributes=True)
    name = free_copy_name(session, kind.model, source.name)
    copy = item.model_copy(update={"name": name, **overrides})
    return create_item(session, user, kind, copy)


def _clean(
    session: Session, kind: ItemKind, fields: dict[str, Any], *, own_id: int | None
) -> dict[str, Any]:
    cleaned = dict(fields)
    if "name" in fields:
        cleaned["name"] = clean_name(fields["name"], kind.what)
        # Checked before assigning: autoflush would otherwise hit the unique index first.
        ensure_unique(session, kind.model, cleaned["name"], kind.what, own_id=own_id)
    if kind.content_field in fields:
        content = clean_content(fields[kind.content_field], kind.content_label)
        cleaned[kind.content_field] = kind.check_content(content)
    for field in ("description", "image_guidelines"):
        if field in fields:
            cleaned[field] = (fields[field] or "").strip() or None
    if "category" in fields:
        cleaned["category"] = clean_category(fields["category"])
    return cleaned
