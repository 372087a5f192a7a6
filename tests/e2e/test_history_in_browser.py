"""History in the browser: the last card's More menu opens whole on screen, also when that card
is the last thing on the page (its entries were cut off at the bottom of the screen)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.conftest import DatabaseFactory
from tests.e2e.app_server import LOCAL_USER
from tests.e2e.test_chat_in_browser import activate
from tests.e2e.test_sharing_in_browser import app_with_decks

pytestmark = pytest.mark.e2e
TIMEOUT_MS = 20_000
DECKS = 5
WIDTH, HEIGHT = 1280, 800
# Scroll the element's scrolling ancestor (the page's main area) to its end.
SCROLL_TO_END = """element => {
  let box = element.parentElement;
  while (box && !(box.scrollHeight > box.clientHeight
                  && /auto|scroll/.test(getComputedStyle(box).overflowY))) box = box.parentElement;
  box.scrollTop = box.scrollHeight;
  return box.scrollTop + box.clientHeight >= box.scrollHeight - 1;
}"""


@pytest.fixture(scope="module")
def history_app(
    databases: DatabaseFactory, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    with app_with_decks(databases, tmp_path_factory, [LOCAL_USER] * DECKS) as app:
        yield app


def test_the_last_cards_more_menu_opens_whole_on_screen(
    page: Page, history_app: str, tmp_path: Path
) -> None:
    page.set_viewport_size({"width": WIDTH, "height": HEIGHT})
    page.goto(history_app + "/history")
    expect(page.get_by_role("heading", name="History", exact=True)).to_be_visible(
        timeout=TIMEOUT_MS
    )
    more = page.get_by_role("button", name="More")
    expect(more).to_have_count(DECKS, timeout=TIMEOUT_MS)
    # The page scrolled to its end: the lowest card (cards fill columns, so the last in the
    # page's order is not the lowest) as low on the screen as it can be.
    at_end = more.last.evaluate(SCROLL_TO_END)
    assert at_end, "the page did not scroll to its end"
    tops = [more.nth(index).bounding_box()["y"] for index in range(DECKS)]
    lowest = more.nth(tops.index(max(tops)))
    expect(lowest).to_be_in_viewport()
    activate(lowest)

    menu = page.get_by_test_id("stPopoverBody")
    expect(menu.get_by_role("button", name="Delete")).to_be_visible(timeout=TIMEOUT_MS)
    last_entry = menu.get_by_role("button", name="Google Slides")  # the exports follow Delete
    expect(last_entry).to_be_visible(timeout=TIMEOUT_MS)
    page.screenshot(path=str(tmp_path / "history-last-menu.png"))
    box = menu.bounding_box()
    assert box is not None
    assert box["y"] >= 0 and box["y"] + box["height"] <= HEIGHT, box
    expect(last_entry).to_be_in_viewport(ratio=1)
