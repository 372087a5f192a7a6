"""The Admin page's Google Slides section: no key -> off, says why and how to make one; an
admin uploads, replaces and removes credentials.json; a bad file is refused in one sentence;
text from the file is shown through the plain-text helper; non-admins are refused."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from streamlit.testing.v1 import AppTest

from slidegen.config import reload_settings
from tests.app.conftest import APP_USER, shown
from tests.app.test_pages import APP, all_text, run_page
from tests.unit.test_google_client_file import SECRET, client_file, encode
from ui.text import plain

ADMIN_PAGE = str(Path(__file__).resolve().parents[2] / "app_pages" / "admin.py")
HOSTILE_REDIRECT = "https://app.example/![x](https://evil.example/p.png)"


@pytest.fixture
def key(app_env: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    monkeypatch.setenv("SLIDEGEN_GOOGLE_TOKEN_KEY", Fernet.generate_key().decode())
    reload_settings()
    yield app_env


def upload(at: AppTest, content: bytes, uploads: int = 0) -> AppTest:
    at.file_uploader(key=f"admin.gclient.file.{uploads}").set_value(
        ("credentials.json", content, "application/json")
    ).run()  # stored as soon as it is chosen
    assert not at.exception, at.exception
    return at


def test_without_the_key_the_section_says_why_and_how_to_make_one(app_env: str) -> None:
    at = run_page("app_pages/admin.py")
    assert at.title[0].value == "Admin"
    assert "SLIDEGEN_GOOGLE_TOKEN_KEY" in shown(at.warning[0].value)
    assert "Fernet.generate_key()" in at.code[0].value
    assert not at.file_uploader  # nothing can be stored without the key
    assert "No client yet" in all_text(at)


def test_an_admin_uploads_replaces_and_removes_the_client(key: str) -> None:
    at = run_page("app_pages/admin.py")
    web = client_file(redirect_uris=[HOSTILE_REDIRECT])
    upload(at, encode(web))
    text = all_text(at)
    assert "Stored the Google OAuth client" in shown(at.success[0].value)
    assert "Users sign in with the uploaded" in shown(at.success[1].value)
    assert "1234-abc.apps.googleusercontent.com" in text and "type web" in text
    assert f"Uploaded by {APP_USER}" in text
    assert f"Google sends users back to {plain(HOSTILE_REDIRECT)}" in [c.value for c in at.caption]
    assert SECRET not in text

    # A bad file is refused with one sentence; the stored client stays.
    upload(at, b'{"web": {"client_id": "x"}', uploads=1)
    assert "not valid JSON" in shown(at.error[0].value)
    at.run()
    assert "1234-abc.apps.googleusercontent.com" in all_text(at)

    replacement = client_file("installed", client_id="999-desktop.apps.googleusercontent.com")
    chooser = at.file_uploader(key="admin.gclient.file.1")
    assert chooser.label == "Replace with another credentials.json"
    chooser.set_value(("credentials.json", encode(replacement), "application/json")).run()
    text = all_text(at)
    assert "999-desktop" in text and "type installed" in text
    assert "loopback" in shown(at.error[0].value)  # an installed client needs its redirect URI

    at.button(key="admin.gclient.remove").click().run()
    assert not at.exception, at.exception
    assert "Removed the uploaded Google OAuth client" in shown(at.success[0].value)
    assert "No client yet" in all_text(at)


def test_a_non_admin_is_refused(key: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SLIDEGEN_ADMIN_GROUP", "slidegen-admins")
    reload_settings()
    at = AppTest.from_file(APP, default_timeout=30)
    at.run()
    assert "Admin" not in [link.label for link in at.get("page_link")]
    page = AppTest.from_file(ADMIN_PAGE, default_timeout=30)  # opened by its address
    page.run()
    assert not page.exception, page.exception
    assert shown(page.error[0].value) == (
        "Only members of slidegen-admins may manage the Google OAuth client."
    )
    assert not page.file_uploader
