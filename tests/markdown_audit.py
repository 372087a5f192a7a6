"""Find Streamlit calls that would render untrusted text as Markdown (decision 12), with `ast`.

Streamlit renders Markdown in bodies (`st.markdown`, `st.write`, captions, alerts, headers,
toasts), in widget labels and help texts, in expander, popover, tab and dialog titles, in radio
options and captions, and in `st.column_config` titles. A text given to one of these is
accepted only when every value interpolated into it is provably safe: a literal, a number, a
date, or a call to one of the helpers of `ui/text.py`. Used by tests/unit/test_untrusted_text.py.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

HELPERS = {"plain", "plain_label"}
# Called with Markdown text as their first argument (or `body=`), and `help=` when they take one.
BODIES = {
    "markdown", "write", "caption", "info", "warning", "error", "success", "exception",
    "toast", "header", "subheader", "title", "spinner",
}  # fmt: skip
# Their first argument (or `label=`) is a label that renders Markdown, and so is `help=`.
LABELLED = {
    "button", "download_button", "form_submit_button", "link_button", "page_link", "checkbox",
    "toggle", "radio", "selectbox", "multiselect", "select_slider", "slider", "text_input",
    "text_area", "number_input", "date_input", "time_input", "file_uploader", "color_picker",
    "camera_input", "chat_input", "pills", "segmented_control", "feedback", "expander",
    "popover", "metric", "dialog", "status", "progress", "TextColumn", "NumberColumn",
    "Column", "LinkColumn", "CheckboxColumn", "SelectboxColumn", "DatetimeColumn",
    "DateColumn", "ProgressColumn", "ListColumn", "ImageColumn", "LineChartColumn",
    "BarChartColumn", "AreaChartColumn", "JSONColumn", "MultiselectColumn",
}  # fmt: skip
# Widgets whose options are rendered as Markdown (their format_func must return safe text).
MARKDOWN_OPTIONS = {"radio", "pills", "segmented_control"}
KEYWORDS = ("body", "label", "help", "title", "captions", "text")
NOT_STREAMLIT = {"logger", "log", "logging", "handle", "file", "out", "stream", "buffer"}
SAFE_CALLS = {"len", "int", "float", "round", "sum", "min", "max", "abs"}
# Safe when their arguments are.
PASS_THROUGH = {"list", "tuple", "sorted", "reversed"}


@dataclass(frozen=True)
class Finding:
    path: str
    line: int
    call: str
    text: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: st.{self.call}({self.text})"


class _Module:
    """Safety of expressions in one module: literals, helper calls, safe names and functions."""

    def __init__(self, tree: ast.Module, imported: dict[str, ast.AST] | None = None) -> None:
        self.functions = {**(imported or {}), **_functions(tree)}
        self._checking: set[str] = set()

    def safe(self, node: ast.AST | None, scope: ast.AST | None) -> bool:  # noqa: C901, PLR0911
        """Return whether `node` can only produce text that is literal or passed a helper."""
        if node is None or isinstance(node, (ast.Constant, ast.Compare)):
            return True  # a comparison is a bool
        if isinstance(node, ast.UnaryOp):
            return isinstance(node.op, ast.Not) or self.safe(node.operand, scope)
        if isinstance(node, ast.JoinedStr):
            return all(self.safe(value, scope) for value in node.values)
        if isinstance(node, ast.FormattedValue):
            # A numeric or date format spec ("{n:,}", "{t:%H:%M}") cannot carry Markdown text.
            return _numeric_spec(node.format_spec) or self.safe(node.value, scope)
        if isinstance(node, ast.BinOp):
            if _arithmetic(node):
                return True
            return self.safe(node.left, scope) and self.safe(node.right, scope)
        if isinstance(node, ast.IfExp):
            return self.safe(node.body, scope) and self.safe(node.orelse, scope)
        if isinstance(node, ast.BoolOp):
            return all(self.safe(value, scope) for value in node.values)
        if isinstance(node, (ast.List, ast.Tuple, ast.Set)):
            return all(self.safe(element, scope) for element in node.elts)
        if isinstance(node, (ast.ListComp, ast.GeneratorExp)):
            return self.safe(node.elt, scope)
        if isinstance(node, ast.Dict):
            return all(self.safe(value, scope) for value in node.values)
        if isinstance(node, ast.Call):
            return self._safe_call(node, scope)
        if isinstance(node, ast.Name):
            return node.id.isupper() or self._safe_name(node.id, scope)
        if isinstance(node, (ast.Attribute, ast.Subscript)):
            # A constant, or a lookup in a module's constant table (`HELP[v]`, `NAMES.get`).
            return (isinstance(node, ast.Attribute) and node.attr.isupper()) or _constant_base(
                node.value
            )
        if isinstance(node, ast.Lambda):
            return self.safe(node.body, node)
        return False

    def _safe_call(self, node: ast.Call, scope: ast.AST | None) -> bool:
        name = _callee(node.func)
        if name in HELPERS or name in SAFE_CALLS:
            return True
        if name in PASS_THROUGH or (name == "get" and _constant_base(node.func)):
            return all(self.safe(arg, scope) for arg in node.args[1:] if name == "get") or (
                name != "get" and all(self.safe(arg, scope) for arg in node.args)
            )
        if name == "join" and isinstance(node.func, ast.Attribute):
            return self.safe(node.func.value, scope) and all(
                self.safe(arg, scope) for arg in node.args
            )
        if name == "format" and isinstance(node.func, ast.Attribute):
            parts = [node.func.value, *node.args, *(k.value for k in node.keywords)]
            return all(self.safe(part, scope) for part in parts)
        function = self.functions.get(name or "")
        if function is None or name in self._checking:
            return name in self._checking  # recursion: decided by the other returns
        self._checking.add(name)
        try:
            returns = [n for n in ast.walk(function) if isinstance(n, ast.Return)]
            return all(self.safe(r.value, function) for r in returns)
        finally:
            self._checking.discard(name)

    def _safe_name(self, name: str, scope: ast.AST | None) -> bool:
        """A local name is safe when every assignment to it in its function is safe."""
        if scope is None:
            return False
        args = getattr(scope, "args", None)
        if args is not None and name in {a.arg for a in (*args.args, *args.kwonlyargs)}:
            return False
        values = list(_assignments(scope, name))
        return bool(values) and all(self.safe(value, scope) for value in values)


def _assignments(scope: ast.AST, name: str):
    for node in ast.walk(scope):
        if isinstance(node, ast.Assign):
            for target in node.targets:
                if isinstance(target, ast.Name) and target.id == name:
                    yield node.value
                elif isinstance(target, ast.Tuple):
                    yield from _unpacked(target, node.value, name)
        elif isinstance(node, (ast.AnnAssign, ast.AugAssign, ast.NamedExpr)):
            target = node.target
            if isinstance(target, ast.Name) and target.id == name:
                yield node.value
        elif isinstance(node, (ast.For, ast.comprehension)) and any(
            isinstance(e, ast.Name) and e.id == name for e in ast.walk(node.target)
        ):
            yield node.iter


def _functions(tree: ast.AST) -> dict[str, ast.AST]:
    return {
        node.name: node
        for node in ast.walk(tree)
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))
    }


def _imported_functions(tree: ast.Module, root: Path) -> dict[str, ast.AST]:
    """Functions this module imports from the tree's own modules (`from ui.x import f`)."""
    found: dict[str, ast.AST] = {}
    for node in tree.body:
        if not isinstance(node, ast.ImportFrom) or not node.module or node.level:
            continue
        path = root / (node.module.replace(".", "/") + ".py")
        if not path.is_file():
            continue
        functions = _functions(ast.parse(path.read_text(encoding="utf-8")))
        for alias in node.names:
            if alias.name in functions:
                found[alias.asname or alias.name] = functions[alias.name]
    return found


