"""`library ...` on the command line (services are covered on both backends elsewhere)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from slidegen.cli.main import main
from slidegen.config import reload_settings
from tests.conftest import DatabaseFactory
from tests.integration.test_cli import assert_clean_failure, run_cli


class Result:
    def __init__(self, returncode: int, stdout: str, stderr: str) -> None:
        self.returncode, self.stdout, self.stderr = returncode, stdout, stderr


@pytest.fixture
def cli(
    databases: DatabaseFactory, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
):
    """Run `python -m slidegen ...` in this process (the subprocess path is covered once)."""
    monkeypatch.setenv("DATABASE_URL", url := databases.url("sqlite"))
    monkeypatch.setenv("SLIDEGEN_USER", "dana@example.com")

    def run(*args: str) -> Result:
        capsys.readouterr()
        status = main(list(args))
        captured = capsys.readouterr()
        return Result(status, captured.out, captured.err)

    run.url = url  # type: ignore[attr-defined]
    yield run
    monkeypatch.undo()
    reload_settings()


def test_library_commands_round_trip(cli, tmp_path: Path) -> None:
    assert cli("db", "upgrade").returncode == 0
    assert cli("db", "seed").returncode == 0
    css = tmp_path / "brand.css"
    css.write_text(".slide { color: #123456; position: fixed }\n@import 'x.css';\n")

    env = {"DATABASE_URL": cli.url, "SLIDEGEN_USER": "dana@example.com"}
    created = run_cli("library", "create", "style", "Brand", "--file", str(css), env=env)
    assert created.returncode == 0, created.stderr
    assert "removed .slide { position: fixed }: position: fixed escapes the slide" in created.stderr
    assert "@import loads a remote stylesheet" in created.stderr

    shown = json.loads(cli("library", "show", "style", "brand", "--json").stdout)
    assert "#123456" in shown["style_content"] and "fixed" not in shown["style_content"]

    assert_clean_failure(cli("library", "delete", "style", "System Default"), "is a system style")
    out = tmp_path / "lib.json"
    exported = cli("library", "export", "--styles", "Brand", "--out", str(out))
    assert "Wrote 0 deck prompts and 1 slide styles" in exported.stdout, exported.stderr
    imported = cli("library", "import", str(out), "--on-conflict", "rename", "--json")
    assert json.loads(imported.stdout)["renamed"] == ["Brand → Brand (copy)"]
    listed = json.loads(cli("library", "list", "--json").stdout)
    assert {"Brand", "Brand (copy)"} <= {s["name"] for s in listed["slide_styles"]}
    assert len(listed["deck_prompts"]) == 4
