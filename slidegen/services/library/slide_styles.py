"""Slide styles: the CSS of the slide contract plus image guidelines; one is the default."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session

from slidegen.db.models import ConfigPrompts, SlideStyle
from slidegen.errors import ConflictError, InvalidInputError, PermissionDeniedError
from slidegen.identity import User
from slidegen.render.sanitize import sanitize_css
from slidegen.schemas.library import (
    CssRemovalOut,
    SlideStyleDetail,
    SlideStyleIn,
    SlideStyleSummary,
    StyleSaved,
)
from slidegen.services.library.common import (
    ItemKind,
    check_may_change,
    create_item,
    duplicate_item,
    is_library_admin,
    load_by_id,
    load_by_name,
    profiles_using,
    update_item,
)

WHAT = "slide style"


def check_css(css: str) -> tuple[str, list[CssRemovalOut]]:
    """Return the CSS as the sanitiser keeps it and each rule it strips, with the reason."""
    result = sanitize_css(css)
    removed = [
        CssRemovalOut(where=r.selector_or_at_rule, declaration=r.declaration, reason=r.reason)
        for r in result.removed
    ]
    return result.css, removed


def search_slide_styles(session: Session, user: User, *, text: str = "") -> list[SlideStyleSummary]:
    """List slide styles (the default first) whose name or description matches the text."""
    query = select(SlideStyle).order_by(SlideStyle.is_default.desc(), SlideStyle.name)
    if text.strip():
        pattern = f"%{text.strip().lower()}%"
        query = query.where(
            or_(SlideStyle.name.ilike(pattern), SlideStyle.description.ilike(pattern))
        )
    return [SlideStyleSummary.model_validate(row) for row in session.scalars(query)]


def get_slide_style(session: Session, user: User, *, style_id: int) -> SlideStyleDetail:
    """Return one slide style with its CSS and the profiles using it."""
    return _detail(session, _load(session, style_id))


def find_slide_style(session: Session, user: User, *, name: str) -> SlideStyleDetail:
    """Return the slide style with this name (case-insensitive)."""
    return _detail(session, load_by_name(session, SlideStyle, name, WHAT))


def create_slide_style(
    session: Session,
    user: User,
    *,
    name: str,
    style_content: str,
    image_guidelines: str | None = None,
    description: str | None = None,
    category: str | None = None,
    is_active: bool = True,
) -> StyleSaved:
    """Add a style; its CSS is sanitised and what was stripped is reported."""
    item = SlideStyleIn(
        name=name,
        style_content=style_content,
        image_guidelines=image_guidelines,
        description=description,
        category=category,
        is_active=is_active,
    )
    kind, removed = _recording_kind()
    row = create_item(session, user, kind, item)
    return StyleSaved(style=_detail(session, row), removed=removed)


def update_slide_style(
    session: Session,
    user: User,
    *,
    style_id: int,
    name: str | None = None,
    style_content: str | None = None,
    image_guidelines: str | None = None,
    description: str | None = None,
    category: str | None = None,
    is_active: bool | None = None,
) -> StyleSaved:
    """Change the given fields of a style (None leaves a field); system styles are protected."""
    changes = {
        "name": name,
        "style_content": style_content,
        "image_guidelines": image_guidelines,
        "description": description,
        "category": category,
        "is_active": is_active,
    }
    kind, removed = _recording_kind()
    row = update_item(session, user, kind, _load(session, style_id), changes)
    return StyleSaved(style=_detail(session, row), removed=removed)


def duplicate_slide_style(session: Session, user: User, *, style_id: int) -> SlideStyleDetail:
    """Copy a style (system styles included) as an editable, active, non-default style."""
    row = duplicate_item(session, user, KIND, _load(session, style_id), is_active=True)
    return _detail(session, row)


def delete_slide_style(session: Session, user: User, *, style_id: int) -> list[str]:
    """Delete a style; return the profiles that used it (they fall back to the default)."""
    row = _load(session, style_id)
    _editable(row, "deleted")
    check_may_change(user, row, row.name, "delete")
    if row.is_default:
        raise ConflictError(
            "The default style cannot be deleted; make another style the default first."
        )
    used = profiles_using(session, ConfigPrompts.selected_slide_style_id, [row.id]).get(row.id, [])
    session.delete(row)
    session.flush()
    session.expire_all()  # ON DELETE SET NULL changed config_prompts rows behind the ORM
    return used


def set_default_slide_style(session: Session, user: User, *, style_id: int) -> SlideStyleDetail:
    """Make this style the organisation's default (library admins; one default at a time)."""
    row = _load(session, style_id)
    if not is_library_admin(user):
        raise PermissionDeniedError(
            "Only a library admin may change the default style for everyone."
        )
    if not row.is_active:
        raise ConflictError(f"“{row.name}” is inactive; activate it before making it the default.")
    # Clear first: the partial unique index allows one default at any moment.
    session.execute(
        update(SlideStyle)
        .where(SlideStyle.is_default.is_(True), SlideStyle.id != row.id)
        .values(is_default=False)
    )
    session.flush()
    session.refresh(row)
    row.is_default = True
    row.updated_by = user.name
    session.flush()
    session.expire_all()
    return _detail(session, _load(session, style_id))


def _check_change(row: SlideStyle, changes: dict[str, Any]) -> None:
    _editable(row, "edited")
    if changes.get("is_active") is False and row.is_default:
        raise ConflictError(
            "The default style cannot be deactivated; make another the default first."
        )


def _checked_css(css: str, removed: list[CssRemovalOut] | None = None) -> str:
    kept, found = check_css(css)
    if removed is not None:
        removed.extend(found)
    return _nonempty(kept, found)


def _recording_kind() -> tuple[ItemKind, list[CssRemovalOut]]:
    """Return the style kind with a CSS check that records what the sanitiser removed."""
    removed: list[CssRemovalOut] = []
    return replace(KIND, check_content=lambda css: _checked_css(css, removed)), removed


def _editable(row: SlideStyle, verb: str) -> None:
    if row.is_system:
        raise PermissionDeniedError(
            f"“{row.name}” is a system style and cannot be {verb}; "
            "duplicate it and change the copy."
        )


def _nonempty(css: str, removed: list[CssRemovalOut]) -> str:
    if not css.strip():
        reasons = "; ".join(sorted({r.reason for r in removed})[:3]) or "no style rules"
        raise InvalidInputError(f"None of this CSS would be kept by the sanitiser ({reasons}).")
    return css


def _load(session: Session, style_id: int) -> SlideStyle:
    return load_by_id(session, SlideStyle, style_id, WHAT)


def _detail(session: Session, row: SlideStyle) -> SlideStyleDetail:
    used = profiles_using(session, ConfigPrompts.selected_slide_style_id, [row.id])
    return SlideStyleDetail.model_validate(
        {
            **SlideStyleSummary.model_validate(row).model_dump(),
            "style_content": row.style_content,
            "image_guidelines": row.image_guidelines,
            "used_by": used.get(row.id, []),
        }
    )


KIND = ItemKind(
    SlideStyle,
    WHAT,
    "style_content",
    "style's CSS",
    SlideStyleIn,
    check_content=_checked_css,
    check_change=_check_change,
)
