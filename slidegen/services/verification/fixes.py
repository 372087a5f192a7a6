"""Fixes: an edit request listing a slide's findings, or a direct correction from the data.

A direct fix needs no LLM: every wrong number of the slide contradicts a row that gives one
value (`Finding.fix` holds it written the slide's way), and each can be found on the slide
(a chart value by its position, a written number by its only occurrence in the HTML).
"""

from __future__ import annotations

import re
from typing import Any

from slidegen.deck import Slide
from slidegen.schemas.verification import Finding
from slidegen.services.verification.extract import NUMBER_PATTERN, SlideNumber
from slidegen.tools.base import format_number

MAX_LISTED = 12


def fix_instruction(findings: list[Finding]) -> str:
    """Return an edit instruction naming each finding to fix and the values the data gives."""
    wrong = [f for f in findings if f.verdict in ("problem", "review")]
    lines = ["Fix these findings of the verification on this slide; change nothing else."]
    for finding in wrong[:MAX_LISTED]:
        what = finding.number or finding.source or finding.kind
        line = f"- {finding.kind} {what}: {finding.text.split(' Context: ')[0]}"
        if finding.kind == "number" and finding.expected and finding.column:
            line += f" The data gives {finding.expected} (column {finding.column})."
        lines.append(line)
    verified = [f.number for f in findings if f.verdict == "verified" and f.number]
    if verified:
        lines.append(
            "These values are verified against the data; keep them: "
            + ", ".join(verified[:20])
            + "."
        )
    return "\n".join(lines)


def corrected_text(number: SlideNumber, value: float) -> str | None:
    """Return `value` written the way the slide wrote `number` (unit, decimals, separators).

    None when that cannot be done faithfully: percentages (a row's cell is not a share) and a
    sign the slide's form cannot carry.
    """
    if number.percent or (value < 0) != (number.value < 0):
        return None
    if number.where == "chart":
        return format_number(value)
    match = NUMBER_PATTERN.search(number.text)
    if match is None or number.decimals is None:
        return None
    scaled = abs(value) / (number.scale or 1.0)
    separators = "," if "," in match["num"] else ""
    digits = f"{scaled:{separators}.{number.decimals}f}"
    return number.text[: match.start("num")] + digits + number.text[match.end("num") :]


def direct_fixes(slide: Slide, findings: list[Finding]) -> list[Finding] | None:
    """Return the findings a direct fix corrects, or None when some wrong finding has none."""
    wrong = [f for f in findings if f.verdict in ("problem", "review")]
    if not wrong or any(not f.fix or not _locatable(slide, f) for f in wrong):
        return None
    return wrong


def apply_direct_fixes(slide: Slide, fixes: list[Finding]) -> list[str]:
    """Correct the slide in place; return "old → new" for each correction."""
    done = []
    for finding in fixes:
        assert finding.fix is not None and finding.number is not None
        if finding.locator:
            chart, series, point = (int(n) for n in finding.locator.split(":")[1:])
            slide.charts[chart].series[series].values[point] = float(finding.fix)
        else:
            slide.html = _occurrence(finding.number).sub(finding.fix, slide.html, count=1)
        done.append(f"{finding.number} → {finding.fix}")
    return done


def _locatable(slide: Slide, finding: Finding) -> bool:
    if finding.locator:
        try:
            chart, series, point = (int(n) for n in finding.locator.split(":")[1:])
            values = slide.charts[chart].series[series].values
        except (ValueError, IndexError):
            return False
        return point < len(values) and values[point] == _as_float(finding.number)
    return len(_occurrence(finding.number or "").findall(slide.html)) == 1


def _as_float(text: str | None) -> float | None:
    try:
        return float(text or "")
    except ValueError:
        return None


def _occurrence(text: str) -> re.Pattern[str]:
    """Match `text` as a whole number in HTML (not inside a longer number or a word)."""
    return re.compile(rf"(?<![\w.,$€£¥]){re.escape(text)}(?![\w%]|[.,]\d)")


def settle_series(
    numbers: list[SlideNumber], findings: list[Finding], results: list[dict[str, Any]]
) -> list[Finding]:
    """Give a chart's wrong point the value its series' source gives there.

    A series whose verified points all come from one column of one result, at rows evenly
    spaced along the points (row = first + step x point), comes from there: a point that does
    not match is contradicted by the cell the same spacing gives (a *problem*, with its fix).
    """
    sources: dict[str, list[tuple[int, Finding]]] = {}
    for number, finding in zip(numbers, findings, strict=True):
        if number.locator and finding.verdict == "verified" and finding.row is not None:
            series, point = number.locator.rsplit(":", 1)
            sources.setdefault(series, []).append((int(point), finding))
    out = []
    for number, finding in zip(numbers, findings, strict=True):
        if number.locator and finding.verdict != "verified" and not finding.fix:
            series, point = number.locator.rsplit(":", 1)
            cell = _series_cell(sources.get(series, []), int(point), results)
            if cell is not None and (fix := corrected_text(number, cell[0])):
                finding = finding.model_copy(
                    update={
                        "verdict": "problem",
                        "text": f"{number.text} contradicts the data: its series' source "
                        f"gives {fix} here. Context: {number.context}",
                        "source": cell[1],
                        "row": cell[2],
                        "expected": fix,
                        "fix": fix,
                        "locator": number.locator,
                    }
                )
        out.append(finding)
    return out


def _series_cell(
    verified: list[tuple[int, Finding]], point: int, results: list[dict[str, Any]]
) -> tuple[float, str, int] | None:
    """Return (value, source, row) of the cell a series' spacing gives at `point`, if any."""
    if len(verified) < 2 or len({(f.query, f.column) for _, f in verified}) != 1:
        return None
    (p0, f0), (p1, f1) = sorted(verified, key=lambda v: v[0])[:2]
    step, rest = divmod((f1.row or 0) - (f0.row or 0), p1 - p0)
    if rest or step == 0 or any(f.row != f0.row + step * (p - p0) for p, f in verified):  # type: ignore[operator]
        return None
    row = (f0.row or 0) + step * (point - p0)
    for result in results:
        columns = [str(c) for c in result.get("columns") or []]
        if (result.get("query") or result.get("question")) != f0.query or f0.column not in columns:
            continue
        rows = result.get("rows") or []
        value = rows[row - 1][columns.index(f0.column)] if 1 <= row <= len(rows) else None
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            where = f"row {row}, column {f0.column}"
            return (
                float(value),
                " · ".join(p for p in (result.get("tool"), f0.query, where) if p),
                row,
            )
    return None
