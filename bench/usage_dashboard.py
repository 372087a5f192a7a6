"""The Usage dashboard with 200,000 request logs, 5,000 feedback and 20,000 survey answers.

Seeds SQLite and a throwaway PostgreSQL (logs spread over 180 days, 300 users, 3 profiles),
runs the Usage page with streamlit's AppTest (default range: the last 30 days) and prints the
median rerun, the SQL statements per rerun at 20,000 and at 200,000 logs, and the page's
service calls alone (they read the daily roll-ups). The baseline, measured in the same run on
the same data: the statements the dashboard ran before the roll-ups, over the request logs
themselves (bench/usage_baseline.py). Then the cost of writing one request log (its row and
its roll-ups): the transaction that closes a request, with and without it, and its commits.
The log is written as the job writes it (`write_chat_request_log`, with the times the claim
returned on its meter) and, for comparison in the same run, with a meter that lacks them (the
request's times read back first: the write before they travelled with the job).
"""

from __future__ import annotations

import os
import random
import statistics
import tempfile
import time
from datetime import UTC, timedelta
from pathlib import Path

from sqlalchemy import event, insert, update

from bench import usage_baseline
from bench.history_page import StatementCounter
from slidegen.config import Settings, reload_settings
from slidegen.db import migrate
from slidegen.db.base import utcnow
from slidegen.db.database import Database
from slidegen.db.models import (
    ChatRequest,
    FeedbackConversation,
    RequestLog,
    SurveyResponse,
    UserSession,
)
from slidegen.identity import User
from slidegen.services.seed import seed_database
from slidegen.services.usage import dashboard
from slidegen.services.usage.request_logs import RequestMeter, write_chat_request_log
from slidegen.services.usage.rollups import roll_up_logs
from tests.pgserver import ThrowawayPostgres

APP = str(Path(__file__).resolve().parents[1] / "app.py")
ADMIN = User(name="admin@example.com", display_name="Admin")
LOGS, SMALL, FEEDBACK, SURVEYS, RUNS, WRITES = 200_000, 20_000, 5_000, 20_000, 10, 200
KINDS = ["generate"] * 5 + ["edit"] * 3 + ["export:pptx", "export:html"]
CHUNK = 10_000


def _logs(count: int, rng: random.Random) -> list[dict[str, object]]:
    now = utcnow()
    rows = []
    for _ in range(count):
        failed = rng.random() < 0.05
        rows.append(
            {
                "finished_at": now - timedelta(seconds=rng.randrange(180 * 86400)),
                "user_name": f"user{rng.randrange(300)}@example.com",
                "profile_name": rng.choice(["default", "finance", "sales"]),
                "provider": "databricks",
                "model": rng.choice(["claude", "llama", "gpt"]),
                "kind": rng.choice(KINDS),
                "status": "error" if failed else "completed",
                "error_class": rng.choice(["LLMTimeoutError", "SlidegenError"]) if failed else None,
                "queue_wait_ms": rng.randrange(500),
                "first_slide_ms": rng.randrange(2000, 20000),
                "total_ms": rng.randrange(20000, 120000),
                "input_tokens": rng.randrange(20000),
                "output_tokens": rng.randrange(8000),
                "tool_calls": rng.randrange(4),
                "slides": rng.randrange(12),
            }
        )
    # Logs are written as requests end: in time order, which is the order the table grows in.
    return sorted(rows, key=lambda row: row["finished_at"])


def _insert(database: Database, model: type, rows: list[dict[str, object]]) -> None:
    for start in range(0, len(rows), CHUNK):
        with database.scope() as session:
            session.execute(insert(model), rows[start : start + CHUNK])
            if model is RequestLog:  # as the app writes them: each log with its roll-ups
                roll_up_logs(session, rows[start : start + CHUNK])


