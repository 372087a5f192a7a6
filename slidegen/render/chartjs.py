"""Recover chart specs from the predecessor's Chart.js scripts: keep the chart, drop the code."""

from __future__ import annotations

import json
import re
from typing import Any

from pydantic import ValidationError

from slidegen.deck import ChartSpec

_NEW_CHART = re.compile(r"new\s+Chart\s*\(\s*([^,]+?)\s*,\s*\{", re.S)
_CANVAS_REF = re.compile(r"""getElementById\(\s*['"]([^'"]+)['"]\s*\)""")
_UNQUOTED_KEY = re.compile(r"([{,]\s*)([A-Za-z_$][\w$]*)\s*:")
_TRAILING_COMMA = re.compile(r",\s*([}\]])")
_FUNCTION = re.compile(r"function\s*\([^)]*\)\s*\{[^{}]*\}|\([^()]*\)\s*=>\s*[^,}]+")


def charts_from_scripts(script_text: str) -> list[tuple[str | None, ChartSpec]]:
    """Return (canvas id or None, chart spec) for each recognisable `new Chart(...)` call."""
    found = []
    for match in _NEW_CHART.finditer(script_text):
        body = _balanced_object(script_text, match.end() - 1)
        config = _lenient_json(body) if body else None
        spec = _spec_from_config(config) if isinstance(config, dict) else None
        if spec is None:
            continue
        found.append((_canvas_id(script_text, match), spec))
    return found


def _canvas_id(script_text: str, match: re.Match[str]) -> str | None:
    target = match.group(1)
    direct = _CANVAS_REF.search(target)
    if direct:
        return direct.group(1)
    # `const ctx = document.getElementById('x')...; new Chart(ctx, ...)`
    variable = target.strip()
    assignment = re.search(
        rf"{re.escape(variable)}\s*=\s*[^;]*?getElementById\(\s*['\"]([^'\"]+)['\"]",
        script_text[: match.start()],
    )
    return assignment.group(1) if assignment else None


def _balanced_object(text: str, start: int) -> str | None:
    depth, quote = 0, ""
    for index in range(start, len(text)):
        char = text[index]
        if quote:
            if char == quote and text[index - 1] != "\\":
                quote = ""
        elif char in "'\"`":
            quote = char
        elif char == "{":
            depth += 1
        elif char == "}":
            depth -= 1
            if depth == 0:
                return text[start : index + 1]
    return None


def _lenient_json(body: str) -> Any:
    text = _FUNCTION.sub("null", body)
    text = re.sub(r"'([^'\\]*)'", lambda m: json.dumps(m.group(1)), text)
    text = _UNQUOTED_KEY.sub(r'\1"\2":', text)
    text = _TRAILING_COMMA.sub(r"\1", text)
    try:
        return json.loads(text)
    except ValueError:
        return None


def _spec_from_config(config: dict[str, Any]) -> ChartSpec | None:
    data = config.get("data") or {}
    options = config.get("options") or {}
    datasets = data.get("datasets") or []
    kind = str(config.get("type", "bar")).lower()
    scales = options.get("scales") or {}
    stacked = any(isinstance(axis, dict) and axis.get("stacked") for axis in scales.values())
    if kind == "bar":
        kind = "bar" if options.get("indexAxis") == "y" else ("stacked" if stacked else "column")
    elif kind == "line" and any(isinstance(d, dict) and d.get("fill") for d in datasets):
        kind = "area"
    try:
        return ChartSpec.model_validate(
            {
                "type": kind,
                "title": _title(options),
                "categories": data.get("labels") or [],
                "series": [
                    {"name": str(d.get("label", "")), "values": _numbers(d.get("data") or [])}
                    for d in datasets
                    if isinstance(d, dict)
                ],
            }
        )
    except ValidationError:
        return None


def _title(options: dict[str, Any]) -> str | None:
    title = (options.get("plugins") or {}).get("title") or options.get("title") or {}
    text = title.get("text") if isinstance(title, dict) else None
    return " ".join(text) if isinstance(text, list) else text


def _numbers(values: list[Any]) -> list[float | None]:
    numbers: list[float | None] = []
    for value in values:
        if isinstance(value, dict):  # scatter points {x, y}
            value = value.get("y")
        try:
            numbers.append(float(value) if value is not None else None)
        except (TypeError, ValueError):
            numbers.append(None)
    return numbers
