"""Profile queries the engine uses: the list, the active profile and its snapshot.

Management (create, edit, history, sharing, import/export) is in the profile_* modules.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from slidegen.config import Settings
from slidegen.db.models import (
    ConfigGenieSpace,
    ConfigProfile,
    ConfigPrompts,
    UserProfilePreference,
    UserSession,
)
from slidegen.errors import NotFoundError
from slidegen.identity import User
from slidegen.schemas.profiles import ActiveProfile, ProfileListItem


def list_profiles(session: Session, user: User) -> list[ProfileListItem]:
    """List the live profiles the user can see: the default first, then by name."""
    from slidegen.services.profiles.access import permission_level, visible_filter

    space_counts = _count_by_profile(ConfigGenieSpace.profile_id)
    session_counts = _count_by_profile(UserSession.profile_id)
    mine = session.scalar(
        select(UserProfilePreference.default_profile_id).where(
            UserProfilePreference.user_name == user.name
        )
    )
    rows = session.execute(
        select(
            ConfigProfile,
            func.coalesce(space_counts.c.n, 0),
            func.coalesce(session_counts.c.n, 0),
        )
        .outerjoin(space_counts, space_counts.c.profile_id == ConfigProfile.id)
        .outerjoin(session_counts, session_counts.c.profile_id == ConfigProfile.id)
        .options(selectinload(ConfigProfile.ai_infra))
        .where(visible_filter(user))
        .order_by(ConfigProfile.is_default.desc(), ConfigProfile.name)
    ).all()
    return [
        ProfileListItem(
            id=profile.id,
            name=profile.name,
            description=profile.description,
            is_default=profile.is_default,
            provider=profile.ai_infra.provider if profile.ai_infra else "offline",
            llm_endpoint=profile.ai_infra.llm_endpoint if profile.ai_infra else "",
            genie_space_count=spaces,
            updated_at=profile.updated_at,
            is_my_default=profile.id == mine,
            session_count=sessions,
            my_permission=_quick_level(session, profile, user, permission_level),
            created_by=profile.created_by,
        )
        for profile, spaces, sessions in rows
    ]


def _quick_level(session: Session, profile: ConfigProfile, user: User, full: Any) -> str:
    # Most rows are the user's own or system profiles: no contributor query needed.
    if profile.created_by == user.name:
        return "CAN_MANAGE"
    return full(session, profile, user) or "CAN_USE"


def _count_by_profile(column: Any) -> Any:
    return (
        select(column.label("profile_id"), func.count().label("n"))
        .where(column.is_not(None))
        .group_by(column)
        .subquery()
    )


def active_profile_row(session: Session, user: User) -> ConfigProfile:
    """Return the user's own default profile, else the system default."""
    preferred = session.scalar(
        select(ConfigProfile)
        .join(
            UserProfilePreference,
            UserProfilePreference.default_profile_id == ConfigProfile.id,
        )
        .where(
            UserProfilePreference.user_name == user.name,
            ConfigProfile.is_deleted.is_(False),
        )
    )
    profile = preferred or session.scalar(
        select(ConfigProfile).where(
            ConfigProfile.is_default.is_(True), ConfigProfile.is_deleted.is_(False)
        )
    )
    if profile is None:
        raise NotFoundError("No default profile exists; run `python -m slidegen db seed`.")
    return profile


def get_active_profile(session: Session, user: User, *, settings: Settings) -> ActiveProfile:
    """Return the profile a new chat uses and the provider that will really run."""
    profile = active_profile_row(session, user)
    prompts: ConfigPrompts | None = profile.prompts
    configured = profile.ai_infra.provider if profile.ai_infra else "offline"
    provider = settings.llm_provider or configured
    endpoint = profile.ai_infra.llm_endpoint if profile.ai_infra else ""
    if provider == "openai" and settings.llm_model:  # SLIDEGEN_LLM_MODEL names the model
        endpoint = settings.llm_model
    return ActiveProfile(
        id=profile.id,
        name=profile.name,
        provider=provider,
        llm_endpoint=endpoint,
        provider_overridden=provider != configured,
        is_offline=provider == "offline",
        deck_prompt_name=prompts.deck_prompt.name if prompts and prompts.deck_prompt else None,
        slide_style_name=prompts.slide_style.name if prompts and prompts.slide_style else None,
    )


def profile_snapshot(profile: ConfigProfile) -> dict[str, Any]:
    """Return the whole configuration of a profile as plain JSON-able data."""
    ai, mlflow, prompts = profile.ai_infra, profile.mlflow, profile.prompts
    return {
        "profile": {"name": profile.name, "description": profile.description},
        "ai_infra": ai
        and {
            "provider": ai.provider,
            "llm_endpoint": ai.llm_endpoint,
            "base_url": ai.base_url,
            "llm_temperature": float(ai.llm_temperature),
            "llm_max_tokens": ai.llm_max_tokens,
            "llm_timeout_s": ai.llm_timeout_s,
        },
        "genie_spaces": [
            {
                "space_id": s.space_id,
                "space_name": s.space_name,
                "description": s.description,
            }
            for s in profile.genie_spaces
        ],
        "data_sources": [
            {"name": d.name, "url": d.url, "description": d.description, "max_rows": d.max_rows}
            for d in profile.data_sources
        ],
        "mlflow": mlflow and {"experiment_name": mlflow.experiment_name},
        "prompts": prompts
        and {
            "system_prompt": prompts.system_prompt,
            "slide_editing_instructions": prompts.slide_editing_instructions,
            "user_prompt_template": prompts.user_prompt_template,
            "selected_deck_prompt_id": prompts.selected_deck_prompt_id,
            "selected_slide_style_id": prompts.selected_slide_style_id,
        },
    }
