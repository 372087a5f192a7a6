"""What a generation or edit turn costs besides the model, with a fake OpenAI-compatible server.

The engine runs as in the app (start_generation / start_edit, then claim_request + run_request,
through JobRunner in 1) with SLIDEGEN_LLM_PROVIDER=openai pointed at tests.fakes' server, for a
profile without data sources (so the model's script is just the deck).

1. Streaming (SQLite): time to the first slide a second reader can see (`slide_count >= 1`,
   polled every POLL_S through another engine) vs time to the completed request, while the fake
   server streams an 8-slide deck at a fixed rate. Ideal ratio: 1/N.
2. Overhead per turn with an instant fake model (SQLite and PostgreSQL): start → completed
   request, minus a long-lived bare `openai` client streaming the same request and reply from
   the same server right after (the baseline); SQL statements per turn, counted with a
   `before_cursor_execute` listener (SQLite's explicit BEGIN left out), grouped by table.
3. Prompt growth: prompt characters/4 (the fake server's prompt-token estimate) of the 20th vs
   the 2nd single-slide edit of one session; also the chat history each save point stores.

Each request's MLflow trace is exported by a background thread after the request ends (off its
path). Sections 1-3 swap that exporter for one that only collects the traces, so exports do
not run during the timed turns; the real exporter is then timed on those traces separately.
"""

from __future__ import annotations

import gc
import json
import statistics
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlalchemy import select, text

from bench.generation_setup import (
    CHUNK_CHARS,
    CHUNK_DELAY_S,
    DECK_TEXT,
    EDITS,
    GOAL_GROWTH,
    GOAL_MS,
    GOAL_STATEMENTS,
    POLL_S,
    PROFILE,
    PROMPT,
    SLIDES,
    STREAM_RUNS,
    TURN_RUNS,
    USER,
    WARMUP_TURNS,
    Bench,
    _edit_reply,
)
from slidegen import bootstrap, tracing
from slidegen.db.database import Database
from slidegen.db.models import (
    SlideDeckVersion,
    UserSession,
)
from slidegen.render.stream import SlideStream
from slidegen.services.generation.chat_requests import start_generation
from slidegen.services.jobs.pool import JobRunner
from tests.fakes.openai_server import FakeOpenAIServer, Reply
from tests.fakes.traces import CollectingExporter
from tests.pgserver import ThrowawayPostgres


def _stream_run(bench: Bench, reader: Database, runner: JobRunner) -> tuple[float, float]:
    bench.script(Reply.text(DECK_TEXT, chunk_size=CHUNK_CHARS, delay_s=CHUNK_DELAY_S))
    probe = text(
        "SELECT r.status, d.slide_count FROM chat_requests r "
        "LEFT JOIN session_slide_decks d ON d.session_id = r.session_id "
        "WHERE r.request_id = :rid"
    )
    start = time.perf_counter()
    with bench.db.scope() as session:
        handle = start_generation(session, USER, prompt=PROMPT, profile_name=PROFILE)
    runner.submit(handle.request_id)
    first = None
    while True:
        with reader.engine.begin() as conn:
            status, count = conn.execute(probe, {"rid": handle.request_id}).one()
        now = time.perf_counter() - start
        if first is None and (count or 0) >= 1:
            first = now
        if status in ("completed", "error"):
            break
        time.sleep(POLL_S)
    bench.check_completed(handle.request_id)
    return first if first is not None else now, now


def bench_streaming(bench: Bench) -> dict[str, float]:
    reader = Database(bench.settings)
    runner = JobRunner(bench.db, bench.settings, max_workers=1)
    try:
        _stream_run(bench, reader, runner)  # warm-up: imports, connections, caches
        runs = [_stream_run(bench, reader, runner) for _ in range(STREAM_RUNS)]
    finally:
        runner.shutdown()
        reader.dispose()
    first = statistics.median(r[0] for r in runs)
    whole = statistics.median(r[1] for r in runs)
    return {"first": first, "whole": whole, "ratio": statistics.median(r[0] / r[1] for r in runs)}


