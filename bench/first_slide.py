"""Time to the first slide visible in the browser while a deck streams in.

The app runs as users run it (`streamlit run app.py`, SQLite) with its LLM an OpenAI-compatible
fake server on 127.0.0.1 (tests/fakes) that streams the offline engine's own deck (written
from the sample data, as the demo engine writes it) at a realistic rate: SLIDE_S seconds per
slide, in chunks of CHUNK_CHARS characters. Headless Chromium types the request and presses
Enter; from then on the page is polled (every POLL_MS) for slides whose text is loaded in their
sandboxed frame and whose frame is laid out on the page ("visible"). Also recorded, through a
second database connection: when the first slide was stored and when the request completed.

Per N (slides in the deck), median of RUNS runs after a warm-up:
  first visible / last visible   (ideal 1/N; goal 1/N + 0.1)
  stored -> visible latency of the first slide (what the page adds to the server's streaming)
"""

from __future__ import annotations

import argparse
import sqlite3
import statistics
import tempfile
import threading
import time
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

from playwright.sync_api import Page, sync_playwright

from slidegen import seed_content
from slidegen.config import Settings
from slidegen.db import migrate
from slidegen.db.database import Database
from slidegen.llm.base import Message
from slidegen.llm.offline import _tables, deck_html
from slidegen.llm.offline_data import QUERIES
from slidegen.services.seed import seed_database
from slidegen.tools.sample_data import ensure_sample_database
from slidegen.tools.sql import SqlTool
from tests.e2e.app_server import LOCAL_USER, isolated_env, run_app
from tests.fakes.openai_server import FakeOpenAIServer, Reply

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
SIZES = (9, 5)
RUNS = 5
SLIDE_S = 2.0  # a slide is ~1,500 characters (~400 tokens): ~200 tokens/s, a fast served model
CHUNK_CHARS = 40
POLL_MS = 20
TIMEOUT_S = 120.0
MODEL = "bench-model"
REQUEST = "Consumption review of our workspaces for the steering group"
DECK_PROMPT = next(p for p in seed_content.DECK_PROMPTS if "Consumption" in p.name)


def offline_deck(slides: int, sample_path: Path) -> tuple[str, list[str]]:
    """Return the offline engine's answer for the request (at most `slides` slides) and titles."""
    tool = SqlTool("sample", "sample", ensure_sample_database(sample_path))
    results = [
        Message(role="tool", tool_call_id=f"call_{key}", content=tool.run({"query": sql}).content)
        for key, sql in QUERIES.items()
    ]
    tool.close()
    system = f"# Deck prompt: {DECK_PROMPT.name}\nWrite at most {slides:d} slides."
    answer = deck_html(REQUEST, system, _tables(results))
    count = answer.count("<section")
    if count != slides:
        raise RuntimeError(f"the offline engine wrote {count} slides, not {slides}")
    return answer, [_h1(part) for part in answer.split("<section")[1:]]


def _h1(section: str) -> str:
    start = section.index(">", section.index("<h1")) + 1
    return " ".join(section[start : section.index("</h1>")].split())


@dataclass
class Run:
    first_visible: float
    last_visible: float
    first_stored: float
    completed: float


class StoreWatch:
    """Poll the database from outside the app: first slide stored, request completed.

    A plain read-only sqlite3 connection: a read in WAL mode never blocks the app's writer (the
    app's own sessions begin IMMEDIATE, which would compete with the job for the write lock).
    """

    PROBE = (
        "SELECT r.status, d.slide_count FROM chat_requests r "
        "LEFT JOIN session_slide_decks d ON d.session_id = r.session_id "
        "ORDER BY r.id DESC LIMIT 1"
    )

    def __init__(self, path: Path, known: int, start: float) -> None:
        self.path, self.known, self.start = path, known, start
        self.first_stored: float | None = None
        self.completed: float | None = None
        self._thread = threading.Thread(target=self._watch, daemon=True)
        self._thread.start()

    @staticmethod
    def count(path: Path) -> int:
        with closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as conn:
            return conn.execute("SELECT COUNT(*) FROM chat_requests").fetchone()[0]

    def _watch(self) -> None:
        deadline = self.start + TIMEOUT_S
        with closing(sqlite3.connect(f"file:{self.path}?mode=ro", uri=True)) as conn:
            while time.perf_counter() < deadline:
                total = conn.execute("SELECT COUNT(*) FROM chat_requests").fetchone()[0]
                row = conn.execute(self.PROBE).fetchone() if total > self.known else None
                now = time.perf_counter() - self.start
                if row is not None:
                    status, count = row
                    if self.first_stored is None and (count or 0) >= 1:
                        self.first_stored = now
                    if status in ("completed", "error"):
                        self.completed = now
                        return
                time.sleep(0.005)

    def join(self) -> tuple[float, float]:
        self._thread.join(TIMEOUT_S)
        if self.first_stored is None or self.completed is None:
            raise RuntimeError("the request did not complete")
        return self.first_stored, self.completed


