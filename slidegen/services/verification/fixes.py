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

    A series whose verified points come (mostly) from one column of one result, from rows that
    share labels (its SKU, its workspace), comes from there: a point that does not match is
    contradicted by the one row with those labels between its neighbours' rows (a *problem*,
    with its fix). Categories need not be written as the data writes them ("Nov 2025" for
    "2025-11"): the rows' order places the point.
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
    """Return (value, source, row) of the cell the series' own rows give at `point`, if one."""
    sources = [(f.query, f.column) for _, f in verified]
    if not sources:
        return None
    source = max(set(sources), key=sources.count)
    query, column = source
    result = next(
        (
            r
            for r in results
            if (r.get("query") or r.get("question")) == query
            and column in [str(c) for c in r.get("columns") or []]
        ),
        None,
    )
    if result is None:
        return None
    rows = result.get("rows") or []
    at = [str(c) for c in result.get("columns") or []].index(column)
    own = sorted(_own_rows(verified, source, rows, at))
    if len(own) < 2 or 2 * len(own) < len(verified):
        return None
    if any(not 1 <= r <= len(rows) for _, r in own):
        return None
    labels = set.intersection(
        *({(i, c) for i, c in enumerate(rows[r - 1]) if isinstance(c, str)} for _, r in own)
    )
    before = max((r for p, r in own if p < point), default=0)
    after = min((r for p, r in own if p > point), default=len(rows) + 1)
    candidates = [
        r
        for r in range(before + 1, after)
        if labels <= set(enumerate(rows[r - 1])) and _is_cell_number(rows[r - 1], at)
    ]
    if len(candidates) != 1:
        return None
    row = candidates[0]
    where = f"row {row}, column {column}"
    source_text = " · ".join(p for p in (result.get("tool"), query, where) if p)
    return float(rows[row - 1][at]), source_text, row


def _own_rows(
    verified: list[tuple[int, Finding]],
    source: tuple[str | None, str | None],
    rows: list[list[Any]],
    at: int,
) -> list[tuple[int, int]]:
    """Return (point, row) of the series' points found in the source's column.

    A point matched elsewhere may be in this column too (a month's total is also the sum of
    its SKUs' rows in another result): placed by its one exact value here, it counts as well.
    """
    own = []
    for point, finding in verified:
        if (finding.query, finding.column) == source:
            own.append((point, finding.row or 0))
            continue
        try:
            value = float(finding.number.replace(",", ""))
        except (AttributeError, ValueError):
            continue
        found = [
            i for i, row in enumerate(rows, 1) if _is_cell_number(row, at) and row[at] == value
        ]
        if len(found) == 1:
            own.append((point, found[0]))
    return own


def _is_cell_number(row: list[Any], at: int) -> bool:
    value = row[at] if at < len(row) else None
    return isinstance(value, (int, float)) and not isinstance(value, bool)
