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
    gap = _px(kpi["row_gap"]) if kpi is not None else float("nan")
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
    if _flex(styles.get("slide>kpis"), "row") and _flex(styles.get("column>kpis"), "row"):
        rules.append(".slide .kpis>*{min-height:0}")
    slide = styles.get("body>slide")
    header = [styles.get(f"slide>{name}") for name in HEADER_ITEMS]
    if _flex_column(slide) and all(_content_sized(s) for s in header):
        rules.append(f"{PLAIN_SLIDE}>:is(h1,.subtitle,.kpis){{min-height:0;flex-shrink:0}}")
        columns = styles.get("slide>columns")
        if columns is not None and columns["flex_grow"] > 0 and _px(columns["min_height"]) == 0:
            others = "h1,.subtitle,.kpis,.columns,footer,aside"
            rules.append(
                f"{PLAIN_SLIDE}:not(:has(>:not({others}),>:not(.columns)[style]))>.columns"
                "{flex-basis:0}"
            )
    column = styles.get("columns>column")
    items = [styles.get(f"column>{name}") for name in COLUMN_ITEMS]
    gap = _px(column["row_gap"]) if column is not None else float("nan")
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
        and all(style[m] != "auto" and _px(style[m]) == 0 for m in ("margin_left", "margin_right"))
        and (style["box_sizing"] == "border-box" or all(_px(style[p]) == 0 for p in sides))
        and style["align_self"] in {("auto",), ("normal",), ("stretch",)}
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
        and all(style[m] != "auto" and _px(style[m]) == 0 for m in margins)
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


def _px(value: Any) -> float:
    if value == "normal":
        return 0.0
    if getattr(value, "unit", None) == "px":
        return float(value.value)
    if getattr(value, "value", None) == 0:
        return 0.0
    return float("nan")  # em, % or auto: not a length the rules can use
