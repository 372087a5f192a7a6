"""The History page with 5,000 sessions across 50 users: rerun time, SQL statements, thumbnails.

Seeds SQLite and a throwaway PostgreSQL with 5,000 sessions (100 per user for 50 users, each a
one-slide deck; a third shared with the bench user, some with a group grant, a tenth of them
workspace-visible) and runs the History page with streamlit's AppTest. Prints the first run
(thumbnails rendered), the median rerun, the SQL statements per rerun and the thumbnails in the
page. Baseline in the same run: `list_sessions` called directly (the page's own query cost).
"""

from __future__ import annotations

import os
import statistics
import tempfile
import time
import uuid
from datetime import timedelta
from pathlib import Path

from sqlalchemy import Engine, event
from streamlit.testing.v1 import AppTest

from slidegen.config import Settings, reload_settings
from slidegen.db import migrate
from slidegen.db.base import utcnow
from slidegen.db.database import Database
from slidegen.db.models import SessionPermission, SessionSlideDeck, UserSession
from slidegen.deck import Deck, Slide
from slidegen.identity import User
from slidegen.services.seed import seed_database
from slidegen.services.sessions import queries as sessions
from tests.pgserver import ThrowawayPostgres
from ui.history.view import PAGE_SIZE

APP = str(Path(__file__).resolve().parents[1] / "app.py")
USER = User(name="user0@example.com", display_name="Bench")
USERS, PER_USER, RUNS = 50, 100, 10
SLIDE = '<section class="slide"><h1>Deck {n}</h1><p>Consumption by month</p></section>'


def _populate(url: str) -> None:
    database = Database(Settings(DATABASE_URL=url, SLIDEGEN_USER=USER.name))
    migrate.upgrade(database.engine)
    now = utcnow()
    with database.scope() as session:
        seed_database(session, settings=database.settings)
        for index in range(USERS * PER_USER):
            owner = f"user{index % USERS}@example.com"
            deck = Deck(title=f"Deck {index}", slides=[Slide(html=SLIDE.format(n=index))])
            row = UserSession(
                session_id=uuid.uuid4().hex,
                created_by=owner,
                title=f"Deck {index}",
                visibility="workspace" if index % 10 == 0 else "shared",
                profile_name="default",
                last_activity=now - timedelta(minutes=index),
            )
            row.slide_deck = SessionSlideDeck(
                slide_count=1, deck_json=deck.model_dump(mode="json"), title=deck.title
            )
            if index % 3 == 0 and owner != USER.name:
                row.permissions.append(
                    SessionPermission(
                        principal_type="user",
                        principal_id=USER.name,
                        permission="read",
                        granted_by=owner,
                    )
                )
            session.add(row)
    database.dispose()


class StatementCounter:
    """Counts the SQL statements every engine in the process sends."""

    def __init__(self) -> None:
        self.count = 0
        event.listen(Engine, "before_cursor_execute", self._seen)

    def _seen(self, *args: object) -> None:
        self.count += 1


def _time_page(counter: StatementCounter) -> tuple[float, float, int, int]:
    at = AppTest.from_file(APP, default_timeout=120)
    start = time.perf_counter()
    at.run()
    at.switch_page("app_pages/history.py")
    at.run()
    first = time.perf_counter() - start
    samples = []
    before = counter.count
    for _ in range(RUNS):
        start = time.perf_counter()
        at.run()
        samples.append(time.perf_counter() - start)
    statements = (counter.count - before) // RUNS
    assert not at.exception, at.exception
    return first * 1000, statistics.median(samples) * 1000, statements, len(at.get("iframe"))


def _time_query(url: str) -> float:
    database = Database(Settings(DATABASE_URL=url))
    samples = []
    for _ in range(RUNS):
        start = time.perf_counter()
        with database.scope() as session:
            # The page's own query: scope "all" (its default), one page of PAGE_SIZE.
            sessions.list_sessions(session, USER, scope="all", limit=PAGE_SIZE)
        samples.append(time.perf_counter() - start)
    database.dispose()
    return statistics.median(samples) * 1000


def main() -> None:
    """Print the History page's figures on both engines."""
    counter = StatementCounter()
    server = ThrowawayPostgres()
    results = {}
    with tempfile.TemporaryDirectory() as tmp:
        urls = {"sqlite": f"sqlite:///{Path(tmp) / 'bench.db'}", "postgresql": server.start()}
        try:
            for name, url in urls.items():
                _populate(url)
                os.environ.update(DATABASE_URL=url, SLIDEGEN_USER=USER.name)
                os.environ["MLFLOW_TRACKING_URI"] = f"sqlite:///{Path(tmp) / 'mlflow.db'}"
                reload_settings()
                results[name] = (*_time_page(counter), _time_query(url))
        finally:
            server.stop()
    print(f"History page: {USERS * PER_USER} sessions, {USERS} users; median of {RUNS} reruns")
    print(
        f"{'engine':<11} {'first ms':>9} {'rerun ms':>9} {'SQL/rerun':>10} {'thumbs':>7} "
        f"{'query ms':>9} {'rerun/query':>12}"
    )
    for name, (first, rerun, statements, thumbs, query) in results.items():
        print(
            f"{name:<11} {first:>9.0f} {rerun:>9.0f} {statements:>10} {thumbs:>7} "
            f"{query:>9.1f} {rerun / query:>11.1f}x"
        )
    print("goal: rerun under 300 ms, thumbnails cached, SQL statements per rerun independent of N")


if __name__ == "__main__":
    main()
