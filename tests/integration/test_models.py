"""Model tests against the migrated schema, run on SQLite and PostgreSQL."""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import JSON, delete, func, inspect, select
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.engine import Inspector
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import InstrumentedAttribute, Session

from slidegen.db.base import Base
from slidegen.db.models import (
    ChatRequest,
    ConfigAIInfra,
    ConfigGenieSpace,
    ConfigHistory,
    ConfigMLflow,
    ConfigProfile,
    ConfigProfileContributor,
    ConfigPrompts,
    ExportJob,
    SessionMessage,
    SessionPermission,
    SessionSlideDeck,
    SlideDeckPrompt,
    SlideDeckVersion,
    SlideStyle,
    UserProfilePreference,
    UserSession,
)
from tests.factories import make_deck_prompt, make_profile, make_session, make_slide_style

NESTED_DECK: dict[str, Any] = {
    "title": "Q3 review — résumé",
    "slides": [
        {"id": "s1", "html": "<h1>Revenue</h1>", "chart": {"points": [1, 2.5, None]}},
        {"id": "s2", "html": "<p>Risks</p>", "notes": [], "hidden": False},
    ],
    "meta": {"theme": {"dark": True, "palette": ["#111", "#eee"]}, "count": 2},
}


def flush(db: Session, *rows: Base) -> None:
    db.add_all(rows)
    db.flush()


def assert_flush_rejected(db: Session, violation: str) -> None:
    """The next flush fails on the database with an error matching `violation`."""
    with pytest.raises(IntegrityError, match=violation):
        db.flush()
    db.rollback()


def unique_violation(constraint: str, *columns: str) -> str:
    """A pattern for a unique violation: PostgreSQL names the constraint, SQLite the columns."""
    sqlite_message = "UNIQUE constraint failed: " + ", ".join(columns)
    return f"{re.escape(constraint)}|{re.escape(sqlite_message)}"


def count_rows(db: Session, column: InstrumentedAttribute[Any], value: object) -> int:
    return db.scalar(select(func.count()).where(column == value)) or 0


def counts_by_table(
    db: Session, columns: Iterable[InstrumentedAttribute[Any]], value: object
) -> dict[str, int]:
    return {column.class_.__tablename__: count_rows(db, column, value) for column in columns}


def make_genie_space(space_id: str = "space-1", **fields: Any) -> ConfigGenieSpace:
    fields.setdefault("space_name", f"Genie {space_id}")
    return ConfigGenieSpace(space_id=space_id, **fields)


def make_ai_infra(**fields: Any) -> ConfigAIInfra:
    fields.setdefault("llm_endpoint", "slidegen-offline")
    return ConfigAIInfra(**fields)


def make_permission(session: UserSession, **fields: Any) -> SessionPermission:
    fields.setdefault("principal_type", "user")
    fields.setdefault("principal_id", "bob@example.com")
    fields.setdefault("permission", "read")
    return SessionPermission(session=session, granted_by="alice@example.com", **fields)


def make_version(session: UserSession, version_number: int) -> SlideDeckVersion:
    return SlideDeckVersion(
        session=session,
        version_number=version_number,
        description=f"Save point {version_number}",
        deck_json={"slides": []},
    )


def make_full_profile(db: Session) -> ConfigProfile:
    """A flushed profile with every kind of child row."""
    profile = make_profile()
    profile.genie_spaces = [make_genie_space("sales"), make_genie_space("finance")]
    profile.history = [
        ConfigHistory(domain="ai_infra", action="update", changed_by="alice@example.com")
    ]
    profile.contributors = [
        ConfigProfileContributor(
            identity_type="USER", identity_id="u-1", identity_name="bob@example.com"
        )
    ]
    flush(db, profile)
    return profile


def make_full_session(db: Session) -> UserSession:
    """A flushed session with every kind of child row and a forked child session."""
    session = make_session()
    session.messages = [
        SessionMessage(role="user", content="Make a deck about Q3"),
        SessionMessage(role="assistant", content="Here it is"),
    ]
    session.slide_deck = SessionSlideDeck(deck_json={"slides": []})
    session.versions = [make_version(session, 1), make_version(session, 2)]
    session.requests = [ChatRequest(request_id=uuid.uuid4().hex)]
    session.permissions = [make_permission(session)]
    fork = make_session()
    flush(db, session)
    fork.parent_session_id = session.id
    flush(db, fork)
    return session


