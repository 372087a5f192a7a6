"""A prompt author's flow in a real browser: edit a prompt in the ace editor, save, find the
change in History, restore the earlier version."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.waits import settled

TIMEOUT_MS = 20_000
SHOTS = Path(__file__).resolve().parents[2] / "bench" / "out"
NEW_TEMPLATE = "Deck request from the browser: {question}"


@pytest.fixture
def sqlite_only(backend: str) -> None:
    if backend != "sqlite":
        pytest.skip("one browser run of this flow; the services are tested on both backends")


def section(page: Page, name: str) -> None:
    """Open one section of the page (a segmented control: only the open section runs)."""
    page.get_by_test_id("stButtonGroup").get_by_text(name, exact=True).click()


@pytest.mark.e2e
def test_edit_prompt_save_see_history_and_restore(
    sqlite_only: None, page: Page, app_url: str
) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.goto(app_url + "/profiles")
    expect(page.get_by_role("heading", name="Profiles", exact=True)).to_be_visible(
        timeout=TIMEOUT_MS
    )
    section(page, "Prompts")
    editors = page.frame_locator('iframe[title*="streamlit_ace"]')
    template = editors.nth(2).locator(".ace_text-input")
    expect(editors.nth(2).locator(".ace_content")).to_contain_text("{question}", timeout=TIMEOUT_MS)
    template.focus()
    page.keyboard.press("Control+A")
    page.keyboard.type(NEW_TEMPLATE)
    expect(page.get_by_text("Unsaved changes (1): Prompts › user prompt template")).to_be_visible(
        timeout=TIMEOUT_MS
    )
    page.screenshot(path=str(SHOTS / "profiles-1-unsaved.png"), full_page=True)
    # Only the open section runs; the unsaved edit lives on in the draft meanwhile.
    section(page, "MLflow")
    expect(page.get_by_role("textbox", name="Experiment name")).to_have_value(
        "slidegen", timeout=TIMEOUT_MS
    )
    expect(page.get_by_text("Unsaved changes (1): Prompts › user prompt template")).to_be_visible()
    section(page, "Prompts")
    # .first: ace's word-completion popup is an editor of its own.
    expect(editors.nth(2).locator(".ace_content").first).to_contain_text(
        NEW_TEMPLATE, timeout=TIMEOUT_MS
    )
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_text("Saved 'default'.")).to_be_visible(timeout=TIMEOUT_MS)

    section(page, "History")
    expect(page.get_by_text("Changes 1–2 of 2, newest first (page 1 of 1).")).to_be_visible()
    chosen = page.get_by_role("combobox", name="Show change")
    expect(chosen).to_have_accessible_name("Show change")
    expect(page.get_by_text(NEW_TEMPLATE).first).to_be_visible()
    page.screenshot(path=str(SHOTS / "profiles-2-history.png"), full_page=True)
    option = page.get_by_role("option", name=re.compile(r"create profile"))
    settled(page)  # a rerun landing while the list opens would close it again
    chosen.click()
    option.click()
    page.get_by_text(re.compile(r"Restore default to the settings saved by change")).click()
    page.get_by_role("button", name="Restore", exact=True).click()
    expect(page.get_by_text(re.compile(r"Restored 'default' to change #\d+"))).to_be_visible(
        timeout=TIMEOUT_MS
    )
    expect(page.get_by_text("Changes 1–3 of 3, newest first (page 1 of 1).")).to_be_visible()
    section(page, "Prompts")
    expect(
        page.frame_locator('iframe[title*="streamlit_ace"]').nth(2).locator(".ace_content").first
    ).not_to_contain_text("from the browser", timeout=TIMEOUT_MS)
    expect(page.get_by_text("No unsaved changes.")).to_be_visible()
    page.screenshot(path=str(SHOTS / "profiles-3-restored.png"), full_page=True)
