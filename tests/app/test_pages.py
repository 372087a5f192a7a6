"""Each page renders from the real database without an exception."""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

from slidegen.config import Settings
from slidegen.db.database import Database
from slidegen.db.models import SessionPermission
from tests.app.conftest import APP_USER, shown
from tests.factories import make_session
from tests.integration.test_permission_matrix import shared_deck

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
    return "\n".join(shown(part) for part in parts)


def test_chat_names_the_profile_and_the_offline_engine(app_env: str) -> None:
    at = run_page()
    text = all_text(at)
    assert at.title[0].value == "Chat"
    assert "Profile **default**" in text
    assert "offline demo engine" in text
    assert "Consumption Review" in text
    assert f"Signed in as **{APP_USER}**" in text


def test_profiles_lists_the_default_profile(app_env: str) -> None:
    at = run_page("app_pages/profiles.py")
    frame = at.dataframe[0].value
    assert list(frame["Name"]) == ["default"]
    assert list(frame["Default"]) == ["★"]
    assert list(frame["Provider"]) == ["offline"]
    assert at.selectbox(key="pf.selected").value == "default"


def test_library_lists_prompts_and_styles(app_env: str) -> None:
    at = run_page("app_pages/library.py")
    prompts = at.dataframe[0].value
    assert "Quarterly Business Review" in set(prompts["Name"])
    assert len(prompts) == 4
    at.button_group(key="library-section").set_value("Slide styles").run()
    styles = at.dataframe[0].value
    assert styles["Name"].iloc[0] == "System Default"
    assert styles["Default"].iloc[0] == "★"


def test_history_is_empty_at_first(app_env: str) -> None:
    at = run_page("app_pages/history.py")
    assert "no decks yet" in at.info[0].value


def test_history_lists_what_i_may_see_with_search_and_scopes(app_env: str) -> None:
    database = Database(Settings(DATABASE_URL=app_env))
    with database.scope() as session:
        session.add(make_session(APP_USER, title="Q3 consumption"))
        session.add(make_session("someone-else@example.com", title="Not mine"))
        shared = make_session("olga@example.com", title="Olga's shared plan", visibility="shared")
        session.add(shared)
        session.flush()
        session.add(
            SessionPermission(
                session_id=shared.id,
                principal_type="user",
                principal_id=APP_USER,
                permission="read",
                granted_by="olga@example.com",
            )
        )
        shared_deck(session, visibility="workspace", owner="olga@example.com")
    database.dispose()
    at = run_page("app_pages/history.py")
    titles = [m.value for m in at.markdown if m.value.startswith("**")]
    assert titles == ["**Quarterly review**", "**Olga's shared plan**", "**Q3 consumption**"]
    at.segmented_control(key="history_scope").set_value("shared").run()
    assert [m.value for m in at.markdown if m.value.startswith("**")] == ["**Olga's shared plan**"]
    at.segmented_control(key="history_scope").set_value("all").run()
    at.text_input(key="history_search").set_value("q3").run()
    assert not at.exception
    assert [m.value for m in at.markdown if m.value.startswith("**")] == ["**Q3 consumption**"]
    at.text_input(key="history_search").set_value("nothing like this").run()
    assert "No decks match" in at.info[0].value


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
