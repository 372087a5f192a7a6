"""The seed: idempotent, complete, and respectful of what already exists."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from slidegen.config import Settings
from slidegen.db.models import ConfigHistory, ConfigProfile, SlideDeckPrompt, SlideStyle
from slidegen.identity import User
from slidegen.services.library import slide_styles
from slidegen.services.profiles import queries as profiles
from slidegen.services.profiles.store import config_of, parse_config
from slidegen.services.seed import seed_database
from tests.factories import make_profile, make_slide_style

ALICE = User(name="alice@example.com", display_name="Alice")


def _count(db: Session, model: type) -> int:
    return db.scalar(select(func.count()).select_from(model)) or 0


def test_seed_creates_default_profile_prompts_and_styles(db: Session, settings: Settings) -> None:
    report = seed_database(db, settings=settings)
    assert report.profiles == ["default"]
    assert len(report.deck_prompts) == 4
    assert len(report.slide_styles) >= 3

    profile = db.scalars(select(ConfigProfile).where(ConfigProfile.name == "default")).one()
    assert profile.is_default
    assert profile.ai_infra is not None
    assert (profile.ai_infra.provider, float(profile.ai_infra.llm_temperature)) == ("offline", 0.7)
    assert profile.ai_infra.llm_max_tokens == 60000
    assert profile.mlflow is not None and profile.mlflow.experiment_name == "slidegen"
    assert profile.prompts is not None
    assert "{max_slides}" in profile.prompts.system_prompt
    assert "{question}" in profile.prompts.user_prompt_template
    assert profile.prompts.slide_style is not None
    assert profile.prompts.slide_style.name == "System Default"
    history = db.scalars(select(ConfigHistory).where(ConfigHistory.profile_id == profile.id)).all()
    assert [(h.domain, h.action) for h in history] == [("profile", "create")]
    assert history[0].snapshot["ai_infra"]["provider"] == "offline"


def test_seed_is_idempotent(db: Session, settings: Settings) -> None:
    seed_database(db, settings=settings)
    counts = [_count(db, m) for m in (ConfigProfile, SlideDeckPrompt, SlideStyle, ConfigHistory)]
    report = seed_database(db, settings=settings)
    assert not report.changed
    assert [
        _count(db, m) for m in (ConfigProfile, SlideDeckPrompt, SlideStyle, ConfigHistory)
    ] == counts


def test_seed_keeps_an_existing_default_profile_and_style(db: Session, settings: Settings) -> None:
    db.add(make_profile("team", is_default=True))
    db.add(make_slide_style("House", is_default=True))
    db.flush()
    seed_database(db, settings=settings)
    default_profiles = db.scalars(select(ConfigProfile.name).where(ConfigProfile.is_default)).all()
    default_styles = db.scalars(select(SlideStyle.name).where(SlideStyle.is_default)).all()
    assert default_profiles == ["team"]
    assert default_styles == ["House"]


def test_seed_does_not_overwrite_edited_content(db: Session, settings: Settings) -> None:
    seed_database(db, settings=settings)
    prompt = db.scalars(
        select(SlideDeckPrompt).where(SlideDeckPrompt.name == "Executive Summary")
    ).one()
    prompt.prompt_content = "Our own wording."
    db.flush()
    seed_database(db, settings=settings)
    db.expire_all()
    assert db.get(SlideDeckPrompt, prompt.id).prompt_content == "Our own wording."


def test_seeded_styles_are_safe_css(db: Session, settings: Settings) -> None:
    seed_database(db, settings=settings)
    for style in db.scalars(select(SlideStyle)):
        css = style.style_content.lower()
        for forbidden in ("url(", "@import", "expression(", "position: fixed", "position:fixed"):
            assert forbidden not in css, (style.name, forbidden)
        assert ".slide" in css


def test_listing_services_after_seed(db: Session, settings: Settings) -> None:
    seed_database(db, settings=settings)
    rows = profiles.list_profiles(db, ALICE)
    assert [(row.name, row.is_default) for row in rows] == [("default", True)]
    active = profiles.get_active_profile(db, ALICE, settings=settings)
    assert (active.name, active.provider, active.is_offline) == ("default", "offline", True)
    assert active.slide_style_name == "System Default"
    styles = slide_styles.search_slide_styles(db, ALICE)
    assert styles[0].name == "System Default" and styles[0].is_system


def test_provider_override_from_environment(db: Session, settings: Settings) -> None:
    seed_database(db, settings=settings)
    overridden = settings.model_copy(update={"llm_provider": "openai"})
    active = profiles.get_active_profile(db, ALICE, settings=overridden)
    assert (active.provider, active.provider_overridden, active.is_offline) == (
        "openai",
        True,
        False,
    )


def test_seed_gives_the_default_profile_the_apps_genie_space_and_sql_warehouse(
    db: Session, settings: Settings
) -> None:
    app = settings.model_copy(update={"genie_space_id": "01ef-space", "sql_warehouse_id": "abc123"})
    seed_database(db, settings=app)
    profile = db.scalars(select(ConfigProfile).where(ConfigProfile.name == "default")).one()
    config = config_of(profile)
    assert [s["space_id"] for s in config["genie_spaces"]] == ["01ef-space"]
    assert [(s["name"], s["url"]) for s in config["data_sources"]] == [
        ("sample_consumption", "sample:"),  # the offline demo's data, as without a warehouse
        ("sql_warehouse", "databricks-sql://abc123"),
    ]
    parse_config(config)  # the seeded profile is one that saves as it is


def test_seed_skips_a_sql_warehouse_id_that_is_not_one(db: Session, settings: Settings) -> None:
    seed_database(db, settings=settings.model_copy(update={"sql_warehouse_id": "a b/c"}))
    profile = db.scalars(select(ConfigProfile).where(ConfigProfile.name == "default")).one()
    assert [s.url for s in profile.data_sources] == ["sample:"]
