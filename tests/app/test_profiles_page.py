"""The Profiles page in AppTest: edit, save, see history, restore; create, delete; bad input."""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

APP = str(Path(__file__).resolve().parents[2] / "app.py")


def open_profiles() -> AppTest:
    at = AppTest.from_file(APP, default_timeout=30)
    at.run()
    at.switch_page("app_pages/profiles.py")
    at.run()
    assert not at.exception, at.exception
    return at


def messages(at: AppTest) -> str:
    kinds = ("success", "warning", "error", "info", "caption", "markdown")
    return "\n".join(str(el.value) for kind in kinds for el in getattr(at, kind))


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
    assert "Unsaved changes (1): ai_infra.llm_temperature" in messages(at)
    at.button(key="pf.save").click().run()
    assert not at.exception, at.exception
    text = messages(at)
    assert "Saved 'default'." in text and "ai_infra.llm_temperature: 0.7 → 0.25" in text
    history = history_table(at)
    assert list(history["action"][:2]) == ["update", "create"]
    assert history["fields"].iloc[0] == "ai_infra.llm_temperature"

    # Restore the first version (the seed's), confirming first.
    entry = at.selectbox(key=widget_key(at, "selectbox", f".{history['id'].iloc[0]}"))
    entry.set_value(int(history["id"].iloc[1])).run()
    assert at.button(key="pf.h.restore").disabled
    at.checkbox(key="pf.h.sure").check().run()
    at.button(key="pf.h.restore").click().run()
    assert not at.exception, at.exception
    assert "Restored 'default' to change" in messages(at)
    assert at.slider(key=widget_key(at, "slider", ".temperature")).value == 0.7
    assert history_table(at)["action"].iloc[0] == "restore"


def test_discard_and_inline_validation(app_env: str) -> None:
    at = open_profiles()
    experiment = widget_key(at, "text_input", ".experiment")
    at.text_input(key=experiment).input("/Users//broken").run()
    text = messages(at)
    assert "Unsaved changes (1): mlflow.experiment_name" in text
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
