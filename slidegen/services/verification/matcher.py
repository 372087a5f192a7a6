"""Match a slide's numbers to the data its request's tools returned, deterministically.

Every number written on a slide stands for an interval of true values (`$7.2M` is anything
from 7,150,000 to 7,250,000); the data gives candidate values (its cells, and what can be
derived from a column: sums, differences, shares, growth rates). A number is verified when a
candidate falls inside its interval. Candidates are kept sorted, so each number costs two
binary searches however large the data.
"""

from __future__ import annotations

import bisect
import math
from typing import Any

from slidegen.schemas.verification import Finding, MatchKind
from slidegen.services.verification.extract import SlideNumber
from slidegen.services.verification.fixes import corrected_text
from slidegen.services.verification.sources import SCALES, Hit, Origin, best_source, row_labels
from slidegen.tools.base import format_number

_SCALES = SCALES


class DataIndex:
    """The candidate values of a request's tool results, sorted for interval search."""

    def __init__(self, results: list[dict[str, Any]]) -> None:
        self.results = results
        plain: list[tuple[float, Origin]] = []
        percent: list[tuple[float, Origin]] = []
        self.labels: dict[str, list[tuple[int, int]]] = {}
        for index, result in enumerate(results):
            rows = result.get("rows") or []
            columns = result.get("columns") or []
            for row_no, row in enumerate(rows):
                for cell in row:
                    if isinstance(cell, str) and cell.strip():
                        self.labels.setdefault(_norm(cell), []).append((index, row_no))
            for col_no, column in enumerate(columns):
                cells = [
                    (r, float(row[col_no]))
                    for r, row in enumerate(rows)
                    if col_no < len(row) and _is_number(row[col_no])
                ]
                _add_column(index, str(column), cells, plain, percent)
            _add_groups(index, [str(c) for c in columns], rows, plain, percent)
        plain.sort(key=lambda item: item[0])
        percent.sort(key=lambda item: item[0])
        self.row_labels = row_labels(results)  # what names each row, to pick among sources
        self._plain, self._plain_keys = plain, [v for v, _ in plain]
        self._percent, self._percent_keys = percent, [v for v, _ in percent]

    @property
    def empty(self) -> bool:
        """Whether the request used no data at all."""
        return not self.results

    def search(self, lo: float, hi: float, *, percent: bool) -> list[tuple[float, Origin]]:
        """Return (value as indexed, candidate) for the candidates whose value lies in [lo, hi].

        The value as indexed is the candidate's absolute value (a fraction's as a percentage).
        """
        keys, items = (
            (self._percent_keys, self._percent) if percent else (self._plain_keys, self._plain)
        )
        start, end = bisect.bisect_left(keys, lo), bisect.bisect_right(keys, hi)
        return items[start:end]

    def label_rows(self, label: str | None) -> set[tuple[int, int]]:
        """Return the (result, row) pairs that carry this label in some text cell."""
        return set(self.labels.get(_norm(label), [])) if label else set()


def _add_groups(
    index: int,
    columns: list[str],
    rows: list[list[Any]],
    plain: list[tuple[float, Origin]],
    percent: list[tuple[float, Origin]],
) -> None:
    """Add what a label column gives: per-label totals and per-label series.

    A result by month and SKU gives each SKU's and month's total: it stands on the group's
    first row (which carries its label) and gets the candidates of a column of its own (its
    share of all groups, differences and growth). Each label's own rows, in order, are also a
    series (one SKU month by month): their changes stand on the later row, which carries the
    label, so "Jobs Compute +6.7%" is checked against Jobs Compute's own months.
    """
    for label_no, label_column in enumerate(columns):
        labels = [row[label_no] if label_no < len(row) else None for row in rows]
        if not all(isinstance(label, str) for label in labels) or len(set(labels)) == len(rows):
            continue  # not a label column, or every row is its own group already
        members: dict[str, list[int]] = {}
        for row_no, label in enumerate(labels):
            members.setdefault(label, []).append(row_no)
        for col_no, column in enumerate(columns):
            if col_no == label_no:
                continue
            totals: dict[str, float] = {}
            for label, row_nos in members.items():
                series = [
                    (r, float(rows[r][col_no]))
                    for r in row_nos
                    if col_no < len(rows[r]) and _is_number(rows[r][col_no])
                ]
                if series:
                    totals[label] = sum(v for _, v in series)
                if len(series) > 1:
                    _add_changes(index, f"{column} of {label}", series, plain, percent)
            if len(totals) > 1:
                cells = [(members[label][0], total) for label, total in totals.items()]
                _add_column(index, f"{column} by {label_column}", cells, plain, percent)


