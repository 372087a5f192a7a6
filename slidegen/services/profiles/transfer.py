"""Export a profile to JSON, import it back, compare profiles and snapshots."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import false, select
from sqlalchemy.orm import Session

from slidegen.config import Settings
from slidegen.db.models import ConfigProfile, SlideDeckPrompt, SlideStyle
from slidegen.errors import InvalidInputError
from slidegen.identity import User
from slidegen.schemas.profiles import FieldChange, ProfileDetail
from slidegen.services.profiles import history, store
from slidegen.services.profiles.access import load_profile
from slidegen.services.profiles.admin import check_name, create_profile
from slidegen.services.profiles.queries import profile_snapshot

FORMAT = "slidegen-profile/1"


def export_profile(session: Session, user: User, *, name: str) -> dict[str, Any]:
    """Return a profile as portable JSON: library choices by name, no ids, no secrets."""
    profile = load_profile(session, user, name)
    config = store.config_of(profile)
    prompts = dict(config["prompts"] or {})
    deck_id = prompts.pop("selected_deck_prompt_id", None)
    style_id = prompts.pop("selected_slide_style_id", None)
    deck = session.get(SlideDeckPrompt, deck_id) if deck_id else None
    style = session.get(SlideStyle, style_id) if style_id else None
    prompts["deck_prompt_name"] = deck.name if deck else None
    prompts["slide_style_name"] = style.name if style else None
    return {"format": FORMAT, "name": profile.name, **config, "prompts": prompts}


def import_profile(
    session: Session, user: User, *, document: str | bytes | dict[str, Any], settings: Settings
) -> ProfileDetail:
    """Create a profile from exported JSON (validated; a new name if the name is taken)."""
    data = _load(document)
    name = check_name(str(data.pop("name", "") or "imported"))
    prompts = dict(data.get("prompts") or {})
    prompts["selected_deck_prompt_id"] = _library_id(
        session, SlideDeckPrompt, prompts.pop("deck_prompt_name", None)
    )
    prompts["selected_slide_style_id"] = _library_id(
        session, SlideStyle, prompts.pop("slide_style_name", None)
    )
    data["prompts"] = prompts
    return create_profile(
        session,
        user,
        name=_free_name(session, name),
        config=data,
        settings=settings,
        action="import",
    )


def _load(document: str | bytes | dict[str, Any]) -> dict[str, Any]:
    if isinstance(document, dict):
        data = dict(document)
    else:
        try:
            data = json.loads(document)
        except (ValueError, UnicodeDecodeError):
            raise InvalidInputError("The file is not JSON; export a profile to get one.") from None
    if not isinstance(data, dict) or data.pop("format", None) != FORMAT:
        raise InvalidInputError(f"The file is not a Slidegen profile export ({FORMAT}).")
    return data


def _library_id(session: Session, model: Any, name: str | None) -> int | None:
    if not name:
        return None
    found = session.scalar(select(model.id).where(model.name == name))
    if found is None:
        raise InvalidInputError(
            f"The file selects {name!r}, which this library does not have; "
            "import it into the library first or clear the selection in the file."
        )
    return found


def _free_name(session: Session, name: str) -> str:
    taken = set(
        session.scalars(
            select(ConfigProfile.name).where(
                ConfigProfile.is_deleted == false(), ConfigProfile.name.like(f"{name}%")
            )
        )
    )
    if name not in taken:
        return name
    number = 2
    while f"{name} ({number})" in taken:
        number += 1
    return f"{name} ({number})"[:100]


def compare_profiles(
    session: Session,
    user: User,
    *,
    left: str,
    right: str | None = None,
    right_history_id: int | None = None,
) -> list[FieldChange]:
    """Compare two profiles, or a profile with one of its snapshots, field by field."""
    profile = load_profile(session, user, left)
    if right_history_id is not None:
        other = history.history_snapshot(
            session, user, profile=profile, history_id=right_history_id
        )
    elif right is not None:
        other = profile_snapshot(load_profile(session, user, right))
    else:
        raise InvalidInputError("Name a second profile or a history entry to compare with.")
    return [
        change
        for change in history.diff_snapshots(profile_snapshot(profile), other)
        if change.field != "profile.name"
    ]