# -- 2. overhead per turn -------------------------------------------------------------------


def _statement_key(sql: str) -> str:
    words = sql.replace("\n", " ").split()
    verb = words[0].upper() if words else "?"
    table = ""
    if verb == "SELECT":
        upper = [w.upper() for w in words]
        table = words[upper.index("FROM") + 1] if "FROM" in upper else ""
    elif verb in ("INSERT", "DELETE") and len(words) > 2:
        table = words[2]
    elif verb == "UPDATE" and len(words) > 1:
        table = words[1]
    return f"{verb} {table}".strip()


def _measure_turn(bench: Bench, prepare: Callable[[], Callable[[], str]]) -> dict[str, Any]:
    turn = prepare()  # unmeasured set-up; returns the turn to time
    bench.statements, bench.transactions = [], 0
    start = time.perf_counter()
    request_id = turn()
    elapsed = time.perf_counter() - start
    statements, bench.statements = bench.statements, None
    transactions = bench.transactions
    bench.check_completed(request_id)
    baseline = bench.replay_last_request()
    kinds = Counter(_statement_key(sql) for sql, _ in statements)
    begins = kinds.pop("BEGIN", 0)  # SQLite's explicit BEGIN (PostgreSQL's is implicit)
    return {
        "turn": elapsed,
        "baseline": baseline,
        "statements": len(statements) - begins,
        "transactions": transactions,
        "sql_s": sum(d for _, d in statements),
        "kinds": kinds,
    }


def bench_turns(bench: Bench) -> dict[str, dict[str, Any]]:
    def generate() -> Callable[[], str]:
        bench.script(Reply.text(DECK_TEXT))
        return lambda: bench.generate()[1]

    def edit() -> Callable[[], str]:
        bench.script(Reply.text(DECK_TEXT))
        session_id, _ = bench.generate()  # a fresh 8-slide deck
        bench.script(Reply.text(_edit_reply(bench.slide_id(session_id, 3), 1)))
        return lambda: bench.edit(session_id, 3)

    results = {}
    for name, prepare in (("generate", generate), ("edit", edit)):
        for _ in range(WARMUP_TURNS):
            _measure_turn(bench, prepare)
        runs = [_measure_turn(bench, prepare) for _ in range(TURN_RUNS)]
        results[name] = {
            "turn_ms": statistics.median(r["turn"] for r in runs) * 1000,
            "baseline_ms": statistics.median(r["baseline"] for r in runs) * 1000,
            "overhead_ms": statistics.median(r["turn"] - r["baseline"] for r in runs) * 1000,
            "sql_ms": statistics.median(r["sql_s"] for r in runs) * 1000,
            "transactions": statistics.median(r["transactions"] for r in runs),
            "statements": statistics.median(r["statements"] for r in runs),
            "kinds": runs[-1]["kinds"],
        }
    return results


def bench_client_construction(bench: Bench) -> float:
    """Median ms to build the provider a turn builds (a new openai client each time)."""
    llm = bootstrap.llm_settings({"ai_infra": {"provider": "openai"}}, bench.settings)
    samples = []
    for _ in range(TURN_RUNS):
        start = time.perf_counter()
        bootstrap.build_provider(llm, bench.settings)
        samples.append(time.perf_counter() - start)
    return statistics.median(samples) * 1000


def bench_slide_parsing() -> float:
    """Median ms to split, parse and sanitise the deck's slides from 20-character deltas."""
    samples = []
    for _ in range(TURN_RUNS + 1):
        start = time.perf_counter()
        stream = SlideStream()
        slides = [
            s
            for i in range(0, len(DECK_TEXT), CHUNK_CHARS)
            for s in stream.feed(DECK_TEXT[i : i + CHUNK_CHARS])
        ]
        slides += stream.finish()
        samples.append(time.perf_counter() - start)
        if len(slides) != SLIDES:
            raise RuntimeError(f"the deck parsed into {len(slides)} slides, not {SLIDES}")
    return statistics.median(samples[1:]) * 1000


