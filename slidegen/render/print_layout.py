"""Print-only layout rules that give WeasyPrint the same boxes with far fewer layout passes.

WeasyPrint lays out every flex item several times (its automatic minimum height, its
content-sized flex basis, its hypothetical cross size, then for real), and a grid item twice,
so nested containers multiply: the slide contract nests five (slide, columns, column, KPI
row, KPI tile), and a line of a KPI tile was laid out about fifty times (1-6 s per slide).

The rules below replace a container or a property only where the result is the same box
geometry, which is checked on the deck's own computed styles (a probe slide printed with the
style) before a rule is used:

- a KPI tile that is a flex column of non-growing children with no margins is a block whose
  children are blocks separated by the tile's gap;
- a flex item whose minimum height is `auto` and that never grows past or shrinks below its
  content gets `min-height: 0; flex-shrink: 0` (the same size, without the extra layout); a
  row's items get `min-height: 0` (browsers give cross-axis items no automatic minimum);
- the slide's one growing area (`.columns`) gets a zero flex basis: as the only item that
  grows, it takes exactly what is left either way; so does the one filling card of a column
  (it ends as tall as what the others leave or as its content, whichever is taller), in a
  column whose other items are content-sized;
- in a column that stays a flex column, the content-sized items without an inline style get
  `min-height: 0; flex-shrink: 0` as the slide's header items do;
- a KPI tile whose items are reordered or have margins is a one-column grid instead;
- a column of cards, KPI rows and tables none of which grows or has margins is a block whose
  children are separated by the column's gap (a flex column whose items do not grow stacks
  them the same way, each as wide as the column); its cards are `flow-root`, so that, like
  flex items, they keep their children's margins inside.

Two more are fidelity fixes, where WeasyPrint's own boxes differ from Chromium's:

- a KPI row whose tiles share it equally from a zero basis is a grid of equal tracks (a flex
  row took its height from tiles laid out at another width: a two-line label counted as one);
- the row of columns that is the slide's growing area has its columns placed absolutely at
  their shares (render/placed_columns, applied to the slide's HTML): each is laid out once, at its
  own width (in a flex row of zero-basis columns, `display: flex` and `flex: 2 1 0` inline as
  the offline engine writes them, WeasyPrint laid out what a column holds at the row's width;
  a grid item is laid out once more to size its row, whatever the row's sizing).

Anything else (another style's structure, an inline style on a child) keeps the deck's own
layout. tests/unit/test_print_layout.py compares the box geometry with and without these rules.
"""

from __future__ import annotations

from typing import Any

PROBE_HTML = (
    '<section class="slide"><h1>Probe</h1><p class="subtitle">Probe</p>'
    '<div class="kpis"><div class="kpi"><span class="kpi-value">1</span>'
    '<span class="kpi-label">Probe</span><span class="kpi-delta">+1</span></div>'
    '<div class="kpi"><span class="kpi-value">2</span><span class="kpi-label">Probe</span></div>'
    '</div><div class="columns"><div class="column"><div class="kpis"><div class="kpi">'
    '<span class="kpi-value">3</span></div></div><div class="card"><p>Probe</p></div>'
    "<table><tr><td>1</td></tr></table></div>"
    '<div class="column"><figure class="chart"></figure></div></div></section>'
)
CHART_WIDTH = (
    # WeasyPrint resolves a chart's width:100% in a column against the slide's width (the
    # chart spread over the next column); stretched (auto) it is the column's width, as
    # Chromium draws it. Not a speed rule: a fidelity fix, used when the two are the same.
    ".slide .column>figure.chart{width:auto}"
)
# The slide contract's plain content slide: title, subtitle, KPI row and one growing area.
PLAIN_SLIDE = 'section[class="slide"]'
HEADER_ITEMS = ("h1", "subtitle", "kpis")
COLUMN_ITEMS = ("card", "kpis", "table")
COLUMN_SELECTORS = {"card": ".card", "kpis": ".kpis", "table": "table"}
Styles = dict[str, Any]


def probe_styles(document: Any) -> Styles:
    """Return the computed style of each probe element, by class (or tag when it has none)."""
    found: Styles = {}

    def walk(box: Any, parent: str) -> None:
        element = getattr(box, "element", None)
        if element is not None and getattr(box, "element_tag", None):
            name = (element.get("class") or box.element_tag).split()[0]
            key = f"{parent}>{name}"
            if box.element_tag == "table" or not getattr(box, "pseudo_type", None):
                found.setdefault(key, box.style)
                found.setdefault(f"{key}*", []).append(box.style)  # every one, in order
                parent = name if box.element_tag != "table" else parent
        for child in getattr(box, "children", None) or []:
            walk(child, parent)

    for page in document.pages:
        walk(page._page_box, "")
    return found


