"""The matcher's source: when several data values could be a slide's number, it names the best.

Data shaped as the offline engine's and Genie's results are (month, SKU and workspace
breakdowns, cost and DBU columns of the same magnitude, the same figure in two tool calls).
"""

from __future__ import annotations

from typing import Any

from slidegen.deck import ChartSeries, ChartSpec, Slide
from slidegen.schemas.verification import Finding
from slidegen.services.verification.extract import parse_numbers, slide_numbers
from slidegen.services.verification.matcher import DataIndex, match_number

BY_SKU = "SELECT sku, ROUND(SUM(cost_usd), 2) AS cost_usd FROM usage GROUP BY sku"
BY_WORKSPACE = "SELECT workspace, ROUND(SUM(cost_usd), 2) AS cost_usd FROM usage GROUP BY 1"
MONTHLY = "SELECT month, ROUND(SUM(cost_usd), 2) AS cost_usd, SUM(dbus) AS dbus FROM usage"


def sql(query: str, columns: list[str], rows: list[list[Any]]) -> dict[str, Any]:
    return {"tool": "sample", "query": query, "columns": columns, "rows": rows}


def check(text: str, data: list[dict[str, Any]]) -> Finding:
    [number] = parse_numbers(text, where="text", context=text)
    return match_number(number, DataIndex(data))


def test_the_row_named_next_to_the_number_is_its_source() -> None:
    # $7.2M rounds both SKUs' cost; the sentence names Jobs Compute.
    data = [
        sql(
            BY_SKU,
            ["sku", "cost_usd"],
            [["All-Purpose Compute", 7190000.0], ["Jobs Compute", 7234567.0], ["SQL", 2480113.5]],
        )
    ]
    finding = check("Jobs Compute cost $7.2M this year.", data)
    assert finding.verdict == "verified"
    assert (finding.row, finding.column, finding.expected) == (2, "cost_usd", "7234567")


def test_without_a_name_the_closest_value_is_the_source() -> None:
    data = [
        sql(
            BY_WORKSPACE,
            ["workspace", "cost_usd"],
            [["analytics-prod", 7160000.0], ["ml-research", 7204000.0]],
        )
    ]
    finding = check("The largest workspace cost $7.2M.", data)
    assert finding.verdict == "verified"
    assert finding.row == 2, finding.source


def test_an_exact_match_beats_a_rounded_one_in_another_tool_call() -> None:
    data = [
        sql("SELECT month, cost_usd FROM metered", ["month", "cost_usd"], [["2026-01", 41249.62]]),
        {
            "tool": "genie",
            "question": "What was invoiced in January?",
            "columns": ["month", "cost_usd"],
            "rows": [["2026-01", 41250]],
        },
    ]
    finding = check("January's invoice came to $41,250.", data)
    assert (finding.verdict, finding.match) == ("verified", "exact")
    assert (finding.tool, finding.query) == ("genie", "What was invoiced in January?")


def test_the_column_named_next_to_the_number_is_its_source() -> None:
    # 152K rounds March's cost (151,620.40) as well as its DBUs (152,410.25).
    data = [
        sql(
            MONTHLY,
            ["month", "cost_usd", "dbus"],
            [["2026-02", 139877.1, 140112.0], ["2026-03", 151620.4, 152410.25]],
        )
    ]
    finding = check("DBUs reached 152K in March.", data)
    assert finding.verdict == "verified"
    assert (finding.row, finding.column) == (2, "dbus")


def test_the_same_value_in_two_tool_calls_is_sourced_where_its_label_is() -> None:
    # One workspace runs only Jobs Compute: March's figure is in both breakdowns.
    by_workspace = sql(
        "SELECT month, workspace, cost_usd FROM usage GROUP BY 1, 2",
        ["month", "workspace", "cost_usd"],
        [["2026-03", "analytics-prod", 98412.5], ["2026-03", "ml-research", 45001.2]],
    )
    by_sku = sql(
        "SELECT month, sku, cost_usd FROM usage GROUP BY 1, 2",
        ["month", "sku", "cost_usd"],
        [["2026-03", "Jobs Compute", 98412.5], ["2026-03", "SQL", 45001.2]],
    )
    finding = check("Jobs Compute cost $98,412.50 in March.", [by_workspace, by_sku])
    assert (finding.verdict, finding.match) == ("verified", "exact")
    assert (finding.query, finding.row) == (by_sku["query"], 1)
    finding = check("analytics-prod spent $98,412.50 in March.", [by_sku, by_workspace])
    assert (finding.query, finding.row) == (by_workspace["query"], 1)


def test_a_signed_change_is_sourced_from_the_change_in_its_direction() -> None:
    # February rose 0.6% on January; January is 0.596% below February, which "+0.6%" is not.
    data = [
        sql(
            MONTHLY, ["month", "cost_usd", "dbus"], [["2026-01", 1000.0, 0], ["2026-02", 1006.0, 0]]
        )
    ]
    finding = check("February cost +0.6% on January.", data)
    assert (finding.verdict, finding.match) == ("verified", "growth")
    assert finding.source.endswith("column cost_usd, growth of row 2 vs row 1")


def test_a_chart_point_is_sourced_from_the_column_its_series_names() -> None:
    # Each month's cost is nearer the plotted point than its DBUs, but the series says DBUs.
    data = [
        sql(
            MONTHLY,
            ["month", "cost_usd", "dbus"],
            [["2026-02", 139876.9, 139877.3], ["2026-03", 151619.8, 151620.4]],
        )
    ]
    chart = ChartSpec(
        type="bar",
        categories=["2026-02", "2026-03"],
        series=[ChartSeries(name="DBUs", values=[139877, 151620])],
    )
    slide = Slide(html='<section class="slide"><h1>Usage</h1></section>', charts=[chart])
    index = DataIndex(data)
    findings = [match_number(n, index) for n in slide_numbers(slide)]
    assert [(f.verdict, f.row, f.column) for f in findings] == [
        ("verified", 1, "dbus"),
        ("verified", 2, "dbus"),
    ]


def test_a_wrong_unit_names_the_value_of_the_row_in_its_sentence() -> None:
    data = [
        sql(
            BY_SKU,
            ["sku", "cost_usd"],
            [["All-Purpose Compute", 7190000.0], ["Jobs Compute", 7234567.0]],
        )
    ]
    finding = check("Jobs Compute cost $7.2K this year.", data)
    assert finding.verdict == "problem"
    assert finding.text.startswith("Wrong unit: the data gives 7234567."), finding.text
