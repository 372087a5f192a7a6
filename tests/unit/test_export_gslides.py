"""Google Slides requests from decks: ids, UTF-16 text ranges, tables, notes, hostile text.

The requests are checked as data here; tests/integration/test_google_slides_export.py and
test_google_slides_charts.py send them through the real client to the fake Google.
"""

from __future__ import annotations

import json
import re

from slidegen.deck import ChartSeries, ChartSpec, Deck, Slide
from slidegen.export.gsheets import ChartSheet, chart_sheet_requests, sheets_problem
from slidegen.export.gslides import DrawnCharts, chart_rows, plan_deck
from slidegen.export.gslides_elements import utf16_len
from slidegen.render.charts import DEFAULT_PALETTE
from slidegen.render.parse import parse_deck
from slidegen.seed_content.css import SYSTEM_DEFAULT_CSS
from tests.export_corpus import corpus_deck

OBJECT_ID = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_:-]{4,49}$")  # the Slides API's rule


def _deck(html: str) -> Deck:
    slides = [Slide(html=s.html, charts=s.charts, notes=s.notes) for s in parse_deck(html).slides]
    return Deck(title="t", css=SYSTEM_DEFAULT_CSS, slides=slides)


def test_every_object_id_is_valid_and_unique_across_the_deck() -> None:
    plans = plan_deck(corpus_deck(SYSTEM_DEFAULT_CSS), prefix="sg0123abcd")
    slots = [slot for plan in plans for slot in plan.charts]
    linked = DrawnCharts("sheet1", {slot.object_id: n for n, slot in enumerate(slots)})
    assert slots
    for drawn in (linked, DrawnCharts()):  # charts linked from Sheets, or as tables
        created = [
            body["objectId"]
            for plan in plans
            for request in plan.resolve(drawn)[0]
            for kind, body in request.items()
            if kind in ("createSlide", "createShape", "createTable", "createSheetsChart")
        ]
        assert len(created) == len(set(created)) > len(plans)
        assert all(OBJECT_ID.match(object_id) for object_id in created), created
    assert all(OBJECT_ID.match(object_id) for object_id in created), created
    assert [p.object_id for p in plans] == [f"sg0123abcd_{n}" for n in range(1, len(plans) + 1)]


def test_text_ranges_count_utf16_units_and_cover_the_inserted_text() -> None:
    plans = plan_deck(
        _deck('<div class="slide"><h1>Growth 📈 <b>fast</b> ✓</h1><p>Plain</p></div>'), prefix="sgx"
    )
    requests = plans[0].requests
    inserted = {
        r["insertText"]["objectId"]: r["insertText"]["text"] for r in requests if "insertText" in r
    }
    title = next(oid for oid, text in inserted.items() if text.startswith("Growth"))
    ranges = [
        (
            r["updateTextStyle"]["textRange"]["startIndex"],
            r["updateTextStyle"]["textRange"]["endIndex"],
        )
        for r in requests
        if r.get("updateTextStyle", {}).get("objectId") == title
    ]
    assert ranges[0][0] == 0 and ranges[-1][1] == utf16_len(inserted[title])
    assert utf16_len(inserted[title]) == len(inserted[title]) + 1  # the emoji is two units
    assert all(a[1] == b[0] for a, b in zip(ranges, ranges[1:], strict=False))  # contiguous
    bold = [r for r in requests if r.get("updateTextStyle", {}).get("style", {}).get("bold")]
    assert bold, "the <b> run keeps its weight"


def test_charts_become_tables_of_their_data_and_notes_are_kept() -> None:
    deck = corpus_deck(SYSTEM_DEFAULT_CSS)
    spec = next(c for s in deck.slides for c in s.charts if c.type == "bar")
    rows = chart_rows(spec)
    assert rows[0][1:] == [s.name or f"Series {i}" for i, s in enumerate(spec.series, 1)]
    assert [r[0] for r in rows[1:]] == [str(c) for c in spec.categories][: len(rows) - 1]
    plans = plan_deck(deck, prefix="sgy")
    assert [p.notes for p in plans] == [s.notes.strip() for s in deck.slides]


def test_control_characters_never_reach_a_request() -> None:
    # Slide HTML cannot carry them (the parser refuses them); notes and chart data can.
    chart = ChartSpec(
        chart_id="c1",
        type="bar",
        title="cost\x07 by month",
        categories=["Jan\x1b", "Feb"],
        series=[ChartSeries(name="cost\x00", values=[1.0, 2.0])],
    )
    slide = Slide(
        html='<div class="slide"><figure class="chart" data-chart-id="c1"></figure></div>',
        charts=[chart],
        notes="say\x07 this\r\nthen that",
    )
    plans = plan_deck(Deck(title="t", css=SYSTEM_DEFAULT_CSS, slides=[slide]), prefix="sgz")
    requests = plans[0].resolve(DrawnCharts())[0]  # the chart as its table
    texts = [r["insertText"]["text"] for r in requests if "insertText" in r]
    assert "Jan " in texts and "cost  by month" in texts  # the chart's data arrived, cleaned
    assert not any(re.search(r"[\x00-\x08\x0e-\x1f\x7f]", t) for t in [*texts, plans[0].notes])
    assert plans[0].notes == "say  this\nthen that"
    sheet, _ = chart_sheet_requests(  # the chart drawn by Sheets
        chart, ChartSheet(1, 2, "Slide 1"), palette=DEFAULT_PALETTE, background="FFFFFF",
        size=(800, 400),
    )  # fmt: skip
    sent = json.dumps(sheet, ensure_ascii=False)
    assert "Jan " in sent and "cost by month" in sent  # titles: one line, spaces collapsed
    assert not re.search(r"[\x00-\x08\x0e-\x1f\x7f]", sent)


def test_sheets_cells_carry_text_as_strings_and_numbers_as_numbers() -> None:
    chart = ChartSpec(
        type="column",
        title="=1+1",
        categories=["=SUM(A1:A9)", "+1", "-1", "@x", 2024.0],
        series=[ChartSeries(name='=HYPERLINK("x")', values=[1.5, None, float("nan"), 3, 4])],
    )
    (_, cells, chart_request), _ = chart_sheet_requests(
        chart, ChartSheet(7, 8, "Slide 1"), palette=DEFAULT_PALETTE, background="FFFFFF",
        size=(800, 400),
    )  # fmt: skip
    rows = [[c.get("userEnteredValue") for c in r["values"]] for r in cells["updateCells"]["rows"]]
    assert [r[0] for r in rows] == [
        {"stringValue": "Category"},
        *({"stringValue": v} for v in ["=SUM(A1:A9)", "+1", "-1", "@x", "2024"]),
    ]
    assert rows[0][1] == {"stringValue": '=HYPERLINK("x")'}
    assert [r[1] for r in rows[1:]] == [
        {"numberValue": 1.5}, None, None, {"numberValue": 3}, {"numberValue": 4}
    ]  # fmt: skip
    assert "formulaValue" not in json.dumps([cells, chart_request])
    assert chart_request["addChart"]["chart"]["spec"]["title"] == "=1+1"  # a title, not a cell


def test_what_sheets_cannot_draw_is_said() -> None:
    def spec(kind: str, categories: list[str | float]) -> ChartSpec:
        return ChartSpec(type=kind, categories=categories, series=[ChartSeries(values=[1.0])])

    assert sheets_problem(spec("bar", ["a"])) is None
    assert sheets_problem(spec("scatter", [1.0, "2.5"])) is None
    assert "numbers on its x axis" in (sheets_problem(spec("scatter", ["low"])) or "")
    assert "no categories" in (sheets_problem(spec("line", [])) or "")