def layout_css(styles: Styles) -> str:
    """Return the rules that keep this style's geometry with fewer layout passes."""
    rules = []
    kpi = styles.get("kpis>kpi")
    tile_items = [styles.get(f"kpi>{name}") for name in ("kpi-value", "kpi-label", "kpi-delta")]
    gap = px(kpi["row_gap"]) if kpi is not None else float("nan")
    if _flex_column(kpi) and all(_still(s) for s in tile_items) and gap == gap:  # not NaN
        rules.append(
            ".slide .kpi{display:block}.slide .kpi>*{display:block}"
            f".slide .kpi>*+*{{margin-top:{gap:g}px}}"
        )
    elif _flex_column(kpi) and all(_placed(s) for s in tile_items):
        # Reordered or with margins: a one-column grid keeps order, margins and the gap.
        rules.append(
            ".slide .kpi{display:grid;grid-template-columns:minmax(0,1fr);align-content:start}"
        )
    rows = [styles.get("slide>kpis"), styles.get("column>kpis")]
    if all(_flex(row, "row") for row in rows):
        rules.append(".slide .kpis>*{min-height:0}")
        if all(stretches(row) for row in rows) and _equal_shares(styles.get("kpis>kpi*", [])):
            # Fidelity and speed: WeasyPrint sized a row's height by its tiles laid out at
            # another width (a label on two lines counted as one: the tile ended inside its
            # text); a grid row is as tall as its tallest tile, as in Chromium, in fewer passes.
            rules.append(
                ".slide .kpis:not(:has(>:not(.kpi),>[style])){display:grid;"
                "grid-auto-flow:column;grid-auto-columns:minmax(0,1fr);"
                "grid-template:none}"
            )
    slide = styles.get("body>slide")
    header = [styles.get(f"slide>{name}") for name in HEADER_ITEMS]
    if _flex_column(slide) and all(_content_sized(s) for s in header):
        rules.append(f"{PLAIN_SLIDE}>:is(h1,.subtitle,.kpis){{min-height:0;flex-shrink:0}}")
        columns = styles.get("slide>columns")
        if columns is not None and columns["flex_grow"] > 0 and px(columns["min_height"]) == 0:
            others = "h1,.subtitle,.kpis,.columns,footer,aside"
            rules.append(
                f"{PLAIN_SLIDE}:not(:has(>:not({others}),>:not(.columns)[style]))>.columns"
                "{flex-basis:0}"
            )
    column = styles.get("columns>column")
    items = [styles.get(f"column>{name}") for name in COLUMN_ITEMS]
    gap = px(column["row_gap"]) if column is not None else float("nan")
    if _flex_column(column) and all(_still(s) for s in items) and gap == gap:
        still = ".slide .column:not(:has(>:not(.card,.kpis,table),>[style]))"
        # A flex item holds its children's margins (its own formatting context): flow-root.
        rules.append(
            f"{still}{{display:block}}{still}>*+*{{margin-top:{gap:g}px}}"
            f"{still}>.card{{display:flow-root}}"
        )
    rules += _column_item_rules(column, styles)
    chart = styles.get("column>chart")
    if _flex_column(column) and chart is not None and _full_width(chart):
        rules.append(CHART_WIDTH)
    return "".join(rules)


def _column_item_rules(column: Any, styles: Styles) -> list[str]:
    """Rules for the items of a column that stays a flex column (one of them fills it).

    Only items the style keeps content-sized take part (a table that clips, for one, can
    shrink below its rows, so a column holding it keeps the style's own layout).
    """
    if not _flex_column(column):
        return []
    sized = [n for n in COLUMN_ITEMS if _content_sized(styles.get(f"column>{n}"), grows=True)]
    allowed = ",".join(COLUMN_SELECTORS[n] for n in sized)
    rules = []
    if "card" in sized:
        # The one card with an inline style (flex: 1 1 auto: it fills the column) among
        # content-sized cards, KPI rows and tables ends as tall as what the others leave or
        # as its content, whichever is taller, with any basis: zero spares a layout.
        lone = f".slide .column:not(:has(>:not({allowed}),>[style]~[style]))"
        rules.append(f'{lone}>.card[style]:not([style*="height"]){{flex-basis:0 !important}}')
    still = [n for n in sized if _content_sized(styles.get(f"column>{n}"))]
    if still:
        # Items that do not grow keep their content's height either way (see the header
        # rule); an inline style may make one grow, so those keep the automatic minimum.
        items = ",".join(COLUMN_SELECTORS[n] for n in still)
        flexed = '.slide .column:not([style*="direction"],[style*="flow"])'
        rules.append(f"{flexed}>:is({items}):not([style]){{min-height:0;flex-shrink:0}}")
    return rules