# -- 3. prompt growth -----------------------------------------------------------------------


def bench_prompt_growth(bench: Bench) -> dict[str, float]:
    bench.script(Reply.text(DECK_TEXT))
    session_id, _ = bench.generate()
    slide_id = bench.slide_id(session_id, 3)
    prompts: list[int] = []
    for number in range(1, EDITS + 1):
        bench.script(Reply.text(_edit_reply(slide_id, number)))
        bench.check_completed(bench.edit(session_id, 3))
        messages = bench.server.chat_requests[-1].body["messages"]
        prompts.append(len(json.dumps(messages)) // 4)
    with bench.db.scope() as session:  # what each turn's save point stores besides the deck
        history = session.scalars(
            select(SlideDeckVersion.chat_history_json)
            .join(UserSession, UserSession.id == SlideDeckVersion.session_id)
            .where(UserSession.session_id == session_id)
            .order_by(SlideDeckVersion.version_number)
        ).all()
    sizes = [len(json.dumps(h)) for h in history]  # save point 1 is the generated deck
    return {
        "second": prompts[1],
        "last": prompts[-1],
        "ratio": prompts[-1] / prompts[1],
        "history_second": sizes[2],
        "history_last": sizes[-1],
    }


# -- trace export --------------------------------------------------------------------------


def bench_trace_export(
    traces: list[tracing.RequestTrace], mlflow_uri: str, artifacts: Path, runs: int = 3
) -> dict[str, float]:
    """Wall and CPU seconds the real exporter needs per trace (MLflow in a temp SQLite store)."""
    import mlflow  # ~1.5 s; the exporter imports it on its first trace anyway

    mlflow.set_tracking_uri(mlflow_uri)
    experiment = traces[0].experiment_name
    mlflow.MlflowClient().create_experiment(experiment, artifact_location=artifacts.as_uri())
    exporter = tracing.TraceExporter()
    walls, cpus = [], []
    for trace in traces[: runs + 1]:  # the first one pays for MLflow's start-up
        wall, cpu = time.perf_counter(), time.process_time()
        exporter.submit(trace)
        if not exporter.wait(timeout=60):
            raise RuntimeError("the trace exporter did not finish within 60 s")
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    return {"wall": statistics.median(walls[1:]), "cpu": statistics.median(cpus[1:])}


def _open_fds() -> int:
    return len(list(Path("/proc/self/fd").iterdir()))


def bench_leaks(bench: Bench, turns: int = EDITS) -> tuple[int, int, int]:
    """Threads and file descriptors gained over `turns` generate turns (and left after GC)."""
    threads, fds = threading.active_count(), _open_fds()
    for _ in range(turns):
        bench.script(Reply.text(DECK_TEXT))
        bench.check_completed(bench.generate()[1])
    grown = (threading.active_count() - threads, _open_fds() - fds)
    gc.collect()
    time.sleep(0.2)  # let the fake server's handler threads see the closed connections
    return grown[0], grown[1], _open_fds() - fds


# -- report ---------------------------------------------------------------------------------


def _report(
    streaming: dict[str, float],
    turns: dict[str, dict[str, dict[str, Any]]],
    client_ms: float,
    parse_ms: float,
    growth: dict[str, float],
    leaks: tuple[int, int, int],
    export: dict[str, float],
) -> None:
    print(
        f"Generation: fake OpenAI server, {SLIDES}-slide deck of {len(DECK_TEXT):,} chars "
        f"in {CHUNK_CHARS}-char chunks {CHUNK_DELAY_S * 1000:.0f} ms apart; medians of "
        f"{STREAM_RUNS} decks (1) and {TURN_RUNS} turns (2)"
    )
    print(
        f"{'1. streaming, sqlite':<28} {'first s':>8} {'whole s':>8} {'first/whole':>12} {'1/N':>6}"
    )
    print(
        f"{'a stored slide is visible':<28} {streaming['first']:>8.2f} {streaming['whole']:>8.2f}"
        f" {streaming['ratio']:>12.2f} {1 / SLIDES:>6.2f}"
    )
    print()
    print(
        f"{'2. per turn, instant model':<28} {'turn':>7} {'bare':>7} {'overhead':>9} {'sql':>6}"
        f" {'stmts':>6} {'txns':>5}   goal: overhead <{GOAL_MS:.0f} ms, <{GOAL_STATEMENTS} stmts"
    )
    for engine_name, results in turns.items():
        for name, r in results.items():
            fast = "met" if r["overhead_ms"] < GOAL_MS else "NOT met"
            few = "met" if r["statements"] < GOAL_STATEMENTS else "NOT met"
            label = f"{name}, {engine_name} (ms)"
            print(
                f"{label:<28} {r['turn_ms']:>7.1f} {r['baseline_ms']:>7.1f}"
                f" {r['overhead_ms']:>9.1f} {r['sql_ms']:>6.1f} {r['statements']:>6.0f}"
                f" {r['transactions']:>5.0f}   time {fast}, stmts {few}"
            )
    print(f"{'of which: new openai client':<28} {client_ms:>7.1f}")
    print(f"{f'          parsing {SLIDES} slides':<28} {parse_ms:>7.1f}")
    for name, r in turns["sqlite"].items():
        top = ", ".join(f"{kind} x{n}" for kind, n in r["kinds"].most_common(6))
        print(f"  {name} statements (one turn): {top}")
    print()
    verdict = "met" if abs(growth["ratio"] - 1) <= GOAL_GROWTH else "NOT met"
    print(f"{'3. prompt growth, sqlite':<28} {'2nd':>7} {'20th':>7} {'ratio':>7}")
    print(
        f"{'prompt tokens (chars/4)':<28} {growth['second']:>7.0f} {growth['last']:>7.0f}"
        f" {growth['ratio']:>6.2f}x   goal: within {GOAL_GROWTH:.0%}, {verdict}"
    )
    print(
        f"{'save point chat history, KB':<28} {growth['history_second'] / 1000:>7.1f}"
        f" {growth['history_last'] / 1000:>7.1f}"
        f" {growth['history_last'] / growth['history_second']:>6.2f}x"
    )
    print()
    print(
        f"MLflow trace export (background thread), per trace: {export['wall'] * 1000:.0f} ms "
        f"wall, {export['cpu'] * 1000:.0f} ms CPU"
    )
    print(
        f"after {EDITS} more generate turns: +{leaks[0]} threads, +{leaks[1]} open fds "
        f"(+{leaks[2]} after gc.collect())"
    )


def main() -> None:
    """Print streaming latency, per-turn overhead and SQL counts, and prompt growth."""
    postgres = ThrowawayPostgres()
    turns: dict[str, dict[str, dict[str, Any]]] = {}
    collected = CollectingExporter()
    real_exporter = tracing._exporter  # the process-wide exporter that run_request submits to
    tracing._exporter = collected
    with tempfile.TemporaryDirectory() as tmp, FakeOpenAIServer() as server:
        mlflow_uri = f"sqlite:///{Path(tmp) / 'mlflow.db'}"
        urls = {"sqlite": f"sqlite:///{Path(tmp) / 'bench.db'}", "postgres": postgres.start()}
        try:
            for engine_name, url in urls.items():
                bench = Bench(url, server, mlflow_uri)
                if engine_name == "sqlite":
                    streaming = bench_streaming(bench)
                    client_ms = bench_client_construction(bench)
                    growth = bench_prompt_growth(bench)
                    leaks = bench_leaks(bench)
                turns[engine_name] = bench_turns(bench)
                bench.dispose()
            tracing._exporter = real_exporter
            export = bench_trace_export(collected.traces, mlflow_uri, Path(tmp) / "mlruns")
        finally:
            tracing._exporter = real_exporter
            postgres.stop()
    _report(streaming, turns, client_ms, bench_slide_parsing(), growth, leaks, export)


if __name__ == "__main__":
    main()
