"""The PDF's print-only layout rules: same boxes and lines as the deck's own CSS, only faster.

Slides are built by the offline engine's own layout functions (KPI rows above filling cards,
a table beside a filling card, KPI tiles inside columns) and printed in every shipped style
twice, with and without the rules of slidegen/render/print_layout.py; WeasyPrint's boxes are
compared: every element's border box and every line of text must be where it was.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from weasyprint.formatting_structure import boxes

from slidegen.deck import Deck, Slide
from slidegen.export.pdf import layout_pages
from slidegen.llm.offline_slides import (
    Card,
    Kpi,
    card_html,
    comparison_slide,
    kpi_chart_slide,
    kpi_slide,
    kpis_html,
    table_html,
    table_slide,
)
from slidegen.render.placed_columns import PLACED, Placement, place_columns
from slidegen.render.print_layout import PROBE_HTML
from slidegen.seed_content.css import DATA_DENSE_CSS, MIDNIGHT_CSS, SYSTEM_DEFAULT_CSS
from tests.export_corpus import STYLES

KPIS = [Kpi("$711K", "Cost"), Kpi("2.85M", "DBUs"), Kpi("$70.8K", "October", "+5.1%", False)]
CARDS = [
    Card("Spend is growing", ["$45.8K in Nov, $70.8K in Oct", "+54.7% over the period"]),
    Card("An optimisation is paying off", text="Cost per DBU fell from $0.36 to $0.27."),
]
ROWS = [
    ["prod-ml", "$20.0K", "+7.8%"],
    ["Jobs Compute", "$19.1K", "+6.7%"],
    ["DLT", "$10.1K", "+5.4%"],
]


def offline_slides() -> list[Slide]:
    """The offline engine's nested layouts, with labels short enough for one line."""
    table = table_html(["Workspace", "Cost", "Change"], ROWS, {0})
    html = [
        kpi_slide("Spend reached $70.8K a month", KPIS, CARDS, "Source: sample", ""),
        table_slide("prod-ml is the largest mover", table, CARDS[0], "Source: sample", ""),
        comparison_slide(
            "Before and after", (KPIS[0], CARDS[0]), (KPIS[2], CARDS[1]), "Source: sample", ""
        ),
        # Cards that do not fill their column, beside a chart's figure (left empty here).
        kpi_chart_slide("Spend is growing", KPIS, {"type": "line"}, CARDS, "Source: sample", ""),
        # Flex columns with items that do not grow beside the card that fills: a table (which
        # clips in some styles), and a KPI row above a plain card.
        '<section class="slide"><h1>Mixed columns</h1><div class="columns">'
        f'<div class="column">{table}{card_html(CARDS[0], fill=True, larger=False)}</div>'
        f'<div class="column">{kpis_html(KPIS[:1])}{card_html(CARDS[1])}'
        f"{card_html(CARDS[0], fill=True)}</div></div></section>",
    ]
    return [Slide(html=h) for h in html]


def geometry(page: Any) -> list[tuple]:
    """Every element's border box and every text line's position, in tree order."""
    found: list[tuple] = []

    def walk(box: Any) -> None:
        if isinstance(box, boxes.TextBox):
            found.append(("text", box.text, round(box.position_x, 2), round(box.position_y, 2)))
        elif box.element_tag == "figure":
            return  # WeasyPrint's own chart width is wrong: see the test below
        elif getattr(box, "element_tag", None) and not isinstance(
            box, (boxes.LineBox, boxes.InlineBox)
        ):
            found.append(
                (
                    box.element_tag,
                    box.element.get("class"),
                    round(box.border_box_x(), 2),
                    round(box.border_box_y(), 2),
                    round(box.border_width(), 2),
                    round(box.border_height(), 2),
                )
            )
        for child in getattr(box, "children", None) or []:
            walk(child)

    walk(page._page_box)
    return found


@pytest.mark.parametrize("style", sorted(STYLES))
def test_print_layout_keeps_every_box_and_line_where_the_style_puts_it(style: str) -> None:
    deck = Deck(title="Layout", css=STYLES[style], slides=offline_slides())
    plain = layout_pages(deck, print_layout=False)
    fast = layout_pages(deck)
    assert len(plain) == len(fast) == 5
    for number, (before, after) in enumerate(zip(plain, fast, strict=True), 1):
        expected, got = geometry(before), geometry(after)
        assert len(got) == len(expected) > 20
        moved = [(e, g) for e, g in zip(expected, got, strict=True) if e != g]
        assert not moved, f"{style} slide {number}: {moved[:3]}"


def _boxes(page: Any, name: str) -> list[Any]:
    found = []

    def walk(box: Any) -> None:
        element = getattr(box, "element", None)
        if (
            element is not None
            and name in (element.get("class") or "").split()
            and not isinstance(box, (boxes.LineBox, boxes.TextBox, boxes.InlineBox))
        ):
            found.append(box)
            return
        for child in getattr(box, "children", None) or []:
            walk(child)

    walk(page._page_box)
    return found


