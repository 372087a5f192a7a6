"""Backends for the test run: SQLite files and a throwaway PostgreSQL started here.

If TEST_DATABASE_URL names a PostgreSQL server (a superuser URL), it is used instead of
starting one; each test module that needs a database gets its own, created and dropped here.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from slidegen import tracing
from slidegen.config import Settings
from slidegen.db import migrate
from slidegen.db.database import Database
from slidegen.services.jobs.pool import shutdown_runners
from tests.fakes.traces import CollectingExporter
from tests.pgserver import ThrowawayPostgres

BACKENDS = ("sqlite", "postgresql")
# Page tests (AppTests in tests/app, browser flows in tests/e2e) test the pages; the services
# and data under them run on both engines in the unit and integration tests. So each page-test
# module runs on one engine: SQLite (what `make run` uses) unless the module names PostgreSQL
# as its PAGE_BACKEND, as those where several users or background jobs meet do.
# TEST_PAGE_BACKENDS=all runs them on both.
PAGE_TEST_DIRS = (Path(__file__).parent / "app", Path(__file__).parent / "e2e")
DEFAULT_PAGE_BACKEND = "sqlite"


@pytest.fixture(autouse=True, scope="session")
def collected_traces() -> CollectingExporter:
    """In-process generations record traces here; test_tracing exports them for real."""
    collector = CollectingExporter()
    tracing._exporter = collector  # type: ignore[assignment]
    return collector


@pytest.fixture(scope="session")
def pg_admin_url() -> Iterator[str]:
    """A superuser URL of the PostgreSQL server for this run."""
    external = os.environ.get("TEST_DATABASE_URL")
    if external:
        yield external
        return
    server = ThrowawayPostgres()
    try:
        yield server.start()
    finally:
        # The process's job runners beat against their databases every few seconds: stop
        # them before the server goes, or the last beat fails loudly after the run.
        shutdown_runners(wait=False)
        server.stop()


class DatabaseFactory:
    """Creates empty databases on either backend and removes them at the end of the run."""

    def __init__(self, pg_admin_url: str, tmp_dir: Path) -> None:
        self._admin = create_engine(pg_admin_url, isolation_level="AUTOCOMMIT")
        self._pg_url = make_url(pg_admin_url)
        self._tmp_dir = tmp_dir
        self._pg_databases: list[str] = []

    def url(self, backend: str) -> str:
        """Return the URL of a new, empty database."""
        name = f"slidegen_test_{uuid.uuid4().hex[:10]}"
        if backend == "sqlite":
            return f"sqlite:///{self._tmp_dir / name}.db"
        with self._admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        self._pg_databases.append(name)
        return self._pg_url.set(database=name).render_as_string(hide_password=False)

    def close(self) -> None:
        with self._admin.connect() as connection:
            for name in self._pg_databases:
                connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        self._admin.dispose()


@pytest.fixture(scope="session")
def databases(
    pg_admin_url: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[DatabaseFactory]:
    factory = DatabaseFactory(pg_admin_url, tmp_path_factory.mktemp("sqlite"))
    yield factory
    factory.close()


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if os.environ.get("TEST_PAGE_BACKENDS") == "all":
        return
    kept, dropped = [], []
    for item in items:
        callspec = getattr(item, "callspec", None)
        backend = callspec.params.get("backend") if callspec else None
        wanted = getattr(getattr(item, "module", None), "PAGE_BACKEND", DEFAULT_PAGE_BACKEND)
        page_test = any(folder in Path(str(item.path)).parents for folder in PAGE_TEST_DIRS)
        (dropped if page_test and backend and backend != wanted else kept).append(item)
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = kept


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config: pytest.Config, log: Any) -> Any:
    """Give each module to one worker of `make test`'s two, whole: its fixtures (an app
    server, CLI runs) are made once. All browser tests go to one worker together: one app
    server and one Chromium at a time, so a browser test shares the machine with one other
    test, never with a second browser.
    """
    from xdist.scheduler import LoadScopeScheduling

    class ByModule(LoadScopeScheduling):
        def _split_scope(self, nodeid: str) -> str:
            module = nodeid.split("::", 1)[0]
            return "tests/e2e" if module.startswith("tests/e2e/") else module

    return ByModule(config, log)


@pytest.fixture(scope="session", params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    """Each test that uses a database runs once per backend."""
    return request.param


@pytest.fixture(scope="session")
def migrated_database(backend: str, databases: DatabaseFactory) -> Iterator[Database]:
    """A database of this backend migrated to head, shared by the run's tests."""
    database = Database(Settings(DATABASE_URL=databases.url(backend)))
    migrate.upgrade(database.engine)
    yield database
    database.dispose()


@pytest.fixture
def engine(migrated_database: Database) -> Engine:
    return migrated_database.engine


@pytest.fixture
def db(migrated_database: Database) -> Iterator[Session]:
    """A session inside a transaction that is rolled back after the test."""
    connection = migrated_database.engine.connect()
    transaction = connection.begin()
    session = Session(bind=connection, join_transaction_mode="create_savepoint")
    try:
        yield session
    finally:
        session.close()
        transaction.rollback()
        connection.close()


@pytest.fixture
def settings() -> Settings:
    """Settings as on a laptop with no Databricks workspace."""
    return Settings(DATABASE_URL="sqlite:///unused.db", SLIDEGEN_USER="alice@example.com")
