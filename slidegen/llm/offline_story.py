"""The offline engine's longer storylines: Consumption Review and Quarterly Business Review."""

from __future__ import annotations

from collections.abc import Callable

from slidegen.llm import offline_savings as savings
from slidegen.llm import offline_sections as sections
from slidegen.llm.offline_findings import JOBS, Findings, Quarter
from slidegen.llm.offline_slides import (
    Card,
    Kpi,
    cards_slide,
    kpi_slide,
    money,
    month_name,
    pct,
    signed_money,
    table_html,
    table_slide,
    title_slide,
    units,
)

Story = Callable[[Findings], list[str]]


def recommendations(f: Findings, title: str = "Three actions, each with an owner") -> str:
    """Recommendation cards; owners come from the workspaces table."""
    cards = []
    if f.saving and f.optimisation:
        cards.append(
            Card(
                f"Move scheduled work to {JOBS}",
                [
                    f"Do as {f.optimisation.workspace} did in {month_name(f.optimisation.month)}",
                    f"About {money(f.saving.monthly)} a month",
                    _owner(f, "prod-ml"),
                ],
            )
        )
    if f.episodes:
        e = f.episodes[0]
        cards.append(
            Card(
                "Enforce auto-termination",
                [
                    f"Prevents a repeat of the {money(e.excess)} {e.workspace} incident",
                    _owner(f, e.workspace),
                ],
            )
        )
    fastest = max(f.movers("workspace", (0, -1)), key=lambda m: m.ratio)
    cards.append(
        Card(
            f"Review {fastest.name}'s growth",
            [
                f"{pct(fastest.ratio, signed=True)} since {month_name(f.months[0])}",
                "Agree a monthly budget and an alert",
                _owner(f, fastest.name),
            ],
        )
    )
    notes = (
        "Owners are the workspace owners in the workspaces table; dates are for the team to agree. "
        "Savings are estimates at list prices; "
        "the assumption behind each is on the opportunities slide."
    )
    return cards_slide(title, cards[:3], sections.source(f), notes)


def _owner(f: Findings, workspace: str) -> str:
    owner, unit = f.owners.get(workspace, ("", ""))
    return f"Owner: {owner} ({unit})" if owner else f"Owner: {workspace}'s owner"


def _title(title: str, subtitle: str, f: Findings, notes: str) -> str:
    line = f"{sections.period(f)} · sample workspace consumption data"
    return title_slide(title, subtitle, line, notes)


def consumption_review(f: Findings, title: str) -> list[str]:
    """The Consumption Review storyline."""
    slides = [
        _title(
            title,
            "Usage, cost drivers, anomalies and savings",
            f,
            "Scope: all six workspaces and every SKU in the consumption table, at list prices.",
        ),
        sections.summary(f),
        sections.trend(f),
        sections.shares(f, "workspace"),
        sections.movers(f),
        savings.anomalies(f),
        savings.optimisation(f),
        savings.opportunities(f),
        recommendations(f),
    ]
    return [s for s in slides if s]


def quarterly_review(f: Findings, title: str) -> list[str]:
    """The Quarterly Business Review storyline, on the last full quarter in the data."""
    full = [q for q in f.quarters if q.months == 3]
    if len(full) < 2 or f.quarters.index(full[-1]) != f.quarters.index(full[-2]) + 1:
        return consumption_review(f, title)
    prev, this = full[-2], full[-1]
    slides = [
        _title(
            title,
            f"{this.name}: cost, usage and the outlook",
            f,
            f"{this.name} is the last full quarter in the data; it is compared with {prev.name}.",
        ),
        _quarter_glance(f, this, prev),
        _quarter_table(f, this, prev),
        sections.trend(f),
        _achievements(f),
        savings.anomalies(f, "Challenges: unplanned spikes and month-end peaks"),
        savings.opportunities(f, "Outlook: savings to deliver next quarter"),
        recommendations(f, "Asks: three decisions for next quarter"),
    ]
    return [s for s in slides if s]


