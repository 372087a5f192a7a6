"""The Chat page says how many of the user's requests are ahead of a queued one, and updates it."""

from __future__ import annotations

from sqlalchemy import update
from streamlit.testing.v1 import AppTest

from slidegen.config import Settings
from slidegen.db.database import Database
from slidegen.db.models import ChatRequest
from slidegen.services.generation import chat_requests as requests
from slidegen.services.generation.run_context import claim_request
from tests.app.conftest import APP_USER
from tests.app.test_chat_page import USER, generate, open_chat

PAGE_BACKEND = "postgresql"  # several users or background jobs meet here


def _progress_labels(at: AppTest) -> list[str]:
    return [el.label for el in at.status]


def test_a_queued_request_shows_its_place_in_the_users_line(app_env: str) -> None:
    session_id = generate(app_env)
    database = Database(Settings(DATABASE_URL=app_env, SLIDEGEN_USER=APP_USER))
    try:
        running = []
        for number in range(3):  # the user's limit of requests runs on other decks
            with database.scope() as session:
                handle = requests.start_generation(session, USER, prompt=f"Other deck {number}")
            assert claim_request(database, handle.request_id, "another-replica") is not None
            running.append(handle.request_id)
        with database.scope() as session:
            requests.start_edit(
                session, USER, session_id=session_id, instruction="Shorter", slide_numbers=[1]
            )

        at = open_chat(session_id)
        assert "Waiting: 3 requests ahead of you" in _progress_labels(at)

        with database.scope() as session:  # one of them ends
            session.execute(
                update(ChatRequest)
                .where(ChatRequest.request_id == running[0])
                .values(status="completed")
            )
        at.run()
        assert not at.exception, at.exception
        assert "Waiting: 2 requests ahead of you" in _progress_labels(at)
    finally:
        database.dispose()
