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

import math
import re
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from slidegen.services.verification.extract import SlideNumber

if TYPE_CHECKING:
    from slidegen.services.verification.matcher import Origin

SCALES = (1.0, 1e3, 1e6, 1e9)
PREFERENCE = ("cell", "percentage", "sum", "share", "growth", "difference")
_PERCENT_KINDS = ("percentage", "share", "growth")
_FILLER = {"of", "by", "the", "and", "per", "in"}  # words of derived column names


def best_source(
    number: SlideNumber, hits: Sequence[Origin], results: list[dict[str, Any]]
) -> Origin:
    """Return the hit the slide most likely took its number from."""
    if len(hits) == 1:
        return hits[0]
    words = f" {_words(number.context)} "
    stems = {_stem(word) for word in words.split()}

    def rank(origin: Origin) -> tuple[int, int, bool, bool, int, float]:
        labels = _row_labels(results, origin)
        # A longer name written out says more: "SQL Warehouse" beats "SQL" in that sentence.
        named_rows = sum(len(label.split()) for label in labels if f" {label} " in words)
        named_columns = sum(_stem(token) in stems for token in _tokens(origin.column))
        distance = _distance(number, origin)
        exact = math.isclose(distance, 0.0, abs_tol=1e-9 * max(1.0, abs(number.value)))
        kind = PREFERENCE.index(origin.kind)
        return (-named_rows, -named_columns, _other_sign(number, origin), not exact, kind, distance)

    return min(hits, key=rank)


def _row_labels(results: list[dict[str, Any]], origin: Origin) -> set[str]:
    """The words of the text cells of the origin's row (none for a whole column's sum)."""
    if origin.row is None:
        return set()
    rows = results[origin.result].get("rows") or []
    row = rows[origin.row] if origin.row < len(rows) else []
    return {label for cell in row if isinstance(cell, str) and (label := _words(cell))}


def _tokens(column: str) -> list[str]:
    return [t for t in _words(column).split() if len(t) > 2 and t not in _FILLER]


def _other_sign(number: SlideNumber, origin: Origin) -> bool:
    """Whether the value's sign contradicts one written ("-0.6%" is a fall, "+$220" a rise)."""
    if number.value < 0:
        return origin.value > 0
    return number.text.startswith("+") and origin.value < 0


def _distance(number: SlideNumber, origin: Origin) -> float:
    """How far the value is from the number as written, in the number's own unit."""
    written, value = abs(number.value), abs(origin.value)
    if origin.kind in _PERCENT_KINDS:
        shown = [value, value * 100] if origin.kind == "percentage" else [value]
    else:
        shown = [value / scale for scale in (SCALES if number.scale is None else [number.scale])]
    return min(abs(s - written) for s in shown)


def _words(text: str) -> str:
    return " ".join(re.findall(r"[a-z0-9]+", str(text).lower()))


def _stem(word: str) -> str:
    """A word without its plural s: "DBUs" names the column dbus, "costs" the column cost."""
    return word[:-1] if len(word) > 3 and word.endswith("s") else word