def migrated_tables(inspector: Inspector) -> list[str]:
    return [name for name in inspector.get_table_names() if name != "alembic_version"]


def assert_named_by_convention(names: dict[str, list[str | None]], prefixes: str) -> None:
    """Every name is set and is `<prefix>_<table>` or `<prefix>_<table>_...` for a prefix."""
    assert any(names.values())
    offenders = {
        table: table_names
        for table, table_names in names.items()
        if any(
            name is None or not re.match(rf"({prefixes})_{table}(_|$)", name)
            for name in table_names
        )
    }
    assert offenders == {}


# Profiles


def test_profile_with_all_configuration_reads_back_through_relationships(db: Session) -> None:
    profile = make_profile("Analytics", description="For the analytics team")
    profile.ai_infra = ConfigAIInfra(
        provider="openai", llm_endpoint="gpt-4o", llm_temperature=0.25, llm_max_tokens=4096
    )
    profile.genie_spaces = [make_genie_space("sales"), make_genie_space("finance")]
    flush(db, profile)
    db.expire_all()

    loaded = db.scalars(select(ConfigProfile).where(ConfigProfile.name == "Analytics")).one()
    assert loaded.description == "For the analytics team"
    assert loaded.ai_infra is not None
    assert (loaded.ai_infra.provider, loaded.ai_infra.llm_endpoint) == ("openai", "gpt-4o")
    assert loaded.ai_infra.llm_temperature == pytest.approx(0.25)
    assert loaded.ai_infra.llm_max_tokens == 4096
    assert loaded.ai_infra.llm_timeout_s == 120
    assert loaded.mlflow is not None and loaded.mlflow.experiment_name == "slidegen-tests"
    assert loaded.prompts is not None
    assert loaded.prompts.system_prompt == "Write at most {max_slides} slides."
    assert [space.space_id for space in loaded.genie_spaces] == ["sales", "finance"]
    assert all(space.profile is loaded for space in loaded.genie_spaces)
    assert (loaded.is_default, loaded.is_deleted) == (False, False)


def test_timestamps_are_timezone_aware_utc_after_reload(db: Session) -> None:
    before = datetime.now(UTC)
    profile = make_profile()
    flush(db, profile)
    db.expire_all()

    assert profile.ai_infra is not None
    for stamp in (profile.created_at, profile.updated_at, profile.ai_infra.created_at):
        assert stamp.tzinfo is not None
        assert stamp.utcoffset() == timedelta(0)
        assert before - timedelta(seconds=1) <= stamp <= datetime.now(UTC)


def test_second_live_profile_with_the_same_name_is_rejected(db: Session) -> None:
    flush(db, make_profile("Marketing"))
    db.add(make_profile("Marketing"))
    assert_flush_rejected(
        db, unique_violation("uq_config_profiles_name_live", "config_profiles.name")
    )


def test_soft_deleted_profile_name_can_be_reused(db: Session) -> None:
    flush(db, make_profile("Marketing", is_deleted=True, deleted_at=datetime.now(UTC)))
    flush(db, make_profile("Marketing"))

    rows = db.execute(
        select(ConfigProfile.is_deleted).where(ConfigProfile.name == "Marketing")
    ).all()
    assert sorted(deleted for (deleted,) in rows) == [False, True]


def test_second_default_profile_is_rejected(db: Session) -> None:
    flush(db, make_profile(is_default=True))
    db.add(make_profile(is_default=True))
    assert_flush_rejected(
        db, unique_violation("uq_config_profiles_single_default", "config_profiles.is_default")
    )


def test_making_a_second_profile_the_default_is_rejected(db: Session) -> None:
    other = make_profile()
    flush(db, make_profile(is_default=True), other)
    other.is_default = True
    assert_flush_rejected(
        db, unique_violation("uq_config_profiles_single_default", "config_profiles.is_default")
    )