def test_a_kpi_label_on_two_lines_pushes_the_delta_below_it_as_chromium_does() -> None:
    """Chromium 1280x720, System Default: label 198.3-240.3 px, delta from 246.3 px.

    WeasyPrint's own flex column gives the label box one line's height while its text takes
    two, and draws the delta over the second line; the print layout must not.
    """
    html = kpi_slide(
        "Spend reached $70.8K a month in Oct 2026",
        [Kpi("$7.6K", "Excess cost, dev-sandbox", "10 days", False), *KPIS[:3]],
        CARDS,
        "Source: sample",
        "",
    )
    deck = Deck(title="KPI", css=SYSTEM_DEFAULT_CSS, slides=[Slide(html=html)])
    [page] = layout_pages(deck)
    label, delta = _boxes(page, "kpi-label")[0], _boxes(page, "kpi-delta")[0]
    label_lines = [line for line in label.children if isinstance(line, boxes.LineBox)]
    assert len(label_lines) == 2
    assert label.border_box_y() == pytest.approx(198.3, abs=0.5)
    assert label.border_height() == pytest.approx(42.0, abs=0.5)
    assert delta.border_box_y() == pytest.approx(246.3, abs=0.5)
    assert delta.border_box_y() >= label_lines[-1].position_y + label_lines[-1].height


@pytest.mark.parametrize(
    ("css", "kept"),
    [
        (DATA_DENSE_CSS, "order: the label is drawn above the value"),
        (MIDNIGHT_CSS, "the delta is a pill: align-self and a margin"),
        (SYSTEM_DEFAULT_CSS + ".slide .kpi{flex-direction:row}", "a tile laid out as a row"),
        (SYSTEM_DEFAULT_CSS + ".slide .kpi{justify-content:center}", "centred in the tile"),
    ],
)
def test_a_kpi_tile_the_rules_cannot_copy_keeps_the_style_s_flex_layout(
    css: str, kept: str
) -> None:
    from slidegen.export.pdf import _Engine

    assert ".kpi{display:block}" not in _Engine(css).layout_css, kept
    assert ".kpi{display:block}" in _Engine(SYSTEM_DEFAULT_CSS).layout_css


def test_a_column_holding_a_table_that_clips_keeps_the_style_s_flex_layout() -> None:
    """Midnight's table clips (overflow: hidden), so it may shrink below its rows: the card
    beside it keeps its flex basis and the table its automatic minimum height."""
    from slidegen.export.pdf import _Engine

    midnight, plain = _Engine(MIDNIGHT_CSS).layout_css, _Engine(SYSTEM_DEFAULT_CSS).layout_css
    assert ":not(.card,.kpis),>[style]~[style]" in midnight
    assert ">:is(.card,.kpis):not([style]){min-height:0" in midnight
    assert ">:is(.card,.kpis,table):not([style]){min-height:0" in plain


def test_a_style_without_the_slide_contract_gets_no_rules() -> None:
    from slidegen.export.pdf import _Engine

    assert _Engine("").layout_css == ""
    assert 'class="kpis"' in PROBE_HTML


@pytest.mark.parametrize("style", sorted(STYLES))
def test_a_chart_is_as_wide_as_its_column_not_as_the_slide(style: str) -> None:
    """Chromium stretches figure.chart (width:100%) to its column; WeasyPrint alone took the
    slide's width and drew the chart over the next column (SSIM 0.66 on those slides)."""
    html = kpi_chart_slide("Spend is growing", KPIS, {"type": "line"}, CARDS, "Source", "")
    deck = Deck(title="Chart", css=STYLES[style], slides=[Slide(html=html)])
    [page] = layout_pages(deck)
    [figure] = _boxes(page, "chart")
    column = _boxes(page, "column")[0]
    assert figure.border_box_x() == pytest.approx(column.content_box_x())
    assert figure.border_width() == pytest.approx(column.width)


LONG_LABEL = Kpi("$63.9K", "GenAI cost (Model Serving, Vector Search)")
SPIKE = Kpi("$7.6K", "Excess cost, dev-sandbox", "10 days", False)
MONTHS = Kpi("12 of 12", "Months with a spike, finance-bi")
# Measured in Chromium at 1280x720 (the app's slide document): each KPI row's height and the
# top of the card below it, in px.
CHROMIUM_KPI_ROW = {
    "midnight": ([148.8], [322.8, 322.8]),
    "system_default": ([136.3], [282.3, 282.3]),
    "data_dense": ([79.8], [195.4, 195.4]),
    "minimal": ([104.3], [283.5, 283.5]),
}
CHROMIUM_KPI_COLUMNS = {
    "midnight": ([161.3, 148.8], [327.3, 314.8]),
    "system_default": ([166.1, 136.3], [306.1, 276.3]),
    "data_dense": ([100.0, 79.8], [211.6, 191.4]),
    "minimal": ([130.8, 104.3], [300.0, 273.5]),
}


