"""The offline engine's figures, checked against the sample data computed here independently.

The engine's queries run through the real SQL tool on a copy of the sample tables in each
backend (SQLite and PostgreSQL); the expected figures come from `sample_rows()` with plain
Python, without any of the engine's code.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import replace
from datetime import date

import pytest
from sqlalchemy import create_engine

from slidegen.llm.offline_data import QUERIES, Tables, parse_table
from slidegen.llm.offline_estimates import ESTIMATES, apply_estimates, estimate_queries
from slidegen.llm.offline_findings import Findings, analyse
from slidegen.tools.sample_data import PRICE_PER_DBU, load_sample_data, sample_rows
from slidegen.tools.sql import SqlTool
from tests.conftest import DatabaseFactory

CENT = 0.011  # the queries round each aggregate to cents
ROWS = sample_rows()[1]


def month(day: date) -> str:
    return f"{day.year}-{day.month:02d}"


def total_by(*keys: str, value: str = "cost_usd") -> dict[tuple, float]:
    totals: dict[tuple, float] = defaultdict(float)
    for row in ROWS:
        key = tuple(month(row["usage_date"]) if k == "month" else row[k] for k in keys)
        totals[key] += row[value]
    return dict(totals)


@pytest.fixture(scope="module")
def sample_tool(backend: str, databases: DatabaseFactory) -> Iterator[SqlTool]:
    """The SQL tool on the sample tables in this backend."""
    engine = create_engine(databases.url(backend))
    load_sample_data(engine)
    yield SqlTool("sample", "sample", engine)
    engine.dispose()


@pytest.fixture(scope="module")
def findings(sample_tool: SqlTool) -> Findings:
    """The engine's findings from its queries on the sample tables in this backend."""
    tables = Tables(
        {key: parse_table(sample_tool.run({"query": sql}).content) for key, sql in QUERIES.items()}
    )
    return analyse(tables)


def test_monthly_totals_and_shares_match_the_sample_rows(findings: Findings) -> None:
    monthly = total_by("month")
    assert findings.months == sorted(m for (m,) in monthly)
    assert findings.monthly_cost == pytest.approx(
        [monthly[(m,)] for m in findings.months], abs=CENT
    )
    dbus = total_by("month", value="dbus")
    assert findings.monthly_dbus == pytest.approx([dbus[(m,)] for m in findings.months], abs=CENT)
    total = sum(r["cost_usd"] for r in ROWS)
    assert findings.total_cost == pytest.approx(total, abs=0.2)
    skus = total_by("sku")
    expected = sorted(((k, v, v / total) for (k,), v in skus.items()), key=lambda x: -x[1])
    got = findings.share("sku")
    assert [name for name, _, _ in got] == [name for name, _, _ in expected]
    assert [share for _, _, share in got] == pytest.approx([s for _, _, s in expected], abs=1e-6)
    workspaces = total_by("workspace")
    top = max(workspaces, key=workspaces.get)
    assert findings.share("workspace")[0][0] == top[0] == "prod-analytics"


def test_largest_movers_month_over_month_and_since_the_first_month(findings: Findings) -> None:
    by_ws = total_by("workspace", "month")
    last, prev, first = "2026-10", "2026-09", "2025-11"
    names = {w for w, _ in by_ws}
    mom = sorted(names, key=lambda w: -abs(by_ws[(w, last)] - by_ws[(w, prev)]))
    assert [m.name for m in findings.movers("workspace")] == mom
    change = findings.movers("workspace")[0].change
    assert change == pytest.approx(by_ws[(mom[0], last)] - by_ws[(mom[0], prev)], abs=2 * CENT)
    since = sorted(names, key=lambda w: -abs(by_ws[(w, last)] - by_ws[(w, first)]))
    assert [m.name for m in findings.movers("workspace", (0, -1))] == since
    by_sku = total_by("sku", "month")
    skus = {s for s, _ in by_sku}
    mom_sku = max(skus, key=lambda s: abs(by_sku[(s, last)] - by_sku.get((s, prev), 0)))
    assert findings.movers("sku")[0].name == mom_sku


def test_the_trend_changes_pace_after_the_optimisation(findings: Findings) -> None:
    by_ws = total_by("workspace", "month")
    dbus = total_by("workspace", "month", value="dbus")
    rate = {k: by_ws[k] / dbus[k] for k in by_ws}
    drops = {
        (w, m): 1 - rate[(w, m)] / rate[(w, p)]
        for (w, m) in by_ws
        for p in [f"{m[:4]}-{int(m[5:]) - 1:02d}"]
        if (w, p) in by_ws and by_ws[(w, m)] < by_ws[(w, p)] and dbus[(w, m)] >= dbus[(w, p)]
    }
    workspace, change_month = max(drops, key=drops.get)
    o = findings.optimisation
    assert (o.workspace, o.month, o.previous) == (workspace, change_month, "2026-06")
    assert (o.workspace, o.month) == ("prod-analytics", "2026-07")
    assert o.cost_before == pytest.approx(by_ws[(workspace, "2026-06")], abs=CENT)
    assert o.cost_after == pytest.approx(by_ws[(workspace, "2026-07")], abs=CENT)
    monthly = [v for _, v in sorted(total_by("month").items())]
    before = (monthly[7] / monthly[0]) ** (1 / 7) - 1  # Nov 2025 -> Jun 2026
    after = (monthly[11] / monthly[8]) ** (1 / 3) - 1  # Jul -> Oct 2026
    assert findings.growth(0, 7) == pytest.approx(before, abs=1e-6)
    assert findings.growth(8, 11) == pytest.approx(after, abs=1e-6)
    assert after < before


