"""A seeded database for the pages, pointed at through DATABASE_URL."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from slidegen.config import Settings, reload_settings
from slidegen.db import migrate
from slidegen.db.database import Database
from slidegen.services.seed import seed_database
from tests.conftest import DatabaseFactory

APP_USER = "pat@example.com"


@pytest.fixture
def seeded_url(backend: str, databases: DatabaseFactory) -> str:
    url = databases.url(backend)
    database = Database(Settings(DATABASE_URL=url, SLIDEGEN_USER=APP_USER))
    migrate.upgrade(database.engine)
    with database.scope() as session:
        seed_database(session, settings=database.settings)
    database.dispose()
    return url


@pytest.fixture
def app_env(seeded_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    monkeypatch.setenv("DATABASE_URL", seeded_url)
    monkeypatch.setenv("SLIDEGEN_USER", APP_USER)
    monkeypatch.delenv("SLIDEGEN_LLM_PROVIDER", raising=False)
    monkeypatch.delenv("DATABRICKS_HOST", raising=False)
    reload_settings()
    yield seeded_url
    monkeypatch.undo()
    reload_settings()
