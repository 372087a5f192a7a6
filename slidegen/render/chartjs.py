"""Recover chart specs from the predecessor's Chart.js scripts: keep the chart, drop the code.

The predecessor's decks put one `<script>` after all slides; each chart looks its canvas up
into a variable, takes the 2D context into another and passes that to `new Chart(ctx, {...})`,
with functions (tick callbacks) among the options. The config is read by a small parser of
JavaScript literals (nothing is run): a chart whose type, labels and data are literal is
recovered; any other is reported with the reason.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError

from slidegen.deck import ChartSpec
from slidegen.render.jsliteral import NOT_LITERAL, JsSyntaxError, argument_spans, parse_literal

_NEW_CHART = re.compile(r"\bnew\s+Chart\s*\(")
_ELEMENT_ID = re.compile(
    r"""(?:getElementById\(\s*['"]([^'"]+)['"]|querySelector\(\s*['"]#([\w-]+)['"])"""
)
_LEADING_NAME = re.compile(r"\s*([A-Za-z_$][\w$]*)")
_KINDS = {"bar", "line", "pie", "doughnut", "scatter"}


@dataclass
class ChartRecovery:
    """The charts recovered from a deck's scripts, by canvas id, and those that were not."""

    charts: dict[str, ChartSpec] = field(default_factory=dict)
    failures: list[str] = field(default_factory=list)

    @property
    def total(self) -> int:
        """How many `new Chart(...)` calls the scripts hold."""
        return len(self.charts) + len(self.failures)

    def summary(self) -> str | None:
        """One sentence for the user: how many charts came through, and why others did not."""
        if not self.total:
            return None
        text = f"Recovered {len(self.charts)} of {self.total} Chart.js charts as chart data"
        if not self.failures:
            return text + "."
        return text + "; not recovered: " + "; ".join(self.failures) + "."


def recover_charts(script_text: str) -> ChartRecovery:
    """Read every `new Chart(target, config)` call in `script_text`."""
    recovery = ChartRecovery()
    for number, match in enumerate(_NEW_CHART.finditer(script_text), 1):
        spans = argument_spans(script_text, match.end())
        if len(spans) < 2:
            recovery.failures.append(f"chart {number} (its call could not be read)")
            continue
        target = script_text[spans[0][0] : spans[0][1]]
        canvas = _canvas_id(script_text, target, match.start())
        name = f"canvas '{canvas}'" if canvas else f"chart {number}"
        spec, why = _spec_at(script_text, spans[1][0])
        if canvas is None:
            why = why or "its canvas could not be found"
        if spec is None or why:
            recovery.failures.append(f"{name} ({why})")
        elif canvas in recovery.charts:
            recovery.failures.append(f"{name} (a second chart on the same canvas)")
        else:
            recovery.charts[canvas] = spec
    return recovery


def charts_from_scripts(script_text: str) -> list[tuple[str | None, ChartSpec]]:
    """Return (canvas id, chart spec) for each recovered chart."""
    return list(recover_charts(script_text).charts.items())


def _canvas_id(text: str, target: str, before: int, depth: int = 0) -> str | None:
    """Follow `ctx` -> `canvas.getContext('2d')` -> `document.getElementById('id')`."""
    direct = _ELEMENT_ID.search(target)
    if direct:
        return direct.group(1) or direct.group(2)
    name = _LEADING_NAME.match(target)
    if name is None or depth > 4:
        return None
    assignments = list(
        re.finditer(rf"(?<![\w$.]){re.escape(name.group(1))}\s*=(?!=)\s*([^;\n]+)", text[:before])
    )
    if not assignments:
        return None
    last = assignments[-1]
    return _canvas_id(text, last.group(1), last.start(), depth + 1)


def _spec_at(text: str, start: int) -> tuple[ChartSpec | None, str | None]:
    try:
        config = parse_literal(text, start)
    except JsSyntaxError:
        return None, "its configuration could not be read"
    if not isinstance(config, dict):
        return None, "its configuration is not a literal object"
    data = config.get("data")
    if not isinstance(data, dict):
        return None, "its data is not literal"
    kind, why = _kind(config)
    if kind is None:
        return None, why
    labels = data.get("labels", [])
    datasets = data.get("datasets")
    if not _literal_list(labels) or not isinstance(datasets, list):
        return None, "its labels or datasets are not literal"
    series = []
    for index, dataset in enumerate(datasets, 1):
        values = dataset.get("data") if isinstance(dataset, dict) else None
        if not isinstance(values, list) or not _literal_list(values):
            return None, f"the data of dataset {index} is not literal"
        label = dataset.get("label")
        series.append({"name": label if isinstance(label, str) else "", "values": _numbers(values)})
    options = config.get("options") if isinstance(config.get("options"), dict) else {}
    try:
        spec = ChartSpec.model_validate(
            {
                "type": kind,
                "title": _title(options),
                "categories": [_label(label) for label in labels],
                "series": series,
                "x_title": _axis_title(options, "x"),
                "y_title": _axis_title(options, "y"),
                "colors": _colors(datasets, kind),
            }
        )
    except ValidationError as exc:
        return None, f"its data does not fit a chart ({exc.errors()[0]['msg']})"
    return spec, None


def _kind(config: dict[str, Any]) -> tuple[str | None, str | None]:
    kind = config.get("type")
    if not isinstance(kind, str):
        return None, "its type is not literal"
    kind = kind.lower()
    if kind not in _KINDS:
        return None, f"Chart.js type '{kind}' has no equivalent here"
    options = config.get("options") if isinstance(config.get("options"), dict) else {}
    datasets = (config.get("data") or {}).get("datasets")
    datasets = [d for d in datasets if isinstance(d, dict)] if isinstance(datasets, list) else []
    if kind == "bar":
        if options.get("indexAxis") == "y":
            return "bar", None
        return ("stacked" if _stacked(options) else "column"), None
    if kind == "line" and any(d.get("fill") not in (None, False, NOT_LITERAL) for d in datasets):
        return "area", None
    return kind, None


def _stacked(options: dict[str, Any]) -> bool:
    scales = options.get("scales") if isinstance(options.get("scales"), dict) else {}
    axes = list(scales.values())
    for legacy in ("xAxes", "yAxes"):  # Chart.js 2: scales.xAxes[0].stacked
        if isinstance(scales.get(legacy), list):
            axes += scales[legacy]
    return any(isinstance(axis, dict) and axis.get("stacked") is True for axis in axes)


def _title(options: dict[str, Any]) -> str | None:
    plugins = options.get("plugins") if isinstance(options.get("plugins"), dict) else {}
    title = plugins.get("title") or options.get("title") or {}
    text = title.get("text") if isinstance(title, dict) else None
    if isinstance(text, list):
        text = " ".join(str(part) for part in text if isinstance(part, str))
    return text if isinstance(text, str) and text else None


def _axis_title(options: dict[str, Any], axis: str) -> str | None:
    scales = options.get("scales") if isinstance(options.get("scales"), dict) else {}
    scale = scales.get(axis)
    title = scale.get("title") if isinstance(scale, dict) else None
    text = title.get("text") if isinstance(title, dict) and title.get("display") else None
    return text if isinstance(text, str) and text else None


def _colors(datasets: list[Any], kind: str) -> list[str] | None:
    """Dataset colours (one per series), or a pie's colours (one per slice)."""
    colors = [d.get("backgroundColor") for d in datasets if isinstance(d, dict)]
    if kind in ("pie", "doughnut") and colors and isinstance(colors[0], list):
        colors = colors[0]
    strings = [c for c in colors if isinstance(c, str)]
    return strings if strings and len(strings) == len(colors) else None


def _label(label: Any) -> str | float:
    if isinstance(label, list):  # a label on several lines
        return " ".join(str(part) for part in label)
    return label if isinstance(label, (int, float)) and not isinstance(label, bool) else str(label)


def _literal_list(values: Any) -> bool:
    return isinstance(values, list) and not any(v is NOT_LITERAL for v in values)


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