def _populate(database: Database, rng: random.Random) -> None:
    migrate.upgrade(database.engine)
    with database.scope() as session:
        seed_database(session, settings=database.settings)
    now = utcnow()
    feedback = [
        {
            "category": rng.choice(["bug", "quality", "idea", "praise"]),
            "severity": rng.choice(["low", "medium", "high"]),
            "summary": f"Feedback {n}: the chart colours were lost in the export.",
            "raw_conversation": {},
            "created_by": f"user{n % 300}@example.com",
            "created_at": now - timedelta(minutes=n * 50),
        }
        for n in range(FEEDBACK)
    ]
    surveys = [
        {
            "nps_score": rng.randrange(11),
            "time_saved_minutes": rng.randrange(120),
            "created_by": f"user{n % 300}@example.com",
            "created_at": now - timedelta(minutes=n * 13),
        }
        for n in range(SURVEYS)
    ]
    _insert(database, FeedbackConversation, feedback)
    _insert(database, SurveyResponse, surveys)
    _insert(database, RequestLog, _logs(SMALL, rng))


def _time_page(counter: StatementCounter) -> tuple[float, int]:
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(APP, default_timeout=120)
    at.run()
    at.switch_page("app_pages/usage.py")
    at.run()
    samples, before = [], counter.count
    for _ in range(RUNS):
        start = time.perf_counter()
        at.run()
        samples.append(time.perf_counter() - start)
    assert not at.exception, at.exception
    assert at.title[0].value == "Usage"
    return statistics.median(samples) * 1000, (counter.count - before) // RUNS


def _time_services(database: Database, days: int) -> tuple[float, float]:
    """Median ms of the page's service calls, and of the old statements (the baseline)."""
    end = utcnow().astimezone(UTC).date()
    start = end - timedelta(days=days - 1)
    since, until = dashboard.day_range(start, end)
    settings = database.settings
    samples, baseline = [], []
    for _ in range(RUNS):
        began = time.perf_counter()
        with database.scope() as session:
            dashboard.list_profile_names(session, ADMIN, settings=settings)
            dashboard.usage_report(session, ADMIN, settings=settings, start=start, end=end)
            dashboard.list_prices(session, ADMIN, settings=settings)
            dashboard.list_feedback(session, ADMIN, settings=settings, since=since, until=until)
        samples.append(time.perf_counter() - began)
        began = time.perf_counter()
        with database.scope() as session:
            dashboard.list_profile_names(session, ADMIN, settings=settings)
            usage_baseline.run_all(session, since, until)
            dashboard.list_prices(session, ADMIN, settings=settings)
            dashboard.list_feedback(session, ADMIN, settings=settings, since=since, until=until)
        baseline.append(time.perf_counter() - began)
    return statistics.median(samples) * 1000, statistics.median(baseline) * 1000


def _closing_request(database: Database) -> ChatRequest:
    with database.scope() as session:
        row = UserSession(session_id=os.urandom(8).hex(), created_by=ADMIN.name, title="bench")
        session.add(row)
        session.flush()
        request = ChatRequest(
            request_id=os.urandom(8).hex(),
            session_id=row.id,
            created_by=ADMIN.name,
            status="running",
            started_at=utcnow(),
        )
        session.add(request)
        session.flush()
        session.refresh(request)  # its times as stored, as the claim's RETURNING gives them
        return request


def _time_log_write(database: Database) -> tuple[float, float, float, int, int]:
    """Median ms of the closing transaction without its log row, with it (as the job writes
    it) and with it read back (a meter without the claim's times); commits of the first two."""
    request = _closing_request(database)
    pk, fields = (
        request.id,
        {
            "kind": "generate",
            "user_name": ADMIN.name,
            "session_id": None,
            "profile_name": "default",
            "provider": "databricks",
            "model": "claude",
            "prompt_excerpt": None,
            "retention_days": 180,
        },
    )
    claimed = RequestMeter(
        **fields,
        request_id=request.request_id,
        created_at=request.created_at,
        started_at=request.started_at,
    )
    read_back = RequestMeter(**fields)
    commits = [0]
    event.listen(database.engine, "commit", lambda *a: commits.__setitem__(0, commits[0] + 1))

    def close(meter: RequestMeter | None) -> float:
        start = time.perf_counter()
        with database.scope() as session:
            session.execute(
                update(ChatRequest)
                .where(ChatRequest.id == pk)
                .values(status="completed", completed_at=utcnow(), progress_message="Done")
            )
            if meter is not None:
                write_chat_request_log(
                    session,
                    meter,
                    request_pk=pk,
                    status="completed",
                    input_tokens=1000,
                    output_tokens=300,
                    tool_calls=1,
                )
        return time.perf_counter() - start

    close(claimed)  # the first write of the process also purges old rows: not timed
    plain, logged, read, plain_commits, logged_commits = [], [], [], 0, 0
    for _ in range(WRITES):
        before = commits[0]
        plain.append(close(None))
        plain_commits += commits[0] - before
        before = commits[0]
        logged.append(close(claimed))
        logged_commits += commits[0] - before
        read.append(close(read_back))
    median = statistics.median
    return (
        median(plain) * 1000,
        median(logged) * 1000,
        median(read) * 1000,
        plain_commits,
        logged_commits,
    )


