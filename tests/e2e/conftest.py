"""The running app (streamlit run app.py) on a seeded database, and headless Chromium."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, sync_playwright

from tests.conftest import DatabaseFactory
from tests.e2e.app_server import LOCAL_USER, ROOT, run_app, seeded_database_url

__all__ = ["LOCAL_USER", "ROOT"]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="module")
def app_url(
    backend: str, databases: DatabaseFactory, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """Start the app on a migrated, seeded database of this backend."""
    database_url = seeded_database_url(backend, databases)
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "SLIDEGEN_USER": LOCAL_USER,
        # Traces of the app under test stay in the run's temporary files.
        "MLFLOW_TRACKING_URI": databases.url("sqlite").replace(".db", "-mlflow.db"),
    }
    env.pop("SLIDEGEN_LLM_PROVIDER", None)
    log_path = tmp_path_factory.mktemp(f"app-{backend}") / "streamlit.log"
    with run_app(env, log_path) as url:
        yield url


@pytest.fixture(autouse=True)
def _fresh_fake_llm(request: pytest.FixtureRequest) -> None:
    """The fake LLM lives as long as its module's app: empty its queue before each test."""
    if "chat_app" in request.fixturenames:
        request.getfixturevalue("chat_app").llm.reset()


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not Path(CHROMIUM).exists():
        pytest.fail("Chromium is missing: `make test` installs Debian's chromium package")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    yield page
    context.close()
