"""The Chat page's script run with a 30-slide deck and 100 messages, and what it sends.

Runs the page with streamlit's AppTest (no browser) against a seeded SQLite database. Prints
the median rerun time, the first run (charts rendered, caches cold), and the bytes of slide
HTML in the page per rerun, in the Slides view (one page of slides) and the Grid view (every
slide as a thumbnail). Baseline in the same run: the History page (one query, a table).
"""

from __future__ import annotations

import os
import statistics
import tempfile
import time
from pathlib import Path

from streamlit.testing.v1 import AppTest

from slidegen.config import Settings, reload_settings
from slidegen.db import migrate
from slidegen.db.database import Database
from slidegen.deck import Deck, Slide
from slidegen.identity import User
from slidegen.services.decks import store as decks
from slidegen.services.generation import chat_requests as requests
from slidegen.services.generation.engine import claim_request, run_request
from slidegen.services.seed import seed_database
from slidegen.services.sessions.access import load_session
from ui.widgets import deck_nav

APP = str(Path(__file__).resolve().parents[1] / "app.py")
USER = User(name="bench@example.com", display_name="Bench")
SLIDES, MESSAGES, RUNS = 30, 100, 10


def _build(url: str) -> str:
    database = Database(Settings(DATABASE_URL=url, SLIDEGEN_USER=USER.name))
    migrate.upgrade(database.engine)
    with database.scope() as session:
        seed_database(session, settings=database.settings)
        handle = requests.start_generation(session, USER, prompt="Consumption review: costs")
    run_request(database, claim_request(database, handle.request_id, "bench"), database.settings)
    with database.scope() as session:
        row = load_session(session, USER, handle.session_id, edit=True)
        deck = decks.load_deck(row)
        copies = [deck.slides[n % len(deck.slides)] for n in range(SLIDES)]
        big = Deck(
            title=deck.title,
            css=deck.css,
            slides=[Slide(html=s.html, charts=s.charts, notes=s.notes) for s in copies],
        )
        decks.store_deck(session, row, big, user=USER, expected_version=decks.current_version(row))
        for index in range(MESSAGES):
            role = "user" if index % 2 == 0 else "assistant"
            text = f"Message {index}: make slide {index % SLIDES + 1} clearer"
            decks.add_message(session, row, role=role, content=text)
    database.dispose()
    return handle.session_id


def _time_page(
    session_id: str | None, page: str | None, *, grid: bool = False
) -> tuple[float, float, int]:
    at = AppTest.from_file(APP, default_timeout=120)
    if session_id:
        at.query_params["session"] = session_id
    start = time.perf_counter()
    at.run()
    if page:
        at.switch_page(page)
        at.run()
    if grid:
        at.segmented_control(key=f"deck-view-{session_id}").set_value(deck_nav.GRID).run()
    first = time.perf_counter() - start
    samples = []
    for _ in range(RUNS):
        start = time.perf_counter()
        at.run()
        samples.append(time.perf_counter() - start)
    assert not at.exception, at.exception
    html_bytes = sum(len(el.proto.srcdoc) for el in at.get("iframe"))
    return first * 1000, statistics.median(samples) * 1000, html_bytes


def main() -> None:
    """Print the Chat page's rerun time and slide HTML per rerun."""
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{Path(tmp) / 'bench.db'}"
        mlflow_uri = f"sqlite:///{Path(tmp) / 'mlflow.db'}"
        os.environ.update(DATABASE_URL=url, SLIDEGEN_USER=USER.name, MLFLOW_TRACKING_URI=mlflow_uri)
        reload_settings()
        session_id = _build(url)
        chat = _time_page(session_id, None)
        grid = _time_page(session_id, None, grid=True)
        history = _time_page(None, "app_pages/history.py")
    print(f"Chat page: {SLIDES} slides, {MESSAGES} messages; median of {RUNS} reruns (AppTest)")
    print(f"{'page':<30} {'first ms':>9} {'rerun ms':>9} {'slide HTML KB/rerun':>20}")
    rows = (
        (f"Chat, slides view ({deck_nav.PAGE_SIZE}/page)", chat),
        ("Chat, grid view (all)", grid),
        ("History (baseline)", history),
    )
    for name, (first, rerun, size) in rows:
        print(f"{name:<30} {first:>9.0f} {rerun:>9.0f} {size / 1024:>20.0f}")
    print(f"Chat rerun / History rerun: {chat[1] / history[1]:.1f}x; goal: Chat rerun under 300 ms")


if __name__ == "__main__":
    main()
