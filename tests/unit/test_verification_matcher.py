"""The deterministic matcher: numbers on a slide against the data a request's tools returned."""

from __future__ import annotations

from typing import Any

import pytest

from slidegen.deck import ChartSeries, ChartSpec, Slide
from slidegen.schemas.verification import Finding, worst
from slidegen.services.verification.extract import parse_numbers, slide_numbers
from slidegen.services.verification.matcher import DataIndex, match_number

SKU_QUERY = "SELECT sku, SUM(cost_usd) AS cost_usd FROM usage GROUP BY sku"
MONTH_QUERY = "SELECT month, cost FROM monthly"
DATA: list[dict[str, Any]] = [
    {
        "tool": "warehouse",
        "query": SKU_QUERY,
        "columns": ["sku", "cost_usd"],
        "rows": [["Jobs", 7234567], ["SQL", 2500000.0], ["Serving", 265433.38]],
    },
    {
        "tool": "genie",
        "question": "Monthly cost and margin?",
        "columns": ["month", "cost", "margin"],
        "rows": [["Jan", 1000, 0.21], ["Feb", 1200, 0.3], ["Mar", 780, 0.275]],
    },
]


def check(text: str, data: list[dict[str, Any]] = DATA, **where: Any) -> list[Finding]:
    index = DataIndex(data)
    numbers = parse_numbers(
        text,
        where=where.get("where", "text"),
        context=text,
        **{k: v for k, v in where.items() if k == "label"},
    )
    return [match_number(n, index) for n in numbers]


@pytest.mark.parametrize(
    ("text", "match"),
    [
        ("Jobs cost 7,234,567 dollars", "exact"),
        ("Jobs cost 7,234,567.0 dollars", "exact"),
        ("Serving cost $265,433", "rounded"),
        ("Jobs cost $7.2M", "unit-scaled"),
        ("Jobs cost 7234.6K", "unit-scaled"),
        ("Margin was 27.5% in March", "percentage"),
        ("Total spend $10.0M", "sum"),
        ("Jobs cost $4.73M more than SQL", "difference"),
        ("Jobs are 72.3% of cost", "share"),
        ("Cost rose 20% in February", "growth"),
        ("Cost fell 35% in March", "growth"),
    ],
)
def test_each_way_a_number_can_come_from_the_data_is_verified(text: str, match: str) -> None:
    [finding] = check(text)
    assert (finding.verdict, finding.match) == ("verified", match), finding.text


def test_a_verified_number_names_its_tool_query_row_and_column() -> None:
    [finding] = check("Serving cost $265,433.4")
    assert (finding.tool, finding.query, finding.row, finding.column) == (
        "warehouse",
        SKU_QUERY,
        3,
        "cost_usd",
    )
    assert finding.source == f"warehouse · {SKU_QUERY} · row 3, column cost_usd"
    [genie] = check("Margin 30%")
    assert (genie.query, genie.row, genie.column) == ("Monthly cost and margin?", 2, "margin")


@pytest.mark.parametrize(
    "text",
    [
        "Jobs cost $8.1M",  # off by 12%
        "Invented savings of 4,321,987",
        "Total spend $13.0M",  # a wrong total
        "Cost rose 45% in February",  # a wrong growth rate
    ],
)
def test_numbers_the_data_does_not_give_are_not_verified(text: str) -> None:
    [finding] = check(text)
    assert finding.verdict in ("review", "problem")
    assert "Not found" in finding.text or "contradicts" in finding.text or "unit" in finding.text


def test_a_wrong_unit_is_a_problem_naming_the_right_value() -> None:
    [finding] = check("Jobs cost $7.2K")
    assert finding.verdict == "problem"
    assert finding.text.startswith("Wrong unit: the data gives 7234567.")


def test_a_labelled_value_from_another_row_is_a_swap_and_a_problem() -> None:
    [swapped] = check("2,500,000", where="table", label="Jobs")
    assert swapped.verdict == "problem"
    assert swapped.text.startswith("2,500,000 contradicts the data: Jobs has 7234567")
    assert "another row" in swapped.text
    assert (swapped.row, swapped.column) == (1, "cost_usd")
    [right] = check("7,234,567", where="table", label="Jobs")
    assert right.verdict == "verified"


