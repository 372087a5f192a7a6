"""PDF export in a real browser: generate offline, export in the background, download the PDF."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from pypdf import PdfReader

from tests.e2e.test_chat_in_browser import TIMEOUT_MS, activate, open_chat, send, show_every_slide
from tests.e2e.waits import export_ready

pytestmark = pytest.mark.e2e


def test_export_pdf_downloads_one_page_per_slide(
    page: Page, app_url: str, backend: str, tmp_path: Path
) -> None:
    open_chat(page, app_url)
    send(page, "Consumption review: cost trends, top SKUs, savings")
    reply = page.get_by_test_id("stChatMessage").filter(has_text=re.compile(r"Generated \d+"))
    expect(reply).to_be_visible(timeout=TIMEOUT_MS)
    count = int(re.search(r"Generated (\d+) slides", reply.inner_text()).group(1))
    show_every_slide(page, count)

    activate(page.get_by_role("button", name="PDF", exact=True))
    save = export_ready(page, "Save PDF")
    with page.expect_download() as download_info:
        activate(save)
    download = download_info.value
    assert download.suggested_filename.endswith(".pdf")
    path = tmp_path / download.suggested_filename
    download.save_as(path)
    reader = PdfReader(str(path))
    assert len(reader.pages) == count
    assert reader.pages[0].extract_text().startswith("Consumption review")
    assert all(page.get("/Annots") is None for page in reader.pages)
