"""The four pages in a real browser, against the running app."""

from __future__ import annotations

import re

from playwright.sync_api import Browser, Page, expect

from tests.e2e.conftest import LOCAL_USER

TIMEOUT_MS = 20_000


def open_page(page: Page, url: str, heading: str) -> None:
    page.goto(url)
    expect(page.get_by_role("heading", name=heading, exact=True)).to_be_visible(timeout=TIMEOUT_MS)


def test_chat_is_the_start_page_and_names_the_offline_engine(page: Page, app_url: str) -> None:
    open_page(page, app_url, "Chat")
    main = page.get_by_role("main")
    expect(main.get_by_text("offline demo engine").first).to_be_visible()
    expect(main.get_by_text("Profile default")).to_be_visible()
    expect(main.get_by_text("Executive Summary", exact=True)).to_be_visible()
    expect(page.get_by_text(f"Signed in as {LOCAL_USER}")).to_be_visible()


def test_navigation_reaches_every_page(page: Page, app_url: str) -> None:
    open_page(page, app_url, "Chat")
    for name in ("Profiles", "Library", "History", "Chat"):
        page.get_by_test_id("stSidebarNavItems").get_by_role("link", name=name).click()
        expect(page.get_by_role("heading", name=name, exact=True)).to_be_visible(timeout=TIMEOUT_MS)
    expect(page).to_have_url(re.compile(r"/$"))


def test_profiles_and_library_show_seeded_rows(page: Page, app_url: str) -> None:
    open_page(page, app_url + "/profiles", "Profiles")
    expect(page.get_by_role("combobox", name="Profile")).to_be_visible(timeout=TIMEOUT_MS)
    expect(page.get_by_text("All profiles (1)")).to_be_visible()
    expect(page.get_by_label("Endpoint / model")).to_have_value("slidegen-offline")

    open_page(page, app_url + "/library", "Library")
    expect(page.get_by_test_id("stButtonGroup").get_by_text("Deck prompts")).to_be_visible()
    expect(page.get_by_text("Consumption Review").first).to_be_attached()
    page.get_by_test_id("stButtonGroup").get_by_text("Slide styles", exact=True).click()
    expect(page.get_by_text("System Default").first).to_be_attached()


def test_history_starts_empty(page: Page, app_url: str) -> None:
    open_page(page, app_url + "/history", "History")
    expect(page.get_by_text("You have no decks yet")).to_be_visible()


def test_proxy_headers_identify_the_user(browser: Browser, app_url: str) -> None:
    context = browser.new_context(
        extra_http_headers={
            "X-Forwarded-Email": "quinn@example.com",
            "X-Forwarded-Preferred-Username": "Quinn",
        }
    )
    try:
        page = context.new_page()
        open_page(page, app_url, "Chat")
        expect(page.get_by_text("Signed in as Quinn")).to_be_visible()
    finally:
        context.close()


def test_a_page_url_opened_directly_runs_inside_the_app_frame(page: Page, app_url: str) -> None:
    # Each page must run through app.py (identity, navigation, layout), never on its own.
    for path, heading in (("history", "History"), ("library", "Library"), ("profiles", "Profiles")):
        page.goto(f"{app_url}/{path}")
        expect(page.get_by_role("heading", name=heading, exact=True)).to_be_visible(
            timeout=TIMEOUT_MS
        )
        expect(page.get_by_text(f"Signed in as {LOCAL_USER}")).to_be_visible()
        nav = page.get_by_test_id("stSidebarNav")
        expect(nav.get_by_text("Chat", exact=True)).to_be_visible()
        expect(nav.get_by_text("app", exact=True)).to_have_count(0)
