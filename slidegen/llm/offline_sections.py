"""The offline engine's evidence slides: each states a finding and shows the numbers behind it."""

from __future__ import annotations

from slidegen.llm.offline_findings import ALL_PURPOSE, Findings
from slidegen.llm.offline_slides import (
    Card,
    Kpi,
    chart_slide,
    kpi_chart_slide,
    money,
    month_name,
    pct,
    signed_money,
    table_html,
    table_slide,
    units,
)

TABLES = "workspace_consumption"


def source(f: Findings) -> str:
    """The footer: table and period."""
    return f"Source: {TABLES}, {period(f)}, list prices in USD"


def period(f: Findings) -> str:
    """The period as words."""
    return f"{month_name(f.months[0])} to {month_name(f.months[-1])}"


def summary(f: Findings, title: str | None = None) -> str:
    """KPI tiles (total, DBUs, last month and its change) above three takeaways."""
    mom, last = f.mom, month_name(f.months[-1])
    top_ws = f.share("workspace")[0]
    kpis = [
        Kpi(money(f.total_cost), f"Cost, {period(f)}"),
        Kpi(units(f.total_dbus), "DBUs consumed"),
        Kpi(
            money(mom.after),
            f"Cost in {last}",
            f"{pct(mom.ratio, signed=True)} vs {month_name(f.months[-2])}",
            mom.change <= 0,
        ),
        Kpi(pct(top_ws[2]), f"Share of cost: {top_ws[0]}"),
    ]
    growth = Card(
        "Spend is growing",
        [
            f"{money(f.over_period.before)} in {month_name(f.months[0])}, "
            f"{money(f.over_period.after)} in {last}",
            f"{pct(f.over_period.ratio, signed=True)} over the period",
        ],
    )
    cards = [growth, _third_takeaway(f)]
    notes = (
        f"Total cost {money(f.total_cost)} ({f.total_cost:,.2f} USD) for {units(f.total_dbus)} "
        "DBUs over "
        f"{period(f)}. {last} cost {mom.after:,.2f} USD against {mom.before:,.2f} USD the month "
        "before. "
        "Costs are list prices; DBUs are Databricks units of compute, priced per SKU."
    )
    spec = {
        "type": "column",
        "title": "Monthly cost (USD)",
        "categories": [month_name(m) for m in f.months],
        "series": [{"name": "Cost (USD)", "values": [round(c, 2) for c in f.monthly_cost]}],
        "number_format": "$0,0",
    }
    title = title or f"Spend reached {money(mom.after)} a month in {last}"
    return kpi_chart_slide(title, kpis, spec, cards, source(f), notes)


def _third_takeaway(f: Findings) -> Card:
    if f.optimisation:
        o = f.optimisation
        return Card(
            "An optimisation is paying off",
            [
                f"{o.workspace}: cost per DBU {money(o.rate_before)} → {money(o.rate_after)} in "
                f"{month_name(o.month)}"
            ],
        )
    mover = f.movers("sku")[0]
    return Card("Largest mover", [f"{mover.name}: {signed_money(mover.change)} month over month"])


def trend(f: Findings, title: str | None = None) -> str:
    """Monthly cost by SKU as stacked columns, with the change of trend."""
    skus = [name for name, _, _ in f.share("sku")]
    spec = {
        "type": "stacked",
        "title": "Monthly cost by SKU (USD)",
        "categories": [month_name(m) for m in f.months],
        "series": [
            {"name": sku, "values": [round(f.sku_by_month[sku].get(m, 0.0), 2) for m in f.months]}
            for sku in skus
        ],
        "x_title": "Month",
        "y_title": "Cost (USD)",
        "number_format": "$0,0",
    }
    points = [f"{money(f.monthly_cost[0])} → {money(f.monthly_cost[-1])} a month"]
    o = f.optimisation
    pace = _pace(f, o.month) if o else None
    if pace:
        (before, before_growth), (after, after_growth) = pace
        points += [
            f"{before}: {pct(before_growth, signed=True)} on the quarter before",
            f"{after}: {pct(after_growth, signed=True)}, with the change",
        ]
    cheapest = f.months[f.monthly_cost.index(min(f.monthly_cost))]
    points.append(f"Lowest month: {month_name(cheapest)} ({money(min(f.monthly_cost))})")
    notes = (
        "Monthly cost by SKU, stacked. Growth rates compare whole quarters' totals, so one "
        "unusual month does not set the pace. "
        + (
            f"The change of pace follows {o.workspace}'s move of scheduled work "
            f"off {ALL_PURPOSE} in {month_name(o.month)}."
            if o
            else ""
        )
    )
    if title is None and o and pace:
        slowed = pace[1][1] < pace[0][1]
        title = f"Growth {'slowed' if slowed else 'rose'} after the {month_name(o.month)} change"
    title = title or "Monthly cost keeps rising"
    return chart_slide(title, spec, Card("Trend", points), source(f), notes)


