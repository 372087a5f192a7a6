"""Idempotent seed: the default profile, the deck prompts and the slide styles."""

from __future__ import annotations

from pydantic import BaseModel
from sqlalchemy import select
from sqlalchemy.orm import Session

from slidegen import seed_content
from slidegen.config import Settings
from slidegen.db.models import (
    ConfigAIInfra,
    ConfigDataSource,
    ConfigGenieSpace,
    ConfigHistory,
    ConfigMLflow,
    ConfigProfile,
    ConfigPrompts,
    SlideDeckPrompt,
    SlideStyle,
)
from slidegen.schemas.profile_config import WAREHOUSE_SCHEME, parse_warehouse_url
from slidegen.services.profiles.queries import profile_snapshot

SYSTEM_USER = "system"
DEFAULT_PROFILE_NAME = "default"
DATABRICKS_DEFAULT_ENDPOINT = "databricks-claude-sonnet-4-5"
OFFLINE_ENGINE_NAME = "slidegen-offline"
DEFAULT_TEMPERATURE = 0.7
DEFAULT_MAX_TOKENS = 60000
SAMPLE_SOURCE_NAME = "sample_consumption"
SAMPLE_SOURCE_URL = "sample:"
SAMPLE_SOURCE_DESCRIPTION = (
    "Sample data: 12 months of Databricks workspace consumption (DBUs and cost by day, "
    "workspace and SKU) for demos of the Consumption Review deck."
)
WAREHOUSE_SOURCE_NAME = "sql_warehouse"
WAREHOUSE_SOURCE_DESCRIPTION = (
    "Tables of the app's SQL warehouse (its default catalog), read with each user's own "
    "permissions."
)


class SeedReport(BaseModel):
    """What a seed run added (empty lists when everything already existed)."""

    profiles: list[str]
    deck_prompts: list[str]
    slide_styles: list[str]

    @property
    def changed(self) -> bool:
        """Whether anything was added."""
        return bool(self.profiles or self.deck_prompts or self.slide_styles)


def seed_database(session: Session, *, settings: Settings) -> SeedReport:
    """Add whatever of the seed data is missing; never change what exists."""
    styles = _seed_slide_styles(session)
    prompts = _seed_deck_prompts(session)
    profiles = _seed_default_profile(session, settings)
    return SeedReport(profiles=profiles, deck_prompts=prompts, slide_styles=styles)


def _seed_slide_styles(session: Session) -> list[str]:
    existing = set(session.scalars(select(SlideStyle.name)))
    has_default = session.scalar(select(SlideStyle.id).where(SlideStyle.is_default.is_(True)))
    added = []
    for seed in seed_content.SLIDE_STYLES:
        if seed.name in existing:
            continue
        make_default = seed.is_default and has_default is None
        session.add(
            SlideStyle(
                name=seed.name,
                category=seed.category,
                description=seed.description,
                style_content=seed.style_content,
                image_guidelines=seed.image_guidelines,
                is_system=seed.is_system,
                is_default=make_default,
                created_by=SYSTEM_USER,
                updated_by=SYSTEM_USER,
            )
        )
        added.append(seed.name)
    session.flush()
    return added


def _seed_deck_prompts(session: Session) -> list[str]:
    existing = set(session.scalars(select(SlideDeckPrompt.name)))
    added = []
    for seed in seed_content.DECK_PROMPTS:
        if seed.name in existing:
            continue
        session.add(
            SlideDeckPrompt(
                name=seed.name,
                category=seed.category,
                description=seed.description,
                prompt_content=seed.prompt_content,
                created_by=SYSTEM_USER,
                updated_by=SYSTEM_USER,
            )
        )
        added.append(seed.name)
    session.flush()
    return added


def _seed_default_profile(session: Session, settings: Settings) -> list[str]:
    if session.scalar(select(ConfigProfile.id).where(ConfigProfile.name == DEFAULT_PROFILE_NAME)):
        return []
    has_default = session.scalar(select(ConfigProfile.id).where(ConfigProfile.is_default.is_(True)))
    default_style = session.scalar(select(SlideStyle).where(SlideStyle.is_default.is_(True)))
    profile = ConfigProfile(
        name=DEFAULT_PROFILE_NAME,
        description="Ready-to-use configuration created at set-up.",
        is_default=has_default is None,
        created_by=SYSTEM_USER,
        updated_by=SYSTEM_USER,
        ai_infra=_default_ai_infra(settings),
        mlflow=ConfigMLflow(experiment_name=default_experiment_name(settings)),
        prompts=ConfigPrompts(
            system_prompt=seed_content.DEFAULT_SYSTEM_PROMPT,
            slide_editing_instructions=seed_content.DEFAULT_SLIDE_EDITING_INSTRUCTIONS,
            user_prompt_template=seed_content.DEFAULT_USER_PROMPT_TEMPLATE,
            slide_style=default_style,
        ),
    )
    if profile.ai_infra and profile.ai_infra.provider == "offline":
        # The offline demo gets data to chart; a workspace profile gets none by default.
        profile.data_sources.append(
            ConfigDataSource(
                name=SAMPLE_SOURCE_NAME,
                url=SAMPLE_SOURCE_URL,
                description=SAMPLE_SOURCE_DESCRIPTION,
            )
        )
    if settings.genie_space_id:  # the app's Genie space resource (app.yaml valueFrom)
        profile.genie_spaces.append(
            ConfigGenieSpace(space_id=settings.genie_space_id, space_name="Genie")
        )
    if warehouse := _warehouse_source(settings):  # the app's SQL warehouse resource
        profile.data_sources.append(warehouse)
    session.add(profile)
    session.flush()
    session.add(
        ConfigHistory(
            profile=profile,
            domain="profile",
            action="create",
            changed_by=SYSTEM_USER,
            changes={"name": {"old": None, "new": profile.name}},
            snapshot=profile_snapshot(profile),
        )
    )
    session.flush()
    return [profile.name]


def _warehouse_source(settings: Settings) -> ConfigDataSource | None:
    if not settings.sql_warehouse_id:
        return None
    url = WAREHOUSE_SCHEME + settings.sql_warehouse_id.strip()
    try:
        parse_warehouse_url(url)
    except ValueError:  # not a warehouse id: the doctor reports SLIDEGEN_SQL_WAREHOUSE_ID
        return None
    return ConfigDataSource(
        name=WAREHOUSE_SOURCE_NAME, url=url, description=WAREHOUSE_SOURCE_DESCRIPTION
    )


def _default_ai_infra(settings: Settings) -> ConfigAIInfra:
    if settings.has_databricks_workspace:
        provider, endpoint = "databricks", DATABRICKS_DEFAULT_ENDPOINT
    else:
        provider, endpoint = "offline", OFFLINE_ENGINE_NAME
    return ConfigAIInfra(
        provider=provider,
        llm_endpoint=endpoint,
        llm_temperature=DEFAULT_TEMPERATURE,
        llm_max_tokens=DEFAULT_MAX_TOKENS,
    )


def default_experiment_name(settings: Settings) -> str:
    """Return the MLflow experiment a new profile traces into."""
    if settings.has_databricks_workspace:
        return f"/Workspace/Users/{settings.user}/slidegen"
    return "slidegen"