def test_the_anomaly_and_the_month_end_pattern(findings: Findings) -> None:
    daily = total_by("usage_date", "workspace", "sku")
    series: dict[tuple, list[tuple[date, float]]] = defaultdict(list)
    for (day, workspace, sku), cost in sorted(daily.items()):
        series[(workspace, sku)].append((day, cost))
    unusual = []
    for key, points in series.items():
        for i, (day, cost) in enumerate(points):
            window = [round(c, 2) for _, c in points[max(0, i - 28) : i]]
            base = sum(window) / len(window) if window else 0
            if len(window) >= 14 and cost > 2 * base and cost - base > 100:
                unusual.append((key, day, round(cost, 2), round(base, 2)))
    dev = [u for u in unusual if u[0] == ("dev-sandbox", "All-Purpose Compute")]
    assert [d for _, d, _, _ in dev] == [date(2026, 3, d) for d in range(13, 23)]
    excess = sum(c for _, _, c, _ in dev) - len(dev) * dev[0][3]
    incident = findings.episodes[0]
    assert (incident.workspace, incident.sku, incident.days[0], incident.days[-1]) == (
        "dev-sandbox",
        "All-Purpose Compute",
        "2026-03-13",
        "2026-03-22",
    )
    assert incident.excess == pytest.approx(excess, abs=0.05)
    assert round(incident.excess, -2) == 7600  # the sample data's story: about $7.6k of waste
    finance = {d.strftime("%Y-%m") for (k, d, _, _) in unusual if k[0] == "finance-bi"}
    assert [(g[0].workspace, g[0].sku) for g in findings.patterns] == [
        ("finance-bi", "SQL Serverless")
    ]
    assert len({e.days[0][:7] for e in findings.patterns[0]}) == len(finance) == 12


def test_the_savings_estimate_follows_its_stated_assumption(findings: Findings) -> None:
    apc = total_by("workspace", "month", value="dbus")
    all_purpose = defaultdict(float)
    for row in ROWS:
        if row["sku"] == "All-Purpose Compute":
            all_purpose[(row["workspace"], month(row["usage_date"]))] += row["dbus"]
    share = (
        1 - all_purpose[("prod-analytics", "2026-07")] / all_purpose[("prod-analytics", "2026-06")]
    )
    others = sum(v for (w, m), v in all_purpose.items() if m == "2026-10" and w != "prod-analytics")
    price = PRICE_PER_DBU["All-Purpose Compute"] - PRICE_PER_DBU["Jobs Compute"]
    s = findings.saving
    assert s.share == pytest.approx(share, abs=1e-4)
    assert s.dbus == pytest.approx(others, abs=0.05)
    assert s.monthly == pytest.approx(others * share * price, rel=1e-3)
    assert apc  # the DBU totals exist for every workspace and month


def quarter(day: date) -> str:
    return f"Q{(day.month - 1) // 3 + 1} {day.year}"


def test_quarters_cost_per_dbu_and_genai_cost_are_the_datas(findings: Findings) -> None:
    """Quarters, prices per DBU and GenAI cost come from the engine's queries, as computed here."""
    cost, dbus, months = defaultdict(float), defaultdict(float), defaultdict(set)
    by_workspace: dict[tuple[str, str], float] = defaultdict(float)
    for row in ROWS:
        q = quarter(row["usage_date"])
        cost[q] += row["cost_usd"]
        dbus[q] += row["dbus"]
        months[q].add(month(row["usage_date"]))
        by_workspace[(row["workspace"], q)] += row["cost_usd"]
    assert [q.name for q in findings.quarters] == sorted(cost, key=lambda q: q[3:] + q[:2])
    for q in findings.quarters:
        assert (q.months, q.cost) == (len(months[q.name]), pytest.approx(cost[q.name], abs=CENT))
        assert q.rate == pytest.approx(cost[q.name] / dbus[q.name], abs=1e-4)
    assert [q.months for q in findings.quarters if q.months == 3]  # full quarters exist
    for (workspace, q), value in by_workspace.items():
        assert findings.workspace_by_quarter[workspace][q] == pytest.approx(value, abs=CENT)
    ws_cost = total_by("workspace", "month")
    ws_dbus = total_by("workspace", "month", value="dbus")
    for (workspace, m), value in ws_cost.items():
        rate = findings.workspace_rate_by_month[workspace][m]
        assert rate == pytest.approx(value / ws_dbus[(workspace, m)], abs=1e-4)
    sku = total_by("sku", "month")
    genai = {
        m: sku.get(("Model Serving", m), 0) + sku.get(("Vector Search", m), 0)
        for m in findings.months
    }
    assert findings.genai_by_month == pytest.approx({m: v for m, v in genai.items() if v}, abs=CENT)


def test_the_estimates_the_data_source_computes_are_the_engines(
    findings: Findings, sample_tool: SqlTool
) -> None:
    """The second round's SQL gives the saving and the excess the engine computes itself."""
    queries = estimate_queries(findings)
    assert set(queries) == set(ESTIMATES)
    tables = Tables(
        {key: parse_table(sample_tool.run({"query": sql}).content) for key, sql in queries.items()}
    )
    saving, excess = findings.saving, findings.episodes[0].excess
    measured = apply_estimates(replace(findings, episodes=list(findings.episodes)), tables)
    assert measured.saving.monthly == pytest.approx(saving.monthly, abs=0.02)
    assert measured.saving.dbus == pytest.approx(saving.dbus, abs=0.02)
    assert measured.episodes[0].excess == pytest.approx(excess, abs=0.02)
    assert measured.episodes[0].measured is not None