def _add_column(
    index: int,
    column: str,
    cells: list[tuple[int, float]],
    plain: list[tuple[float, Origin]],
    percent: list[tuple[float, Origin]],
) -> None:
    if not cells:
        return
    total = sum(v for _, v in cells)
    # Shares of a column of ratios or signed values mean nothing (and would match by chance).
    shares = all(v >= 0 for _, v in cells) and any(v > 1.5 for _, v in cells)
    for row, value in cells:
        plain.append((abs(value), Origin(index, "cell", row, column, value)))
        percent.append((abs(value), Origin(index, "percentage", row, column, value)))
        if abs(value) <= 1.5:  # a fraction shown as a percentage
            percent.append((abs(value * 100), Origin(index, "percentage", row, column, value)))
        if shares and total:
            share = value / total * 100
            percent.append((abs(share), Origin(index, "share", row, column, share, "of total")))
    if len(cells) > 1:
        plain.append((abs(total), Origin(index, "sum", None, column, total, "all rows")))
    _add_changes(index, column, cells, plain, percent)


def _add_changes(
    index: int,
    column: str,
    cells: list[tuple[int, float]],
    plain: list[tuple[float, Origin]],
    percent: list[tuple[float, Origin]],
) -> None:
    """Add differences and growth between neighbouring values of a series and first to last.

    Only those: every pair would match wrong rates by chance (month over month, a ranking's
    steps and the change over the whole period are what slides say).
    """
    pairs = list(zip(cells, cells[1:], strict=False)) + (
        [(cells[0], cells[-1])] if len(cells) > 2 else []
    )
    for (a_row, a), (b_row, b) in pairs:
        for (x_row, x), (y_row, y) in (((a_row, a), (b_row, b)), ((b_row, b), (a_row, a))):
            detail = f"row {y_row + 1} vs row {x_row + 1}"
            if x_row < y_row:
                plain.append(
                    (abs(y - x), Origin(index, "difference", y_row, column, y - x, detail))
                )
            if x:
                growth = (y - x) / abs(x) * 100
                percent.append(
                    (abs(growth), Origin(index, "growth", y_row, column, growth, detail))
                )


def match_number(number: SlideNumber, data: DataIndex) -> Finding:
    """Return the finding for one number: verified with its source, or why not."""
    if data.empty:
        return _finding(number, "unknown", "The request used no data to check this against.")
    hits = _hits(number, data, _SCALES if number.scale is None else (number.scale,))
    rows = data.label_rows(number.label)
    if rows:
        labelled = [h for h in hits if h[0].kind == "sum" or (h[0].result, h[0].row) in rows]
        if labelled:
            return _verified(number, best_source(number, labelled, data.row_labels), data)
        return _contradiction(number, data, rows, [origin for origin, _ in hits])
    if hits:
        return _verified(number, best_source(number, hits, data.row_labels), data)
    if number.scale not in (None, 1.0) or number.where == "text":
        other = [s for s in _SCALES if s != number.scale]
        if cells := [h for h in _hits(number, data, other) if h[0].kind == "cell"]:
            cell = best_source(number, cells, data.row_labels)
            expected = format_number(cell.value)
            return _finding(
                number, "problem", f"Wrong unit: the data gives {expected}.", cell, data
            )
    return _finding(number, "review", "Not found in the data the request used.")


