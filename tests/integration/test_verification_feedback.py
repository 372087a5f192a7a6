"""Thumbs on a slide's rating reach the MLflow trace of the deck's request as feedback.

The offline engine generates a deck with tracing to a local MLflow store (SQLite under tmp, no
network) through the real exporter; a reader's thumbs down is then logged with
`mlflow.log_feedback` on that request's trace and read back from the store.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from slidegen import tracing
from slidegen.config import Settings
from slidegen.db import migrate
from slidegen.db.database import Database
from slidegen.identity import User
from slidegen.services.decks.store import show_session
from slidegen.services.generation import chat_requests as requests
from slidegen.services.generation.engine import claim_request, run_request
from slidegen.services.seed import seed_database
from slidegen.services.verification.service import FEEDBACK_NAME, rate_verification
from tests.conftest import DatabaseFactory

USER = User(name="rita@example.com", display_name="Rita")


@pytest.fixture
def real_exporter(monkeypatch: pytest.MonkeyPatch) -> Iterator[tracing.TraceExporter]:
    """The process's exporter is the real one for this test (the suite collects traces).

    MLflow's trace logging stays asynchronous, as in the app: the feedback must still find the
    trace the same exporter sent just before.
    """
    monkeypatch.setenv("MLFLOW_ENABLE_ASYNC_TRACE_LOGGING", "true")
    exporter = tracing.TraceExporter()
    monkeypatch.setattr(tracing, "_exporter", exporter)
    yield exporter
    assert exporter.wait(120)


def test_a_thumbs_down_is_logged_as_feedback_on_the_requests_trace(
    databases: DatabaseFactory, real_exporter: tracing.TraceExporter, tmp_path: Path
) -> None:
    import mlflow

    tracking_uri = f"sqlite:///{tmp_path / 'mlflow.db'}"
    settings = Settings(
        DATABASE_URL=databases.url("sqlite"),
        SLIDEGEN_USER=USER.name,
        MLFLOW_TRACKING_URI=tracking_uri,
    )
    database = Database(settings)
    migrate.upgrade(database.engine)
    with database.scope() as session:
        seed_database(session, settings=settings)
        handle = requests.start_generation(session, USER, prompt="Cost and usage review")
    run_request(database, claim_request(database, handle.request_id, "test"), settings)
    with database.scope() as session:
        slide = show_session(session, USER, session_id=handle.session_id).slides[1]
        rate_verification(
            session,
            USER,
            session_id=handle.session_id,
            slide_id=slide.slide_id,
            up=False,
            reason="The 12% is a growth rate, not a share.",
            settings=settings,
        )
    database.dispose()
    assert real_exporter.wait(120)

    mlflow.set_tracking_uri(tracking_uri)
    experiment = mlflow.get_experiment_by_name("slidegen")
    [trace] = mlflow.search_traces(locations=[experiment.experiment_id], return_type="list")
    assert trace.info.tags["slidegen.request_id"] == handle.request_id
    [feedback] = [a for a in trace.info.assessments if a.name == FEEDBACK_NAME]
    assert feedback.value is False
    assert feedback.rationale == "The 12% is a growth rate, not a share."
    assert (feedback.source.source_type, feedback.source.source_id) == ("HUMAN", USER.name)
    assert feedback.metadata == {
        "session_id": handle.session_id,
        "slide_id": slide.slide_id,
        "rating": slide.rating,
    }