def test_many_non_default_profiles_are_allowed(db: Session) -> None:
    flush(db, make_profile(is_default=True), *(make_profile() for _ in range(3)))
    assert count_rows(db, ConfigProfile.is_default, False) == 3
    assert count_rows(db, ConfigProfile.is_default, True) == 1


# Library: slide styles and deck prompts


def test_second_default_slide_style_is_rejected(db: Session) -> None:
    flush(db, make_slide_style(is_default=True))
    db.add(make_slide_style(is_default=True))
    assert_flush_rejected(
        db,
        unique_violation("uq_slide_style_library_single_default", "slide_style_library.is_default"),
    )


def test_making_a_second_slide_style_the_default_is_rejected(db: Session) -> None:
    other = make_slide_style()
    flush(db, make_slide_style(is_default=True), other)
    other.is_default = True
    assert_flush_rejected(
        db,
        unique_violation("uq_slide_style_library_single_default", "slide_style_library.is_default"),
    )


def test_many_non_default_slide_styles_are_allowed(db: Session) -> None:
    flush(db, make_slide_style(is_default=True), *(make_slide_style() for _ in range(3)))
    assert count_rows(db, SlideStyle.is_default, False) == 3


def test_slide_style_names_are_unique(db: Session) -> None:
    flush(db, make_slide_style("Corporate"))
    db.add(make_slide_style("Corporate"))
    assert_flush_rejected(
        db, unique_violation("uq_slide_style_library_name", "slide_style_library.name")
    )


def test_deck_prompt_names_are_unique(db: Session) -> None:
    flush(db, make_deck_prompt("QBR"))
    db.add(make_deck_prompt("QBR"))
    assert_flush_rejected(
        db,
        unique_violation("uq_slide_deck_prompt_library_name", "slide_deck_prompt_library.name"),
    )


# AI infrastructure settings


@pytest.mark.parametrize("temperature", [-0.1, 1.5])
def test_temperature_outside_zero_to_one_is_rejected(db: Session, temperature: float) -> None:
    db.add(make_profile(full=False, ai_infra=make_ai_infra(llm_temperature=temperature)))
    assert_flush_rejected(db, "ck_config_ai_infra_temperature_range")


@pytest.mark.parametrize("temperature", [0.0, 1.0])
def test_temperature_bounds_are_accepted(db: Session, temperature: float) -> None:
    profile = make_profile(full=False, ai_infra=make_ai_infra(llm_temperature=temperature))
    flush(db, profile)
    db.expire_all()
    assert profile.ai_infra is not None
    assert profile.ai_infra.llm_temperature == temperature


@pytest.mark.parametrize("max_tokens", [0, -5])
def test_non_positive_max_tokens_is_rejected(db: Session, max_tokens: int) -> None:
    db.add(make_profile(full=False, ai_infra=make_ai_infra(llm_max_tokens=max_tokens)))
    assert_flush_rejected(db, "ck_config_ai_infra_max_tokens_positive")


@pytest.mark.parametrize("timeout", [0, -1])
def test_non_positive_timeout_is_rejected(db: Session, timeout: int) -> None:
    db.add(make_profile(full=False, ai_infra=make_ai_infra(llm_timeout_s=timeout)))
    assert_flush_rejected(db, "ck_config_ai_infra_timeout_positive")


def test_unknown_provider_is_rejected(db: Session) -> None:
    db.add(make_profile(full=False, ai_infra=make_ai_infra(provider="anthropic")))
    assert_flush_rejected(db, "ck_config_ai_infra_provider_known")


# One configuration row per profile, several Genie spaces


def test_second_ai_infra_row_for_a_profile_is_rejected(db: Session) -> None:
    profile = make_profile()
    flush(db, profile)
    db.add(make_ai_infra(profile_id=profile.id))
    assert_flush_rejected(
        db, unique_violation("uq_config_ai_infra_profile_id", "config_ai_infra.profile_id")
    )


def test_second_mlflow_row_for_a_profile_is_rejected(db: Session) -> None:
    profile = make_profile()
    flush(db, profile)
    db.add(ConfigMLflow(profile_id=profile.id, experiment_name="another"))
    assert_flush_rejected(
        db, unique_violation("uq_config_mlflow_profile_id", "config_mlflow.profile_id")
    )


