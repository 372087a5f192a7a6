"""Download PPTX in a real browser: generate offline, export in the background, save the file."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from pptx import Presentation

from tests.e2e.test_chat_in_browser import (
    TIMEOUT_MS,
    activate,
    open_chat,
    screenshot,
    send,
    session_of,
    show_every_slide,
)
from tests.e2e.waits import export_ready

pytestmark = pytest.mark.e2e
NEW_TITLE = "Board pack: final"


def test_download_pptx_shows_progress_and_saves_an_editable_deck(
    page: Page, app_url: str, backend: str, tmp_path: Path
) -> None:
    open_chat(page, app_url)
    send(page, "Consumption review: cost trends, top SKUs, savings")
    reply = page.get_by_test_id("stChatMessage").filter(has_text=re.compile(r"Generated \d+"))
    expect(reply).to_be_visible(timeout=TIMEOUT_MS)
    count = int(re.search(r"Generated (\d+) slides", reply.inner_text()).group(1))
    show_every_slide(page, count)

    activate(page.get_by_role("button", name="Download PPTX"))
    save = export_ready(page, "Save PPTX")
    screenshot(page, tmp_path, f"export-ready-{backend}")
    with page.expect_download() as download_info:
        activate(save)
    download = download_info.value
    assert download.suggested_filename.endswith(".pptx")
    path = tmp_path / download.suggested_filename
    download.save_as(path)
    prs = Presentation(str(path))
    assert len(prs.slides) == count
    titles = [s.shapes[1].text_frame.text for s in prs.slides if len(s.shapes) > 1]
    assert any(t.startswith("Consumption review") for t in titles)
    expect(page.get_by_role("button", name="Download HTML")).to_be_visible()


def test_a_deck_renamed_in_history_downloads_under_its_new_title(
    page: Page, app_url: str, tmp_path: Path
) -> None:
    open_chat(page, app_url)
    send(page, "Executive summary of our cloud spend")
    reply = page.get_by_test_id("stChatMessage").filter(has_text=re.compile(r"Generated \d+"))
    expect(reply).to_be_visible(timeout=TIMEOUT_MS)
    session_id = session_of(page)

    # History lists the newest deck first: rename it there.
    page.get_by_test_id("stSidebarNavItems").get_by_role("link", name="History").click()
    expect(page.get_by_role("heading", name="History", exact=True)).to_be_visible(
        timeout=TIMEOUT_MS
    )
    activate(page.get_by_role("button", name="More").first)
    activate(page.get_by_test_id("stPopoverBody").get_by_role("button", name="Rename"))
    dialog = page.get_by_role("dialog")
    dialog.get_by_label("Title").fill(NEW_TITLE)
    activate(dialog.get_by_role("button", name="Save"))
    expect(page.get_by_text(NEW_TITLE, exact=True)).to_be_visible(timeout=TIMEOUT_MS)

    # Back in the deck, the export carries the new title in its file name and its document.
    page.get_by_role("link", name="Open").first.click()
    expect(page.get_by_role("heading", name=NEW_TITLE)).to_be_visible(timeout=TIMEOUT_MS)
    assert session_of(page) == session_id
    activate(page.get_by_role("button", name="Download PPTX"))
    save = export_ready(page, "Save PPTX")
    with page.expect_download() as download_info:
        activate(save)
    download = download_info.value
    assert download.suggested_filename == "Board-pack-final.pptx"
    path = tmp_path / download.suggested_filename
    download.save_as(path)
    assert Presentation(str(path)).core_properties.title == NEW_TITLE
