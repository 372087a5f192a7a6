"""A seeded database for the pages, pointed at through DATABASE_URL."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest

from slidegen.config import reload_settings
from tests.conftest import DatabaseFactory
from tests.e2e.app_server import seeded_database_url

APP_USER = "pat@example.com"


def shown(text: object) -> str:
    """Text as the browser shows it: untrusted text arrives escaped (ui.text.plain), with web
    and mail addresses as code spans, and Markdown removes the backslashes and backticks;
    AppTest reads the Markdown source."""
    text = re.sub(r"(?<!\\)`([^`]*)`", r"\1", str(text))
    return re.sub(r"\\(.)", r"\1", text)


@pytest.fixture
def seeded_url(backend: str, databases: DatabaseFactory) -> str:
    return seeded_database_url(backend, databases)


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