def test_chart_values_are_checked_against_their_category_row() -> None:
    chart = ChartSpec(
        type="bar",
        categories=["Jan", "Feb", "Mar"],
        series=[ChartSeries(name="cost", values=[1000, 1320, 780])],
    )
    slide = Slide(html='<section class="slide"><h1>Cost</h1></section>', charts=[chart])
    index = DataIndex(DATA)
    verdicts = [match_number(n, index).verdict for n in slide_numbers(slide)]
    assert verdicts == ["verified", "problem", "verified"]


def test_a_chart_in_millions_matches_its_cells() -> None:
    chart = ChartSpec(type="bar", categories=["Jobs"], series=[ChartSeries(values=[7.23])])
    [number] = slide_numbers(Slide(html="<section class='slide'></section>", charts=[chart]))
    finding = match_number(number, DataIndex(DATA))
    assert (finding.verdict, finding.match) == ("verified", "unit-scaled")


def test_numbers_without_data_are_unknown_and_slides_without_numbers_verified() -> None:
    [finding] = check("Revenue $4.2M", data=[])
    assert finding.verdict == "unknown"
    assert worst([finding.verdict]) == "unknown"
    assert worst([]) == "verified"
    assert worst(["verified", "review", "problem"]) == "problem"


def test_years_dates_and_small_counts_in_prose_are_not_data() -> None:
    text = "In 2024 (2024-03-01, Q3, FY24) our top 5 SKUs across 3 regions, version 2.0.1"
    assert parse_numbers(text, where="text", context=text) == []
    dates = "Spike from 13 Mar 2026 to 22 March 2026; peak on Jun 30, then on July 31st"
    assert parse_numbers(dates, where="text", context=dates) == []
    numbers = "In Mar 2026 it cost $935; costs may 12% rise; 14 workspaces, 15 Decisions"
    found = parse_numbers(numbers, where="text", context=numbers)
    assert [n.text for n in found] == ["$935", "12%", "14", "15"]


def test_numbers_come_from_text_tables_and_kpi_tiles_but_not_headers_or_charts_markup() -> None:
    html = (
        '<section class="slide"><h1>Costs in 2024</h1>'
        '<div class="kpi"><span class="kpi-value">$7.2M</span>'
        '<span class="kpi-label">Jobs</span></div>'
        "<table><tr><th>SKU</th><th>2024</th></tr><tr><td>SQL</td><td>2,500,000</td></tr></table>"
        "<figure class=\"chart\" data-chart='{}'><svg><text>999</text></svg></figure>"
        "<p>Up 20% on <b>January's</b> 1,000</p></section>"
    )
    numbers = slide_numbers(Slide(html=html))
    assert [(n.text, n.where, n.label) for n in numbers] == [
        ("2,500,000", "table", "SQL"),
        ("$7.2M", "text", None),
        ("20%", "text", None),
        ("1,000", "text", None),
    ]
    assert numbers[1].context == "$7.2M Jobs"


LONG = [  # a result in long format: one row per month and SKU, as GROUP BY month, sku returns
    {
        "tool": "sample",
        "query": "SELECT month, sku, cost FROM usage GROUP BY 1, 2",
        "columns": ["month", "sku", "cost"],
        "rows": [
            ["2026-01", "Jobs", 1000.0],
            ["2026-01", "SQL", 400.0],
            ["2026-02", "Jobs", 1100.0],
            ["2026-02", "SQL", 530.0],
            ["2026-03", "Jobs", 1320.0],
            ["2026-03", "SQL", 390.0],
        ],
    }
]


@pytest.mark.parametrize(
    ("label", "written", "source"),
    [
        ("Jobs", "+$220", "cost of Jobs, difference of row 5 vs row 3"),  # month over month
        ("Jobs", "+20.0%", "cost of Jobs, growth of row 5 vs row 3"),
        ("Jobs", "+32.0%", "cost of Jobs, growth of row 5 vs row 1"),  # first to last
        ("SQL", "-26.4%", "cost of SQL, growth of row 6 vs row 4"),
    ],
)
def test_changes_of_one_labels_own_series_are_checked_against_its_rows(
    label: str, written: str, source: str
) -> None:
    [finding] = check(written, LONG, where="table", label=label)
    assert finding.verdict == "verified", finding.text
    assert finding.source.endswith(source)


def test_another_labels_change_is_still_a_contradiction() -> None:
    # +32.5% is SQL's February growth: on the Jobs row it is wrong
    [finding] = check("+32.5%", LONG, where="table", label="Jobs")
    assert finding.verdict == "problem"
    # a change between rows of different labels (Jobs in March vs SQL in January) is none
    [finding] = check("+$920", LONG, where="table", label="Jobs")
    assert finding.verdict != "verified"
