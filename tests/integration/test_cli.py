"""The command line, run as users run it: `python -m slidegen ...` in a subprocess."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import DatabaseFactory

ROOT = Path(__file__).resolve().parents[2]


def run_cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    environment = {**os.environ, "PYTHONPATH": str(ROOT), **(env or {})}
    environment.pop("SLIDEGEN_LLM_PROVIDER", None)
    if env and "SLIDEGEN_LLM_PROVIDER" in env:
        environment["SLIDEGEN_LLM_PROVIDER"] = env["SLIDEGEN_LLM_PROVIDER"]
    return subprocess.run(
        [sys.executable, "-m", "slidegen", *args],
        capture_output=True,
        text=True,
        env=environment,
        cwd=ROOT,
        timeout=120,
    )


def assert_clean_failure(result: subprocess.CompletedProcess[str], fragment: str) -> None:
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    assert fragment in result.stderr
    error_lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(error_lines) == 1, result.stderr


@pytest.fixture
def db_env(backend: str, databases: DatabaseFactory) -> dict[str, str]:
    return {"DATABASE_URL": databases.url(backend), "SLIDEGEN_USER": "dana@example.com"}


def test_upgrade_seed_and_list(db_env: dict[str, str]) -> None:
    assert "not migrated" in run_cli("db", "current", env=db_env).stdout
    upgraded = run_cli("db", "upgrade", env=db_env)
    assert upgraded.returncode == 0, upgraded.stderr
    assert "up to date" in run_cli("db", "current", env=db_env).stdout

    seeded = run_cli("db", "seed", env=db_env)
    assert seeded.returncode == 0, seeded.stderr
    assert "Added profiles: default" in seeded.stdout

    profiles = json.loads(run_cli("profiles", "list", "--json", env=db_env).stdout)
    assert [(p["name"], p["is_default"], p["provider"]) for p in profiles] == [
        ("default", True, "offline")
    ]
    library = json.loads(run_cli("library", "list", "--json", env=db_env).stdout)
    assert {p["name"] for p in library["deck_prompts"]} == {
        "Consumption Review",
        "Quarterly Business Review",
        "Executive Summary",
        "Use Case Analysis",
    }
    defaults = [s["name"] for s in library["slide_styles"] if s["is_default"]]
    assert defaults == ["System Default"]


def test_seed_twice_adds_nothing(db_env: dict[str, str]) -> None:
    run_cli("db", "upgrade", env=db_env)
    run_cli("db", "seed", env=db_env)
    again = run_cli("db", "seed", env=db_env)
    assert again.returncode == 0
    assert "nothing to add" in again.stdout
    assert len(json.loads(run_cli("profiles", "list", "--json", env=db_env).stdout)) == 1


def test_reset_needs_yes_and_then_recreates(db_env: dict[str, str]) -> None:
    run_cli("db", "upgrade", env=db_env)
    assert_clean_failure(run_cli("db", "reset", env=db_env), "--yes")
    reset = run_cli("db", "reset", "--yes", env=db_env)
    assert reset.returncode == 0, reset.stderr
    assert "Added profiles: default" in reset.stdout


def test_downgrade_to_base_then_current(db_env: dict[str, str]) -> None:
    run_cli("db", "upgrade", env=db_env)
    down = run_cli("db", "downgrade", "base", env=db_env)
    assert down.returncode == 0, down.stderr
    assert "not migrated" in run_cli("db", "current", env=db_env).stdout


def test_seed_before_upgrade_says_what_to_run(db_env: dict[str, str]) -> None:
    assert_clean_failure(run_cli("db", "seed", env=db_env), "db upgrade")


def test_listing_an_unmigrated_database_says_what_to_run(db_env: dict[str, str]) -> None:
    assert_clean_failure(run_cli("profiles", "list", env=db_env), "db upgrade")


def test_unknown_revision_is_one_sentence(db_env: dict[str, str]) -> None:
    assert_clean_failure(run_cli("db", "downgrade", "nope", env=db_env), "nope")


def test_unreachable_database_is_one_sentence() -> None:
    env = {"DATABASE_URL": "postgresql://someone:secret@127.0.0.1:1/nowhere"}
    result = run_cli("db", "current", env=env)
    assert_clean_failure(result, "Cannot use the database")
    assert "secret" not in result.stderr


@pytest.mark.parametrize(
    ("env", "fragment"),
    [
        ({"DATABASE_URL": "mysql://x/y"}, "supports sqlite and postgresql"),
        ({"DATABASE_URL": "::not a url"}, "not a valid database URL"),
        ({"SLIDEGEN_LLM_PROVIDER": "gpt"}, "SLIDEGEN_LLM_PROVIDER must be one of"),
    ],
)
def test_bad_environment_is_one_sentence(env: dict[str, str], fragment: str) -> None:
    assert_clean_failure(run_cli("db", "current", env=env), fragment)


def test_databricks_workspace_makes_databricks_the_default_provider(
    databases: DatabaseFactory,
) -> None:
    env = {
        "DATABASE_URL": databases.url("sqlite"),
        "DATABRICKS_HOST": "https://example.cloud.databricks.com",
        "SLIDEGEN_USER": "dana@example.com",
    }
    run_cli("db", "upgrade", env=env)
    run_cli("db", "seed", env=env)
    profile = json.loads(run_cli("profiles", "list", "--json", env=env).stdout)[0]
    assert (profile["provider"], profile["llm_endpoint"]) == (
        "databricks",
        "databricks-claude-sonnet-4-5",
    )


def test_profiles_commands(
    db_env: dict[str, str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """The profiles commands, in-process for speed (the subprocess path is tested above)."""
    from slidegen.cli.main import main
    from slidegen.config import reload_settings

    for name, value in db_env.items():
        monkeypatch.setenv(name, value)

    def cli(*args: str) -> tuple[int, str, str]:
        status = main(list(args))
        out, err = capsys.readouterr()
        return status, out, err

    assert cli("db", "upgrade")[0] == 0 and cli("db", "seed")[0] == 0
    assert cli("profiles", "create", "fast", "--copy-from", "default")[0] == 0
    status, out, err = cli("profiles", "update", "fast", "--temperature", "0.3", "--json")
    assert [c["field"] for c in json.loads(out)["changes"]] == ["ai_infra.llm_temperature"]
    status, out, err = cli("profiles", "update", "fast", "--temperature", "3")
    assert status == 1 and "temperature: Input should be less than or equal to 1" in err
    assert len(err.strip().splitlines()) == 1
    history = json.loads(cli("profiles", "history", "fast", "--json")[1])
    assert [e["action"] for e in history["entries"]] == ["update", "create"]
    diff = json.loads(cli("profiles", "diff", "default", "fast", "--json")[1])
    assert [(d["field"], d["old"], d["new"]) for d in diff] == [
        ("ai_infra.llm_temperature", 0.7, 0.3)
    ]
    first = history["entries"][-1]["id"]
    assert (
        "ai_infra.llm_temperature: 0.3 -> 0.7"
        in cli("profiles", "restore", "fast", "--to", str(first))[1]
    )
    exported = cli("profiles", "export", "fast")[1]
    (tmp_path / "p.json").write_text(exported)
    assert '"format": "slidegen-profile/1"' in exported
    imported = cli("profiles", "import", str(tmp_path / "p.json"), "--json")[1]
    assert json.loads(imported)["name"] == "fast (2)"
    assert cli("profiles", "set-default", "fast")[0] == 0
    status, out, err = cli("profiles", "delete", "fast", "--yes")
    assert status == 1 and "is the default profile" in err
    listing = json.loads(cli("profiles", "list", "--json")[1])
    assert [(p["name"], p["is_default"]) for p in listing] == [
        ("fast", True),
        ("default", False),
        ("fast (2)", False),
    ]
    monkeypatch.undo()
    reload_settings()
