"""Read a profile into DTOs and write a validated configuration onto its rows."""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError as PydanticError
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from slidegen.db.models import (
    ConfigAIInfra,
    ConfigDataSource,
    ConfigGenieSpace,
    ConfigMLflow,
    ConfigProfile,
    ConfigPrompts,
    SlideDeckPrompt,
    SlideStyle,
    UserProfilePreference,
    UserSession,
)
from slidegen.errors import InvalidInputError
from slidegen.identity import User
from slidegen.schemas.profile_config import FIELD_LABELS, ProfileConfig
from slidegen.schemas.profiles import ProfileDetail
from slidegen.services.profiles.access import permission_level
from slidegen.services.profiles.queries import profile_snapshot


def parse_config(data: dict[str, Any]) -> ProfileConfig:
    """Validate a configuration; raise one readable InvalidInputError listing every problem."""
    try:
        return ProfileConfig.model_validate(data)
    except PydanticError as exc:
        raise InvalidInputError(_describe(exc)) from None


# Pydantic's wording names types ("String should have at least 1 character"); say it plainly.
_PLAIN_MESSAGES = {
    "string_too_short": "cannot be empty",
    "missing": "is required",
    "float_parsing": "must be a number",
    "int_parsing": "must be a whole number",
}


def _describe(exc: PydanticError) -> str:
    problems = []
    for error in exc.errors():
        where = " › ".join(
            FIELD_LABELS.get(str(p), f"#{p + 1}" if isinstance(p, int) else str(p))
            for p in error["loc"]
        )
        message = str(error["msg"]).removeprefix("Value error, ").rstrip(".")
        message = _PLAIN_MESSAGES.get(error["type"], message)
        problems.append(f"{where}: {message}" if where else message)
    return "Not saved: " + "; ".join(problems) + "."


def config_of(profile: ConfigProfile) -> dict[str, Any]:
    """Return the editable configuration of a profile (a snapshot without the name)."""
    snapshot = profile_snapshot(profile)
    return {
        "description": profile.description,
        **{key: value for key, value in snapshot.items() if key != "profile"},
    }


def check_references(session: Session, config: ProfileConfig) -> None:
    """Refuse a deck prompt or slide style id that does not exist (or is inactive)."""
    prompts = config.prompts
    if prompts.selected_deck_prompt_id is not None:
        row = session.get(SlideDeckPrompt, prompts.selected_deck_prompt_id)
        if row is None or not getattr(row, "is_active", True):
            raise InvalidInputError(
                f"Not saved: deck prompt {prompts.selected_deck_prompt_id} does not exist; "
                "pick one from the library."
            )
    style_id = prompts.selected_slide_style_id
    if style_id is not None and session.get(SlideStyle, style_id) is None:
        raise InvalidInputError(
            f"Not saved: slide style {prompts.selected_slide_style_id} does not exist; "
            "pick one from the library."
        )


def apply_config(profile: ConfigProfile, config: ProfileConfig) -> None:
    """Write a configuration onto the profile's rows (creating missing ones)."""
    profile.description = config.description
    ai = config.ai_infra.model_dump()
    if profile.ai_infra is None:
        profile.ai_infra = ConfigAIInfra(**ai)
    else:
        for key, value in ai.items():
            setattr(profile.ai_infra, key, value)
    if profile.mlflow is None:
        profile.mlflow = ConfigMLflow(**config.mlflow.model_dump())
    else:
        profile.mlflow.experiment_name = config.mlflow.experiment_name
    prompts = config.prompts.model_dump()
    if profile.prompts is None:
        profile.prompts = ConfigPrompts(**prompts)
    else:
        for key, value in prompts.items():
            setattr(profile.prompts, key, value)
    _sync(profile.genie_spaces, config.genie_spaces, "space_id", ConfigGenieSpace)
    _sync(profile.data_sources, config.data_sources, "name", ConfigDataSource)


def _sync(rows: list[Any], wanted: list[Any], key: str, model: type) -> None:
    """Update rows in place by key, add new ones, remove the rest (keeps row ids stable)."""
    existing = {getattr(row, key): row for row in rows}
    keep = []
    for item in wanted:
        values = item.model_dump()
        row = existing.get(values[key])
        if row is None:
            row = model(**values)
        else:
            for field, value in values.items():
                setattr(row, field, value)
        keep.append(row)
    rows[:] = keep


def session_count(session: Session, profile_id: int) -> int:
    """Return how many chat sessions use a profile."""
    query = select(func.count()).where(UserSession.profile_id == profile_id)
    return session.scalar(query) or 0


def my_default_id(session: Session, user: User) -> int | None:
    """Return the id of the user's personal default profile, if set."""
    return session.scalar(
        select(UserProfilePreference.default_profile_id).where(
            UserProfilePreference.user_name == user.name
        )
    )


def detail(session: Session, user: User, profile: ConfigProfile) -> ProfileDetail:
    """Return a profile with all of its configuration, as the user sees it."""
    session.flush()
    session.refresh(profile)
    return ProfileDetail(
        id=profile.id,
        name=profile.name,
        description=profile.description,
        is_default=profile.is_default,
        is_my_default=my_default_id(session, user) == profile.id,
        global_permission=profile.global_permission,
        my_permission=permission_level(session, profile, user) or "CAN_USE",
        created_by=profile.created_by,
        updated_by=profile.updated_by,
        created_at=profile.created_at,
        updated_at=profile.updated_at,
        session_count=session_count(session, profile.id),
        config=config_of(profile),
    )


def preview_system_prompt(
    session: Session, user: User, *, config: dict[str, Any], edit_mode: bool = False
) -> str:
    """Return the system prompt exactly as the LLM would get it for this configuration."""
    from slidegen.llm.prompt import compose_system_prompt
    from slidegen.services.generation.engine import MAX_SLIDES
    from slidegen.services.generation.run_context import prompt_parts

    parts = prompt_parts(session, config)
    return compose_system_prompt(parts, max_slides=MAX_SLIDES, edit_mode=edit_mode)
