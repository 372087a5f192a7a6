"""Layout checks put an empty SVG in each chart's place: the same box as the drawn chart.

Drawing a chart costs ~0.25 s in vl-convert, and the layout check only needs its box. Slides
with charts of every type (beside cards, under KPI tiles, alone, in a fixed-height figure) are
laid out in every shipped style twice, with drawn and with empty charts; every element's box
and every line of text must be where it was.
"""

from __future__ import annotations

import re
from typing import Any

import pytest

from slidegen.deck import ChartSpec, Slide
from slidegen.llm.offline_slides import Card, Kpi, chart_slide, kpi_chart_slide
from slidegen.render.charts import palette_from_css
from slidegen.render.document import slide_body
from slidegen.render.layout_check import layout_pages
from tests.export_corpus import STYLES

KPIS = [Kpi("$711K", "Cost"), Kpi("$70.8K", "October", "+5.1%", False)]
CARD = Card("Spend is growing", ["$45.8K in Nov, $70.8K in Oct", "+54.7% over the period"])
MONTHS = ["Nov", "Dec", "Jan", "Feb", "Mar", "Apr"]
VALUES = [45.8, 43.0, 50.6, 48.7, 65.3, 60.2]
FIGURE = '<figure class="chart" data-chart-id="{}"></figure>'


def spec(kind: str, chart_id: str) -> ChartSpec:
    categories: list[Any] = [1, 2, 3, 4, 5, 6] if kind == "scatter" else MONTHS
    series = [{"name": "Cost", "values": VALUES}, {"name": "DBUs", "values": VALUES[::-1]}]
    return ChartSpec(
        chart_id=chart_id, type=kind, title="Monthly cost", categories=categories, series=series
    )


def chart_slides() -> list[Slide]:
    """Charts where the slide contract puts them, and in figures the style does not size."""
    placed = FIGURE.format("c1")
    html = [
        kpi_chart_slide("Spend", KPIS, {}, [CARD], "Source", ""),
        chart_slide("Spend", {}, CARD, "Source", ""),
        f'<section class="slide"><h1>Alone</h1>{placed}</section>',
        f'<section class="slide"><h1>Fixed</h1><div style="height:240px;width:300px">{placed}'
        "</div></section>",
    ]
    html = [re.sub(r'<figure class="chart"[^>]*></figure>', placed, h) for h in html]
    kinds = ["column", "pie", "line", "bar"]
    return [Slide(html=h, charts=[spec(k, "c1")]) for h, k in zip(html, kinds, strict=True)]


def geometry(page: Any) -> list[tuple]:
    """Every box's tag, class and border box, and every text's string, in tree order."""
    found: list[tuple] = []

    def walk(box: Any) -> None:
        rect = (box.border_box_x(), box.border_box_y(), box.border_width(), box.border_height())
        element = getattr(box, "element", None)
        name = element.get("class") if element is not None else None
        found.append((type(box).__name__, getattr(box, "text", name), *map(round3, rect)))
        for child in getattr(box, "children", None) or []:
            walk(child)

    walk(page)
    return found


def round3(value: float) -> float:
    return round(value, 3)


@pytest.mark.parametrize("style", sorted(STYLES))
def test_an_empty_chart_svg_takes_the_drawn_chart_s_box(style: str) -> None:
    css, slides = STYLES[style], chart_slides()
    palette = palette_from_css(css)
    drawn = layout_pages(css, [slide_body(s, palette) for s in slides])
    empty = layout_pages(css, [slide_body(s, palette, draw_charts=False) for s in slides])
    assert len(drawn) == len(empty) == len(slides)
    for number, (before, after) in enumerate(zip(drawn, empty, strict=True), 1):
        expected, got = geometry(before), geometry(after)
        assert sum(1 for box in got if box[0].endswith("ReplacedBox")) == 1
        moved = [(e, g) for e, g in zip(expected, got, strict=True) if e != g]
        assert len(got) == len(expected), f"{style} slide {number}"
        assert not moved, f"{style} slide {number}: {moved[:3]}"


def test_a_chart_that_cannot_be_drawn_is_its_fallback_table_either_way() -> None:
    bad = ChartSpec(
        chart_id="c1", type="line", categories=["a"], series=[{"name": "x", "values": [1, 2]}]
    )
    slide = Slide(html=f'<section class="slide">{FIGURE.format("c1")}</section>', charts=[bad])
    palette = palette_from_css("")
    drawn, empty = slide_body(slide, palette), slide_body(slide, palette, draw_charts=False)
    assert drawn == empty
    assert 'class="chart-fallback"' in empty