def _quarter_glance(f: Findings, this: Quarter, prev: Quarter) -> str:
    cost_growth, dbus_growth = this.cost / prev.cost - 1, this.dbus / prev.dbus - 1
    kpis = [
        Kpi(
            money(this.cost),
            f"Cost, {this.name}",
            f"{pct(cost_growth, signed=True)} vs {prev.name}",
            this.cost <= prev.cost,
        ),
        Kpi(
            units(this.dbus),
            f"DBUs, {this.name}",
            f"{pct(dbus_growth, signed=True)} vs {prev.name}",
        ),
        Kpi(
            money(this.rate),
            f"Cost per DBU, {this.name}",
            f"{money(prev.rate)} in {prev.name}",
            this.rate <= prev.rate,
        ),
    ]
    verdict = Card(
        "Verdict",
        [
            f"Usage grew {pct(dbus_growth)}, cost {pct(cost_growth)}",
            "Each DBU got cheaper" if this.rate < prev.rate else "Each DBU got dearer",
        ],
    )
    caveat = Card(
        "What the data cannot say",
        [
            "No targets are in the data",
            "The data starts in " + month_name(f.months[0]) + ": no same quarter last year",
        ],
    )
    notes = (
        f"{this.name} cost {this.cost:,.2f} USD for {this.dbus:,.0f} DBUs; {prev.name} cost "
        f"{prev.cost:,.2f} USD for {prev.dbus:,.0f} DBUs. Cost per DBU is cost divided by DBUs."
    )
    title = f"{this.name}: usage up {pct(dbus_growth)}, cost up {pct(cost_growth)}"
    return kpi_slide(title, kpis, [verdict, caveat], sections.source(f), notes)


def _quarter_table(f: Findings, this: Quarter, prev: Quarter) -> str:
    rows, best = [], ("", 0.0)
    for workspace, by_quarter in sorted(f.workspace_by_quarter.items()):
        now, then = by_quarter.get(this.name, 0.0), by_quarter.get(prev.name, 0.0)
        change = pct(now / then - 1, signed=True) if then else "new"
        rows.append([workspace, money(then), money(now), change, "not in data"])
        if then and now / then - 1 > best[1]:
            best = (workspace, now / then - 1)
    headers = ["Workspace", prev.name, this.name, "Change", "Target"]
    highlight = {i for i, r in enumerate(rows) if r[0] == best[0]}
    card = Card(
        "Reading the table",
        [
            f"{best[0]} grew most: {pct(best[1], signed=True)}",
            "Targets: not in the data; agree them for next quarter",
        ],
    )
    notes = (
        f"Cost per workspace in {prev.name} and {this.name}, in USD at list prices. "
        "The data holds no targets."
    )
    return table_slide(
        f"{best[0]} grew fastest in {this.name}",
        table_html(headers, rows, highlight),
        card,
        sections.source(f),
        notes,
    )


def _achievements(f: Findings) -> str:
    genai = f.genai_by_month
    launched = next((m for m in f.months if genai.get(m, 0.0) > 0), None)
    cards = []
    if f.optimisation:
        o = f.optimisation
        cards.append(
            Card(
                "Cheaper scheduled work",
                [
                    f"{o.workspace}: {money(o.rate_before)} → {money(o.rate_after)} per DBU",
                    f"{signed_money(o.cost_after - o.cost_before)} in {month_name(o.month)}",
                ],
            )
        )
    if launched:
        cards.append(
            Card(
                "GenAI in production",
                [
                    f"Model Serving since {month_name(launched)}",
                    f"{money(genai[f.months[-1]])} in {month_name(f.months[-1])}",
                ],
            )
        )
    top = f.share("workspace")[0]
    cards.append(
        Card(
            "Platform at scale",
            [
                f"{units(f.total_dbus)} DBUs in {len(f.months)} months",
                f"{top[0]}: {pct(top[2])} of cost",
            ],
        )
    )
    notes = (
        "Achievements are read from the consumption data: prices per DBU, "
        "the first month with GenAI SKUs, totals."
    )
    return cards_slide(
        "Achievements: cheaper jobs and GenAI in production", cards, sections.source(f), notes
    )
