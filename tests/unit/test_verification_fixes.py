"""Direct fixes: corrections written the slide's way, and a chart point placed among its rows."""

from __future__ import annotations

from slidegen.deck import ChartSeries, ChartSpec, Slide
from slidegen.services.verification.extract import parse_numbers
from slidegen.services.verification.fixes import (
    apply_direct_fixes,
    corrected_text,
    direct_fixes,
)
from slidegen.services.verification.service import check_slides

MONTHS = ["2026-01", "2026-02", "2026-03", "2026-04"]
# Two SKUs a month, one of them missing in March: rows are not evenly spaced.
ROWS = [
    ["2026-01", "Jobs", 100.0],
    ["2026-01", "DLT", 7.0],
    ["2026-02", "Jobs", 110.0],
    ["2026-02", "DLT", 8.0],
    ["2026-03", "Jobs", 120.0],
    ["2026-04", "Jobs", 130.0],
    ["2026-04", "DLT", 9.0],
]
RESULTS = [
    {
        "tool": "sql",
        "query": "SELECT month, sku, cost",
        "columns": ["month", "sku", "cost"],
        "rows": ROWS,
    }
]


def chart_slide(values: list[float]) -> Slide:
    chart = ChartSpec(
        type="line",
        categories=["Jan", "Feb", "Mar", "Apr"],  # not how the data writes months
        series=[ChartSeries(name="Jobs", values=values)],
    )
    return Slide(html='<section class="slide"><h1>Jobs</h1></section>', charts=[chart])


def findings_of(slide: Slide):  # noqa: ANN201
    [(findings, _)] = check_slides("", [slide], RESULTS, None)
    return findings


def test_a_wrong_chart_point_gets_the_value_of_its_series_row_between_its_neighbours() -> None:
    slide = chart_slide([100.0, 110.0, 555.0, 130.0])
    wrong = [f for f in findings_of(slide) if f.verdict != "verified"]
    assert [(f.verdict, f.number, f.fix, f.row) for f in wrong] == [("problem", "555", "120", 5)]
    fixes = direct_fixes(slide, wrong)
    assert fixes is not None
    assert apply_direct_fixes(slide, fixes) == ["555 → 120"]
    assert slide.charts[0].series[0].values == [100.0, 110.0, 120.0, 130.0]
    assert all(f.verdict == "verified" for f in findings_of(slide))


def test_no_fix_when_the_series_rows_leave_a_choice() -> None:
    # One matched point does not tell which rows are the series' own: nothing places the rest.
    slide = chart_slide([100.0, 555.0, 666.0, 777.0])
    wrong = [f for f in findings_of(slide) if f.verdict != "verified"]
    assert wrong and all(f.fix is None for f in wrong)
    assert direct_fixes(slide, wrong) is None


def test_corrections_keep_the_written_unit_decimals_and_separators() -> None:
    def fix(text: str, value: float) -> str | None:
        [number] = parse_numbers(text, where="table", context="")
        return corrected_text(number, value)

    assert fix("164,234", 174619) == "174,619"
    assert fix("$206K", 174619) == "$175K"
    assert fix("$7.2M", 7_349_000) == "$7.3M"
    assert fix("1234", 1250.4) == "1250"
    assert fix("12.5%", 0.2) is None  # a cell is not a percentage
    assert fix("-$4.2K", 4200) is None  # the sign would change
