"""In the browser: a queued request says how many of the user's requests are ahead, live.

The user's limit of requests (3) runs "on another replica" (claimed in the database by this
test); the deck's edit waits. When one of them ends, the page's polling shows the new place in
line without a reload.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import update

from slidegen.config import Settings
from slidegen.db.database import Database
from slidegen.db.models import ChatRequest
from slidegen.identity import User
from slidegen.services.generation import chat_requests as requests
from slidegen.services.generation.engine import claim_request, run_request
from tests.conftest import DatabaseFactory
from tests.e2e.app_server import LOCAL_USER, isolated_env, run_app, seeded_database_url

PAGE_BACKEND = "postgresql"  # several users or background jobs meet here

TIMEOUT_MS = 30_000
USER = User(name=LOCAL_USER, display_name=LOCAL_USER)


@dataclass
class QueueApp:
    """The running app and a handle on its database."""

    url: str
    db: Database


@pytest.fixture(scope="module")
def queue_app(
    backend: str, databases: DatabaseFactory, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[QueueApp]:
    database_url = seeded_database_url(backend, databases)
    folder = tmp_path_factory.mktemp(f"queue-app-{backend}")
    env = isolated_env(database_url, folder)  # the offline engine
    db = Database(Settings(DATABASE_URL=database_url, SLIDEGEN_USER=LOCAL_USER))
    try:
        with run_app(env, Path(folder) / "streamlit.log") as url:
            yield QueueApp(url, db)
    finally:
        db.dispose()


def _offline_deck(db: Database) -> str:
    with db.scope() as session:
        handle = requests.start_generation(session, USER, prompt="Consumption review")
    run_request(db, claim_request(db, handle.request_id, "test"), db.settings)
    return handle.session_id


def test_the_place_in_line_updates_while_the_page_is_open(queue_app: QueueApp, page: Page) -> None:
    session_id = _offline_deck(queue_app.db)
    running = []
    for number in range(3):
        with queue_app.db.scope() as session:
            handle = requests.start_generation(session, USER, prompt=f"Other deck {number}")
        assert claim_request(queue_app.db, handle.request_id, "another-replica") is not None
        running.append(handle.request_id)
    with queue_app.db.scope() as session:
        requests.start_edit(
            session, USER, session_id=session_id, instruction="Shorter", slide_numbers=[1]
        )

    page.goto(f"{queue_app.url}/?session={session_id}")
    expect(page.get_by_text("Waiting: 3 requests ahead of you")).to_be_visible(timeout=TIMEOUT_MS)
    with queue_app.db.scope() as session:
        session.execute(
            update(ChatRequest)
            .where(ChatRequest.request_id.in_(running[:2]))
            .values(status="completed")
        )
    expect(page.get_by_text("Waiting: 1 request ahead of you")).to_be_visible(timeout=TIMEOUT_MS)