def _pace(f: Findings, month: str) -> tuple[tuple[str, float], tuple[str, float]] | None:
    """Growth of the full quarter holding `month` and of the one before, each on its previous."""
    year, number = month.split("-")
    name = f"Q{(int(number) - 1) // 3 + 1} {year}"
    names = [q.name for q in f.quarters]
    at = names.index(name) if name in names else -1
    if at < 2 or any(q.months != 3 for q in f.quarters[at - 2 : at + 1]):
        return None  # the quarter of the change needs two full quarters before it
    growth = [f.quarters[i].cost / f.quarters[i - 1].cost - 1 for i in (at - 1, at)]
    return (names[at - 1], growth[0]), (names[at], growth[1])


def shares(f: Findings, kind: str, title: str | None = None) -> str:
    """Cost by workspace or SKU as ranked bars, with their shares."""
    ranked = f.share(kind)
    spec = {
        "type": "bar",
        "title": f"Cost by {kind.upper() if kind == 'sku' else kind}, {period(f)} (USD)",
        "categories": [name for name, _, _ in ranked],
        "series": [{"name": "Cost (USD)", "values": [round(cost, 2) for _, cost, _ in ranked]}],
        "number_format": "$0,0",
    }
    top3 = sum(share for _, _, share in ranked[:3])
    points = [f"{name}: {money(cost)} ({pct(share)})" for name, cost, share in ranked[:3]]
    points.append(f"Top three: {pct(top3)} of cost")
    lead = ranked[0][0]
    notes = (
        f"Cost by {kind} over {period(f)}, ranked. Shares are of the total {money(f.total_cost)}. "
        f"{lead} alone accounts for {pct(ranked[0][2])}."
    )
    title = title or f"{lead} accounts for {pct(ranked[0][2])} of cost"
    return chart_slide(title, spec, Card("Where the money goes", points), source(f), notes)


def movers(f: Findings, title: str | None = None) -> str:
    """A table of SKUs and workspaces with their change month over month and over the period."""
    last, prev, first = (month_name(f.months[i]) for i in (-1, -2, 0))
    entries = []
    for kind in ("workspace", "sku"):
        over = {m.name: m for m in f.movers(kind, (0, -1))}
        entries += [(m, over[m.name]) for m in f.movers(kind)[:4]]
    entries.sort(key=lambda entry: abs(entry[0].change), reverse=True)
    rows = [
        [
            m.name,
            money(m.after),
            signed_money(m.change),
            pct(m.ratio, signed=True),
            signed_money(o.change),
        ]
        for m, o in entries
    ]
    headers = ["Workspace or SKU", f"Cost {last}", f"vs {prev}", "Change", f"vs {first}"]
    top = f.movers("workspace", (0, -1))[0]
    points = [f"Month over month: {rows[0][0]} {rows[0][2]}"]
    if top.before:
        points.append(
            f"Since {first}: {top.name} {signed_money(top.change)} ({pct(top.ratio, signed=True)})"
        )
    points.append(f"Total: {signed_money(f.mom.change)} vs {prev}")
    notes = (
        f"The four workspaces and four SKUs whose cost changed most from {prev} to {last}, with "
        "their "
        f"change since {first}. The data starts in {first}, so a year-over-year comparison needs "
        "more "
        "history; the comparison with the first month is the longest available."
    )
    title = title or f"{top.name} is the largest mover since {first}"
    return table_slide(
        title, table_html(headers, rows, {0}), Card("Largest movers", points), source(f), notes
    )
