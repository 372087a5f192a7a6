"""The Profiles page in AppTest: edit, save, see history, restore; create, delete; bad input."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from streamlit.testing.v1 import AppTest

from slidegen.config import Settings
from slidegen.db.database import Database
from slidegen.identity import User
from slidegen.services.identities import record_identity
from slidegen.services.profiles import admin as profile_admin
from tests.app.conftest import APP_USER, shown

APP = str(Path(__file__).resolve().parents[2] / "app.py")
APP_USER_OBJ = User(name=APP_USER, display_name="Pat")


def open_profiles() -> AppTest:
    at = AppTest.from_file(APP, default_timeout=30)
    at.run()
    at.switch_page("app_pages/profiles.py")
    at.run()
    assert not at.exception, at.exception
    return at


def messages(at: AppTest) -> str:
    kinds = ("success", "warning", "error", "info", "caption", "markdown")
    return "\n".join(shown(el.value) for kind in kinds for el in getattr(at, kind))


def open_section(at: AppTest, name: str) -> None:
    at.button_group(key="pf.section").set_value(name).run()
    assert not at.exception, at.exception


def history_table(at: AppTest):
    frames = [d.value for d in at.dataframe if "action" in getattr(d.value, "columns", [])]
    assert frames, "no history table"
    return frames[0]


def widget_key(at: AppTest, kind: str, suffix: str) -> str:
    keys = [w.key for w in getattr(at, kind) if w.key and w.key.endswith(suffix)]
    assert keys, f"no {kind} ending with {suffix}"
    return keys[0]


def test_edit_save_history_and_restore(app_env: str) -> None:
    at = open_profiles()
    assert "No unsaved changes." in messages(at)
    at.slider(key=widget_key(at, "slider", ".temperature")).set_value(0.25).run()
    assert "Unsaved changes (1): AI infrastructure › temperature" in messages(at)
    at.button(key="pf.save").click().run()
    assert not at.exception, at.exception
    text = messages(at)
    assert "Saved 'default'." in text and "AI infrastructure › temperature: 0.7 → 0.25" in text
    open_section(at, "History")
    history = history_table(at)
    assert list(history["action"][:2]) == ["update", "create"]
    assert history["fields"].iloc[0] == "AI infrastructure › temperature"

    # Restore the first version (the seed's), confirming first.
    entry = at.selectbox(key=widget_key(at, "selectbox", f".{history['id'].iloc[0]}"))
    entry.set_value(int(history["id"].iloc[1])).run()
    assert at.button(key="pf.h.restore").disabled
    at.checkbox(key="pf.h.sure").check().run()
    at.button(key="pf.h.restore").click().run()
    assert not at.exception, at.exception
    assert "Restored 'default' to change" in messages(at)
    assert history_table(at)["action"].iloc[0] == "restore"
    open_section(at, "AI infrastructure")
    assert at.slider(key=widget_key(at, "slider", ".temperature")).value == 0.7


def test_discard_and_inline_validation(app_env: str) -> None:
    at = open_profiles()
    open_section(at, "MLflow")
    experiment = widget_key(at, "text_input", ".experiment")
    at.text_input(key=experiment).input("/Users//broken").run()
    text = messages(at)
    assert "Unsaved changes (1): MLflow › experiment name" in text
    assert "a workspace path must look like" in text
    assert at.button(key="pf.save").disabled
    at.button(key="pf.discard").click().run()
    assert "Discarded your unsaved changes." in messages(at)
    assert at.text_input(key=widget_key(at, "text_input", ".experiment")).value == "slidegen"


def test_new_set_default_and_delete(app_env: str) -> None:
    at = open_profiles()
    at.text_input(key="pf.new.name").input("Team deck").run()
    at.selectbox(key="pf.new.source").set_value("default").run()
    at.button(key="pf.new.go").click().run()
    assert not at.exception, at.exception
    assert at.selectbox(key="pf.selected").value == "Team deck"
    assert "Created profile 'Team deck'." in messages(at)

    at.button(key="pf.default").click().run()
    assert "'Team deck' is now the default profile" in messages(at)
    assert at.button(key="pf.del.go").disabled  # until confirmed
    at.checkbox(key="pf.del.sure").check().run()
    at.button(key="pf.del.go").click().run()
    assert "is the default profile; make another profile the default first" in messages(at)

    at.selectbox(key="pf.selected").set_value("default").run()
    at.button(key="pf.default").click().run()
    at.selectbox(key="pf.selected").set_value("Team deck").run()
    at.checkbox(key="pf.del.sure").check().run()
    at.button(key="pf.del.go").click().run()
    assert not at.exception, at.exception
    assert "Deleted profile 'Team deck'." in messages(at)
    assert at.selectbox(key="pf.selected").options == ["default  (★ default)"]


def test_unsaved_edits_survive_moving_between_sections(app_env: str) -> None:
    """Only the open section runs; edits made in the others are kept in the draft."""
    at = open_profiles()
    at.slider(key=widget_key(at, "slider", ".temperature")).set_value(0.4).run()
    open_section(at, "MLflow")
    at.text_input(key=widget_key(at, "text_input", ".experiment")).input("decks").run()
    open_section(at, "History")
    unsaved = "Unsaved changes (2): AI infrastructure › temperature, MLflow › experiment name"
    assert unsaved in messages(at)
    open_section(at, "AI infrastructure")
    assert at.slider(key=widget_key(at, "slider", ".temperature")).value == 0.4
    at.button(key="pf.save").click().run()
    text = messages(at)
    assert "AI infrastructure › temperature: 0.7 → 0.4" in text
    assert 'MLflow › experiment name: "slidegen" → "decks"' in text
    open_section(at, "MLflow")
    assert at.text_input(key=widget_key(at, "text_input", ".experiment")).value == "decks"
    assert "No unsaved changes." in messages(at)


def test_a_save_elsewhere_keeps_my_edits_on_top_of_theirs(app_env: str) -> None:
    """Another user saves the profile while I edit it: my unsaved field stays mine, theirs is
    taken, and my Save does not undo their change."""
    at = open_profiles()
    at.slider(key=widget_key(at, "slider", ".temperature")).set_value(0.3).run()
    settings = Settings(DATABASE_URL=app_env, SLIDEGEN_USER="other@example.com")
    database = Database(settings)
    with database.scope() as session:
        profile_admin.update_profile(
            session,
            User(name="other@example.com", display_name="Other"),
            name="default",
            settings=settings,
            ai_infra={"llm_max_tokens": 4000},
        )
    database.dispose()
    at.run()
    text = messages(at)
    assert "other@example.com saved this profile while you were editing it" in text
    assert "Unsaved changes (1): AI infrastructure › temperature" in text
    assert at.slider(key=widget_key(at, "slider", ".temperature")).value == 0.3
    assert at.number_input(key=widget_key(at, "number_input", ".max_tokens")).value == 4000
    at.button(key="pf.save").click().run()
    assert "Saved 'default'." in messages(at)
    with database.scope() as session:
        saved = profile_admin.show_profile(session, APP_USER_OBJ, name="default").config
    database.dispose()
    assert saved["ai_infra"]["llm_temperature"] == 0.3
    assert saved["ai_infra"]["llm_max_tokens"] == 4000


def test_history_filters_by_date_and_compare_picks_a_snapshot(app_env: str) -> None:
    at = open_profiles()
    at.slider(key=widget_key(at, "slider", ".temperature")).set_value(0.2).run()
    at.button(key="pf.save").click().run()
    open_section(at, "History")
    assert len(history_table(at)) == 2
    today = datetime.now(UTC).date()
    at.date_input(key="pf.h.when").set_value((today - timedelta(days=9), today - timedelta(days=8)))
    at.run()
    assert "No changes match." in messages(at), [e.value for e in at.error]
    at.date_input(key="pf.h.when").set_value((today, today)).run()
    assert len(history_table(at)) == 2

    open_section(at, "Compare")
    at.radio(key="pf.c.mode").set_value("a snapshot").run()
    picker = at.selectbox(key="pf.c.hid")
    assert len(picker.options) == 2 and "create" in picker.options[1]
    create_id = int(picker.options[1].split(" ")[0].removeprefix("#"))
    # The snapshot before the newest one is offered first (the newest is the profile as it is).
    assert picker.value == create_id
    compared = [d.value for d in at.dataframe if "field" in getattr(d.value, "columns", [])][0]
    assert list(compared["field"]) == ["AI infrastructure › temperature"]
    assert "1 field differs (equal fields are not listed)." in messages(at)


def test_sharing_offers_people_and_groups_seen_here(app_env: str) -> None:
    """Typing a new name is checked in the browser (History's share dialog, same picker)."""
    database = Database(Settings(DATABASE_URL=app_env))
    with database.scope() as session:
        rita = User(name="rita@example.com", display_name="Rita", groups=("finance-team",))
        record_identity(session, rita)
    database.dispose()
    at = open_profiles()
    open_section(at, "Sharing")
    picker = at.selectbox(key="pf.s.who")
    assert "rita@example.com" in picker.options
    assert at.button(key="pf.s.go").disabled  # nobody chosen yet
    picker.set_value("rita@example.com").run()
    at.selectbox(key="pf.s.level").set_value("CAN_EDIT").run()
    at.button(key="pf.s.go").click().run()
    assert "Shared 'default' with rita@example.com." in messages(at)
    at.selectbox(key="pf.s.who").set_value("finance-team").run()
    at.button(key="pf.s.go").click().run()
    people = [d.value for d in at.dataframe if "identity_id" in getattr(d.value, "columns", [])]
    assert people, "no contributors table"
    rows = {(r.identity_type, r.identity_id) for r in people[0].itertuples()}
    assert {("USER", "rita@example.com"), ("GROUP", "finance-team")} <= rows
