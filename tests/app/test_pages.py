"""Each page renders from the real database without an exception."""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

from slidegen.config import Settings
from slidegen.db.database import Database
from tests.app.conftest import APP_USER
from tests.factories import make_session

APP = str(Path(__file__).resolve().parents[2] / "app.py")


def run_page(page: str | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=30)
    at.run()
    if page:
        at.switch_page(page)
        at.run()
    assert not at.exception, at.exception
    return at


def all_text(at: AppTest) -> str:
    parts = [
        el.value
        for kind in ("markdown", "caption", "info", "title", "subheader", "warning")
        for el in getattr(at, kind)
    ]
    return "\n".join(str(part) for part in parts)


def test_chat_names_the_profile_and_the_offline_engine(app_env: str) -> None:
    at = run_page()
    text = all_text(at)
    assert at.title[0].value == "Chat"
    assert "Profile **default**" in text
    assert "offline demo engine" in text
    assert "Consumption Review" in text
    assert f"Signed in as **{APP_USER}**" in text


def test_profiles_lists_the_default_profile(app_env: str) -> None:
    at = run_page("pages/profiles.py")
    frame = at.dataframe[0].value
    assert list(frame["Name"]) == ["default"]
    assert list(frame["Default"]) == ["★"]
    assert list(frame["Provider"]) == ["offline"]
    assert at.selectbox(key="pf.selected").value == "default"


def test_library_lists_prompts_and_styles(app_env: str) -> None:
    at = run_page("pages/library.py")
    prompts, styles = at.table[0].value, at.table[1].value
    assert "Quarterly Business Review" in set(prompts["Name"])
    assert len(prompts) == 4
    assert styles["Name"].iloc[0] == "System Default"
    assert styles["Default"].iloc[0] == "★"


def test_history_is_empty_at_first(app_env: str) -> None:
    at = run_page("pages/history.py")
    assert "no decks yet" in at.info[0].value
    assert len(at.dataframe) == 0


def test_history_lists_only_my_sessions(app_env: str) -> None:
    database = Database(Settings(DATABASE_URL=app_env))
    with database.scope() as session:
        session.add(make_session(APP_USER, title="Q3 consumption"))
        session.add(make_session("someone-else@example.com", title="Not mine"))
    database.dispose()
    at = run_page("pages/history.py")
    assert list(at.dataframe[0].value["Title"]) == ["Q3 consumption"]


def test_unmigrated_database_shows_a_clear_error(
    app_env: str,
    databases,
    monkeypatch,  # type: ignore[no-untyped-def]
) -> None:
    from slidegen.config import reload_settings

    monkeypatch.setenv("DATABASE_URL", databases.url("sqlite"))
    reload_settings()
    at = AppTest.from_file(APP, default_timeout=30)
    at.run()
    assert not at.exception
    assert "not set up yet" in at.error[0].value
