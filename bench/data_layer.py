"""What the pages ask of the database, on SQLite and a throwaway PostgreSQL.

Seeds a database, adds N sessions for the user (and as many for others), then times the
queries the four pages run on every rerun. Prints the median of several runs per query and
the PostgreSQL/SQLite ratio. Baseline in the same run: `SELECT 1` round trip per engine.
"""

from __future__ import annotations

import statistics
import tempfile
import time
import uuid
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

from sqlalchemy import text

from slidegen.config import Settings
from slidegen.db import migrate
from slidegen.db.base import utcnow
from slidegen.db.database import Database
from slidegen.db.models import SessionSlideDeck, UserSession
from slidegen.identity import User
from slidegen.services.library import deck_prompts, slide_styles
from slidegen.services.profiles import queries as profiles
from slidegen.services.seed import seed_database
from slidegen.services.sessions import queries as sessions
from tests.pgserver import ThrowawayPostgres
from ui.history.view import PAGE_SIZE

SESSIONS_PER_USER = 2000
RUNS = 15
USER = User(name="bench@example.com", display_name="Bench")
SETTINGS = Settings(SLIDEGEN_USER=USER.name)


def _populate(database: Database) -> None:
    migrate.upgrade(database.engine)
    now = utcnow()
    with database.scope() as session:
        seed_database(session, settings=database.settings)
        for index in range(SESSIONS_PER_USER * 2):
            owner = USER.name if index % 2 == 0 else f"other{index % 50}@example.com"
            row = UserSession(
                session_id=uuid.uuid4().hex,
                created_by=owner,
                title=f"Deck {index}",
                last_activity=now - timedelta(minutes=index),
            )
            row.slide_deck = SessionSlideDeck(slide_count=index % 12, deck_json={"slides": []})
            session.add(row)


def _median_ms(database: Database, action: Callable[..., object]) -> float:
    samples = []
    for _ in range(RUNS):
        start = time.perf_counter()
        with database.scope() as session:
            action(session)
        samples.append((time.perf_counter() - start) * 1000)
    return statistics.median(samples)


HISTORY_PAGE = PAGE_SIZE
QUERIES: dict[str, Callable[..., object]] = {
    "baseline: SELECT 1": lambda s: s.execute(text("SELECT 1")).all(),
    "Chat: active profile + prompts": lambda s: (
        profiles.get_active_profile(s, USER, settings=SETTINGS),
        deck_prompts.search_deck_prompts(s, USER),
    ),
    "Profiles: list": lambda s: profiles.list_profiles(s, USER),
    "Library: prompts + styles": lambda s: (
        deck_prompts.search_deck_prompts(s, USER),
        slide_styles.search_slide_styles(s, USER),
    ),
    # What the History page runs on opening: scope "all", one page of its size.
    f"History: all, first {HISTORY_PAGE}": lambda s: sessions.list_sessions(
        s, USER, scope="all", limit=HISTORY_PAGE
    ),
}


def main() -> None:
    """Print the median time of each page's queries on both engines."""
    server = ThrowawayPostgres()
    results: dict[str, dict[str, float]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        urls = {"sqlite": f"sqlite:///{Path(tmp) / 'bench.db'}", "postgresql": server.start()}
        try:
            for engine_name, url in urls.items():
                database = Database(Settings(DATABASE_URL=url))
                _populate(database)
                results[engine_name] = {
                    name: _median_ms(database, query) for name, query in QUERIES.items()
                }
                database.dispose()
        finally:
            server.stop()
    print(f"Data layer: {SESSIONS_PER_USER * 2} sessions, median of {RUNS} runs, ms per call")
    print(f"{'query':<34} {'sqlite':>8} {'postgres':>9} {'pg/sqlite':>10}")
    for name in QUERIES:
        lite, pg = results["sqlite"][name], results["postgresql"][name]
        print(f"{name:<34} {lite:>8.2f} {pg:>9.2f} {pg / lite:>9.1f}x")


if __name__ == "__main__":
    main()