def _full_width(style: Any) -> bool:
    """width:100% that is the stretched width: no side margins, border-box or no padding."""
    sides = ("padding_left", "padding_right", "border_left_width", "border_right_width")
    return (
        getattr(style["width"], "unit", None) == "%"
        and style["width"].value == 100
        and all(style[m] != "auto" and px(style[m]) == 0 for m in ("margin_left", "margin_right"))
        and (style["box_sizing"] == "border-box" or all(px(style[p]) == 0 for p in sides))
        and style["align_self"] in {("auto",), ("normal",), ("stretch",)}
    )


def stretches(style: Any) -> bool:
    """A flex row that stretches its items to its height (packing does not matter here)."""
    return style["align_items"] in {("normal",), ("stretch",)} and style["align_content"] in {
        ("normal",),
        ("stretch",),
    }


def _equal_shares(tiles: list[Any]) -> bool:
    """Row items that share the row equally from a zero basis, as grid columns of 1fr do.

    Equal growth, a zero basis and no minimum width: each takes its share of what is left
    after the same padding and borders (checked on every tile of the probe's row), whatever
    its content; no margins, no maximum, in flow and stretched.
    """
    if not tiles:
        return False
    edges = (
        "padding_left",
        "padding_right",
        "border_left_width",
        "border_right_width",
    )
    first = tiles[0]
    return all(
        tile["flex_grow"] == first["flex_grow"] > 0
        and px(tile["flex_basis"]) == 0
        and px(tile["min_width"]) == 0
        and px(tile["max_width"]) == float("inf")
        and all(tile[m] != "auto" and px(tile[m]) == 0 for m in ("margin_left", "margin_right"))
        and all(px(tile[e]) == px(first[e]) for e in edges)
        and tile["width"] == "auto"
        and tile["order"] == 0
        and tile["position"] == "static"
        and tile["float"] == "none"
        and tile["align_self"] in {("auto",), ("normal",), ("stretch",)}
        for tile in tiles
    )


def _flex(style: Any, direction: str) -> bool:
    return (
        style is not None
        and style["display"] == ("block", "flex")
        and style["flex_direction"] == direction
        and style["flex_wrap"] == "nowrap"
    )


def _flex_column(style: Any) -> bool:
    """A single-line flex column that packs its items at the start and stretches them."""
    return (
        _flex(style, "column")
        and style["justify_content"] in {("normal",), ("flex-start",), ("start",)}
        and style["align_items"] in {("normal",), ("stretch",)}
    )


def _still(style: Any) -> bool:
    """An item in source order that neither grows nor has margins (absent ones do not matter)."""
    if style is None:
        return True
    margins = ("margin_top", "margin_bottom", "margin_left", "margin_right")
    return (
        style["flex_grow"] == 0
        and style["order"] == 0
        and all(style[m] != "auto" and px(style[m]) == 0 for m in margins)
        and style["align_self"] in {("auto",), ("normal",), ("stretch",)}
        and style["position"] == "static"
        and style["float"] == "none"
    )


def _placed(style: Any) -> bool:
    """An item that does not grow, is in flow and is stretched across (order, margins: any)."""
    if style is None:
        return True
    margins = ("margin_top", "margin_bottom", "margin_left", "margin_right")
    return (
        style["flex_grow"] == 0
        and all(style[m] != "auto" for m in margins)
        and style["align_self"] in {("auto",), ("normal",), ("stretch",)}
        and style["position"] == "static"
        and style["float"] == "none"
    )


def _content_sized(style: Any, *, grows: bool = False) -> bool:
    """A flex item whose min-height:auto keeps it at least as tall as its content."""
    if style is None:
        return True
    return (
        (grows or style["flex_grow"] == 0)
        and style["flex_basis"] == "auto"
        and style["height"] == "auto"
        and style["min_height"] == "auto"
        and style["overflow"] == "visible"
        and style["position"] == "static"
    )


def px(value: Any) -> float:
    """A computed length in px (0 for `normal` and zero lengths); NaN for anything else."""
    if value == "normal":
        return 0.0
    if isinstance(value, (int, float)):  # border widths are computed as plain pixels
        return float(value)
    if getattr(value, "unit", None) == "px":
        return float(value.value)
    if getattr(value, "value", None) == 0:
        return 0.0
    return float("nan")  # em, % or auto: not a length the rules can use
