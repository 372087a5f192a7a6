"""The offline engine's slides on waste and savings: anomalies, the optimisation, opportunities."""

from __future__ import annotations

from slidegen.llm.offline_findings import ALL_PURPOSE, JOBS, Findings
from slidegen.llm.offline_sections import source
from slidegen.llm.offline_slides import (
    Card,
    Kpi,
    cards_slide,
    comparison_slide,
    day_name,
    money,
    month_name,
    pct,
    signed_money,
    units,
)


def anomalies(f: Findings, title: str | None = None) -> str | None:
    """Two columns: the largest one-off incident and the recurring pattern."""
    if not f.episodes and not f.patterns:
        return None
    columns = []
    if f.episodes:
        e = f.episodes[0]
        columns.append(
            (
                Kpi(money(e.excess), f"Excess cost, {e.workspace}", f"{len(e.days)} days", False),
                Card(
                    f"{e.sku} spike, {day_name(e.days[0])} to {day_name(e.days[-1])}",
                    [
                        f"{money(max(e.costs))} on the worst day vs {money(e.baseline)} a day "
                        "before",
                        "Likely cause: a cluster left running without auto-termination",
                    ],
                ),
            )
        )
    if f.patterns:
        group = f.patterns[0]
        peak = max((c, d) for e in group for c, d in zip(e.costs, e.days, strict=False))
        months = len({e.days[0][:7] for e in group})
        columns.append(
            (
                Kpi(f"{months} of {len(f.months)}", f"Months with a spike, {group[0].workspace}"),
                Card(
                    f"{group[0].sku} at month end",
                    [
                        f"Peak {money(peak[0])} on {day_name(peak[1])}",
                        "Expected: the month-end close; largest at quarter ends",
                    ],
                ),
            )
        )
    while len(columns) < 2:
        columns.append(
            (
                Kpi("0", "Other unusual days"),
                Card("Nothing else stands out", ["No other day cost twice its 28-day average"]),
            )
        )
    notes = (
        "A day is unusual when it costs more than twice its own average over the previous 28 "
        "days and by "
        "more than $100. Excess cost is the cost above the average of the 28 days before the "
        "first day."
    )
    title = title or (
        f"One incident cost {money(f.episodes[0].excess)} in {len(f.episodes[0].days)} days"
        if f.episodes
        else "Spikes follow the month-end close"
    )
    return comparison_slide(title, columns[0], columns[1], source(f), notes, _incident_chart(f))


def _incident_chart(f: Findings) -> dict[str, object] | None:
    """Monthly cost of the incident's workspace and SKU, when the data has it."""
    if not f.episodes:
        return None
    e = f.episodes[0]
    by_month = f.all_purpose_by_month.get(e.workspace) if e.sku == ALL_PURPOSE else None
    if not by_month:
        return None
    return {
        "type": "column",
        "title": f"{e.workspace}, {e.sku}: monthly cost (USD)",
        "categories": [month_name(m) for m in f.months],
        "series": [{"name": e.sku, "values": [round(by_month.get(m, 0.0), 2) for m in f.months]}],
        "number_format": "$0,0",
    }


def optimisation(f: Findings, title: str | None = None) -> str | None:
    """Before and after the optimisation: cost, DBUs and cost per DBU."""
    o = f.optimisation
    if o is None:
        return None
    before = (
        Kpi(money(o.cost_before), f"{o.workspace}, {month_name(o.previous)}"),
        Card("Before", [f"{units(o.dbus_before)} DBUs", f"{money(o.rate_before)} per DBU"]),
    )
    after = (
        Kpi(
            money(o.cost_after),
            f"{o.workspace}, {month_name(o.month)}",
            signed_money(o.cost_after - o.cost_before),
            True,
        ),
        Card(
            "After",
            [
                f"{units(o.dbus_after)} DBUs (more work done)",
                f"{money(o.rate_after)} per DBU",
                f"{pct(o.moved_share)} of its {ALL_PURPOSE} DBUs moved",
            ],
        ),
    )
    notes = (
        f"In {month_name(o.month)} {o.workspace} moved scheduled notebooks from {ALL_PURPOSE} to "
        f"{JOBS}. "
        f"Its cost fell from {o.cost_before:,.2f} to {o.cost_after:,.2f} USD while its DBUs rose "
        "from "
        f"{o.dbus_before:,.0f} to {o.dbus_after:,.0f}, because {JOBS} costs less per DBU."
    )
    title = title or f"Moving jobs off {ALL_PURPOSE} cut the cost of {o.workspace}"
    rates = f.workspace_rate_by_month[o.workspace]
    spec = {
        "type": "line",
        "title": f"{o.workspace}: cost per DBU by month (USD)",
        "categories": [month_name(m) for m in f.months],
        "series": [{"name": "Cost per DBU", "values": [rates.get(m, 0.0) for m in f.months]}],
        "number_format": "$0.00",
    }
    return comparison_slide(title, before, after, source(f), notes, spec)


def opportunities(f: Findings, title: str | None = None) -> str:
    """Savings cards, each estimate with its assumption."""
    cards = []
    if f.saving:
        s = f.saving
        cards.append(
            Card(
                f"Job clusters: {money(s.monthly)} a month",
                [
                    f"Assumes others move {pct(s.share)} of {ALL_PURPOSE}, as "
                    f"{f.optimisation.workspace} did",
                    f"Base: {units(s.dbus)} DBUs in {month_name(s.month)}",
                    f"{money(s.price_from)} → {money(s.price_to)} per DBU",
                ],
            )
        )
    if f.episodes:
        e = f.episodes[0]
        cards.append(
            Card(
                f"Auto-termination: {money(e.excess)} avoided",
                [
                    f"The {e.workspace} incident cost {money(e.excess)} above its usual level",
                    "Assumes idle clusters stop after a set time",
                ],
            )
        )
    cards.append(
        Card(
            "Tag for chargeback",
            ["Owners see their own spend each month", "No saving estimated: the data has no tags"],
        )
    )
    notes = (
        "Each estimate uses only queried numbers. The job-cluster saving multiplies the other "
        "workspaces' "
        f"{ALL_PURPOSE} DBUs in the last month by the share one workspace already moved and by "
        "the price "
        "difference per DBU; it is a monthly run-rate at list prices, before any discount."
    )
    title = title or (
        f"About {money(f.saving.monthly)} a month can be saved" if f.saving else "Where we can save"
    )
    kpis = (
        [Kpi(money(f.saving.monthly), "Job clusters, a month", "estimate", True)]
        if f.saving
        else []
    )
    if f.episodes:
        kpis.append(
            Kpi(money(f.episodes[0].excess), "One incident's excess cost", "avoidable", True)
        )
    return cards_slide(title, cards, source(f), notes, kpis=kpis)
