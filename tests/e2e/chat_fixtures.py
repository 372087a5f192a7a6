"""The running app pointed at a scripted fake LLM, for the Chat page's browser tests.

`chat_app` starts `streamlit run app.py` (as tests/e2e/conftest.py's `app_url` does) on a
migrated, seeded database of this backend, with SLIDEGEN_LLM_* pointing at a FakeOpenAIServer
on 127.0.0.1. The fake answers from a script of replies or, for edits, from a function of the
request it received (so a reply can name the slide ids the app actually sent).
"""

from __future__ import annotations

import os
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.conftest import DatabaseFactory
from tests.e2e.app_server import LOCAL_USER, run_app, seeded_database_url
from tests.fakes.openai_server import FakeOpenAIServer, RecordedRequest, Reply

MODEL = "gpt-fake-e2e"
API_KEY = "sk-e2e-fake-key-0123456789"
# Traces are not under test here; MLflow rejects this URI at once (the exporter logs a
# warning), so no mlflow.db is created in the repository and no MLflow migration runs.
UNUSABLE_MLFLOW = "unusable-scheme://no-mlflow-in-browser-tests"

DATABRICKS_VARIABLES = (
    "DATABRICKS_HOST",
    "DATABRICKS_TOKEN",
    "DATABRICKS_CLIENT_ID",
    "DATABRICKS_CLIENT_SECRET",
    "DATABRICKS_APP_NAME",
)

Responder = Callable[[RecordedRequest], Reply]


class RespondingFakeServer(FakeOpenAIServer):
    """The fake LLM, plus replies computed from the chat request they answer."""

    def __init__(self) -> None:
        super().__init__()
        self._responders: deque[Responder] = deque()

    def respond_with(self, responder: Responder) -> None:
        """Answer the next chat request with `responder(request)` (before scripted replies)."""
        with self._lock:
            self._responders.append(responder)

    def reset(self) -> None:
        """Forget queued replies and responders, so one test's leftovers never answer another's."""
        super().reset()
        with self._lock:
            self._responders.clear()

    def _next_reply(self) -> Reply:
        # The handler records a request before it asks for its reply, so the last chat
        # request recorded is the one being answered.
        with self._lock:
            responder = self._responders.popleft() if self._responders else None
        if responder is None:
            return super()._next_reply()
        return responder(self.chat_requests[-1])


@dataclass
class ChatApp:
    """The app's URL, the fake LLM it talks to, and where its stderr goes."""

    url: str
    llm: RespondingFakeServer
    log_path: Path

    def log(self) -> str:
        """The app's stderr so far."""
        return self.log_path.read_text(errors="replace")


@pytest.fixture(scope="module", name="chat_app")
def chat_app_fixture(
    backend: str, databases: DatabaseFactory, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[ChatApp]:
    """The app on a fresh seeded database of this backend, its LLM a scripted fake."""
    database_url = seeded_database_url(backend, databases)
    log_path = tmp_path_factory.mktemp(f"chat-app-{backend}") / "streamlit.log"
    with RespondingFakeServer() as llm:
        env = {
            **os.environ,
            "DATABASE_URL": database_url,
            "SLIDEGEN_USER": LOCAL_USER,
            "SLIDEGEN_LLM_PROVIDER": "openai",
            "SLIDEGEN_LLM_BASE_URL": llm.openai_base_url,
            "SLIDEGEN_LLM_MODEL": MODEL,
            "SLIDEGEN_LLM_API_KEY": API_KEY,
            "MLFLOW_TRACKING_URI": UNUSABLE_MLFLOW,
        }
        for name in DATABRICKS_VARIABLES:  # no workspace: the fake is the only model
            env.pop(name, None)
        with run_app(env, log_path) as url:
            yield ChatApp(url=url, llm=llm, log_path=log_path)