def _unpacked(target: ast.Tuple, value: ast.expr, name: str):
    for index, element in enumerate(target.elts):
        if isinstance(element, ast.Name) and element.id == name:
            same_shape = isinstance(value, ast.Tuple) and len(value.elts) == len(target.elts)
            yield value.elts[index] if same_shape else value


def _arithmetic(node: ast.BinOp) -> bool:
    """`n + 1`, `a - b`, `x * 2`...: numbers, not text (string `+` needs a string operand)."""
    if isinstance(node.op, (ast.Sub, ast.Div, ast.FloorDiv, ast.Pow)):
        return True
    operands = (node.left, node.right)
    return (
        isinstance(node.op, (ast.Add, ast.Mult))
        and any(
            (isinstance(o, ast.Constant) and type(o.value) in (int, float))
            or (isinstance(o, ast.Call) and _callee(o.func) in SAFE_CALLS)
            for o in operands
        )
        and not any(isinstance(o, ast.Constant) and isinstance(o.value, str) for o in operands)
    )


def _constant_base(node: ast.expr) -> bool:
    while isinstance(node, (ast.Attribute, ast.Subscript)):
        node = node.value
    return isinstance(node, ast.Name) and node.id.isupper()


def _numeric_spec(spec: ast.JoinedStr | None) -> bool:
    if spec is None or not spec.values:
        return False
    text = "".join(v.value for v in spec.values if isinstance(v, ast.Constant))
    return bool(text) and (text[-1] in "dfeEgGn%,xXob" or "%" in text)


