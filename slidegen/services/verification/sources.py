"""Which data value a slide's number came from, when several could be it.

`$7.2M` can round 7,234,567 in one row and 7,190,000 in another, and the same figure can sit in
two tool calls' results. The source named is the one the slide points at: the row whose labels
are written near the number (in its sentence, its table row, its chart point), then the column
it names ("DBUs", a chart series "cost"), then the sign written ("-0.6%" is a fall), then an
exact value over a rounded one, then the kind the matcher trusts most (a cell before a derived
value), then the closest value. Among equals the first found stays. Only the source changes:
the verdict is the same whichever hit is named.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from slidegen.services.verification.extract import SlideNumber

SCALES = (1.0, 1e3, 1e6, 1e9)
PREFERENCE = ("cell", "percentage", "sum", "share", "growth", "difference")
_PREFERRED = {kind: rank for rank, kind in enumerate(PREFERENCE)}
_FILLER = {"of", "by", "the", "and", "per", "in"}  # words of derived column names
_WORD = re.compile(r"[a-z0-9]+")


@dataclass(frozen=True)
class Origin:
    """Where a candidate value comes from: a cell, or a value derived from one column."""

    result: int
    kind: str  # cell | percentage | sum | difference | share | growth
    row: int | None
    column: str
    value: float
    detail: str = ""


Hit = tuple[Origin, float]  # a candidate and its distance from the number as written
RowLabels = Mapping[tuple[int, int], tuple[str, ...]]  # (result, row) -> its labels' words


def row_labels(results: list[dict[str, Any]]) -> dict[tuple[int, int], tuple[str, ...]]:
    """Return the words of each row's text cells, by (result, row): what names a row."""
    return {
        (index, row_no): labels
        for index, result in enumerate(results)
        for row_no, row in enumerate(result.get("rows") or [])
        if (labels := tuple(w for cell in row if isinstance(cell, str) if (w := words(cell))))
    }


def best_source(number: SlideNumber, hits: Sequence[Hit], labels: RowLabels) -> Origin:
    """Return the hit the slide most likely took its number from.

    A number can have thousands of hits (a chart's 0 is near every small value at some unit),
    so what depends only on a hit's row or column is worked out once per row and column.
    """
    if len(hits) == 1:
        return hits[0][0]
    context = f" {words(number.context)} "
    stems = {_stem(word) for word in context.split()}
    named_rows: dict[tuple[int, int | None], int] = {}
    named_columns: dict[str, int] = {}
    # The sign written: "-0.6%" is a fall; "+$220" a rise; no sign says nothing.
    sign = -1 if number.value < 0 else 1 if number.text.startswith("+") else 0
    exact = 1e-9 * max(1.0, abs(number.value))
    best, best_rank = hits[0][0], None
    for origin, distance in hits:
        row = (origin.result, origin.row)
        if row not in named_rows:
            # A longer name written out says more: "SQL Warehouse" beats "SQL" in a sentence.
            own = labels.get(row, ()) if origin.row is not None else ()
            named_rows[row] = sum(len(label.split()) for label in own if f" {label} " in context)
        if origin.column not in named_columns:
            tokens = _tokens(origin.column)
            named_columns[origin.column] = sum(_stem(token) in stems for token in tokens)
        rank = (
            -named_rows[row],
            -named_columns[origin.column],
            sign * origin.value < 0,
            distance > exact,
            _PREFERRED[origin.kind],
            distance,
        )
        if best_rank is None or rank < best_rank:
            best, best_rank = origin, rank
    return best


def _tokens(column: str) -> list[str]:
    return [t for t in words(column).split() if len(t) > 2 and t not in _FILLER]


def words(text: str) -> str:
    """Return text as lower-case words separated by single spaces (how names are compared)."""
    return " ".join(_WORD.findall(str(text).lower()))


def _stem(word: str) -> str:
    """A word without its plural s: "DBUs" names the column dbus, "costs" the column cost."""
    return word[:-1] if len(word) > 3 and word.endswith("s") else word
