"""The Profiles page and `profiles list` with 200 profiles and 5,000 history rows.

Runs the page with streamlit's AppTest (no browser), with each section open in turn, against a
SQLite database, and the `profiles list --json` and `profiles history NAME --json` commands
in-process. Baseline in the same run: the same on a freshly seeded database (one profile, one
history row).
"""

from __future__ import annotations

import contextlib
import io
import os
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import insert

from slidegen.cli.main import main as cli_main
from slidegen.config import Settings, reload_settings
from slidegen.db import migrate
from slidegen.db.database import Database
from slidegen.db.models import ConfigHistory, ConfigProfile
from slidegen.identity import User
from slidegen.services.profiles import admin as profile_admin
from slidegen.services.seed import seed_database

APP = str(Path(__file__).resolve().parents[1] / "app.py")
USER = User(name="bench@example.com", display_name="Bench")
PROFILES, HISTORY, RUNS = 200, 5000, 7
SECTIONS = (
    "AI infrastructure",
    "Data sources",
    "MLflow",
    "Prompts",
    "History",
    "Compare",
    "Sharing",
)


def _build(url: str, *, big: bool) -> None:
    database = Database(Settings(DATABASE_URL=url, SLIDEGEN_USER=USER.name))
    migrate.upgrade(database.engine)
    with database.scope() as session:
        seed_database(session, settings=database.settings)
        if big:
            for n in range(PROFILES - 1):
                profile_admin.create_profile(
                    session,
                    USER,
                    name=f"team-{n:03d}",
                    copy_from="default",
                    settings=database.settings,
                )
    if big:
        with database.scope() as session:
            ids = list(
                session.scalars(
                    ConfigProfile.__table__.select().with_only_columns(ConfigProfile.id)
                )
            )
            rows = [
                {
                    "profile_id": ids[n % len(ids)],
                    "domain": "ai_infra",
                    "action": "update",
                    "changed_by": USER.name,
                    "snapshot": None,
                    "changes": {"ai_infra.llm_temperature": {"old": 0.7, "new": 0.5}},
                }
                for n in range(HISTORY - PROFILES)
            ]
            session.execute(insert(ConfigHistory), rows)
    database.dispose()


def _median_ms(action: Callable[[], object]) -> float:
    action()  # warm-up: caches and lazy imports are not what is measured
    samples = []
    for _ in range(RUNS):
        start = time.perf_counter()
        action()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples) * 1000


def _page_rerun_ms() -> dict[str, float]:
    """Return the median rerun of the page with each section open."""
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(APP, default_timeout=120)
    at.run()
    at.switch_page("app_pages/profiles.py")
    at.run()
    assert not at.exception, at.exception
    times = {}
    for section in SECTIONS:
        at.button_group(key="pf.section").set_value(section).run()
        assert not at.exception, at.exception
        times[section] = _median_ms(at.run)
    return times


def _cli_ms(*args: str) -> float:
    def run() -> None:
        with contextlib.redirect_stdout(io.StringIO()):
            assert cli_main(list(args)) == 0

    return _median_ms(run)


def _measure(tmp: str, name: str, *, big: bool) -> tuple[dict[str, float], float, float]:
    url = f"sqlite:///{Path(tmp) / name}"
    os.environ.update(DATABASE_URL=url, SLIDEGEN_USER=USER.name)
    reload_settings()
    _build(url, big=big)
    return (
        _page_rerun_ms(),
        _cli_ms("profiles", "list", "--json"),
        _cli_ms("profiles", "history", "default", "--json"),
    )


def main() -> None:
    """Print the Profiles page rerun (per section) and CLI times, large database against a
    freshly seeded one."""
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["MLFLOW_TRACKING_URI"] = f"sqlite:///{Path(tmp) / 'mlflow.db'}"
        small = _measure(tmp, "small.db", big=False)
        large = _measure(tmp, "large.db", big=True)
    print(f"Profiles: {PROFILES} profiles, {HISTORY} history rows; median of {RUNS} (SQLite)")
    print(f"{'page rerun, section open':<26} {'seeded ms':>10} {'large ms':>9} {'ratio':>6}")
    for section in SECTIONS:
        base, big = small[0][section], large[0][section]
        print(f"{section:<26} {base:>10.0f} {big:>9.0f} {big / base:>5.1f}x")
    print(f"{'command':<26} {'seeded ms':>10} {'large ms':>9} {'ratio':>6}")
    for label, base, big in (
        ("profiles list --json", small[1], large[1]),
        ("profiles history --json", small[2], large[2]),
    ):
        print(f"{label:<26} {base:>10.0f} {big:>9.0f} {big / base:>5.1f}x")
    slowest = max(large[0], key=large[0].get)
    print(
        f"slowest section with {PROFILES} profiles: {slowest} {large[0][slowest]:.0f} ms; "
        "goal: page rerun under 300 ms, history paginated"
    )


if __name__ == "__main__":
    main()
