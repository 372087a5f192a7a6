"""`doctor` against fake servers: all healthy, then each dependency broken in turn."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import select

from slidegen.db.models import ConfigDataSource, ConfigProfile
from slidegen.services.doctor import run_doctor
from tests.factories import make_profile
from tests.fakes.genie_server import FakeGenieServer
from tests.fakes.openai_server import Reply
from tests.integration.test_generation import (
    USAGE,
    FakeLLM,
    Workspace,
    _genie_profile,
    _isolate_databricks_env,
    fake_llm_fixture,  # noqa: F401  (the `llm` fixture)
    workspace_fixture,  # noqa: F401  (the `ws` fixture)
)
from tests.pgserver import free_port

TOKEN = "dapi-doctor"


def test_doctor_reports_each_broken_dependency_with_its_fix(
    ws: Workspace, llm: FakeLLM, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    _isolate_databricks_env(monkeypatch, tmp_path)
    mlflow_ok = f"sqlite:///{tmp_path / 'mlflow.db'}"
    with FakeGenieServer(token=TOKEN) as genie:
        genie.set_space("space-usage", USAGE)
        _genie_profile(ws, "doctor-genie")
        env = {**llm.env, "DATABRICKS_HOST": genie.url, "DATABRICKS_TOKEN": TOKEN}
        healthy = ws.settings_with(**env, MLFLOW_TRACKING_URI=mlflow_ok)
        llm.server.enqueue(Reply.text("OK"))
        report = run_doctor(ws.db, healthy)
        assert report.ok, [c for c in report.checks if not c.ok]
        names = [c.name for c in report.checks]
        assert names[0].startswith("Database") and "Genie space Usage (space-usage)" in names
        assert len(llm.server.chat_requests) == 1  # the endpoint answered a chat completion

        # The model endpoint refuses: the check says so and how to fix it.
        llm.server.enqueue(Reply.error(404, "The model does-not-exist does not exist"))
        report = run_doctor(ws.db, healthy)
        [model] = [c for c in report.checks if c.name.startswith("Model endpoint")]
        assert not model.ok and "endpoint" in model.fix
        assert [c.name for c in report.checks if not c.ok] == [model.name]

        # The Genie space is not shared with the app.
        genie.set_space("space-usage", USAGE, forbidden=True)
        llm.server.enqueue(Reply.text("OK"))
        report = run_doctor(ws.db, healthy)
        [space] = [c for c in report.checks if not c.ok]
        assert space.name == "Genie space Usage (space-usage)"
        assert "CAN RUN" in space.fix
        # The server's reason, without the SDK's dump of the client configuration.
        assert space.detail == "PermissionDenied: You need CAN VIEW on this Genie space."


def test_doctor_checks_the_sql_warehouses_of_profiles_and_of_the_app(
    ws: Workspace, llm: FakeLLM, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    _isolate_databricks_env(monkeypatch, tmp_path)
    with ws.db.scope() as session:
        profile = make_profile("doctor-sql")
        url = "databricks-sql://wh-sales/main/sales"
        profile.data_sources.append(ConfigDataSource(name="sales", url=url))
        session.add(profile)
    try:
        with FakeGenieServer(token=TOKEN) as workspace:
            workspace.sql.add_warehouse("wh-sales", name="Sales")
            env = {**llm.env, "DATABRICKS_HOST": workspace.url, "DATABRICKS_TOKEN": TOKEN}
            mlflow = f"sqlite:///{tmp_path / 'mlflow.db'}"
            settings = ws.settings_with(
                **env, MLFLOW_TRACKING_URI=mlflow, SLIDEGEN_SQL_WAREHOUSE_ID="wh-gone"
            )
            llm.server.enqueue(Reply.text("OK"))
            checks = {c.name: c for c in run_doctor(ws.db, settings).checks}
            assert checks["SQL warehouse wh-sales"].ok
            assert checks["SQL warehouse wh-sales"].detail == "reachable: Sales (RUNNING)"
            gone = checks["SQL warehouse wh-gone"]  # SLIDEGEN_SQL_WAREHOUSE_ID, the app's resource
            assert not gone.ok and "wh-gone not found" in gone.detail and "CAN USE" in gone.fix
            warehouses = [c for c in checks.values() if c.name.startswith("SQL warehouse")]
            assert [c.name for c in warehouses if not c.ok] == [gone.name]

        # No workspace at all: the warehouse cannot work, and the check says what to set.
        llm.server.enqueue(Reply.text("OK"))
        offline = ws.settings_with(**llm.env, MLFLOW_TRACKING_URI=mlflow)
        [check] = [c for c in run_doctor(ws.db, offline).checks if "wh-sales" in c.name]
        assert not check.ok and check.detail == "no Databricks workspace configured"
        assert "DATABRICKS_HOST" in check.fix
    finally:
        with ws.db.scope() as session:
            session.scalar(
                select(ConfigProfile).where(ConfigProfile.name == "doctor-sql")
            ).is_deleted = True


def test_doctor_command_on_an_unmigrated_database_and_unwritable_mlflow_prints_the_fixes(
    tmp_path: Path,
) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DATABRICKS_", "SLIDEGEN_"))}
    env |= {
        "DATABASE_URL": f"sqlite:///{tmp_path / 'empty.db'}",
        "MLFLOW_TRACKING_URI": "sqlite:////dev/null/cannot/mlflow.db",
        "HOME": str(tmp_path),
    }
    done = subprocess.run(
        [sys.executable, "-m", "slidegen", "doctor"],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert done.returncode == 1, done.stderr
    assert "[FAIL] Database" in done.stdout and "schema at revision none" in done.stdout
    assert "fix: Run `python -m slidegen db upgrade`" in done.stdout
    assert "[ok] Model endpoint (offline" in done.stdout
    assert "[FAIL] MLflow experiment slidegen (sqlite:////dev/null" in done.stdout
    assert "fix: Set MLFLOW_TRACKING_URI" in done.stdout
    assert "2 check(s) failed." in done.stdout


def test_an_unreachable_workspace_fails_each_of_its_checks_with_one_probe(
    ws: Workspace, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """Nothing listens at DATABRICKS_HOST: the endpoint, Genie, warehouse and MLflow checks
    each say the workspace did not answer and how to fix it (instead of every client retrying
    for its whole budget); the database check is unaffected."""
    _isolate_databricks_env(monkeypatch, tmp_path)
    _genie_profile(ws, "doctor-down")
    host = f"http://127.0.0.1:{free_port()}"
    settings = ws.settings_with(
        DATABRICKS_HOST=host,
        DATABRICKS_TOKEN=TOKEN,
        SLIDEGEN_LLM_PROVIDER="databricks",
        SLIDEGEN_LLM_MODEL="databricks-claude",
        SLIDEGEN_SQL_WAREHOUSE_ID="wh-sales",
        MLFLOW_TRACKING_URI="databricks",
    )
    report = run_doctor(ws.db, settings)
    database, *others, google, layout, pdf = report.checks
    assert database.ok and layout.ok  # layout checks need no workspace
    assert google.ok and google.detail.startswith("source: none")  # Google is no workspace
    assert pdf.ok and pdf.name.startswith("PDF export")  # local: no workspace involved
    assert [c.name.split(" (")[0].split(" ")[0] for c in others] == [
        "Model",
        "Genie",
        "SQL",
        "MLflow",
    ]
    for check in others:
        assert not check.ok
        assert check.detail.startswith(f"The Databricks workspace at {host} did not answer")
        assert "DATABRICKS_HOST" in check.fix
