"""Verification in Chromium: generate (offline engine) → ratings appear → Why → Fix → Verified.

The offline engine writes a deck from the sample data; every slide gets a rating badge. The
test then plants a wrong value in a chart whose values all matched the data (through the deck
service, as a hand edit would), reloads, and checks that Why names the wrong number with its
source row and that one click on Fix corrects it from the data (a save point, no model): the
badge becomes Verified.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import Locator, Page, expect

from slidegen.config import Settings
from slidegen.db.database import Database
from slidegen.identity import User
from slidegen.schemas.decks import SessionDetail
from slidegen.services.decks import hand_edits
from slidegen.services.decks.store import show_session
from tests.conftest import DatabaseFactory
from tests.e2e.app_server import LOCAL_USER, run_app, seeded_database_url
from tests.e2e.chat_fixtures import UNUSABLE_MLFLOW
from tests.e2e.test_chat_in_browser import (
    TIMEOUT_MS,
    activate,
    open_chat,
    send,
    session_of,
    show_every_slide,
    slide_boxes,
)
from tests.e2e.waits import settled

pytestmark = pytest.mark.e2e
USER = User(name=LOCAL_USER, display_name=LOCAL_USER)
RATINGS = ("Verified", "Review", "Problem", "Unknown")
PLANTED = 987654.0
# The offline deck takes seconds of CPU: on a machine shared by parallel runs, give it a minute.
GENERATION_MS = 60_000


@dataclass
class OfflineApp:
    url: str
    database_url: str


@pytest.fixture(scope="module")
def offline_app(
    backend: str, databases: DatabaseFactory, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[OfflineApp]:
    """The app with the offline engine, on a seeded database the test can also reach."""
    database_url = seeded_database_url(backend, databases)
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "SLIDEGEN_USER": LOCAL_USER,
        "MLFLOW_TRACKING_URI": UNUSABLE_MLFLOW,
    }
    env.pop("SLIDEGEN_LLM_PROVIDER", None)
    log_path = tmp_path_factory.mktemp(f"verify-app-{backend}") / "streamlit.log"
    with run_app(env, log_path) as url:
        yield OfflineApp(url, database_url)


def deck(app: OfflineApp, session_id: str) -> SessionDetail:
    database = Database(Settings(DATABASE_URL=app.database_url))
    try:
        with database.scope() as session:
            return show_session(session, USER, session_id=session_id)
    finally:
        database.dispose()


def plant_wrong_chart_value(app: OfflineApp, detail: SessionDetail) -> tuple[int, str]:
    """Change the first value of a verified chart's first series; return its index and id."""
    index, target = next(
        (i, s)
        for i, s in enumerate(detail.slides)
        if s.rating == "verified" and s.charts and len(s.charts[0].series[0].values) >= 3
    )
    charts = [c.model_copy(deep=True) for c in target.charts]
    charts[0].series[0].values[0] = PLANTED
    database = Database(Settings(DATABASE_URL=app.database_url))
    with database.scope() as session:
        hand_edits.update_slide(
            session,
            USER,
            session_id=detail.session_id,
            slide_id=target.slide_id,
            expected_version=detail.version,
            charts=charts,
        )
    database.dispose()
    return index, target.slide_id


def badge(box: Locator) -> Locator:
    """The rating badge of a slide card (its text: the icon's ligature name, then the label)."""
    return box.locator("span.stMarkdownBadge")


def says(label: str) -> re.Pattern[str]:
    """A badge's text ending with exactly this label."""
    return re.compile(rf"(^|[a-z_]\s*|\s){re.escape(label)}$")


def test_ratings_appear_why_explains_and_fix_corrects_a_planted_number(
    page: Page, offline_app: OfflineApp, tmp_path: Path
) -> None:
    open_chat(page, offline_app.url)
    send(page, "Consumption review: cost trends, top SKUs, savings")
    reply = page.get_by_test_id("stChatMessage").filter(has_text=re.compile(r"Generated \d+"))
    expect(reply).to_be_visible(timeout=GENERATION_MS)
    count = int(re.search(r"Generated (\d+) slides", reply.inner_text()).group(1))
    show_every_slide(page, count)  # each slide's card with its rating bar
    session_id = session_of(page)

    # Every slide card shows its rating once the deck is checked, without a reload.
    rated = re.compile(rf"(^|[a-z_]\s*|\s)({'|'.join(RATINGS)})$")
    for index in range(count):
        expect(badge(slide_boxes(page).nth(index))).to_have_text(rated, timeout=TIMEOUT_MS)
    detail = deck(offline_app, session_id)
    for index, slide in enumerate(detail.slides):
        assert slide.rating is not None
        expect(badge(slide_boxes(page).nth(index))).to_have_text(says(slide.rating.capitalize()))

    index, slide_id = plant_wrong_chart_value(offline_app, detail)
    page.reload()
    settled(page)
    show_every_slide(page, count)  # a reload starts in Focus again
    box = page.locator(f".st-key-slide-{slide_id}")
    expect(badge(box)).to_have_text(says("Problem"), timeout=TIMEOUT_MS)

    # Why names the wrong number, the value the data gives and where it comes from.
    activate(box.get_by_role("button", name=re.compile("Why")))  # a click can miss: see activate
    panel = page.get_by_test_id("stPopoverBody")
    expect(panel).to_be_visible(timeout=TIMEOUT_MS)
    expect(panel).to_contain_text(f"{PLANTED:.0f} contradicts the data")
    expect(panel).to_contain_text(re.compile(r"SELECT .* · row \d+, column cost_usd"))
    page.screenshot(path=str(tmp_path / "why.png"))
    page.keyboard.press("Escape")
    expect(panel).to_be_hidden(timeout=TIMEOUT_MS)
    settled(page)  # a run the popover started has ended: no stale copy of the slide's buttons

    # Fix corrects it from the data in one click: the badge turns Verified, a save point says so.
    # By its role: Streamlit 1.67 draws a button that has a tooltip (`help`) twice, the one
    # you see and a hidden copy it measures (not in the accessibility tree).
    activate(box.locator(f".st-key-fix-{slide_id}").get_by_role("button", name="Fix"))
    expect(badge(box)).to_have_text(says("Verified"), timeout=TIMEOUT_MS)
    fixed = deck(offline_app, session_id)
    assert (
        fixed.slides[index].charts[0].series[0].values[0]
        == detail.slides[index].charts[0].series[0].values[0]
    )
    assert fixed.versions[0].description.startswith(
        f"Fixed slide {index + 1} from the data: {PLANTED:.0f} → "
    )
    page.screenshot(path=str(tmp_path / "fixed.png"))
