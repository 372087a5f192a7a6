"""The PowerPoint export, read back with python-pptx: the real objects must match the deck."""

from __future__ import annotations

import io

import pytest
from lxml import html as lxml_html
from pptx import Presentation
from pptx.enum.chart import XL_CHART_TYPE
from pptx.enum.shapes import MSO_SHAPE_TYPE
from pptx.oxml.ns import qn

from slidegen.deck import ChartSeries, ChartSpec, Deck, Slide
from slidegen.export.pptx import export_pptx
from slidegen.seed_content.css import SYSTEM_DEFAULT_CSS
from tests.export_corpus import STYLES, corpus_deck, png_data_uri

EMU_PER_PX = 9525


def _open(deck: Deck) -> tuple[Presentation, list[str]]:
    result = export_pptx(deck)
    return Presentation(io.BytesIO(result.data)), result.warnings


def _texts(slide) -> list[str]:
    return [s.text_frame.text for s in slide.shapes if s.has_text_frame and s.text_frame.text]


def _by_kind(slide, kind) -> list:
    return [s for s in slide.shapes if s.shape_type == kind]


def _find(deck: Deck, fragment: str) -> int:
    return next(i for i, s in enumerate(deck.slides) if fragment in s.html)


@pytest.fixture(scope="module")
def corpus() -> tuple[Deck, Presentation, list[str]]:
    deck = corpus_deck(SYSTEM_DEFAULT_CSS)
    prs, warnings = _open(deck)
    return deck, prs, warnings


def test_slides_size_order_title_and_notes(corpus) -> None:
    deck, prs, warnings = corpus
    assert (prs.slide_width, prs.slide_height) == (12192000, 6858000)
    assert prs.core_properties.title == deck.title
    assert len(prs.slides) == len(deck.slides) and warnings == []
    for source, slide in zip(deck.slides, prs.slides, strict=True):
        title = lxml_html.fromstring(source.html).findtext(".//h1")
        if title:
            assert title in _texts(slide)
        notes = slide.notes_slide.notes_text_frame.text if slide.has_notes_slide else ""
        assert notes == source.notes
    # Every shape lies on the slide.
    for slide in prs.slides:
        for shape in slide.shapes:
            assert shape.left >= 0 and shape.left + shape.width <= prs.slide_width + EMU_PER_PX
            assert shape.top >= 0 and shape.top + shape.height <= prs.slide_height + EMU_PER_PX


def test_title_text_position_font_and_colour(corpus) -> None:
    _, prs, _ = corpus
    title = _by_kind(prs.slides[0], MSO_SHAPE_TYPE.TEXT_BOX)[0]
    # .slide.title-slide: padding 80px 160px 110px 140px; h1 62px bold navy, max-width 960px
    assert title.left == 140 * EMU_PER_PX and title.width == 960 * EMU_PER_PX
    run = title.text_frame.paragraphs[0].runs[0]
    assert run.font.size.pt == 46.5 and run.font.bold and str(run.font.color.rgb) == "14213D"
    assert run.font.name == "Arial"  # mapped from the style's font stack


def test_lists_have_levels_and_markers(corpus) -> None:
    deck, prs, _ = corpus
    slide = prs.slides[_find(deck, "<h1>Budget risks</h1><ol>")]
    body = next(s for s in slide.shapes if s.has_text_frame and "Serverless growth" in s.text)
    paras = body.text_frame.paragraphs
    assert [p.text for p in paras] == [
        "Serverless growth",
        "+41% DBUs quarter on quarter",
        "No per-team quota yet",
        "Model Serving endpoints left running",
        "Untagged clusters: 12% of cost",
    ]
    assert [p.level for p in paras] == [0, 1, 1, 0, 0]
    numbered = paras[0]._p.pPr.find(qn("a:buAutoNum"))
    assert numbered is not None and numbered.get("startAt") == "1"
    assert paras[3]._p.pPr.find(qn("a:buAutoNum")).get("startAt") == "2"
    assert paras[1]._p.pPr.find(qn("a:buChar")) is not None
    runs = {r.text: r.font for r in paras[3].runs + paras[4].runs}
    assert runs["Model Serving"].bold and runs["Untagged"].italic


def test_kpis_are_boxes_with_their_values(corpus) -> None:
    deck, prs, _ = corpus
    slide = prs.slides[_find(deck, 'class="kpis"')]
    texts = [t for t in _texts(slide) if "\n" in t]
    assert [t.split("\n")[0] for t in texts] == ["$820K", "2.79M", "-1.0%", "38%"]
    lefts = sorted({s.left for s in slide.shapes if s.has_text_frame and s.text in texts})
    assert len(lefts) == 4  # side by side, not stacked
    green = [
        r
        for s in slide.shapes
        if s.has_text_frame
        for p in s.text_frame.paragraphs
        for r in p.runs
        if r.text == "falling cost"
    ]
    assert str(green[0].font.color.rgb) == "17804F"  # .kpi-delta.up: var(--positive)


