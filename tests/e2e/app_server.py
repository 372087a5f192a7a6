"""Start the app as users do (`streamlit run app.py`) on a seeded database, for browser tests."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from slidegen.config import Settings
from slidegen.db import migrate
from slidegen.db.database import Database
from slidegen.services.seed import seed_database
from tests.conftest import DatabaseFactory
from tests.pgserver import free_port

ROOT = Path(__file__).resolve().parents[2]
LOCAL_USER = "devon@example.com"
# Traces are not under test in browser tests; MLflow rejects this URI at once.
UNUSABLE_MLFLOW = "unusable-scheme://no-mlflow-in-browser-tests"


def _wait_until_healthy(url: str, process: subprocess.Popen[bytes], timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"streamlit exited with {process.returncode}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                if response.read().strip() == b"ok":
                    return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError("streamlit did not become healthy in time")


def seeded_database_url(backend: str, databases: DatabaseFactory) -> str:
    """Return the URL of a new database of this backend, migrated and seeded."""
    database_url = databases.url(backend)
    database = Database(Settings(DATABASE_URL=database_url, SLIDEGEN_USER=LOCAL_USER))
    migrate.upgrade(database.engine)
    with database.scope() as session:
        seed_database(session, settings=database.settings)
    database.dispose()
    return database_url


def isolated_env(database_url: str, home: Path, **extra: str) -> dict[str, str]:
    """The app's environment: this database, the local user, and only the `extra` variables.

    The developer's SLIDEGEN_* and DATABRICKS_* variables (and ~/.databrickscfg, through HOME)
    are left out, so a test sees exactly the configuration it sets.
    """
    env = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("SLIDEGEN_", "DATABRICKS_", "MLFLOW_"))
    }
    return env | {
        "DATABASE_URL": database_url,
        "SLIDEGEN_USER": LOCAL_USER,
        "MLFLOW_TRACKING_URI": UNUSABLE_MLFLOW,
        "HOME": str(home),
        **extra,
    }


@contextmanager
def run_app(env: dict[str, str], log_path: Path) -> Iterator[str]:
    """Start the app with this environment; yield its URL; stop it afterwards."""
    port = free_port()
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "streamlit",
                "run",
                "app.py",
                "--server.port",
                str(port),
                "--server.address",
                "127.0.0.1",
                "--server.headless",
                "true",
                # Other engineers edit the repository while tests run: no hot reload mid-test.
                "--server.fileWatcherType",
                "none",
            ],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=log,  # a file, not a pipe nobody reads: a chatty app must never block
        )
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_until_healthy(url, process)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)
