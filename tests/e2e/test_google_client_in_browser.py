"""An admin uploads the workspace's credentials.json on the Admin page; a user's Google Slides
control then offers Connect, and the sign-in goes through the fake Google with the uploaded
client (tests/fakes/google_server: it knows only that client and its redirect URI) and comes
back to the app. Removing the client (confirmed) turns the control off again.

The app runs with SLIDEGEN_GOOGLE_TOKEN_KEY and no client in its environment. The admin is the
local user (SLIDEGEN_USER_GROUPS holds the admin group); Bob comes through the proxy headers
with no groups.
"""

from __future__ import annotations

import json
import os
import urllib.parse
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from playwright.sync_api import Browser, Page, expect
from sqlalchemy import delete

from slidegen.config import Settings
from slidegen.db.database import Database
from slidegen.db.models import SessionPermission
from tests.conftest import DatabaseFactory
from tests.e2e.app_server import LOCAL_USER, isolated_env, run_app, seeded_database_url
from tests.e2e.test_chat_in_browser import activate
from tests.e2e.waits import settled
from tests.fakes.google_server import FakeGoogle
from tests.integration.test_permission_matrix import shared_deck

pytestmark = pytest.mark.e2e
TIMEOUT_MS = 20_000
ADMINS = "slidegen-admins"
BOB = "bob@example.com"
CLIENT_ID = "4242-e2e.apps.googleusercontent.com"
CLIENT_SECRET = "GOCSPX-e2e-secret-not-to-be-shown"


@dataclass
class GoogleApp:
    url: str
    google: FakeGoogle
    session_id: str  # Bob's deck


