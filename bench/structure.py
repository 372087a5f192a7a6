"""Structure figures of the tree: modules per folder, the longest functions, import cycles.

Run: `python -m bench.structure`. Reads source files with `ast` only; runs none of them.
"""

from __future__ import annotations

import ast
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("slidegen", "ui", "app_pages")


def _sources() -> list[Path]:
    files = [ROOT / "app.py"]
    for package in PACKAGES:
        files += sorted((ROOT / package).rglob("*.py"))
    return files


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def _imports(path: Path, name: str, known: set[str]) -> set[str]:
    tree = ast.parse(path.read_text())
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(tree):
        targets: list[str] = []
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")
                anchor = anchor[: len(anchor) - node.level + 1]
                base = ".".join(anchor + ([base] if base else []))
            targets = [f"{base}.{alias.name}" for alias in node.names] + [base]
        for target in targets:
            while target and target not in known:
                target = target.rpartition(".")[0]
            if target and target != name:
                found.add(target)
    return found


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    result: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in graph.get(node, ()):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                top = stack.pop()
                on_stack.discard(top)
                component.append(top)
                if top == node:
                    break
            if len(component) > 1:
                result.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return result


def main() -> None:
    """Print the figures."""
    files = _sources()
    folders = Counter(str(p.parent.relative_to(ROOT)) for p in files if p.name != "__init__.py")
    folder, count = folders.most_common(1)[0]
    print(f"largest folder: {folder}/ with {count} modules")
    lengths = []
    for path in files:
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                span = node.end_lineno - node.lineno + 1
                lengths.append((span, f"{path.relative_to(ROOT)}:{node.lineno} {node.name}"))
    lengths.sort(reverse=True)
    for span, where in lengths[:3]:
        print(f"long function: {span} lines  {where}")
    names = {_module_name(p): p for p in files if p.parts[len(ROOT.parts)] == "slidegen"}
    known = set(names)
    graph = {name: _imports(path, name, known) for name, path in names.items()}
    cycles = _cycles(graph)
    print(f"import cycles inside slidegen: {len(cycles)}")
    for cycle in cycles:
        print("  " + " <-> ".join(cycle))


if __name__ == "__main__":
    main()