def _callee(func: ast.expr) -> str | None:
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return func.attr
    return None


def _receiver(func: ast.Attribute) -> str:
    node: ast.expr = func.value
    while isinstance(node, (ast.Attribute, ast.Subscript, ast.Call)):
        node = node.value if not isinstance(node, ast.Call) else node.func
    return node.id if isinstance(node, ast.Name) else ""


def _texts(call: ast.Call, name: str) -> list[ast.expr]:
    """Return the arguments of a Streamlit call that Streamlit renders as Markdown."""
    texts = list(call.args if name == "write" else call.args[:1])
    if name == "progress":  # progress(value, text)
        texts = list(call.args[1:2])
    if name in MARKDOWN_OPTIONS:
        texts += call.args[1:2]
    if name == "metric":
        texts += call.args[1:3] + [k.value for k in call.keywords if k.arg in ("value", "delta")]
    texts += [k.value for k in call.keywords if k.arg in KEYWORDS]
    if name in MARKDOWN_OPTIONS:
        texts += [k.value for k in call.keywords if k.arg in ("options", "format_func")]
    if name == "write":
        texts += [k.value for k in call.keywords if k.arg is None]
    return texts


def _enclosing_functions(tree: ast.Module) -> dict[int, ast.AST]:
    """Map each node to its innermost function (ast.walk visits outer functions first)."""
    owners: dict[int, ast.AST] = {}
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            for child in ast.walk(node):
                if child is not node:
                    owners[id(child)] = node
    return owners


def audit_source(source: str, path: str = "<source>", root: Path | None = None) -> list[Finding]:
    """Return every Markdown-rendering call in `source` given text not proven safe."""
    tree = ast.parse(source)
    module = _Module(tree, _imported_functions(tree, root) if root else None)
    owners = _enclosing_functions(tree)
    findings = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        if _dynamic_streamlit(node.func):  # getattr(st, kind)(body)
            findings += _unsafe(module, node, "markdown", owners.get(id(node), tree), path)
            continue
        if not isinstance(node.func, ast.Attribute):
            continue
        name = node.func.attr
        if name not in BODIES | LABELLED | {"tabs"} or _receiver(node.func) in NOT_STREAMLIT:
            continue
        scope = owners.get(id(node), tree)  # module level: the module's own assignments
        findings += _unsafe(module, node, name, scope, path)
    return findings


def _unsafe(module: _Module, call: ast.Call, name: str, scope: ast.AST, path: str) -> list:
    return [
        Finding(path, call.lineno, name, ast.unparse(text))
        for text in _texts(call, name)
        if not module.safe(text, scope)
    ]


def _dynamic_streamlit(func: ast.expr) -> bool:
    return (
        isinstance(func, ast.Call)
        and _callee(func.func) == "getattr"
        and bool(func.args)
        and isinstance(func.args[0], ast.Name)
        and func.args[0].id == "st"
    )


def audit_tree(root: Path, folders: tuple[str, ...] = ("app_pages", "ui")) -> list[Finding]:
    """Return the findings of app.py (the sidebar every page shares) and of every Python file
    in `folders` below `root`."""
    paths = [root / "app.py"] if (root / "app.py").exists() else []
    for folder in folders:
        paths += sorted((root / folder).rglob("*.py"))
    findings: list[Finding] = []
    for path in paths:
        source = path.read_text(encoding="utf-8")
        findings += audit_source(source, str(path.relative_to(root)), root)
    return findings
