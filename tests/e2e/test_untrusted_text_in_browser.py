"""Model text shown by Streamlit itself never becomes a request (decision 12).

The fake model writes a deck whose title, speaker notes, chart title and series names are
Markdown images pointing at a recording server on 127.0.0.1. The test opens the deck, every
tab of the slide editor, a save point's preview, the grid and History: if any of those texts
reached Streamlit's Markdown unescaped, the browser would fetch the image and the recording
server would see it (and the page would hold an `<img>` pointing there).
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.chat_fixtures import ChatApp, chat_app_fixture  # noqa: F401 (fixture by name)
from tests.e2e.test_chat_in_browser import (
    STREAMLIT_FRAME,
    TIMEOUT_MS,
    activate,
    deck_answer,
    open_chat,
    save_points,
    send,
    show_every_slide,
    slide,
    slide_boxes,
    slide_ids,
    wait_for_reply,
)
from tests.e2e.waits import settled
from tests.fakes.openai_server import Reply

pytestmark = pytest.mark.e2e


class RecordingServer(ThreadingHTTPServer):
    """Answers 404 to everything and remembers every path asked for."""

    def __init__(self) -> None:
        self.paths: list[str] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 (the http.server API)
                server.paths.append(self.path)
                self.send_error(404)

            def log_message(self, *args: object) -> None:
                pass

        super().__init__(("127.0.0.1", 0), Handler)

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"


@pytest.fixture
def recorder() -> Iterator[RecordingServer]:
    server = RecordingServer()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()


def hostile_deck(base: str) -> tuple[str, list[str]]:
    """The deck title and slides, each untrusted text a Markdown image with its own path."""
    chart = {
        "type": "bar",
        "title": f"Spend ![chart]({base}/chart-title)",
        "categories": ["Q1", "Q2"],
        "series": [
            {"name": f"Jobs ![s]({base}/series-1)", "values": [3, 5]},
            {"name": f"![s2]({base}/series-2) SQL", "values": [2, 4]},
        ],
    }
    slides = [
        slide("Opening", "<p>Hello</p>", notes=f"Say hello ![n]({base}/notes-1)"),
        slide(
            "The numbers",
            f"<figure class=\"chart\" data-chart='{json.dumps(chart)}'></figure>",
            notes=f"**Read** ![n]({base}/notes-2) [link]({base}/notes-link)",
        ),
    ]
    return f"Review ![t]({base}/deck-title)", slides


def expect_nothing_fetched(page: Page, recorder: RecordingServer) -> None:
    """No image in the page points at the recorder, and it has received no request."""
    expect(page.locator(f"img[src^='{recorder.base}']")).to_have_count(0)
    assert recorder.paths == []


def test_markdown_images_in_model_text_are_never_fetched(
    page: Page, chat_app: ChatApp, recorder: RecordingServer
) -> None:
    title, slides = hostile_deck(recorder.base)
    chat_app.llm.enqueue(Reply.text(deck_answer(title, slides), chunk_size=400))
    open_chat(page, chat_app.url)
    # The session is named after the request: another user's text, for whoever it is shared with.
    send(page, title)
    wait_for_reply(page, "Generated 2 slides")
    show_every_slide(page, 2)
    main = page.get_by_role("main")
    expect(
        main.get_by_role("heading", name=f"Review ![t]({recorder.base}/deck-title)")
    ).to_be_visible()
    expect_nothing_fetched(page, recorder)

    # Speaker notes: open the expander under the chart slide; the Markdown shows as text.
    notes = slide_boxes(page).nth(1).get_by_test_id("stExpander")
    notes.locator("summary").click()
    expect(notes).to_contain_text(f"**Read** ![n]({recorder.base}/notes-2)")

    # The slide editor, every tab.
    ids = slide_ids(page)
    page.locator(f".st-key-edit-{ids[1]} button").click()
    dialog = page.get_by_role("dialog")
    for tab in ("HTML", "Speaker notes", "Charts (1)"):
        dialog.get_by_role("tab", name=tab).click()
        expect(dialog.get_by_role("tab", name=tab)).to_have_attribute("aria-selected", "true")
    expect(dialog).to_contain_text(f"Spend ![chart]({recorder.base}/chart-title)")
    expect_nothing_fetched(page, recorder)
    page.keyboard.press("Escape")
    expect(dialog).to_have_count(0)

    # A save point's preview (the deck's slides in a dialog).
    activate(save_points(page).locator(".st-key-preview-1 button"))
    preview = page.get_by_role("dialog")
    expect(preview.locator(STREAMLIT_FRAME)).to_have_count(2, timeout=TIMEOUT_MS)
    expect_nothing_fetched(page, recorder)
    page.keyboard.press("Escape")
    expect(preview).to_have_count(0)

    # The grid of thumbnails (once the run that closing the dialog started has ended).
    settled(page)
    activate(page.get_by_role("radio", name="Grid"), "Space")  # see activate(): no mouse click
    expect(page.get_by_role("radio", name="Grid")).to_be_checked()
    thumbnails = page.locator("div.stVerticalBlock[class*='st-key-thumb-']")
    expect(thumbnails).to_have_count(2, timeout=TIMEOUT_MS)
    expect(thumbnails.nth(1).locator(STREAMLIT_FRAME)).to_be_visible()

    # History, with the deck's card and its menu; then the start screen's recent decks.
    page.get_by_test_id("stSidebarNavItems").get_by_role("link", name="History").click()
    card_title = page.get_by_text(f"Review ![t]({recorder.base}/deck-title)").first
    expect(card_title).to_be_visible(timeout=TIMEOUT_MS)
    page.get_by_role("button", name="More").first.click()
    expect(page.get_by_role("button", name="Versions")).to_be_visible()
    expect_nothing_fetched(page, recorder)
    open_chat(page, chat_app.url)
    expect(
        page.get_by_role("button", name=f"Review ![t]({recorder.base}/deck-title)")
    ).to_be_visible(timeout=TIMEOUT_MS)
    expect_nothing_fetched(page, recorder)
