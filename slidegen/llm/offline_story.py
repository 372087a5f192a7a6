"""The offline engine's longer storylines: Consumption Review and Quarterly Business Review."""

from __future__ import annotations

from collections.abc import Callable

from slidegen.llm import offline_savings as savings
from slidegen.llm import offline_sections as sections
from slidegen.llm.offline_findings import JOBS, Findings
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

GENAI = ("Model Serving", "Vector Search")
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
    quarters = _quarters(f)
    if len(quarters) < 2:
        return consumption_review(f, title)
    (prev_name, prev), (name, this) = quarters[-2], quarters[-1]
    slides = [
        _title(
            title,
            f"{name}: cost, usage and the outlook",
            f,
            f"{name} is the last full quarter in the data; it is compared with {prev_name}.",
        ),
        _quarter_glance(f, name, this, prev_name, prev),
        _quarter_table(f, name, this, prev_name, prev),
        sections.trend(f),
        _achievements(f),
        savings.anomalies(f, "Challenges: unplanned spikes and month-end peaks"),
        savings.opportunities(f, "Outlook: savings to deliver next quarter"),
        recommendations(f, "Asks: three decisions for next quarter"),
    ]
    return [s for s in slides if s]


def _quarters(f: Findings) -> list[tuple[str, list[int]]]:
    """Return the full quarters in the data as (name, month positions)."""
    groups: dict[str, list[int]] = {}
    for index, month in enumerate(f.months):
        year, number = month.split("-")
        groups.setdefault(f"Q{(int(number) - 1) // 3 + 1} {year}", []).append(index)
    return [(name, idx) for name, idx in groups.items() if len(idx) == 3]


def _sum(values: list[float], positions: list[int]) -> float:
    return sum(values[i] for i in positions)


def _quarter_glance(
    f: Findings, name: str, this: list[int], prev_name: str, prev: list[int]
) -> str:
    cost, before = _sum(f.monthly_cost, this), _sum(f.monthly_cost, prev)
    dbus, dbus_before = _sum(f.monthly_dbus, this), _sum(f.monthly_dbus, prev)
    rate, rate_before = cost / dbus, before / dbus_before
    kpis = [
        Kpi(
            money(cost),
            f"Cost, {name}",
            f"{pct(cost / before - 1, signed=True)} vs {prev_name}",
            cost <= before,
        ),
        Kpi(
            units(dbus),
            f"DBUs, {name}",
            f"{pct(dbus / dbus_before - 1, signed=True)} vs {prev_name}",
        ),
        Kpi(
            money(rate),
            f"Cost per DBU, {name}",
            f"{money(rate_before)} in {prev_name}",
            rate <= rate_before,
        ),
    ]
    verdict = Card(
        "Verdict",
        [
            f"Usage grew {pct(dbus / dbus_before - 1)}, cost {pct(cost / before - 1)}",
            "Each DBU got cheaper" if rate < rate_before else "Each DBU got dearer",
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
        f"{name} cost {cost:,.2f} USD for {dbus:,.0f} DBUs; {prev_name} cost {before:,.2f} USD for "
        f"{dbus_before:,.0f} DBUs. Cost per DBU is cost divided by DBUs."
    )
    title = f"{name}: usage up {pct(dbus / dbus_before - 1)}, cost up {pct(cost / before - 1)}"
    return kpi_slide(title, kpis, [verdict, caveat], sections.source(f), notes)


def _quarter_table(f: Findings, name: str, this: list[int], prev_name: str, prev: list[int]) -> str:
    rows, best = [], ("", 0.0)
    for workspace, by_month in sorted(f.workspace_by_month.items()):
        values = [by_month.get(m, 0.0) for m in f.months]
        now, then = _sum(values, this), _sum(values, prev)
        rows.append(
            [workspace, money(then), money(now), pct(now / then - 1, signed=True), "not in data"]
        )
        if now / then - 1 > best[1]:
            best = (workspace, now / then - 1)
    headers = ["Workspace", prev_name, name, "Change", "Target"]
    highlight = {i for i, r in enumerate(rows) if r[0] == best[0]}
    card = Card(
        "Reading the table",
        [
            f"{best[0]} grew most: {pct(best[1], signed=True)}",
            "Targets: not in the data; agree them for next quarter",
        ],
    )
    notes = (
        f"Cost per workspace in {prev_name} and {name}, in USD at list prices. "
        "The data holds no targets."
    )
    return table_slide(
        f"{best[0]} grew fastest in {name}",
        table_html(headers, rows, highlight),
        card,
        sections.source(f),
        notes,
    )


def _achievements(f: Findings) -> str:
    genai = {m: sum(f.sku_by_month.get(s, {}).get(m, 0.0) for s in GENAI) for m in f.months}
    launched = next((m for m in f.months if genai[m] > 0), None)
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
