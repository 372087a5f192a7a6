"""The Chat start screen in Chromium: a deck prompt card starts its deck with one click."""

from __future__ import annotations

import re
from pathlib import Path

from playwright.sync_api import Page, expect

from tests.e2e.test_chat_in_browser import TIMEOUT_MS, open_chat, show_every_slide, slide_frame


def test_a_deck_prompt_card_starts_its_deck(page: Page, app_url: str, tmp_path: Path) -> None:
    open_chat(page, app_url)
    expect(page.get_by_text("Deck prompt", exact=True)).to_be_visible()
    expect(page.get_by_text("Slide style", exact=True)).to_be_visible()
    page.get_by_role("button", name=re.compile(r"Start: Executive summary")).click()

    reply = page.get_by_test_id("stChatMessage").filter(has_text=re.compile(r"Generated \d+"))
    expect(reply).to_be_visible(timeout=TIMEOUT_MS)
    count = int(re.search(r"Generated (\d+) slides", reply.inner_text()).group(1))
    show_every_slide(page, count)
    expect(slide_frame(page, 0).locator("h1")).to_have_text("Executive summary of platform spend")
    expect(slide_frame(page, 1).locator(".kpi-value").first).to_have_text(re.compile(r"^\$\d"))
    expect(page).to_have_url(re.compile(r"\?session=[0-9a-f]+"))
    page.screenshot(path=str(tmp_path / "start-card-deck.png"), full_page=True)