@pytest.fixture(scope="module")
def google_app(
    databases: DatabaseFactory, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[GoogleApp]:
    database_url = seeded_database_url("sqlite", databases)
    database = Database(Settings(DATABASE_URL=database_url))
    with database.scope() as session:
        session_id = shared_deck(session, visibility="private", owner=BOB)
        session.execute(delete(SessionPermission))  # the fixture's grants: other people
    database.dispose()
    google = FakeGoogle().start()
    home = tmp_path_factory.mktemp("gclient-home")
    env = isolated_env(
        database_url,
        home,
        SLIDEGEN_ADMIN_GROUP=ADMINS,
        SLIDEGEN_USER_GROUPS=ADMINS,
        SLIDEGEN_GOOGLE_TOKEN_KEY=Fernet.generate_key().decode(),
        SLIDEGEN_GOOGLE_AUTH_URI=f"{google.base_url}/auth",
        SLIDEGEN_GOOGLE_TOKEN_URI=f"{google.base_url}/token",
        SLIDEGEN_GOOGLE_SLIDES_ENDPOINT=google.base_url,
    )
    try:
        with run_app(env, home / "streamlit.log") as url:
            # The client as registered in Google Cloud: this app's URL is its redirect URI.
            google.register_client(CLIENT_ID, CLIENT_SECRET, (f"{url}/",))
            yield GoogleApp(url, google, session_id)
    finally:
        google.stop()


def credentials_json(app: GoogleApp) -> bytes:
    web = {
        "client_id": CLIENT_ID,
        "project_id": "slidegen-e2e",
        "auth_uri": "https://accounts.google.com/o/oauth2/auth",
        "token_uri": "https://oauth2.googleapis.com/token",
        "client_secret": CLIENT_SECRET,
        "redirect_uris": [f"{app.url}/"],
    }
    return json.dumps({"web": web}).encode()


def as_bob(browser: Browser) -> Page:
    context = browser.new_context(
        viewport={"width": 1400, "height": 1000}, extra_http_headers={"X-Forwarded-Email": BOB}
    )
    return context.new_page()


def open_deck(page: Page, app: GoogleApp) -> None:
    page.goto(f"{app.url}/?session={app.session_id}")
    expect(page.get_by_role("button", name="Download HTML")).to_be_visible(timeout=TIMEOUT_MS)
    settled(page)


def test_an_admin_uploads_the_client_and_users_can_connect(
    browser: Browser, page: Page, google_app: GoogleApp, tmp_path: Path
) -> None:
    shots = Path(os.environ.get("SLIDEGEN_SHOTS", tmp_path))
    bob = as_bob(browser)
    open_deck(bob, google_app)
    off = bob.get_by_role("button", name="Google Slides")
    expect(off).to_be_disabled()  # no client yet: off, its help says why
    nav = bob.get_by_test_id("stSidebarNavItems")
    expect(nav.get_by_role("link", name="History")).to_be_visible()
    expect(nav.get_by_role("link", name="Admin")).to_have_count(0)  # Bob is no admin

    # The admin uploads credentials.json on the Admin page.
    page.goto(google_app.url)
    page.get_by_test_id("stSidebarNavItems").get_by_role("link", name="Admin").click()
    expect(page.get_by_role("heading", name="Admin", exact=True)).to_be_visible(timeout=TIMEOUT_MS)
    main = page.get_by_role("main")
    expect(main.get_by_text("No client yet.")).to_be_visible(timeout=TIMEOUT_MS)
    main.locator("input[type=file]").set_input_files(
        files=[
            {
                "name": "credentials.json",
                "mimeType": "application/json",
                "buffer": credentials_json(google_app),
            }
        ]
    )
    expect(main.get_by_text(f"Stored the Google OAuth client {CLIENT_ID}.")).to_be_visible(
        timeout=TIMEOUT_MS
    )
    expect(main.get_by_text(f"Uploaded by {LOCAL_USER} on")).to_be_visible()
    expect(main.get_by_text(f"id {CLIENT_ID} · type web")).to_be_visible()
    expect(main.get_by_text('Users sign in with the uploaded "web" client.')).to_be_visible()
    settled(page)
    page.screenshot(path=shots / "admin-google-client.png", full_page=True)
    assert CLIENT_SECRET not in page.content()

    # Bob's control now offers Connect; Google's consent page sends him back connected.
    open_deck(bob, google_app)
    connect = bob.get_by_role("button", name="Connect Google Slides")
    expect(connect).to_be_enabled(timeout=TIMEOUT_MS)
    activate(connect)
    sign_in = bob.get_by_role("link", name="Sign in with Google")
    expect(sign_in).to_be_visible(timeout=TIMEOUT_MS)
    consent = sign_in.get_attribute("href") or ""
    query = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(consent).query))
    assert consent.startswith(f"{google_app.google.base_url}/auth?")
    assert (query["client_id"], query["redirect_uri"]) == (CLIENT_ID, f"{google_app.url}/")
    bob.goto(consent)  # the fake consents at once and redirects back with code and state
    expect(bob.get_by_text("Google Slides connected")).to_be_visible(timeout=TIMEOUT_MS)
    exchange = google_app.google.token_requests[-1].body
    assert (exchange["client_id"], exchange["client_secret"]) == (CLIENT_ID, CLIENT_SECRET)
    open_deck(bob, google_app)
    expect(bob.get_by_role("button", name="Disconnect Google")).to_be_visible(timeout=TIMEOUT_MS)
    expect(bob.get_by_role("button", name="Google Slides")).to_be_enabled()

    # The admin removes the client (confirmed): Bob's control is off again.
    main.get_by_role("button", name="Remove").click()
    confirm = page.get_by_role("button", name="Remove for good")
    expect(confirm).to_be_visible(timeout=TIMEOUT_MS)
    confirm.click()
    expect(main.get_by_text("Removed the uploaded Google OAuth client.")).to_be_visible(
        timeout=TIMEOUT_MS
    )
    expect(main.get_by_text("No client yet.")).to_be_visible()
    open_deck(bob, google_app)
    expect(bob.get_by_role("button", name="Google Slides")).to_be_disabled()
    bob.context.close()
