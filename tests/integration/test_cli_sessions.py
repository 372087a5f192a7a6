"""`sessions ...`, `show` and `edit` as two users (both backends).

Run in-process through `slidegen.cli.main.main` (the subprocess path is covered by test_cli.py;
eight subprocess starts per backend would cost a minute of the suite's budget).
"""

from __future__ import annotations

import json
from dataclasses import dataclass

import pytest

from slidegen.cli import main as cli
from slidegen.config import Settings
from slidegen.db import migrate
from slidegen.db.database import Database
from tests.conftest import DatabaseFactory
from tests.integration.test_permission_matrix import shared_deck

DANA, ERIN = "olga@example.com", "erin@example.com"


@dataclass
class Result:
    returncode: int
    stdout: str
    stderr: str


@pytest.fixture
def run_cli(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]):  # type: ignore[no-untyped-def]
    def run(*args: str, env: dict[str, str]) -> Result:
        for key, value in env.items():
            monkeypatch.setenv(key, value)
        status = cli.main(list(args))
        captured = capsys.readouterr()
        return Result(status, captured.out, captured.err)

    return run


def assert_clean_failure(result: Result, fragment: str) -> None:
    assert result.returncode != 0
    assert "Traceback" not in result.stderr and fragment in result.stderr
    assert len([line for line in result.stderr.splitlines() if line.strip()]) == 1


def test_share_list_show_refuse_delete(backend: str, databases: DatabaseFactory, run_cli) -> None:
    url = databases.url(backend)
    database = Database(Settings(DATABASE_URL=url))
    migrate.upgrade(database.engine)
    with database.scope() as session:
        deck = shared_deck(session, visibility="private", owner=DANA)
    database.dispose()
    dana = {"DATABASE_URL": url, "SLIDEGEN_USER": DANA}
    erin = {"DATABASE_URL": url, "SLIDEGEN_USER": ERIN}

    shared = run_cli("sessions", "share", deck, "--user", ERIN, "--permission", "read", env=dana)
    assert shared.returncode == 0, shared.stderr
    assert "shared" in shared.stdout and f"user  {ERIN}" in shared.stdout

    listed = json.loads(run_cli("sessions", "list", "--scope", "shared", "--json", env=erin).stdout)
    assert [(i["session_id"], i["my_right"]) for i in listed["items"]] == [(deck, "read")]
    shown = run_cli("show", deck, env=erin)
    assert shown.returncode == 0 and "Quarterly review" in shown.stdout

    assert_clean_failure(run_cli("edit", deck, "Make it shorter", env=erin), "you can only view it")
    assert_clean_failure(
        run_cli("sessions", "delete", deck, "--yes", env=erin), "only its owner can"
    )
    unshared = run_cli("sessions", "unshare", deck, "--user", ERIN, env=dana)
    assert unshared.returncode == 0, unshared.stderr
    assert_clean_failure(run_cli("show", deck, env=erin), "don't have access")
    deleted = run_cli("sessions", "delete", deck, "--yes", env=dana)
    assert deleted.returncode == 0 and "Deleted deck" in deleted.stdout