def _hits(
    number: SlideNumber, data: DataIndex, scales: tuple[float, ...] | list[float]
) -> list[Hit]:
    """Return the candidates in the number's interval, each with its distance from it."""
    magnitude = abs(number.value)
    decimals = number.decimals if number.decimals is not None else _decimals(number.value)
    half = 0.5 * 10.0**-decimals
    lo, hi = magnitude - half, magnitude + half
    if number.percent:
        return [(o, abs(key - magnitude)) for key, o in data.search(lo, hi, percent=True)]
    hits: list[Hit] = []
    for scale in scales:
        found = data.search(lo * scale, hi * scale, percent=False)
        # A chart says nothing of its unit: only cells are tried at another scale there.
        hits += [
            (o, abs(key / scale - magnitude))
            for key, o in found
            if scale == 1.0 or number.scale or o.kind == "cell"
        ]
    if number.where == "chart":  # a chart of shares or rates carries bare percentages
        hits += [(o, abs(key - magnitude)) for key, o in data.search(lo, hi, percent=True)]
    return hits


def _decimals(value: float) -> int:
    text = repr(float(value))
    return 0 if text.endswith(".0") or "e" in text else len(text.split(".")[1])


def _match_kind(number: SlideNumber, origin: Origin) -> MatchKind:
    if origin.kind != "cell":
        return origin.kind  # type: ignore[return-value]
    written = number.value * (number.scale or 1.0)
    if number.scale not in (None, 1.0) or (
        number.scale is None and not math.isclose(abs(written), abs(origin.value), rel_tol=1e-3)
    ):
        return "unit-scaled"
    return "exact" if math.isclose(abs(written), abs(origin.value), rel_tol=1e-12) else "rounded"


def _verified(number: SlideNumber, origin: Origin, data: DataIndex) -> Finding:
    kind = _match_kind(number, origin)
    text = f"{number.text} matches the data ({kind})."
    return _finding(number, "verified", text, origin, data, match=kind)


def _contradiction(
    number: SlideNumber, data: DataIndex, rows: set[tuple[int, int]], hits: list[Origin]
) -> Finding:
    own = [
        Origin(r, "cell", row, str(col), float(v))
        for r, row in sorted(rows)
        for col, v in zip(
            data.results[r].get("columns") or [], data.results[r]["rows"][row], strict=False
        )
        if _is_number(v)
    ]
    if not own:
        return _finding(number, "review", "Not found in the data the request used.")
    nearest = min(own, key=lambda o: abs(abs(o.value) - abs(number.value)))
    expected = format_number(nearest.value)
    swapped = " (it is another row's value)" if any(h.kind == "cell" for h in hits) else ""
    text = f"{number.text} contradicts the data: {number.label} has {expected}{swapped}."
    finding = _finding(number, "problem", text, nearest, data)
    source = _only_source(number, own)
    if source is None:
        return finding
    fix = corrected_text(number, source.value)
    return finding.model_copy(update={"fix": fix, "locator": number.locator}) if fix else finding


def _only_source(number: SlideNumber, own: list[Origin]) -> Origin | None:
    """Return the one value the number's row gives, if the data leaves no choice.

    A row with several numbers is settled by a chart series named after one of its columns.
    """
    if len(own) == 1:
        return own[0]
    if number.series:
        named = [o for o in own if _norm(o.column) == _norm(number.series)]
        if len(named) == 1:
            return named[0]
    return None


def _finding(
    number: SlideNumber,
    verdict: str,
    text: str,
    origin: Origin | None = None,
    data: DataIndex | None = None,
    *,
    match: MatchKind | None = None,
) -> Finding:
    result = data.results[origin.result] if origin and data else {}
    query = result.get("query") or result.get("question")
    row = origin.row + 1 if origin and origin.row is not None else None
    where = f"row {row}, column {origin.column}" if origin and row else ""
    if origin and origin.kind in ("sum", "difference", "growth") and origin.detail:
        where = f"column {origin.column}, {origin.kind} of {origin.detail}"
    source = " · ".join(p for p in [result.get("tool"), query, where] if p)
    return Finding(
        kind="number",
        verdict=verdict,  # type: ignore[arg-type]
        text=f"{text} Context: {number.context}" if number.context else text,
        source=source,
        number=number.text,
        match=match,
        tool=result.get("tool"),
        query=query,
        row=row,
        column=origin.column if origin else None,
        expected=format_number(origin.value) if origin else None,
    )


def _is_number(value: Any) -> bool:
    return (
        isinstance(value, (int, float))
        and not isinstance(value, bool)
        and math.isfinite(float(value))
    )


def _norm(text: str) -> str:
    return " ".join(str(text).lower().split())
