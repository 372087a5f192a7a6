"""Many people at once: generations side by side, per-user fairness, SQLite under many writers.

The fake OpenAI-compatible server streams the generation benchmark's realistic 8-slide deck at
about one second per slide; requests start as the Chat page starts them (start_generation in a
unit of work, then JobRunner.submit) with one JobRunner as one app process.

1. Wall time of N generations started at once (N users) against one generation alone, in the
   same run, twice: to the last deck on screen (its request completed: every slide stored, the
   page shows the whole deck) and to the last job's end (after it rated its slides: numbers and
   the layout check); median of RUNS; N = 16 on SQLite and PostgreSQL, 32 and 64 once each (64 with
   SLIDEGEN_MAX_GENERATIONS=64 and the process's peak resident memory, sampled every 50 ms).
2. Per-user limit (3): one user starts 10, then another starts 1; the second user's time to a
   finished deck against one deck alone.
3. SQLite busy behaviour: requests that failed (e.g. "database is locked") at each N.

    flock /tmp/slidegen-tests.lock .venv/bin/python -m bench.concurrency
"""

from __future__ import annotations

import statistics
import tempfile
import threading
import time
from datetime import datetime
from pathlib import Path

from sqlalchemy import func, select, update

from bench.generation_setup import DECK_TEXT, PROFILE, PROMPT, Bench
from slidegen import tracing
from slidegen.db.base import utcnow
from slidegen.db.models import ChatRequest, ConfigProfile
from slidegen.identity import User
from slidegen.services.generation.chat_requests import start_generation
from slidegen.services.jobs.pool import JobRunner
from tests.fakes.openai_server import FakeOpenAIServer, Reply
from tests.fakes.traces import CollectingExporter
from tests.pgserver import ThrowawayPostgres

CHUNK_CHARS = 20
SECONDS_PER_DECK = 8.0  # about one second per slide, like a fast real model
RUNS = 3
GOAL_RATIO = 1.3


def _reply() -> Reply:
    chunks = len(DECK_TEXT) / CHUNK_CHARS
    return Reply.text(DECK_TEXT, chunk_size=CHUNK_CHARS, delay_s=SECONDS_PER_DECK / chunks)


def _user(n: int) -> User:
    return User(name=f"user{n:03d}@example.com", display_name=f"User {n}")


class Memory:
    """Samples this process's resident memory while open; `peak_mb` is the highest seen."""

    def __init__(self) -> None:
        self.peak_mb = self.start_mb = _rss_mb()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def __enter__(self) -> Memory:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def _sample(self) -> None:
        while not self._stop.wait(0.05):
            self.peak_mb = max(self.peak_mb, _rss_mb())


def _rss_mb() -> float:
    pages = int(Path("/proc/self/statm").read_text().split()[1])
    return pages * 4096 / 2**20


def _start(bench: Bench, user: User) -> str:
    with bench.db.scope() as session:
        return start_generation(session, user, prompt=PROMPT, profile_name=PROFILE).request_id


def _failed(bench: Bench, request_ids: list[str]) -> int:
    with bench.db.scope() as session:
        return session.scalar(
            select(func.count())
            .select_from(ChatRequest)
            .where(ChatRequest.request_id.in_(request_ids), ChatRequest.status != "completed")
        )


def _decks_shown(bench: Bench, request_ids: list[str], started: datetime) -> float:
    """Seconds from `started` to the last of these requests' completion (the deck on screen)."""
    with bench.db.scope() as session:
        last = session.scalar(
            select(func.max(ChatRequest.completed_at)).where(
                ChatRequest.request_id.in_(request_ids)
            )
        )
    return (last - started).total_seconds()


def at_once(bench: Bench, count: int, *, max_generations: int = 32) -> tuple[float, int, float]:
    """Start `count` users' generations together; return the wall time to the last job's end,
    the failures, and the time to the last deck shown."""
    bench.server.enqueue(_reply(), times=count)
    runner = JobRunner(bench.db, bench.settings, max_generations=max_generations)
    try:
        started_at = utcnow()  # the clock the requests' completed_at is written with
        start = time.perf_counter()
        ids = [_start(bench, _user(n)) for n in range(count)]
        for future in [runner.submit(i) for i in ids]:
            future.result(timeout=600)
        elapsed = time.perf_counter() - start
    finally:
        runner.shutdown()
    return elapsed, _failed(bench, ids), _decks_shown(bench, ids, started_at)


def fairness(bench: Bench) -> float:
    """One user starts 10, another 1 right after; return the second user's time to a deck."""
    bench.server.enqueue(_reply(), times=11)
    runner = JobRunner(bench.db, bench.settings)
    try:
        busy = [runner.submit(_start(bench, _user(900))) for _ in range(10)]
        start = time.perf_counter()
        runner.submit(_start(bench, _user(901))).result(timeout=600)
        elapsed = time.perf_counter() - start
        for future in busy:
            future.result(timeout=600)
    finally:
        runner.shutdown()
    return elapsed


