"""Columns placed absolutely at their shares: the PDF's and the layout check's slide HTML.

The row of columns that is a plain slide's growing area is printed with each column placed
(`left`, `width` from the row's width, gap and share; `top: 0; bottom: 0`): laid out once, at
its own width, into the box the style's own layout gives it. See `place_columns`;
render/print_layout holds the print-only CSS rules this goes with (`print_plan` gives both).
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from lxml import etree
from lxml import html as lxml_html

from slidegen.render.print_layout import Styles, layout_css, px, stretches


def print_plan(styles: Styles) -> tuple[str, Placement | None]:
    """The print-only rules and the column placement for a style's probe styles."""
    rules = layout_css(styles)
    return rules, placement(styles, rules)


# The attribute that marks a column placed by `place_columns` (slides cannot guess its name).
PLACED = f"data-sg-placed-{secrets.token_hex(6)}"
_FLEX_ROW = re.compile(r"\s*display\s*:\s*flex\s*;?\s*", re.I)
_SHARE = re.compile(r"\s*flex\s*:\s*(\d+(?:\.\d+)?)\s+\d+(?:\.\d+)?\s+0(?:px|%)?\s*;?\s*", re.I)


@dataclass(frozen=True)
class Placement:
    """How this style's rows of columns may be printed as columns placed absolutely."""

    gap: float  # the row's column gap, px
    plain: bool  # rows without an inline style (the style's own equal grid tracks)
    shares: bool  # rows with `display: flex` inline and `flex: N M 0` columns


def placement(styles: Styles, rules: str) -> Placement | None:
    """Whether this style's rows of columns can be placed absolutely (see `place_columns`).

    Only where the row is the slide's growing area (the zero-basis rule is among `rules`): its
    height is then what the slide leaves, whatever it holds, and each column is as tall as
    the row either way. `plain`: the style's `.columns` is a grid of equal `minmax(0, 1fr)`
    tracks in one `minmax(0, 1fr)` row. `shares`: a column with no minimum width, margins,
    padding or borders takes exactly its share of a flex row from a zero basis.
    """
    column, row = styles.get("columns>column"), styles.get("slide>columns")
    if column is None or row is None or ">.columns{flex-basis:0}" not in rules:
        return None
    gap = px(row["column_gap"])
    if gap != gap or not _placeable(column):  # NaN: not a length in px
        return None
    # Placed columns are measured from the row's padding box, grid tracks from its content box.
    if any(px(row[f"padding_{side}"]) != 0 for side in ("top", "right", "bottom", "left")):
        return None
    track = (("minmax()", (0, "px"), (1, "fr")),)  # WeasyPrint's lengths are (value, unit)
    plain = (
        row["display"] == ("block", "grid")
        and row["grid_auto_flow"] == ("column",)
        and row["grid_template_columns"] == "none"
        and row["grid_auto_columns"] == track
        and row["grid_template_rows"] == ((), track[0], ())
        and row["justify_items"] in {("normal",), ("stretch",)}
        and row["align_items"] in {("normal",), ("stretch",)}
        and column["grid_column_start"] == "auto"
        and column["grid_row_start"] == "auto"
        and column["justify_self"] in {("auto",), ("normal",), ("stretch",)}
    )
    sides = ("padding_left", "padding_right", "border_left_width", "border_right_width")
    shares = (
        row["flex_direction"] == "row"
        and row["flex_wrap"] == "nowrap"
        and stretches(row)
        and px(column["min_width"]) == 0
        and all(px(column[side]) == 0 for side in sides)
    )
    return Placement(gap, plain, shares) if plain or shares else None


def _placeable(column: Any) -> bool:
    """A column in flow, stretched across its row's height, with no side margins or limits."""
    return (
        all(column[m] != "auto" and px(column[m]) == 0 for m in ("margin_left", "margin_right"))
        and all(column[m] != "auto" and px(column[m]) == 0 for m in ("margin_top", "margin_bottom"))
        and px(column["max_width"]) == float("inf")
        and px(column["max_height"]) == float("inf")
        and column["position"] == "static"
        and column["float"] == "none"
        and column["order"] == 0
        and column["align_self"] in {("auto",), ("normal",), ("stretch",)}
    )


