"""Structure figures of the tree: modules per folder, the longest functions, import cycles.

Run: `python -m bench.structure`. Reads source files with `ast` only; runs none of them.
"""

from __future__ import annotations

import ast
from collections import Counter

from tests.import_graph import ROOT, cycles, module_graph

PACKAGES = ("slidegen", "ui", "app_pages")


def main() -> None:
    """Print the figures."""
    files = [ROOT / "app.py"] + [p for pkg in PACKAGES for p in sorted((ROOT / pkg).rglob("*.py"))]
    folders = Counter(str(p.parent.relative_to(ROOT)) for p in files if p.name != "__init__.py")
    folder, count = folders.most_common(1)[0]
    print(f"largest folder: {folder}/ with {count} modules")
    lengths = []
    for path in files:
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                span = node.end_lineno - node.lineno + 1
                lengths.append((span, f"{path.relative_to(ROOT)}:{node.lineno} {node.name}"))
    for span, where in sorted(lengths, reverse=True)[:3]:
        print(f"long function: {span} lines  {where}")
    found = cycles(module_graph(sorted((ROOT / "slidegen").rglob("*.py"))))
    print(f"import cycles inside slidegen: {len(found)}")
    for cycle in found:
        print("  " + " <-> ".join(cycle))


if __name__ == "__main__":
    main()
