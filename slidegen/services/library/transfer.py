"""Export deck prompts and slide styles to JSON and import them with conflict handling."""

from __future__ import annotations

import json
from typing import Any, Literal

from pydantic import BaseModel, Field
from pydantic import ValidationError as SchemaError
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from slidegen.db.models import SlideDeckPrompt, SlideStyle
from slidegen.errors import InvalidInputError
from slidegen.identity import User
from slidegen.schemas.library import DeckPromptIn, ImportReport, SlideStyleIn
from slidegen.services.library import deck_prompts, slide_styles
from slidegen.services.library.common import (
    create_item,
    free_copy_name,
    may_change,
    update_item,
)

FORMAT = "slidegen-library"
Conflict = Literal["skip", "rename", "overwrite"]
MAX_IMPORT_BYTES = 20 * 1024 * 1024


class LibraryFile(BaseModel):
    """The whole export file."""

    format: Literal["slidegen-library"] = FORMAT
    version: int = 1
    deck_prompts: list[DeckPromptIn] = Field(default_factory=list)
    slide_styles: list[SlideStyleIn] = Field(default_factory=list)


def export_library(
    session: Session,
    user: User,
    *,
    prompt_names: list[str] | None = None,
    style_names: list[str] | None = None,
) -> str:
    """Return JSON with the named prompts and styles (None: all of that kind; []: none)."""
    payload = LibraryFile(
        deck_prompts=[
            DeckPromptIn.model_validate(row, from_attributes=True)
            for row in _rows(session, SlideDeckPrompt, prompt_names)
        ],
        slide_styles=[
            SlideStyleIn.model_validate(row, from_attributes=True)
            for row in _rows(session, SlideStyle, style_names)
        ],
    )
    return payload.model_dump_json(indent=2)


def import_library(
    session: Session, user: User, *, text: str, on_conflict: Conflict = "skip"
) -> ImportReport:
    """Add the file's prompts and styles; a name that exists is skipped, renamed or overwritten."""
    library = _parse(text)
    report = ImportReport()
    for prompt in library.deck_prompts:
        _import_one(session, user, prompt, SlideDeckPrompt, on_conflict, report)
    for style in library.slide_styles:
        _import_one(session, user, style, SlideStyle, on_conflict, report)
    return report


def _parse(text: str) -> LibraryFile:
    if len(text) > MAX_IMPORT_BYTES:
        raise InvalidInputError("The import file is too large (at most 20 MB).")
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InvalidInputError(f"The import file is not valid JSON (line {exc.lineno}).") from exc
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise InvalidInputError(
            "This is not a Slidegen library export (its format is not “slidegen-library”)."
        )
    try:
        return LibraryFile.model_validate(data)
    except SchemaError as exc:
        first = exc.errors()[0]
        where = ".".join(str(part) for part in first["loc"])
        raise InvalidInputError(f"The import file is invalid at {where}: {first['msg']}.") from exc


def _rows(session: Session, model: Any, names: list[str] | None) -> list[Any]:
    query = select(model).order_by(model.name)
    if names is None:
        return list(session.scalars(query))
    wanted = {name.strip().lower() for name in names}
    rows = list(session.scalars(query.where(func.lower(model.name).in_(wanted))))
    missing = wanted - {row.name.lower() for row in rows}
    if missing:
        kind = "deck prompt" if model is SlideDeckPrompt else "slide style"
        raise InvalidInputError(f"No {kind} is named {', '.join(sorted(missing))}.")
    return rows


def _import_one(
    session: Session,
    user: User,
    item: DeckPromptIn | SlideStyleIn,
    model: Any,
    on_conflict: Conflict,
    report: ImportReport,
) -> None:
    kind = deck_prompts.KIND if model is SlideDeckPrompt else slide_styles.KIND
    existing = session.scalar(
        select(model).where(func.lower(model.name) == item.name.strip().lower())
    )
    if existing is None:
        create_item(session, user, kind, item)
        report.created.append(item.name)
    elif on_conflict == "skip" or (
        on_conflict == "overwrite"
        and (getattr(existing, "is_system", False) or not may_change(user, existing))
    ):
        report.skipped.append(item.name)
    elif on_conflict == "rename":
        renamed = item.model_copy(update={"name": free_copy_name(session, model, existing.name)})
        create_item(session, user, kind, renamed)
        report.renamed.append(f"{item.name} → {renamed.name}")
    else:
        changes = item.model_dump(exclude={"name"})
        if getattr(existing, "is_default", False):
            changes.pop("is_active")  # the default stays active
        update_item(session, user, kind, existing, changes)
        report.overwritten.append(item.name)