def test_charts_are_native_with_the_spec_data(corpus) -> None:
    deck, prs, _ = corpus
    kinds = {
        "line": XL_CHART_TYPE.LINE_MARKERS,
        "bar": XL_CHART_TYPE.BAR_CLUSTERED,
        "pie": XL_CHART_TYPE.PIE,
        "stacked": XL_CHART_TYPE.COLUMN_STACKED,
        "scatter": XL_CHART_TYPE.XY_SCATTER,
    }
    seen = set()
    for source, slide in zip(deck.slides, prs.slides, strict=True):
        frames = [s for s in slide.shapes if s.has_chart]
        assert len(frames) == len(source.charts)
        for spec, frame in zip(source.charts, frames, strict=True):
            chart, seen = frame.chart, seen | {spec.type}
            assert chart.chart_type == kinds[spec.type]
            plot = chart.plots[0]
            if spec.type != "scatter":
                assert list(plot.categories) == [str(c) for c in spec.categories]
            expected = spec.series[:1] if spec.type == "pie" else spec.series
            assert [list(s.values) for s in plot.series] == [s.values for s in expected]
            assert chart.has_title == bool(spec.title)
    assert seen == set(kinds)
    line = next(s for s in prs.slides[_find(deck, "Monthly cost trend")].shapes if s.has_chart)
    assert line.chart.value_axis.tick_labels.number_format == '"$"#,##0'
    assert line.top > 100 * EMU_PER_PX and line.height > 300 * EMU_PER_PX  # fills the space


def test_table_is_native_with_cells_and_header(corpus) -> None:
    deck, prs, _ = corpus
    index = _find(deck, "<table")
    table = _by_kind(prs.slides[index], MSO_SHAPE_TYPE.TABLE)[0].table
    source = lxml_html.fromstring(deck.slides[index].html)
    expected = [[c.text_content() for c in tr] for tr in source.iter("tr")]
    assert [[c.text for c in row.cells] for row in table.rows] == expected
    assert table.first_row
    header = table.cell(0, 0)
    assert str(header.fill.fore_color.rgb) == "14213D"  # thead th: var(--navy)
    number = table.cell(1, 2).text_frame.paragraphs[0]
    assert number.alignment is not None  # td.num aligns right


def test_picture_keeps_its_aspect_ratio(corpus) -> None:
    deck, prs, _ = corpus
    picture = _by_kind(prs.slides[_find(deck, "Architecture")], MSO_SHAPE_TYPE.PICTURE)[0]
    assert abs(picture.width / picture.height - 320 / 180) < 0.01
    assert picture.width <= 320 * EMU_PER_PX  # never upscaled


@pytest.mark.parametrize("style", sorted(STYLES))
def test_every_style_exports_with_its_background(style: str) -> None:
    prs, warnings = _open(corpus_deck(STYLES[style]))
    assert warnings == []
    fill = prs.slides[3].background.fill
    expected = {"midnight": "0B1020", "data_dense": "FFFFFF"}.get(style)
    if expected:
        assert str(fill.fore_color.rgb) == expected


def test_overflowing_text_shrinks_to_stay_on_the_slide() -> None:
    words = " ".join(["Costs rose because serverless usage grew in every workspace."] * 40)
    deck = Deck(css=SYSTEM_DEFAULT_CSS, slides=[Slide(html=f"<h1>Long</h1><p>{words}</p>")])
    prs, _ = _open(deck)
    body = [s for s in prs.slides[0].shapes if s.has_text_frame and "Costs rose" in s.text][0]
    assert body.text_frame.paragraphs[0].runs[0].font.size.pt < 22 * 0.75
    assert body.top + body.height <= prs.slide_height


def test_hostile_and_broken_slides_export_with_warnings() -> None:
    bad_chart = ChartSpec(
        chart_id="c-bad",
        type="scatter",
        categories=["not", "numbers"],
        series=[ChartSeries(name="y", values=[1, 2])],
    )
    deep = "<div>" * 400 + "deep" + "</div>" * 400
    slides = [
        Slide(html="<section class='slide'><h1>Unclosed <b>bold<table><tr><td>x"),
        Slide(html='<figure class="chart" data-chart-id="missing"></figure>'),
        Slide(html='<figure class="chart" data-chart-id="c-bad"></figure>', charts=[bad_chart]),
        Slide(html='<img src="https://example.com/x.png"><img src="data:image/png;base64,AAAA">'),
        Slide(html=f"<script>alert(1)</script><style>p{{}}</style>{deep}"),
        Slide(html="", notes="Only notes"),
        Slide(html=f'<p style="font-size:9999px;color:url(x)">{png_data_uri(4, 4)}</p>'),
    ]
    deck = Deck(title="x" * 1000, css="}{ .slide { color: var(--nope) } @media {", slides=slides)
    prs, warnings = _open(deck)
    assert len(prs.slides) == len(slides)
    assert any(w.startswith("Slide 2:") and "chart" in w for w in warnings)
    assert any(w.startswith("Slide 3:") for w in warnings)
    assert any(w.startswith("Slide 4:") and "image" in w for w in warnings)
    assert "alert" not in " ".join(" ".join(_texts(s)) for s in prs.slides)
    assert prs.slides[5].notes_slide.notes_text_frame.text == "Only notes"


def test_the_picture_fallback_draws_the_same_spec() -> None:
    from PIL import Image

    from slidegen.export.chart import chart_picture
    from slidegen.render.charts import DEFAULT_PALETTE

    spec = ChartSpec(
        type="column", categories=["a", "b"], series=[ChartSeries(name="x", values=[1, 2])]
    )
    with Image.open(chart_picture(spec, DEFAULT_PALETTE, 400, 200)) as image:
        assert image.format == "PNG" and image.size == (800, 400)  # drawn at 2x for sharpness