def _rows_and_cards(html: str, css: str) -> tuple[list[float], list[float]]:
    [page] = layout_pages(Deck(title="KPI", css=css, slides=[Slide(html=html)]))
    rows = [box.border_height() for box in _boxes(page, "kpis")]
    return rows, [box.border_box_y() for box in _boxes(page, "card")]


@pytest.mark.parametrize("style", sorted(STYLES))
def test_a_kpi_row_is_as_tall_as_its_tallest_tile_as_chromium_draws_it(style: str) -> None:
    """WeasyPrint alone sized Midnight's row by a two-line label laid out on one line: the
    tile ended inside its text and the cards below moved up 23 px (SSIM 0.83)."""
    html = kpi_slide("Six use cases", [*KPIS[:2], LONG_LABEL], CARDS, "Source: sample", "")
    rows, cards = _rows_and_cards(html, STYLES[style])
    expected_rows, expected_cards = CHROMIUM_KPI_ROW[style]
    assert rows == pytest.approx(expected_rows, abs=0.5)
    assert cards == pytest.approx(expected_cards, abs=0.5)


@pytest.mark.parametrize("style", sorted(STYLES))
def test_kpis_in_columns_that_share_a_row_are_laid_out_at_their_column_s_width(
    style: str,
) -> None:
    """Columns of `flex: 1 1 0` beside a chart: WeasyPrint alone laid their KPI rows out at
    the whole row's width (the labels on one line) in System Default and Midnight."""
    html = comparison_slide(
        "Challenges", (SPIKE, CARDS[0]), (MONTHS, CARDS[1]), "Source: sample", "", {"type": "line"}
    )
    rows, cards = _rows_and_cards(html, STYLES[style])
    expected_rows, expected_cards = CHROMIUM_KPI_COLUMNS[style]
    assert rows == pytest.approx(expected_rows, abs=0.5)
    assert cards == pytest.approx(expected_cards, abs=0.5)


def test_only_the_slide_s_growing_row_of_columns_is_placed() -> None:
    plan = Placement(gap=20.0, plain=True, shares=True)
    row = (
        '<section class="slide"><h1>T</h1><div class="columns" style="display: flex">'
        '<div class="column" style="flex: 2 1 0">a</div> '
        '<div class="column" style="flex: 1 1 0px">b</div></div></section>'
    )
    placed = place_columns(row, plan)
    assert '<div class="columns" style="display:block;position:relative">' in placed
    first = "position:absolute;top:0;bottom:0;left:0;width:calc((100% - 20px) * 2/3)"
    assert f'style="{first};box-sizing:border-box" {PLACED}="">a</div>' in placed
    assert "left:calc((100% - 20px) * 2/3 + 20px);width:calc((100% - 20px) * 1/3)" in placed
    plain = re.sub(r' style="[^"]*"', "", row)
    assert "left:calc((100% - 20px) * 1/2 + 20px);width:calc((100% - 20px) * 1/2)" in (
        place_columns(plain, plan)
    )
    kept = [
        row.replace("display: flex", "display: flex; gap: 4px"),  # another inline rule
        row.replace("flex: 1 1 0px", "flex: 1 1 auto"),  # a content basis
        row.replace("flex: 2 1 0", "flex: 0 1 0"),  # a column that does not grow
        row.replace("</div> <div", "</div>text<div"),  # text in the row
        row.replace('<div class="column" style="flex: 2 1 0">', '<div style="flex: 2 1 0">'),
        row.replace('class="slide"', 'class="slide closing-slide"'),  # not the growing area
        row.replace("<h1>T</h1>", "<h1>T</h1><p>a paragraph</p>"),  # content-sized rows
        row.replace("<h1>T</h1>", '<h1 style="flex: 1">T</h1>'),
        row.replace("<h1>T</h1>", '<h1>T</h1><div class="card">').replace(
            "</section>", "</div></section>"
        ),  # nested
        plain.replace('<div class="column">a', '<div class="column" style="order: 2">a'),
    ]
    for html in kept:
        assert place_columns(html, plan) == html, html
    assert place_columns(row, None) == row
    assert place_columns(row, Placement(20.0, plain=True, shares=False)) == row
    assert place_columns(plain, Placement(20.0, plain=False, shares=True)) == plain
    from slidegen.export.pdf import _Engine

    # Minimal's columns have a right padding (their divider): its own equal grid tracks can
    # be placed (border-box widths), a flex row's zero-basis shares cannot.
    padded = SYSTEM_DEFAULT_CSS + ".slide .columns{padding:0 8px}"
    assert _Engine(padded).placement is None  # tracks would start 8 px further in
    plans = {name: _Engine(css).placement for name, css in STYLES.items()}
    assert {name: (p.plain, p.shares) for name, p in plans.items()} == {
        "minimal": (True, False),
        "midnight": (True, True),
        "system_default": (True, True),
        "data_dense": (True, True),
    }
