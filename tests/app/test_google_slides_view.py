"""The Chat page's Google Slides export: off without configuration, connect through Google's
consent and redirect (state checked), export as a background job, then "Open in Google Slides".

The app talks to the fake Google (tests/fakes/google_server) through the real libraries.
"""

from __future__ import annotations

import time
import urllib.parse
from collections.abc import Iterator

import pytest
from cryptography.fernet import Fernet
from sqlalchemy import select
from streamlit.testing.v1 import AppTest

from slidegen.config import Settings, get_settings, reload_settings
from slidegen.db.database import Database
from slidegen.db.models import ExportJob
from slidegen.services.exports import google_auth
from tests.app.conftest import APP_USER, shown
from tests.app.test_chat_page import APP, generate, open_chat
from tests.fakes.google_server import FakeGoogle


@pytest.fixture
def google(app_env: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeGoogle]:
    fake = FakeGoogle().start()
    monkeypatch.setenv("SLIDEGEN_GOOGLE_CLIENT_ID", "client-1")
    monkeypatch.setenv("SLIDEGEN_GOOGLE_CLIENT_SECRET", "secret-1")
    monkeypatch.setenv("SLIDEGEN_GOOGLE_REDIRECT_URI", "http://localhost:8501/")
    monkeypatch.setenv("SLIDEGEN_GOOGLE_TOKEN_KEY", Fernet.generate_key().decode())
    monkeypatch.setenv("SLIDEGEN_GOOGLE_AUTH_URI", f"{fake.base_url}/auth")
    monkeypatch.setenv("SLIDEGEN_GOOGLE_TOKEN_URI", f"{fake.base_url}/token")
    monkeypatch.setenv("SLIDEGEN_GOOGLE_SLIDES_ENDPOINT", fake.base_url)
    monkeypatch.setenv("SLIDEGEN_GOOGLE_SHEETS_ENDPOINT", fake.base_url)
    reload_settings()
    yield fake
    fake.stop()


def _links(at: AppTest) -> dict[str, str]:
    return {el.proto.label: el.proto.url for el in at.get("link_button")}


def _connect_fresh(at: AppTest, google: FakeGoogle) -> AppTest:
    """Start a connection on `at`'s page and come back from Google with a good code."""
    at.session_state["slidegen.google.consent_url"] = None
    at.run()
    at.button(key="gslides.connect.chat").click().run()
    consent = _links(at)["Sign in with Google"]
    state = urllib.parse.parse_qs(urllib.parse.urlsplit(consent).query)["state"][0]
    back = AppTest.from_file(APP, default_timeout=60)
    back.query_params.update({"code": google.issue_code(), "state": state})
    back.run()
    assert not back.exception, back.exception
    return back


def _wait_for_gslides(url: str, session_id: str) -> ExportJob:
    database = Database(Settings(DATABASE_URL=url))
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        with database.scope() as session:
            job = session.scalars(  # the newest
                select(ExportJob)
                .where(ExportJob.session_id == session_id, ExportJob.format == "gslides")
                .order_by(ExportJob.id.desc())
                .limit(1)
            ).one()
        if job.status in ("completed", "error"):
            break
        time.sleep(0.1)
    database.dispose()
    return job


def test_without_configuration_google_slides_is_off_and_says_why(app_env: str) -> None:
    session_id = generate(app_env)
    at = open_chat(session_id)
    off = at.button(key=f"gslides.off.chat.{session_id}")
    assert off.disabled and "SLIDEGEN_GOOGLE_TOKEN_KEY" in shown(off.help)


def test_connect_export_and_open_in_google_slides(app_env: str, google: FakeGoogle) -> None:
    session_id = generate(app_env)
    at = open_chat(session_id)
    at.button(key="gslides.connect.chat").click().run()
    assert not at.exception, at.exception
    consent = _links(at)["Sign in with Google"]
    assert consent.startswith(f"{google.base_url}/auth?")
    state = urllib.parse.parse_qs(urllib.parse.urlsplit(consent).query)["state"][0]

    # Google sends the browser back with a code: first with a forged state, then the real one.
    forged = AppTest.from_file(APP, default_timeout=60)
    forged.query_params.update({"code": google.issue_code(), "state": "forged"})
    forged.run()
    assert not forged.exception and "not started here" in shown(forged.error[0].value)
    back = AppTest.from_file(APP, default_timeout=60)
    back.query_params.update({"code": google.issue_code(), "state": state})
    back.run()
    assert not back.exception, back.exception
    assert "Google Slides connected" in shown(back.success[0].value)
    assert "code" not in back.query_params and "state" not in back.query_params

    # A second connection whose code Google refuses uses its state up all the same.
    at.run()
    at.button(key="gslides.disconnect.chat").click().run()
    at.button(key="gslides.connect.chat").click().run()
    consent = _links(at)["Sign in with Google"]
    state = urllib.parse.parse_qs(urllib.parse.urlsplit(consent).query)["state"][0]
    for code, expected in (
        ("bad-code", "refused the sign-in code"),
        (google.issue_code(), "not started here"),
    ):
        again = AppTest.from_file(APP, default_timeout=60)
        again.query_params.update({"code": code, "state": state})
        again.run()
        assert not again.exception and expected in shown(again.error[0].value)
    with_state = _connect_fresh(at, google)
    assert "Google Slides connected" in shown(with_state.success[0].value)

    at = open_chat(session_id)
    at.button(key=f"slidegen.export.chat.{session_id}.gslides.start").click().run()
    assert not at.exception, at.exception
    job = _wait_for_gslides(app_env, session_id)
    assert job.status == "completed", job.error_message
    at.run()
    assert not at.exception, at.exception
    pid = next(iter(google.presentations))
    assert _links(at)["Open in Google Slides"].endswith(f"/d/{pid}/edit")
    assert len(google.batch_updates) >= 1

    # History's card menu offers the same presentation.
    history = AppTest.from_file(APP, default_timeout=60)
    history.switch_page("app_pages/history.py").run()
    history.session_state[f"more-{session_id}"] = True  # open the card's menu
    history.run()
    assert not history.exception, history.exception
    assert _links(history)["Open in Google Slides"].endswith(f"/d/{pid}/edit")
    assert history.button(key=f"slidegen.export.history.{session_id}.{session_id}.gslides.start")

    # Google revokes the grant: the next export fails, says why, and offers to connect again.
    database = Database(Settings(DATABASE_URL=app_env))
    with database.scope() as session:
        credentials = google_auth.user_credentials(session, APP_USER, settings=get_settings())
    database.dispose()
    google.revoke(credentials.refresh_token)
    google.expire_access_tokens()
    at.button(key=f"slidegen.export.chat.{session_id}.gslides.again").click().run()
    at.button(key=f"slidegen.export.chat.{session_id}.gslides.start").click().run()
    assert not at.exception, at.exception
    assert _wait_for_gslides(app_env, session_id).status == "error"
    for _ in range(2):  # the reason stays on the page however often it reruns
        at.run()
        assert not at.exception, at.exception
        assert "connect your Google account again" in shown(at.warning[0].value)
    # Connecting again starts afresh: the failed export is no longer said.
    at.button(key="gslides.connect.chat").click().run()
    assert not at.warning and "Sign in with Google" in _links(at)
