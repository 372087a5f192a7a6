"""One-way layering: pages -> ui -> slidegen.services -> slidegen.db."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
FORBIDDEN = {
    "slidegen": {"streamlit"},
    "app_pages": {"sqlalchemy", "openai", "databricks", "mlflow", "pptx", "psycopg2"},
}


def imported_roots(path: Path) -> set[str]:
    """Return the top-level package of every import in a file."""
    roots = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            roots.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            roots.add(node.module.split(".")[0])
    return roots


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_package_does_not_import_forbidden_layers(package: str) -> None:
    files = sorted((ROOT / package).rglob("*.py"))
    assert files, f"no Python files under {package}/"
    violations = {
        str(path.relative_to(ROOT)): sorted(imported_roots(path) & FORBIDDEN[package])
        for path in files
        if imported_roots(path) & FORBIDDEN[package]
    }
    assert violations == {}


def test_the_check_sees_violations(tmp_path: Path) -> None:
    offender = tmp_path / "page.py"
    offender.write_text("import os\nfrom sqlalchemy.orm import Session\nimport streamlit as st\n")
    assert imported_roots(offender) == {"os", "sqlalchemy", "streamlit"}


def test_environment_is_read_only_in_config() -> None:
    readers = [
        str(path.relative_to(ROOT))
        for path in sorted((ROOT / "slidegen").rglob("*.py"))
        if "os.getenv" in path.read_text() or "os.environ" in path.read_text()
    ]
    assert readers == []
