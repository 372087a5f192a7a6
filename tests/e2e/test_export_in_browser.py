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
    show_every_slide,
)
from tests.e2e.waits import export_ready

pytestmark = pytest.mark.e2e


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
