"""Conditions browser tests wait on (never a fixed sleep, never a retry until it passes)."""

from __future__ import annotations

import re

from playwright.sync_api import Locator, Page, expect

TIMEOUT_MS = 20_000


def settled(page: Page) -> None:
    """Wait until the script run ends and every element is drawn (none stale or a skeleton)."""
    expect(page.get_by_test_id("stApp")).to_have_attribute(
        "data-test-script-state", "notRunning", timeout=TIMEOUT_MS
    )
    drawing = page.locator("[data-stale='true'], [data-testid^='stSkeleton']")  # lazy widgets
    expect(drawing).to_have_count(0, timeout=TIMEOUT_MS)


def painted(page: Page) -> None:
    """Wait until the browser has painted twice since now (layout after a resize is done)."""
    page.evaluate("() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")


def frames_loaded(page: Page) -> None:
    """Wait until every frame of the page has finished loading (late fetches have been made)."""
    for frame in page.frames:
        frame.wait_for_load_state("load", timeout=TIMEOUT_MS)


def export_ready(page: Page, button: str) -> Locator:
    """Wait for a background export's download button while its progress keeps moving.

    The export says "Exporting… N of M slides" as it goes (then ", writing the PDF file" while
    the file is written). The wait fails when that line has
    not changed for TIMEOUT_MS (the export stalled or never started), never because the export
    as a whole takes long on a loaded machine: its speed is measured in bench/, not here.
    """
    save = page.get_by_role("button", name=button)
    progress = page.get_by_text(re.compile(r"^Exporting… \d+ of \d+ slides"))
    seen: set[str] = set()
    while True:
        try:
            expect(save).to_be_visible(timeout=TIMEOUT_MS)
            return save
        except AssertionError:
            now = progress.all_inner_texts()
            if not now and save.is_visible():
                return save  # the export ended just as the wait ran out
            if not now or now[0] in seen:
                raise  # no export running, or no progress since the last look
            seen.add(now[0])
