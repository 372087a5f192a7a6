"""Conditions browser tests wait on (never a fixed sleep, never a retry until it passes)."""

from __future__ import annotations

from playwright.sync_api import Page, expect

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