def test_second_prompts_row_for_a_profile_is_rejected(db: Session) -> None:
    profile = make_profile()
    flush(db, profile)
    db.add(
        ConfigPrompts(
            profile_id=profile.id, system_prompt="Other", slide_editing_instructions="Other"
        )
    )
    assert_flush_rejected(
        db, unique_violation("uq_config_prompts_profile_id", "config_prompts.profile_id")
    )


def test_profile_can_have_several_genie_spaces(db: Session) -> None:
    profile = make_profile(full=False)
    profile.genie_spaces = [make_genie_space(f"space-{n}") for n in range(3)]
    flush(db, profile)
    assert count_rows(db, ConfigGenieSpace.profile_id, profile.id) == 3


def test_same_genie_space_twice_on_a_profile_is_rejected(db: Session) -> None:
    profile = make_profile(full=False)
    flush(db, profile)
    db.add_all(
        [
            make_genie_space("sales", profile_id=profile.id),
            make_genie_space("sales", profile_id=profile.id, space_name="Sales again"),
        ]
    )
    assert_flush_rejected(
        db,
        unique_violation(
            "uq_config_genie_spaces_profile_id_space_id",
            "config_genie_spaces.profile_id",
            "config_genie_spaces.space_id",
        ),
    )


def test_same_genie_space_on_two_profiles_is_allowed(db: Session) -> None:
    first, second = make_profile(full=False), make_profile(full=False)
    first.genie_spaces = [make_genie_space("sales")]
    second.genie_spaces = [make_genie_space("sales")]
    flush(db, first, second)
    assert count_rows(db, ConfigGenieSpace.space_id, "sales") == 2


# Deletes cascaded by the database


PROFILE_CHILDREN = (
    ConfigAIInfra.profile_id,
    ConfigGenieSpace.profile_id,
    ConfigMLflow.profile_id,
    ConfigPrompts.profile_id,
    ConfigHistory.profile_id,
    ConfigProfileContributor.profile_id,
)

SESSION_CHILDREN = (
    SessionMessage.session_id,
    SessionSlideDeck.session_id,
    SlideDeckVersion.session_id,
    ChatRequest.session_id,
    SessionPermission.session_id,
    UserSession.parent_session_id,
)


def test_deleting_a_profile_in_the_database_removes_its_configuration(db: Session) -> None:
    profile = make_full_profile(db)
    assert counts_by_table(db, PROFILE_CHILDREN, profile.id) == {
        "config_ai_infra": 1,
        "config_genie_spaces": 2,
        "config_mlflow": 1,
        "config_prompts": 1,
        "config_history": 1,
        "config_profile_contributors": 1,
    }

    db.execute(delete(ConfigProfile).where(ConfigProfile.id == profile.id))

    assert set(counts_by_table(db, PROFILE_CHILDREN, profile.id).values()) == {0}


def test_deleting_a_profile_leaves_other_profiles_configuration(db: Session) -> None:
    doomed, kept = make_full_profile(db), make_full_profile(db)
    before = counts_by_table(db, PROFILE_CHILDREN, kept.id)

    db.execute(delete(ConfigProfile).where(ConfigProfile.id == doomed.id))

    assert counts_by_table(db, PROFILE_CHILDREN, kept.id) == before


def test_deleting_a_session_in_the_database_removes_its_children(db: Session) -> None:
    session = make_full_session(db)
    assert counts_by_table(db, SESSION_CHILDREN, session.id) == {
        "session_messages": 2,
        "session_slide_decks": 1,
        "slide_deck_versions": 2,
        "chat_requests": 1,
        "session_permissions": 1,
        "user_sessions": 1,
    }

    db.execute(delete(UserSession).where(UserSession.id == session.id))

    assert set(counts_by_table(db, SESSION_CHILDREN, session.id).values()) == {0}


def test_deleting_a_session_keeps_its_export_jobs(db: Session) -> None:
    session = make_full_session(db)
    flush(db, ExportJob(job_id=uuid.uuid4().hex, session_id=session.session_id))

    db.execute(delete(UserSession).where(UserSession.id == session.id))

    assert count_rows(db, UserSession.id, session.id) == 0
    assert count_rows(db, ExportJob.session_id, session.session_id) == 1


