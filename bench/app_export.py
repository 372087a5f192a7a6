"""A PDF export in the running app, with Streamlit's garbage collection after every script run
on (Streamlit's default) and off (ours, `.streamlit/config.toml`: `runner.postScriptGC`).

Each measurement starts `streamlit run app.py` afresh on a seeded SQLite database holding the
offline engine's 9-slide Consumption review, opens the deck in headless Chromium, presses
PDF and times the click to the Save PDF button; meanwhile the page polls the export's progress
every half second, as users see it. The two settings alternate, RUNS times each, on a quiet
machine and beside two busy processes (a loaded machine, as under the test suite). Prints the
medians and the ratio off / on. The setting is passed as STREAMLIT_RUNNER_POST_SCRIPT_GC,
which Streamlit reads over the config file.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from playwright.sync_api import expect, sync_playwright

from slidegen.config import Settings
from slidegen.db import migrate
from slidegen.db.database import Database
from slidegen.identity import User
from slidegen.services.generation import chat_requests as requests
from slidegen.services.generation.engine import claim_request, run_request
from slidegen.services.seed import seed_database
from tests.e2e.app_server import LOCAL_USER, isolated_env, run_app

CHROMIUM = "/usr/bin/chromium"
RUNS = 3
WAIT_MS = 600_000  # a measurement, not a test: the export may take what it takes


def _deck(url: str) -> str:
    """Seed the database and generate the offline Consumption review; return its session."""
    user = User(name=LOCAL_USER, display_name="Bench")
    database = Database(Settings(DATABASE_URL=url, SLIDEGEN_USER=LOCAL_USER))
    migrate.upgrade(database.engine)
    with database.scope() as session:
        seed_database(session, settings=database.settings)
        handle = requests.start_generation(
            session, user, prompt="Consumption review: cost trends, top SKUs, savings"
        )
    run_request(database, claim_request(database, handle.request_id, "bench"), database.settings)
    database.dispose()
    return handle.session_id


@contextmanager
def _busy(processes: int) -> Iterator[None]:
    burners = [
        subprocess.Popen([sys.executable, "-c", "while True: pass"]) for _ in range(processes)
    ]
    try:
        yield
    finally:
        for burner in burners:
            burner.kill()
            burner.wait()


def _export_seconds(browser, folder: Path, gc: bool) -> float:
    url = f"sqlite:///{folder / 'bench.db'}"
    session_id = _deck(url)
    env = isolated_env(url, folder, STREAMLIT_RUNNER_POST_SCRIPT_GC=str(gc).lower())
    with run_app(env, folder / "streamlit.log") as app:
        context = browser.new_context(viewport={"width": 1440, "height": 1000})
        page = context.new_page()
        page.goto(f"{app}/?session={session_id}")
        start = page.get_by_role("button", name="PDF", exact=True)
        expect(start).to_be_enabled(timeout=WAIT_MS)
        began = time.perf_counter()
        start.click()
        expect(page.get_by_role("button", name="Save PDF")).to_be_visible(timeout=WAIT_MS)
        seconds = time.perf_counter() - began
        context.close()
    return seconds


def main() -> None:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM)
        try:
            for label, busy in (("quiet", 0), ("beside two busy processes", 2)):
                times: dict[bool, list[float]] = {True: [], False: []}
                for _ in range(RUNS):
                    for gc in (True, False):
                        with tempfile.TemporaryDirectory() as folder, _busy(busy):
                            times[gc].append(_export_seconds(browser, Path(folder), gc))
                on, off = (statistics.median(times[gc]) for gc in (True, False))
                print(f"PDF export in the app, 9 slides, {label} (median of {RUNS}):")
                print(f"  postScriptGC on (Streamlit's default): {on:6.1f} s  {times[True]}")
                print(f"  postScriptGC off (ours):               {off:6.1f} s  {times[False]}")
                print(f"  off / on: {off / on:.2f}")
        finally:
            browser.close()


if __name__ == "__main__":
    main()
