"""One-way layering: pages -> ui -> slidegen.services -> slidegen.db, and no cycles.

Each rule is checked on the real tree and, to prove it can fail, on a small tree that breaks it.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.import_graph import ROOT, cycles, imported_names, module_graph

LLM_SDKS = ("openai", "databricks", "mlflow", "pptx", "psycopg2")
# (rule, the packages it applies to, the imports they must not make, except these modules)
RULES: list[tuple[str, tuple[str, ...], tuple[str, ...], tuple[str, ...]]] = [
    ("slidegen never imports streamlit or ui", ("slidegen",), ("streamlit", "ui"), ()),
    (
        "pages and ui never import models or sqlalchemy",
        ("app_pages", "ui", "app"),
        ("sqlalchemy", "slidegen.db.models", "slidegen.db.base", "slidegen.db.engine"),
        (),
    ),
    ("pages never import an SDK", ("app_pages",), LLM_SDKS, ()),
    (
        "slidegen.db imports nothing above it",
        ("slidegen.db",),
        ("slidegen",),
        ("slidegen.db", "slidegen.config", "slidegen.errors"),
    ),
    (
        "llm, tools, render and export use neither services nor db",
        ("slidegen.llm", "slidegen.tools", "slidegen.render", "slidegen.export"),
        ("slidegen.services", "slidegen.db", "slidegen.bootstrap"),
        (),
    ),
]


def _files(root: Path) -> list[Path]:
    return sorted(path for path in root.rglob("*.py") if ".venv" not in path.parts)


def _module(path: Path, root: Path) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _within(name: str, prefixes: tuple[str, ...]) -> bool:
    return any(name == prefix or name.startswith(prefix + ".") for prefix in prefixes)


def violations(root: Path) -> dict[str, list[str]]:
    """Return `rule: [module -> import, ...]` for every broken rule in the tree at `root`."""
    found: dict[str, list[str]] = {}
    for path in _files(root):
        module = _module(path, root)
        imports = imported_names(path, root)
        for rule, packages, forbidden, allowed in RULES:
            if not _within(module, packages):
                continue
            bad = [i for i in imports if _within(i, forbidden) and not _within(i, allowed)]
            found.setdefault(rule, []).extend(f"{module} -> {i}" for i in sorted(bad))
    slidegen = [path for path in _files(root) if path.relative_to(root).parts[0] == "slidegen"]
    found["no import cycles inside slidegen"] = [
        " <-> ".join(cycle) for cycle in cycles(module_graph(slidegen, root))
    ]
    return {rule: sorted(set(items)) for rule, items in found.items() if items}


def test_the_tree_keeps_every_rule() -> None:
    assert violations(ROOT) == {}


BREAKERS = {
    "slidegen never imports streamlit or ui": {"slidegen/services/x.py": "import streamlit\n"},
    "pages and ui never import models or sqlalchemy": {
        "ui/chat/view.py": "from slidegen.db.models import UserSession\n"
    },
    "pages never import an SDK": {"app_pages/chat.py": "def f():\n    import openai\n"},
    "slidegen.db imports nothing above it": {
        "slidegen/db/engine.py": "from slidegen.services.seed import seed_database\n"
    },
    "llm, tools, render and export use neither services nor db": {
        "slidegen/tools/images.py": "def run():\n    from slidegen.services.library import images\n"
    },
    "no import cycles inside slidegen": {
        "slidegen/llm/base.py": "from slidegen.llm.offline import OfflineProvider\n",
        "slidegen/llm/offline.py": "from slidegen.llm.base import Message\n",
    },
}


@pytest.mark.parametrize("rule", sorted(BREAKERS))
def test_each_rule_can_fail(rule: str, tmp_path: Path) -> None:
    for name, text in BREAKERS[rule].items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    for folder in ("slidegen", "ui", "app_pages"):
        (tmp_path / folder).mkdir(exist_ok=True)
        (tmp_path / folder / "__init__.py").touch()
    assert list(violations(tmp_path)) == [rule]


def test_environment_is_read_only_in_config() -> None:
    readers = [
        str(path.relative_to(ROOT))
        for path in sorted((ROOT / "slidegen").rglob("*.py"))
        if "os.getenv" in path.read_text() or "os.environ" in path.read_text()
    ]
    assert readers == []
