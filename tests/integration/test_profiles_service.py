"""Profile management on SQLite and PostgreSQL: CRUD, defaults, history, restore, sharing."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from slidegen.config import Settings
from slidegen.db.database import Database
from slidegen.db.models import ChatRequest, ConfigHistory, ConfigProfile
from slidegen.errors import ConflictError, NotFoundError, PermissionDeniedError
from slidegen.identity import User
from slidegen.services.profiles import admin
from slidegen.services.profiles import history as profile_history
from slidegen.services.profiles import queries as profiles
from slidegen.services.profiles import sharing as profile_sharing
from slidegen.services.profiles import transfer as profile_io
from slidegen.services.seed import seed_database
from tests.conftest import DatabaseFactory
from tests.factories import make_session

ALICE = User(name="alice@example.com", display_name="Alice")
BOB = User(name="bob@example.com", display_name="Bob", groups=("analysts",))
CAROL = User(name="carol@example.com", display_name="Carol")


@pytest.fixture
def seeded(db: Session, settings: Settings) -> Session:
    seed_database(db, settings=settings)
    return db


def history_count(db: Session, profile_id: int | None = None) -> int:
    query = select(func.count()).select_from(ConfigHistory)
    if profile_id is not None:
        query = query.where(ConfigHistory.profile_id == profile_id)
    return db.scalar(query) or 0


def test_create_from_defaults_and_copy_records_history(seeded: Session, settings: Settings):
    blank = admin.create_profile(seeded, ALICE, name="Blank", settings=settings)
    assert blank.config["prompts"]["user_prompt_template"]
    assert blank.config["genie_spaces"] == [] and blank.my_permission == "CAN_MANAGE"
    admin.update_profile(
        seeded, ALICE, name="default", settings=settings, ai_infra={"llm_temperature": 0.2}
    )
    copy = admin.create_profile(seeded, ALICE, name="Copy", copy_from="default", settings=settings)
    assert copy.config["ai_infra"]["llm_temperature"] == 0.2
    assert copy.config["data_sources"][0]["name"] == "sample_consumption"
    page = profile_history.list_history(seeded, ALICE, profile_name="Copy")
    assert [(e.domain, e.action) for e in page.entries] == [("profile", "create")]
    with pytest.raises(ConflictError, match="already exists"):
        admin.create_profile(seeded, ALICE, name="Copy", settings=settings)


def test_update_writes_field_changes_per_domain_and_restore(seeded: Session, settings: Settings):
    admin.create_profile(seeded, ALICE, name="P", settings=settings)
    result = admin.update_profile(
        seeded,
        ALICE,
        name="P",
        settings=settings,
        ai_infra={"llm_temperature": 0.1},
        mlflow={"experiment_name": "exp-2"},
    )
    assert {c.field: (c.old, c.new) for c in result.changes} == {
        "ai_infra.llm_temperature": (0.7, 0.1),
        "mlflow.experiment_name": ("slidegen", "exp-2"),
    }
    entries = profile_history.list_history(seeded, ALICE, profile_name="P").entries
    assert sorted(e.domain for e in entries[:2]) == ["ai_infra", "mlflow"]
    created = entries[-1]
    restored = admin.restore_profile(
        seeded, ALICE, name="P", history_id=created.id, settings=settings
    )
    assert restored.profile.config["ai_infra"]["llm_temperature"] == 0.7
    assert restored.profile.config["mlflow"]["experiment_name"] == "slidegen"
    newest = profile_history.list_history(seeded, ALICE, profile_name="P").entries[0]
    assert (newest.action, newest.domain) == ("restore", "profile")
    by_domain = profile_history.list_history(seeded, ALICE, profile_name="P", domain="mlflow")
    assert by_domain.total == 1
    assert profile_history.list_history(seeded, ALICE, changed_by="nobody").total == 0


def test_genie_spaces_and_data_sources_add_rename_remove(seeded: Session, settings: Settings):
    admin.create_profile(seeded, ALICE, name="G", settings=settings)
    config = admin.show_profile(seeded, ALICE, name="G").config
    config["genie_spaces"] = [
        {"space_id": "s1", "space_name": "Sales"},
        {"space_id": "s2", "space_name": "Usage"},
    ]
    config["data_sources"] = [{"name": "warehouse", "url": "sqlite:///w.db", "max_rows": 50}]
    admin.save_configuration(seeded, ALICE, name="G", config=config, settings=settings)
    config["genie_spaces"] = [{"space_id": "s2", "space_name": "Usage (prod)"}]
    result = admin.save_configuration(seeded, ALICE, name="G", config=config, settings=settings)
    assert {c.field for c in result.changes} == {"genie_spaces.s1", "genie_spaces.s2"}
    listed = {p.name: p.genie_space_count for p in profiles.list_profiles(seeded, ALICE)}
    assert listed["G"] == 1


def test_set_default_and_personal_default(seeded: Session, settings: Settings):
    admin.create_profile(seeded, ALICE, name="Team", settings=settings)
    admin.set_default_profile(seeded, ALICE, name="Team")
    defaults = seeded.scalars(select(ConfigProfile.name).where(ConfigProfile.is_default)).all()
    assert defaults == ["Team"]
    # The default is usable by everyone; Bob's own default falls back to it, then his choice.
    assert profiles.active_profile_row(seeded, BOB).name == "Team"
    admin.set_my_default_profile(seeded, BOB, name="default")
    assert profiles.active_profile_row(seeded, BOB).name == "default"
    mine = {p.name: p.is_my_default for p in profiles.list_profiles(seeded, BOB)}
    assert mine == {"Team": False, "default": True}
    with pytest.raises(ConflictError, match="default profile"):
        admin.delete_profile(seeded, ALICE, name="Team")


def test_delete_refused_while_a_contributor_thread_using_it_generates(
    seeded: Session, settings: Settings
) -> None:
    created = admin.create_profile(seeded, ALICE, name="Threaded", settings=settings)
    deck = make_session("bob@example.com", visibility="shared")
    seeded.add(deck)
    seeded.flush()
    thread = make_session(profile_id=created.id, parent_session_id=deck.id)
    seeded.add(thread)
    seeded.flush()
    request = ChatRequest(request_id="thread-job", session_id=thread.id, status="running")
    seeded.add(request)
    seeded.flush()  # the lock flag is on the deck (another profile); the thread's job runs
    with pytest.raises(ConflictError, match="running"):
        admin.delete_profile(seeded, ALICE, name="Threaded")
    request.status = "completed"
    seeded.flush()
    admin.delete_profile(seeded, ALICE, name="Threaded")


def test_delete_refused_while_processing_then_soft_deleted(seeded: Session, settings: Settings):
    created = admin.create_profile(seeded, ALICE, name="Busy", settings=settings)
    running = make_session(profile_id=created.id, is_processing=True)
    seeded.add(running)
    seeded.flush()
    with pytest.raises(ConflictError, match="running"):
        admin.delete_profile(seeded, ALICE, name="Busy")
    running.is_processing = False
    admin.delete_profile(seeded, ALICE, name="Busy")
    row = seeded.get(ConfigProfile, created.id)
    assert row is not None and row.is_deleted
    assert "Busy" not in [p.name for p in profiles.list_profiles(seeded, ALICE)]
    admin.create_profile(seeded, ALICE, name="Busy", settings=settings)  # the name is free again


def test_sharing_controls_who_sees_and_edits(seeded: Session, settings: Settings):
    admin.create_profile(seeded, ALICE, name="Private", settings=settings)
    assert "Private" not in [p.name for p in profiles.list_profiles(seeded, BOB)]
    with pytest.raises(NotFoundError):
        admin.show_profile(seeded, BOB, name="Private")
    profile_sharing.grant_access(
        seeded,
        ALICE,
        name="Private",
        identity_type="group",
        identity_id="analysts",
        permission_level="CAN_USE",
    )
    assert admin.show_profile(seeded, BOB, name="Private").my_permission == "CAN_USE"
    with pytest.raises(PermissionDeniedError, match="not edit"):
        admin.update_profile(seeded, BOB, name="Private", settings=settings, description="x")
    profile_sharing.grant_access(
        seeded,
        ALICE,
        name="Private",
        identity_type="user",
        identity_id=BOB.name,
        permission_level="CAN_EDIT",
    )
    admin.update_profile(seeded, BOB, name="Private", settings=settings, description="by Bob")
    with pytest.raises(PermissionDeniedError):
        admin.delete_profile(seeded, BOB, name="Private")
    with pytest.raises(NotFoundError):
        admin.show_profile(seeded, CAROL, name="Private")
    profile_sharing.set_everyone_access(seeded, ALICE, name="Private", permission_level="CAN_USE")
    assert admin.show_profile(seeded, CAROL, name="Private").my_permission == "CAN_USE"
    shared = profile_history.list_history(seeded, ALICE, profile_name="Private", domain="sharing")
    assert shared.total == 3


def test_user_contributors_match_the_email_in_any_case(seeded: Session, settings: Settings):
    admin.create_profile(seeded, ALICE, name="Cased", settings=settings)
    people = profile_sharing.grant_access(
        seeded,
        ALICE,
        name="Cased",
        identity_type="user",
        identity_id="Carol@Example.com",
        permission_level="CAN_USE",
    )
    assert [p.identity_id for p in people] == ["carol@example.com"]
    shouting = User(name="CAROL@EXAMPLE.COM", display_name="Carol")
    assert admin.show_profile(seeded, shouting, name="Cased").my_permission == "CAN_USE"
    people = profile_sharing.grant_access(  # the same person: one row, upgraded
        seeded,
        ALICE,
        name="Cased",
        identity_type="user",
        identity_id="carol@example.com",
        permission_level="CAN_EDIT",
    )
    assert [(p.identity_id, p.permission_level) for p in people] == [
        ("carol@example.com", "CAN_EDIT")
    ]
    profile_sharing.revoke_access(seeded, ALICE, name="Cased", identity_id="CAROL@example.com")
    with pytest.raises(NotFoundError):
        admin.show_profile(seeded, CAROL, name="Cased")


def test_export_import_and_compare(seeded: Session, settings: Settings):
    admin.update_profile(
        seeded,
        ALICE,
        name="default",
        settings=settings,
        genie_spaces=[{"space_id": "s1", "space_name": "Sales"}],
    )
    document = profile_io.export_profile(seeded, ALICE, name="default")
    assert document["prompts"]["slide_style_name"]
    assert "selected_slide_style_id" not in document["prompts"]
    imported = profile_io.import_profile(seeded, ALICE, document=document, settings=settings)
    assert imported.name == "default (2)"
    assert profile_io.compare_profiles(seeded, ALICE, left="default", right="default (2)") == []
    admin.update_profile(
        seeded, ALICE, name="default (2)", settings=settings, ai_infra={"llm_max_tokens": 10}
    )
    diff = profile_io.compare_profiles(seeded, ALICE, left="default", right="default (2)")
    assert [(c.field, c.old, c.new) for c in diff] == [("ai_infra.llm_max_tokens", 60000, 10)]
    first = profile_history.list_history(seeded, ALICE, profile_name="default (2)").entries[-1]
    diff = profile_io.compare_profiles(seeded, ALICE, left="default (2)", right_history_id=first.id)
    assert [c.field for c in diff] == ["ai_infra.llm_max_tokens"]


def test_hot_reload_next_request_sees_the_change(seeded: Session, settings: Settings):
    from slidegen.services.generation import chat_requests as requests

    chat = make_session(created_by=ALICE.name)
    seeded.add(chat)
    seeded.flush()
    requests.load_profile_into_session(
        seeded, ALICE, session_id=chat.session_id, profile_name="default"
    )
    admin.update_profile(
        seeded, ALICE, name="default", settings=settings, ai_infra={"llm_temperature": 0.15}
    )
    requests.load_profile_into_session(
        seeded, ALICE, session_id=chat.session_id, profile_name="default"
    )
    seeded.refresh(chat)
    assert chat.agent_config["ai_infra"]["llm_temperature"] == 0.15


@pytest.fixture
def committed(backend: str, databases: DatabaseFactory) -> Iterator[Database]:
    database = Database(Settings(DATABASE_URL=databases.url(backend)))
    from slidegen.db import migrate

    migrate.upgrade(database.engine)
    with database.scope() as session:
        seed_database(session, settings=database.settings)
        for name in ("A", "B"):
            admin.create_profile(session, ALICE, name=name, settings=database.settings)
    yield database
    database.dispose()


def test_concurrent_set_default_leaves_exactly_one(committed: Database):
    errors: list[Exception] = []
    barrier = threading.Barrier(2)

    def make_default(name: str) -> None:
        try:
            barrier.wait()
            with committed.scope() as session:
                admin.set_default_profile(session, ALICE, name=name)
        except Exception as exc:  # collected: the assertion below reports it
            errors.append(exc)

    threads = [threading.Thread(target=make_default, args=(n,)) for n in ("A", "B")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    with committed.scope() as session:
        defaults = session.scalars(select(ConfigProfile.name).where(ConfigProfile.is_default))
        assert len(defaults.all()) == 1
        assert history_count(session) == 3 + 2  # seed + two creates + two set-defaults


def test_failed_action_leaves_no_history(committed: Database):
    with committed.scope() as session:
        before = history_count(session)
    with pytest.raises(RuntimeError), committed.scope() as session:
        admin.update_profile(
            session, ALICE, name="A", settings=committed.settings, ai_infra={"llm_temperature": 0.4}
        )
        assert history_count(session) == before + 1  # written in the same transaction
        raise RuntimeError("the rest of the user action failed")
    with committed.scope() as session:
        assert history_count(session) == before
        assert (
            admin.show_profile(session, ALICE, name="A").config["ai_infra"]["llm_temperature"]
            == 0.7
        )


def test_a_drafts_new_rows_without_an_id_are_named_by_their_place() -> None:
    """Unsaved changes list `genie_spaces.#2`, not `genie_spaces.None`, for a row still
    missing its id; two such rows stay two fields."""
    stored = {"genie_spaces": [{"space_id": "s1", "space_name": "Sales"}]}
    draft = {
        "genie_spaces": [
            {"space_id": "s1", "space_name": "Sales"},
            {"space_id": None, "space_name": "New"},
            {"space_id": "", "space_name": "Other"},
        ]
    }
    changes = profile_history.diff_snapshots(stored, draft)
    assert [c.field for c in changes] == ["genie_spaces.#2", "genie_spaces.#3"]
    assert changes[0].new == {"space_name": "New"}
