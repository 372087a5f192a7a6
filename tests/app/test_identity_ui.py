"""The app frame: a headerless request inside a Databricks App is refused; in development the
user is recorded, the developer-only switcher acts as another user, and admins get the status
panel."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from streamlit.testing.v1 import AppTest

from slidegen.config import Settings, reload_settings
from slidegen.db.database import Database
from slidegen.db.migrate import head_revision
from slidegen.db.models import AppIdentity
from tests.app.conftest import APP_USER
from tests.app.test_pages import APP, all_text


def test_a_request_without_proxy_headers_in_a_databricks_app_is_refused(
    app_env: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DATABRICKS_APP_NAME", "slidegen")
    reload_settings()
    at = AppTest.from_file(APP, default_timeout=30)
    at.run()
    assert not at.exception, at.exception
    assert "no user identity" in at.error[0].value
    assert APP_USER not in all_text(at)  # not treated as the default user


def test_developer_switcher_and_status_panel_in_development(
    app_env: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SLIDEGEN_DEV_MODE", "true")
    monkeypatch.setenv("SLIDEGEN_USER_GROUPS", "analysts")
    monkeypatch.setenv("SLIDEGEN_ADMIN_GROUP", "analysts")
    reload_settings()
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    assert not at.exception, at.exception
    assert f"Signed in as **{APP_USER}**" in all_text(at)
    assert at.text_input(key="slidegen.dev_act_as_input").label.startswith("User name")
    assert any("App status" in e.label for e in at.expander)  # the developer is an admin
    # A new browser session whose switcher holds a name (what the input's callback stores).
    at = AppTest.from_file(APP, default_timeout=60)
    at.session_state["slidegen.dev_act_as"] = "bob@example.com"
    at.run()
    assert not at.exception, at.exception
    assert "Signed in as **bob@example.com (dev)**" in all_text(at)
    assert not any("App status" in e.label for e in at.expander)  # not the developer's groups
    db = Database(Settings(DATABASE_URL=app_env))
    try:
        with db.scope() as session:
            seen = set(session.scalars(select(AppIdentity.identity_id)))
    finally:
        db.dispose()
    assert {f"user:{APP_USER}", "user:bob@example.com", "group:analysts"} <= seen


def _panel() -> None:
    from slidegen.identity import User
    from ui.status_panel import status_panel

    status_panel(User(name="dev", display_name="dev"))


def test_status_panel_runs_the_doctor_checks(
    app_env: str, monkeypatch: pytest.MonkeyPatch, tmp_path
) -> None:
    monkeypatch.setenv("MLFLOW_TRACKING_URI", f"sqlite:///{tmp_path / 'mlflow.db'}")
    reload_settings()
    at = AppTest.from_function(_panel, default_timeout=60)
    at.run()
    at.button(key="slidegen.status_run").click().run()
    assert not at.exception, at.exception
    headers = "\n".join(m.value for m in at.markdown)
    assert "**All checks passed.**" in headers
    assert "**Database**" in headers and "**Model endpoint**" in headers
    assert "**MLflow experiment slidegen**" in headers
    found = [t.value for t in at.text]
    assert found[0].endswith(f"\nreachable, schema at revision {head_revision()}")
    assert found[1] == "offline: slidegen-offline\noffline engine, no endpoint needed"
    assert found[2].endswith("mlflow.db\nwritable (a probe run was created and deleted)")