def place_columns(html: str, plan: Placement | None) -> str:
    """Print a slide's row of columns as columns placed absolutely, each at its own share.

    Speed and fidelity. WeasyPrint lays a grid item out once more to size its row, whatever
    the row's sizing (`minmax(0, 1fr)` needs no measuring), and a flex item up to four times;
    and in a flex row of zero-basis columns it laid out what a column holds at the whole row's
    width (a KPI label on two lines counted as one). Placed absolutely (`left`, `width` from
    the row's width, gap and shares; `top: 0; bottom: 0`), a column is laid out once, at its
    own width, into the same box. Only a row that is the slide's growing area is placed
    (its height does not depend on what it holds); any other inline style, text or element
    in the row keeps it as it was. Placed columns carry `PLACED`, so that the layout
    check does not take them for positioned content.
    """
    if plan is None or "columns" not in html:
        return html
    try:
        root = lxml_html.fragment_fromstring(html, create_parent="div")
    except (etree.ParserError, ValueError):
        return html
    changed = False
    for row in root.iter("div"):
        if "columns" not in (row.get("class") or "").split() or not _in_plain_slide(row):
            continue
        style = row.get("style")
        shares = _shares(row) if style is not None else _plain_columns(row)
        allowed = plan.shares if style is not None else plan.plain
        if not shares or not allowed or (style is not None and not _FLEX_ROW.fullmatch(style)):
            continue
        _place(row, shares, plan)
        changed = True
    if not changed:
        return html
    return (root.text or "") + "".join(lxml_html.tostring(c, encoding="unicode") for c in root)


def _place(row: Any, shares: list[str], plan: Placement) -> None:
    total = sum(Fraction(share) for share in shares)
    gaps = (len(shares) - 1) * plan.gap
    row.set("style", "display:block;position:relative")
    before = Fraction(0)
    for index, (column, share) in enumerate(zip(row, shares, strict=True)):
        left = f"calc((100% - {gaps:g}px) * {before / total} + {index * plan.gap:g}px)"
        width = f"calc((100% - {gaps:g}px) * {Fraction(share) / total})"
        if before == 0:
            left = "0"
        column.set(
            "style",
            f"position:absolute;top:0;bottom:0;left:{left};width:{width};box-sizing:border-box",
        )
        column.set(PLACED, "")
        before += Fraction(share)


def _in_plain_slide(row: Any) -> bool:
    """The row is an item of a plain content slide (`PLAIN_SLIDE`'s own selector, in Python)."""
    slide = row.getparent()
    if slide is None or slide.tag != "section" or slide.get("class") != "slide":
        return False
    for child in slide:
        if not isinstance(child.tag, str):
            return False
        classes = (child.get("class") or "").split()
        if "columns" in classes:
            continue
        header = child.tag in ("h1", "footer", "aside") or {"subtitle", "kpis"} & set(classes)
        if not header or child.get("style") is not None:
            return False
    return True


def _plain_columns(row: Any) -> list[str]:
    """One share each for a row of columns without inline styles, or [] for anything else."""
    if (row.text or "").strip():
        return []
    columns = list(row)
    for column in columns:
        if (
            not isinstance(column.tag, str)
            or "column" not in (column.get("class") or "").split()
            or column.get("style") is not None
            or (column.tail or "").strip()
        ):
            return []
    return ["1"] * len(columns)


def _shares(row: Any) -> list[str]:
    """The grow factor of each column of the row, or [] if any item is not such a column."""
    if (row.text or "").strip():
        return []
    shares = []
    for child in row:
        match = _SHARE.fullmatch(child.get("style") or "") if isinstance(child.tag, str) else None
        classes = (child.get("class") or "").split() if match else []
        if match is None or "column" not in classes or (child.tail or "").strip():
            return []
        if float(match.group(1)) <= 0:
            return []
        shares.append(match.group(1))
    return shares
