"""MLflow traces: one per request, with user and session, LLM and tool spans; never in the way."""

from __future__ import annotations

from pathlib import Path

import pytest

from slidegen.config import Settings
from slidegen.db import migrate
from slidegen.db.database import Database
from slidegen.identity import User
from slidegen.llm.offline_data import QUERIES
from slidegen.llm.offline_estimates import ESTIMATES
from slidegen.services.generation import chat_requests as requests
from slidegen.services.generation.engine import claim_request, run_request
from slidegen.services.seed import seed_database
from slidegen.tracing import RequestTrace, TraceExporter
from tests.conftest import DatabaseFactory
from tests.fakes.traces import CollectingExporter

USER = User(name="tara@example.com", display_name="Tara")
# The offline engine queries in two rounds: the data, then its estimates from the findings.
QUERY_COUNT = len(QUERIES) + len(ESTIMATES)


@pytest.fixture
def traced(
    databases: DatabaseFactory, collected_traces: CollectingExporter
) -> tuple[RequestTrace, str]:
    """Run one offline generation (it queries the sample data) and return its trace."""
    database = Database(Settings(DATABASE_URL=databases.url("sqlite"), SLIDEGEN_USER=USER.name))
    migrate.upgrade(database.engine)
    with database.scope() as session:
        seed_database(session, settings=database.settings)
        handle = requests.start_generation(session, USER, prompt="Cost and usage review")
    before = len(collected_traces.traces)
    run_request(database, claim_request(database, handle.request_id, "test"), database.settings)
    database.dispose()
    assert len(collected_traces.traces) == before + 1
    return collected_traces.traces[-1], handle.session_id


def test_a_request_records_a_root_span_with_llm_and_tool_children(
    traced: tuple[RequestTrace, str],
) -> None:
    trace, session_id = traced
    root = trace.root
    assert (root.name, root.status) == ("slidegen.generate", "OK")
    assert root.attributes["user"] == USER.name and root.attributes["session_id"] == session_id
    assert root.attributes["prompt_tokens"] > 0 and root.attributes["tool_calls"] == QUERY_COUNT
    kinds = [(child.name, child.span_type) for child in root.children]
    assert kinds.count(("llm.call", "CHAT_MODEL")) == 3
    tools = [child for child in root.children if child.span_type == "TOOL"]
    assert len(tools) == QUERY_COUNT and all(t.attributes["row_count"] > 0 for t in tools)
    assert all(t.end_ns and t.end_ns >= t.start_ns for t in root.children)


def test_traces_reach_mlflow(traced: tuple[RequestTrace, str], tmp_path: Path) -> None:
    import mlflow

    trace, session_id = traced
    trace.tracking_uri = f"sqlite:///{tmp_path / 'mlflow.db'}"
    trace.experiment_name = "slidegen-tests"
    exporter = TraceExporter()
    exporter.submit(trace)
    assert exporter.wait(120)
    mlflow.set_tracking_uri(trace.tracking_uri)
    experiment = mlflow.get_experiment_by_name("slidegen-tests")
    stored = mlflow.search_traces(locations=[experiment.experiment_id], return_type="list")
    assert len(stored) == 1
    assert stored[0].info.tags["slidegen.session_id"] == session_id
    names = sorted(span.name for span in stored[0].data.spans)
    assert names.count("llm.call") == 3 and names.count("tool.sample_consumption") == QUERY_COUNT


def test_an_unreachable_mlflow_is_only_logged(
    traced: tuple[RequestTrace, str], caplog: pytest.LogCaptureFixture
) -> None:
    trace, _ = traced
    trace.tracking_uri = "http://127.0.0.1:1"
    exporter = TraceExporter()
    exporter.submit(trace)
    assert exporter.wait(120)  # the failure is handled, the queue drains
    exporter.submit(trace)  # while MLflow is down, traces are dropped, not queued
    assert exporter.wait(0.1)
    assert "could not export the trace" in caplog.text
