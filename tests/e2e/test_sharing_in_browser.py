"""Alice shares a deck read-only with Bob; Bob finds it under "Shared with me", views it and
downloads it, but cannot change it. Users switch through the proxy identity headers."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect
from sqlalchemy import delete

from slidegen.config import Settings
from slidegen.db.database import Database
from slidegen.db.models import SessionPermission
from slidegen.identity import User
from slidegen.services.identities import record_identity
from tests.conftest import DatabaseFactory
from tests.e2e.app_server import LOCAL_USER, run_app, seeded_database_url
from tests.integration.test_permission_matrix import shared_deck

PAGE_BACKEND = "postgresql"  # several users or background jobs meet here

pytestmark = pytest.mark.e2e
TIMEOUT_MS = 20_000
ALICE, BOB = "alice@example.com", "bob@example.com"


@contextmanager
def app_with_decks(
    databases: DatabaseFactory,
    tmp_path_factory: pytest.TempPathFactory,
    owners: list[str],
    *,
    users: tuple[str, ...] = (),
) -> Iterator[str]:
    """Run the app on a seeded SQLite database holding a private deck per owner (no grants)
    and these users as people who have used the app; yield its URL."""
    url = seeded_database_url("sqlite", databases)
    database = Database(Settings(DATABASE_URL=url))
    with database.scope() as session:
        for owner in owners:
            shared_deck(session, visibility="private", owner=owner)
        session.execute(delete(SessionPermission))  # the fixture's grants: other people
        for name in users:
            record_identity(session, User(name=name, display_name=name.split("@")[0]))
    database.dispose()
    env = {**os.environ, "DATABASE_URL": url, "SLIDEGEN_USER": LOCAL_USER}
    env.pop("SLIDEGEN_LLM_PROVIDER", None)
    with run_app(env, tmp_path_factory.mktemp("decks-app") / "streamlit.log") as app:
        yield app


@pytest.fixture(scope="module")
def sharing_app(
    databases: DatabaseFactory, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    with app_with_decks(databases, tmp_path_factory, [ALICE], users=(BOB,)) as app:
        yield app  # Bob has used the app: the share picker offers him


def as_user(browser: Browser, email: str) -> Page:
    context = browser.new_context(
        viewport={"width": 1400, "height": 1000}, extra_http_headers={"X-Forwarded-Email": email}
    )
    return context.new_page()


def test_share_read_only_then_view_download_but_not_edit(
    browser: Browser, sharing_app: str, tmp_path: Path
) -> None:
    shots = Path(os.environ.get("SLIDEGEN_SHOTS", tmp_path))
    alice = as_user(browser, ALICE)
    alice.goto(sharing_app + "/history")
    expect(alice.get_by_text("Quarterly review")).to_be_visible(timeout=TIMEOUT_MS)
    alice.get_by_role("button", name="More").click()
    alice.get_by_role("button", name="Share").click()
    dialog = alice.get_by_role("dialog")
    # Bob has used the app, so he is offered; typing filters the list.
    picker = dialog.get_by_role("combobox", name="User e-mail or group")
    expect(alice.get_by_role("button", name="Rename")).to_have_count(0)  # the menu closed
    picker.click()
    picker.press_sequentially(BOB[:4])
    alice.get_by_role("option", name=BOB, exact=True).click()
    dialog.get_by_role("button", name="Add").click()
    expect(dialog.get_by_text(f"user: {BOB}")).to_be_visible(timeout=TIMEOUT_MS)
    # A name nobody has used yet can be typed; without "@" it is a group.
    picker.click()
    picker.press_sequentially("finance-team")
    picker.press("Enter")
    dialog.get_by_role("button", name="Add").click()
    expect(dialog.get_by_text("group: finance-team")).to_be_visible(timeout=TIMEOUT_MS)
    alice.screenshot(path=shots / "share-dialog.png")

    bob = as_user(browser, BOB)
    bob.goto(sharing_app + "/history")
    expect(bob.get_by_role("heading", name="History", exact=True)).to_be_visible(timeout=TIMEOUT_MS)
    bob.get_by_text("Shared with me", exact=True).click()
    expect(bob.get_by_text("Quarterly review")).to_be_visible(timeout=TIMEOUT_MS)
    expect(bob.get_by_text(re.compile(f"Owner: {ALICE}"))).to_be_visible()
    bob.screenshot(path=shots / "history-shared-with-me.png")
    bob.get_by_role("link", name="Open").click()
    expect(bob.get_by_text("You can view this deck but not change it.")).to_be_visible(
        timeout=TIMEOUT_MS
    )
    expect(bob.get_by_test_id("stChatInputTextArea")).to_be_disabled()
    with bob.expect_download() as download:
        bob.get_by_role("button", name="Download HTML").press("Enter")  # see activate()
    assert "Slide 1" in Path(download.value.path()).read_text()
    bob.screenshot(path=shots / "chat-read-only.png", full_page=True)

    # Alice raises Bob's grant to edit in place (one row, no remove and add again): Bob's open
    # deck becomes editable on his next page run.
    # (Its accessible name carries the label's Markdown escapes: "bob@example\\.com".)
    grant = dialog.get_by_role("combobox", name=re.compile(r"^Permission of bob@example"))
    grant.click()
    alice.get_by_role("option", name="edit", exact=True).click()
    expect(alice.get_by_text(f"{BOB} can now edit this deck.")).to_be_visible(timeout=TIMEOUT_MS)
    expect(dialog.get_by_text(f"user: {BOB}")).to_have_count(1)
    bob.reload()
    expect(bob.get_by_test_id("stChatInputTextArea")).to_be_enabled(timeout=TIMEOUT_MS)
    expect(bob.get_by_text("You can view this deck but not change it.")).to_have_count(0)