# ON DELETE SET NULL


def test_deleting_a_deck_prompt_clears_the_profile_selection(db: Session) -> None:
    profile = make_profile()
    assert profile.prompts is not None
    profile.prompts.deck_prompt = make_deck_prompt()
    flush(db, profile)
    prompt_id = profile.prompts.selected_deck_prompt_id
    assert prompt_id is not None

    db.execute(delete(SlideDeckPrompt).where(SlideDeckPrompt.id == prompt_id))

    selected = db.execute(
        select(ConfigPrompts.selected_deck_prompt_id).where(ConfigPrompts.profile_id == profile.id)
    ).one()
    assert selected == (None,)


def test_deleting_a_slide_style_clears_the_profile_selection(db: Session) -> None:
    profile = make_profile()
    assert profile.prompts is not None
    profile.prompts.slide_style = make_slide_style()
    flush(db, profile)
    style_id = profile.prompts.selected_slide_style_id
    assert style_id is not None

    db.execute(delete(SlideStyle).where(SlideStyle.id == style_id))

    selected = db.execute(
        select(ConfigPrompts.selected_slide_style_id).where(ConfigPrompts.profile_id == profile.id)
    ).one()
    assert selected == (None,)


def test_deleting_a_profile_detaches_its_sessions(db: Session) -> None:
    profile = make_profile()
    flush(db, profile)
    session = make_session(profile_id=profile.id, profile_name=profile.name)
    flush(db, session)

    db.execute(delete(ConfigProfile).where(ConfigProfile.id == profile.id))

    row = db.execute(
        select(UserSession.profile_id, UserSession.profile_name).where(UserSession.id == session.id)
    ).one()
    assert tuple(row) == (None, profile.name)


def test_deleting_a_profile_clears_user_default_preferences(db: Session) -> None:
    profile = make_profile()
    flush(db, profile)
    flush(db, UserProfilePreference(user_name="alice@example.com", default_profile_id=profile.id))

    db.execute(delete(ConfigProfile).where(ConfigProfile.id == profile.id))

    preferences = db.execute(
        select(UserProfilePreference.user_name, UserProfilePreference.default_profile_id)
    ).all()
    assert [tuple(row) for row in preferences] == [("alice@example.com", None)]


# Sessions, messages, versions, permissions and chat requests


def test_unknown_session_visibility_is_rejected(db: Session) -> None:
    db.add(make_session(visibility="public"))
    assert_flush_rejected(db, "ck_user_sessions_visibility_known")


@pytest.mark.parametrize("visibility", ["private", "shared", "workspace"])
def test_known_session_visibilities_are_accepted(db: Session, visibility: str) -> None:
    session = make_session(visibility=visibility)
    flush(db, session)
    assert count_rows(db, UserSession.visibility, visibility) == 1


def test_unknown_message_role_is_rejected(db: Session) -> None:
    session = make_session()
    session.messages = [SessionMessage(role="robot", content="beep")]
    db.add(session)
    assert_flush_rejected(db, "ck_session_messages_role_known")


def test_duplicate_version_number_in_a_session_is_rejected(db: Session) -> None:
    session = make_session()
    flush(db, session, make_version(session, 1))
    db.add(make_version(session, 1))
    assert_flush_rejected(
        db,
        unique_violation(
            "uq_slide_deck_versions_session_id_version_number",
            "slide_deck_versions.session_id",
            "slide_deck_versions.version_number",
        ),
    )


def test_same_version_number_in_two_sessions_is_allowed(db: Session) -> None:
    first, second = make_session(), make_session()
    flush(db, make_version(first, 1), make_version(second, 1))
    assert count_rows(db, SlideDeckVersion.version_number, 1) == 2


def test_duplicate_session_permission_is_rejected(db: Session) -> None:
    session = make_session()
    flush(db, make_permission(session, permission="read"))
    db.add(make_permission(session, permission="edit"))
    assert_flush_rejected(
        db,
        unique_violation(
            "uq_session_permissions_session_id_principal_type_principal_id",
            "session_permissions.session_id",
            "session_permissions.principal_type",
            "session_permissions.principal_id",
        ),
    )