def _visible_titles(page: Page) -> set[str]:
    """Titles of the slides whose sandboxed frame has loaded its text and is laid out."""
    seen = set()
    for frame in page.frames:
        shell = frame.parent_frame
        if shell is None or shell.parent_frame is not page.main_frame:
            continue  # only the innermost frames (page > Streamlit iframe > sandbox) hold slides
        try:
            title = frame.evaluate("() => document.querySelector('h1')?.innerText ?? null")
            box = shell.frame_element().bounding_box() if title else None
        except Exception:  # noqa: BLE001 (a frame replaced between listing and reading it)
            continue
        # Focus (the default view) shows one slide large and every slide in the strip below,
        # as a thumbnail 62 px tall: a thumbnail counts.
        if title and box and box["height"] > 40 and box["width"] > 60:
            seen.add(" ".join(title.split()))
    return seen


@dataclass(frozen=True)
class Setup:
    url: str
    server: FakeOpenAIServer
    root: Path
    slide_s: float


def one_run(page: Page, setup: Setup, deck: str, titles: list[str]) -> Run:
    chunks = -(-len(deck) // CHUNK_CHARS)
    delay = setup.slide_s * len(titles) / chunks
    db_path, server = setup.root / "slidegen.db", setup.server
    page.goto(setup.url)
    box = page.get_by_test_id("stChatInputTextArea").first
    box.wait_for(state="visible", timeout=60_000)
    page.get_by_role("heading", name="Chat", exact=True).wait_for(timeout=60_000)
    server.enqueue(Reply.text(deck, chunk_size=CHUNK_CHARS, delay_s=delay))
    known = StoreWatch.count(db_path)
    box.fill(REQUEST)
    start = time.perf_counter()
    box.press("Enter")
    watch = StoreWatch(db_path, known, start)
    first = last = None
    while time.perf_counter() - start < TIMEOUT_S:
        shown = _visible_titles(page)
        now = time.perf_counter() - start
        if first is None and titles[0] in shown:
            first = now
        if set(titles) <= shown:
            last = now
            break
        page.wait_for_timeout(POLL_MS)
    stored, completed = watch.join()
    if first is None or last is None:
        raise RuntimeError("the deck did not appear in the browser")
    return Run(first, last, stored, completed)


def measure(page: Page, setup: Setup, slides: int, runs: int) -> list[Run]:
    deck, titles = offline_deck(slides, setup.root / "sample.db")
    one_run(page, setup, deck, titles)  # warm-up: chart engine, caches
    return [one_run(page, setup, deck, titles) for _ in range(runs)]


def _seeded(path: Path) -> str:
    url = f"sqlite:///{path}"
    database = Database(Settings(DATABASE_URL=url, SLIDEGEN_USER=LOCAL_USER))
    migrate.upgrade(database.engine)
    with database.scope() as session:
        seed_database(session, settings=database.settings)
    database.dispose()
    return url


def _report(results: dict[int, list[Run]], runs: int, slide_s: float) -> None:
    print(
        f"First slide visible in Chromium while a deck streams in; median of {runs} runs; "
        f"the model writes a slide every {slide_s:.1f} s; times from pressing Enter (s)"
    )
    print(
        f"{'N':>3} {'1st stored':>11} {'1st visible':>12} {'job done':>9} {'all visible':>12}"
        f" {'1st/all':>8} {'1/N':>6} {'goal':>6}  met"
    )
    for slides, measured in results.items():
        ratio = statistics.median(r.first_visible / r.last_visible for r in measured)
        goal = 1 / slides + 0.1

        def median(field: str, rows: list[Run] = measured) -> float:
            return statistics.median(getattr(r, field) for r in rows)

        print(
            f"{slides:>3} {median('first_stored'):>11.2f} {median('first_visible'):>12.2f} "
            f"{median('completed'):>9.2f} {median('last_visible'):>12.2f} {ratio:>8.3f} "
            f"{1 / slides:>6.3f} {goal:>6.3f}  {'yes' if ratio <= goal else 'NO'}"
        )
        each = ", ".join(f"{r.first_visible / r.last_visible:.3f}" for r in measured)
        print(f"    1st/all of each run: {each}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=RUNS, help="measured runs per deck size")
    parser.add_argument(
        "--slide-seconds", type=float, default=SLIDE_S, help="how long the model takes a slide"
    )
    args = parser.parse_args()
    runs = args.runs
    with tempfile.TemporaryDirectory() as tmp, FakeOpenAIServer() as server:
        root = Path(tmp)
        url = _seeded(root / "slidegen.db")
        env = isolated_env(
            url,
            root,
            SLIDEGEN_LLM_PROVIDER="openai",
            SLIDEGEN_LLM_BASE_URL=server.openai_base_url,
            SLIDEGEN_LLM_MODEL=MODEL,
            SLIDEGEN_LLM_API_KEY="bench-key",
        )
        with run_app(env, root / "streamlit.log") as app, sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            setup = Setup(app, server, root, args.slide_seconds)
            results = {n: measure(page, setup, n, runs) for n in SIZES}
            browser.close()
    _report(results, runs, args.slide_seconds)


if __name__ == "__main__":
    main()