def _engine(name: str, url: str, tmp: str, counter: StatementCounter) -> dict[str, float]:
    rng = random.Random(18)
    database = Database(Settings(DATABASE_URL=url, SLIDEGEN_USER=ADMIN.name))
    _populate(database, rng)
    os.environ.update(DATABASE_URL=url, SLIDEGEN_USER=ADMIN.name)
    os.environ["MLFLOW_TRACKING_URI"] = f"sqlite:///{Path(tmp) / 'mlflow.db'}"
    os.environ.pop("SLIDEGEN_ADMIN_GROUP", None)
    reload_settings()
    _, small_statements = _time_page(counter)
    _insert(database, RequestLog, _logs(LOGS - SMALL, rng))
    if name == "postgresql":
        with database.engine.connect() as connection:
            connection.exec_driver_sql("ANALYZE")
    rerun, statements = _time_page(counter)
    services_30d, baseline_30d = _time_services(database, 30)
    services_180d, baseline_180d = _time_services(database, 180)
    figures = {
        "rerun": rerun,
        "statements_small": small_statements,
        "statements": statements,
        "services_30d": services_30d,
        "services_180d": services_180d,
        "baseline_30d": baseline_30d,
        "baseline_180d": baseline_180d,
    }
    plain, logged, read, plain_commits, logged_commits = _time_log_write(database)
    figures |= {"close": plain, "close_log": logged, "close_read": read, "commits": plain_commits}
    figures["commits_log"] = logged_commits
    database.dispose()
    return figures


def main() -> None:
    """Print the Usage page's figures and the request log's write cost on both engines."""
    counter = StatementCounter()
    server = ThrowawayPostgres()
    results = {}
    with tempfile.TemporaryDirectory() as tmp:
        urls = {"sqlite": f"sqlite:///{Path(tmp) / 'bench.db'}", "postgresql": server.start()}
        try:
            for name, url in urls.items():
                results[name] = _engine(name, url, tmp, counter)
        finally:
            server.stop()
    print(
        f"Usage page: {LOGS:,} request logs, {FEEDBACK:,} feedback, {SURVEYS:,} survey answers;"
        f" median of {RUNS} reruns (range: last 30 days)"
    )
    print(f"{'engine':<11} {'rerun ms':>9} {'SQL@20k':>8} {'SQL@200k':>9}")
    for name, f in results.items():
        print(f"{name:<11} {f['rerun']:>9.0f} {f['statements_small']:>8} {f['statements']:>9}")
    print("\nThe figures' SQL: roll-ups (the page's service calls) vs. the request logs (baseline)")
    print(f"{'engine':<11} {'days':>5} {'roll-ups ms':>12} {'logs ms':>9} {'logs/roll-ups':>14}")
    for name, f in results.items():
        for days in (30, 180):
            new, old = f[f"services_{days}d"], f[f"baseline_{days}d"]
            print(f"{name:<11} {days:>5} {new:>12.1f} {old:>9.1f} {old / new:>13.1f}x")
    print(f"\nWriting a request log: closing transaction, median of {WRITES}")
    print(
        f"{'engine':<11} {'close ms':>9} {'+log ms':>8} {'cost ms':>8} {'commits':>8} {'+log':>6}"
        f" {'read-back cost ms':>18}"
    )
    for name, f in results.items():
        print(
            f"{name:<11} {f['close']:>9.2f} {f['close_log']:>8.2f} "
            f"{f['close_log'] - f['close']:>8.2f} {f['commits']:>8} {f['commits_log']:>6}"
            f" {f['close_read'] - f['close']:>18.2f}"
        )
    print("(+log: as the job writes it, the claim's times on its meter; read-back: without them)")
    print("goals: rerun under 300 ms, SQL per rerun independent of N; a log under 2 ms, no commit")


if __name__ == "__main__":
    main()