def measure(bench: Bench, name: str) -> dict[str, float]:
    """Every figure of one engine."""
    with bench.db.scope() as session:  # every user of the benchmark may use its profile
        session.execute(
            update(ConfigProfile)
            .where(ConfigProfile.name == PROFILE)
            .values(global_permission="CAN_USE")
        )
    at_once(bench, 1)  # warm-up: imports, connections, caches
    single = [at_once(bench, 1) for _ in range(RUNS)]
    sixteen = [at_once(bench, 16) for _ in range(RUNS)]
    figures = {
        "single": statistics.median(t for t, _, _ in single),
        "single shown": statistics.median(s for _, _, s in single),
        "16": statistics.median(t for t, _, _ in sixteen),
        "16 shown": statistics.median(s for _, _, s in sixteen),
        "16 failed": sum(f for _, f, _ in sixteen),
        "fair": fairness(bench),
    }
    figures["32"], figures["32 failed"], figures["32 shown"] = at_once(bench, 32)
    with Memory() as memory:
        figures["64"], figures["64 failed"], figures["64 shown"] = at_once(
            bench, 64, max_generations=64
        )
    figures["64 peak MB"], figures["64 start MB"] = memory.peak_mb, memory.start_mb
    print(f"{name}: " + ", ".join(f"{k} {v:.2f}" for k, v in figures.items()), flush=True)
    return figures


def _report(results: dict[str, dict[str, float]]) -> None:
    print(f"\nGenerations started at once (~{SECONDS_PER_DECK:.0f} s per deck), median of {RUNS}:")
    print(f"{'':26}{'sqlite':>10}{'postgres':>10}")
    engines = ("sqlite", "postgres")
    for key, label in (
        ("single shown", "1 alone, deck shown (s)"),
        ("16 shown", "16 at once, shown (s)"),
        ("32 shown", "32 at once, shown (s)"),
        ("64 shown", "64 at once, shown (s)"),
        ("single", "1 alone, rated (s)"),
        ("16", "16 at once, rated (s)"),
        ("32", "32 at once, rated (s)"),
        ("64", "64 at once, rated (s)"),
    ):
        print(f"{label:26}" + "".join(f"{results[e][key]:10.2f}" for e in engines))
    for count in ("16", "32", "64"):
        shown = [results[e][f"{count} shown"] / results[e]["single shown"] for e in engines]
        print(f"{count + ' vs 1, shown':26}" + "".join(f"{r:9.2f}x" for r in shown))
        ratios = [results[e][count] / results[e]["single"] for e in engines]
        print(f"{count + ' vs 1, rated':26}" + "".join(f"{r:9.2f}x" for r in ratios))
        failed = [results[e][f"{count} failed"] for e in ("sqlite", "postgres")]
        print(f"{count + ' failed requests':26}" + "".join(f"{f:10.0f}" for f in failed))
    fair = [results[e]["fair"] / results[e]["single"] for e in ("sqlite", "postgres")]
    print(f"{'2nd user (10+1) vs 1':26}" + "".join(f"{r:9.2f}x" for r in fair))
    for engine in ("sqlite", "postgres"):
        grown = results[engine]["64 peak MB"] - results[engine]["64 start MB"]
        print(
            f"{engine}: peak RSS {results[engine]['64 peak MB']:.0f} MB during 64 at once, "
            f"+{grown:.0f} MB over the {results[engine]['64 start MB']:.0f} MB before "
            f"({grown / 64:.2f} MB per running generation)"
        )
    print(f"goal: 16 at once at most {GOAL_RATIO}x one alone (32 and 64: once each)")


def main() -> None:
    """Print the concurrency figures on SQLite and PostgreSQL."""
    postgres = ThrowawayPostgres()
    real_exporter = tracing._exporter
    tracing._exporter = CollectingExporter()  # traces are not under test here
    results: dict[str, dict[str, float]] = {}
    with tempfile.TemporaryDirectory() as tmp, FakeOpenAIServer() as server:
        urls = {"sqlite": f"sqlite:///{Path(tmp) / 'bench.db'}", "postgres": postgres.start()}
        try:
            for name, url in urls.items():
                bench = Bench(url, server, f"sqlite:///{Path(tmp) / 'mlflow.db'}")
                results[name] = measure(bench, name)
                bench.dispose()
        finally:
            tracing._exporter = real_exporter
            postgres.stop()
    _report(results)


if __name__ == "__main__":
    main()