def test_unknown_session_permission_is_rejected(db: Session) -> None:
    db.add(make_permission(make_session(), permission="admin"))
    assert_flush_rejected(db, "ck_session_permissions_permission_known")


def test_unknown_chat_request_status_is_rejected(db: Session) -> None:
    session = make_session()
    session.requests = [ChatRequest(request_id=uuid.uuid4().hex, status="done")]
    db.add(session)
    assert_flush_rejected(db, "ck_chat_requests_status_known")


def test_duplicate_chat_request_id_is_rejected(db: Session) -> None:
    session = make_session()
    session.requests = [ChatRequest(request_id="req-1")]
    flush(db, session)
    session.requests.append(ChatRequest(request_id="req-1"))
    assert_flush_rejected(
        db, unique_violation("uq_chat_requests_request_id", "chat_requests.request_id")
    )


# JSON columns


def test_deck_json_round_trips_nested_structures(db: Session) -> None:
    session = make_session()
    session.slide_deck = SessionSlideDeck(deck_json=NESTED_DECK, slide_count=2)
    flush(db, session)
    db.expire_all()
    assert session.slide_deck is not None
    assert session.slide_deck.deck_json == NESTED_DECK


def test_agent_config_round_trips_nested_structures(db: Session) -> None:
    config = {"tools": [{"type": "genie", "space_id": "sales"}], "llm": {"temperature": 0.3}}
    session = make_session(agent_config=config)
    flush(db, session)
    db.expire_all()
    assert session.agent_config == config


def test_config_history_changes_round_trip_nested_structures(db: Session) -> None:
    changes = {
        "llm_temperature": {"old": 0.7, "new": 0.2},
        "genie_spaces": {"old": [], "new": [{"space_id": "sales", "name": "Sales"}]},
    }
    profile = make_profile(full=False)
    profile.history = [
        ConfigHistory(
            domain="ai_infra", action="update", changed_by="alice@example.com", changes=changes
        )
    ]
    flush(db, profile)
    db.expire_all()
    assert profile.history[0].changes == changes


@pytest.mark.parametrize(
    ("table", "column"),
    [
        ("session_slide_decks", "deck_json"),
        ("user_sessions", "agent_config"),
        ("config_history", "changes"),
    ],
)
def test_json_columns_are_jsonb_on_postgresql_and_json_on_sqlite(
    db: Session, table: str, column: str
) -> None:
    columns = {info["name"]: info["type"] for info in inspect(db.get_bind()).get_columns(table)}
    expected = JSONB if db.get_bind().dialect.name == "postgresql" else JSON
    assert isinstance(columns[column], expected)


# Naming of the migrated schema


def test_migration_creates_every_model_table(db: Session) -> None:
    assert set(migrated_tables(inspect(db.get_bind()))) == set(Base.metadata.tables)


def test_every_unique_constraint_is_named(db: Session) -> None:
    inspector = inspect(db.get_bind())
    names = {
        table: [constraint["name"] for constraint in inspector.get_unique_constraints(table)]
        for table in migrated_tables(inspector)
    }
    assert_named_by_convention(names, "uq")


def test_every_check_constraint_is_named(db: Session) -> None:
    inspector = inspect(db.get_bind())
    names = {
        table: [constraint["name"] for constraint in inspector.get_check_constraints(table)]
        for table in migrated_tables(inspector)
    }
    assert_named_by_convention(names, "ck")


def test_every_foreign_key_is_named(db: Session) -> None:
    inspector = inspect(db.get_bind())
    names = {
        table: [constraint["name"] for constraint in inspector.get_foreign_keys(table)]
        for table in migrated_tables(inspector)
    }
    assert_named_by_convention(names, "fk")


def test_every_index_is_named(db: Session) -> None:
    inspector = inspect(db.get_bind())
    names = {
        table: [index["name"] for index in inspector.get_indexes(table)]
        for table in migrated_tables(inspector)
    }
    assert_named_by_convention(names, "ix|uq")


def test_every_primary_key_is_named(db: Session) -> None:
    inspector = inspect(db.get_bind())
    names = {
        table: [inspector.get_pk_constraint(table)["name"]] for table in migrated_tables(inspector)
    }
    assert_named_by_convention(names, "pk")
