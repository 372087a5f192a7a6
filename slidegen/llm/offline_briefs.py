"""The offline engine's shorter storylines: executive summary, use-case portfolio, free requests."""

from __future__ import annotations

import re

from slidegen.llm import offline_savings as savings
from slidegen.llm import offline_sections as sections
from slidegen.llm.offline_findings import Findings
from slidegen.llm.offline_slides import (
    Card,
    Kpi,
    cards_slide,
    comparison_slide,
    kpi_slide,
    money,
    month_name,
    pct,
    table_html,
    table_slide,
)
from slidegen.llm.offline_story import _title, consumption_review, recommendations

# Request words -> the evidence slide that answers them, in deck order.
TOPICS: list[tuple[str, str]] = [
    (r"summar|overview|kpi|glance|headline", "summary"),
    (r"trend|month|over time|growth|grow", "trend"),
    (r"sku|product|mix", "sku"),
    (r"workspace|team|business unit|department", "workspace"),
    (r"driver|mover|change|increase|biggest|largest", "movers"),
    (r"anomal|spike|unusual|incident|outlier", "anomalies"),
    (r"optimi[sz]|job cluster|before and after", "optimisation"),
    (r"sav|cost cut|reduc|opportunit|efficien", "opportunities"),
    (r"recommend|next step|action|decision|plan", "recommendations"),
]


def executive_summary(
    f: Findings, title: str, *, audience: str = "", short: bool = False
) -> list[str]:
    """The Executive Summary storyline (six slides, sentences as titles)."""
    subtitle = f"For {audience}" if audience else "The bottom line, why it matters, the decision"
    mom = f.mom
    kpis = [
        Kpi(money(f.total_cost), f"Cost, {sections.period(f)}"),
        Kpi(
            money(mom.after),
            f"Cost in {month_name(f.months[-1])}",
            f"{pct(f.over_period.ratio, signed=True)} vs {month_name(f.months[0])}",
            False,
        ),
    ]
    if f.saving:
        kpis.append(Kpi(money(f.saving.monthly), "Savings a month within reach", "estimate", True))
    cards = [
        Card(
            "What happened",
            [f"Monthly spend rose from {money(f.over_period.before)} to {money(mom.after)}"],
        ),
        Card("What to decide", ["Move scheduled work to job clusters", "Enforce auto-termination"]),
    ]
    bottom = kpi_slide(
        f"Spend grew {pct(f.over_period.ratio)}; "
        f"about {money(f.saving.monthly)} a month can be saved"
        if f.saving
        else f"Spend grew {pct(f.over_period.ratio)} in {len(f.months)} months",
        kpis,
        cards,
        sections.source(f),
        "The bottom line in one slide. The saving is an estimate; "
        "its assumption is on the options slide.",
    )
    slides = [
        _title(
            title, subtitle, f, "Five minutes: what happened, why it matters and what to decide."
        ),
        bottom,
        sections.trend(f),
        _why_it_matters(f),
        savings.optimisation(f, "Recommended: move scheduled work to job clusters"),
        recommendations(f, "Decision needed: approve three actions"),
        None if short else sections.movers(f, "Backup: the numbers behind the summary"),
    ]
    return [s for s in slides if s]


def _why_it_matters(f: Findings) -> str:
    run = f.over_period
    cards = [
        Card(
            "Run-rate",
            [
                f"{money(run.after)} in {month_name(f.months[-1])}",
                f"{pct(run.ratio, signed=True)} on {month_name(f.months[0])}",
            ],
        ),
        Card(
            "Concentration",
            [f"{name}: {pct(share)}" for name, _, share in f.share("workspace")[:2]],
        ),
    ]
    if f.episodes:
        e = f.episodes[0]
        cards.append(
            Card("Waste", [f"{money(e.excess)} lost in {len(e.days)} days by one idle cluster"])
        )
    last = month_name(f.months[-1])
    notes = (
        f"The run-rate is {last}'s cost, {run.after:,.2f} USD; twelve months at that rate "
        "would cost twelve times as much, and the trend is still rising."
        if run.change > 0
        else f"The run-rate is {last}'s cost, {run.after:,.2f} USD."
    )
    pace = "and rising, " if run.change > 0 else ""
    return cards_slide(
        f"At {money(run.after)} a month {pace}small leaks add up", cards, sections.source(f), notes
    )


def use_case_analysis(f: Findings, title: str) -> list[str]:
    """The Use Case Analysis storyline, with workspaces standing in for use cases."""
    slides = [
        _title(
            title,
            "Each workspace as a use case: where it stands, value, blockers",
            f,
            "The data has no use-case register: each workspace stands for the use case it serves, "
            "with its business unit and owner from the workspaces table. "
            "Value is not in the data; cost is.",
        ),
        _portfolio(f),
        _portfolio_table(f),
        sections.shares(f, "workspace"),
        _genai_deep_dive(f),
        savings.anomalies(f, "Blockers: cost incidents and month-end peaks"),
        recommendations(f, "Next steps: accelerate, fix, review"),
    ]
    return [s for s in slides if s]


def _genai_cost(f: Findings, month: str) -> float:
    return f.genai_by_month.get(month, 0.0)


def _portfolio(f: Findings) -> str:
    genai = sum(f.genai_by_month.values())
    kpis = [
        Kpi(str(len(f.workspace_cost)), "Workspaces (use cases)"),
        Kpi(money(f.total_cost), f"Cost, {sections.period(f)}"),
        Kpi(money(genai), "GenAI cost (Model Serving, Vector Search)"),
    ]
    fastest = max(f.movers("workspace", (0, -1)), key=lambda m: m.ratio)
    cards = [
        Card(
            "Takeaways",
            [
                f"{fastest.name} grew fastest: {pct(fastest.ratio, signed=True)} "
                f"since {month_name(f.months[0])}",
                f"GenAI: {money(genai)} of {money(f.total_cost)}",
            ],
        ),
        Card(
            "Not in the data",
            ["Stage, value and effort per use case", "Add a use-case register to rate value"],
        ),
    ]
    notes = "Workspaces stand in for use cases; GenAI cost is Model Serving plus Vector Search."
    return kpi_slide(
        f"{len(f.workspace_cost)} use cases, {money(f.total_cost)} of platform cost",
        kpis,
        cards,
        sections.source(f),
        notes,
    )


def _portfolio_table(f: Findings) -> str:
    rows = []
    for name, cost, share in f.share("workspace"):
        owner, unit = f.owners.get(name, ("", ""))
        growth = f.workspace_by_month[name]
        first, last = growth.get(f.months[0], 0.0), growth.get(f.months[-1], 0.0)
        rows.append(
            [
                name,
                unit,
                owner.split("@")[0],
                money(cost),
                pct(share),
                pct(last / first - 1, signed=True) if first else "new",
            ]
        )
    headers = [
        "Workspace",
        "Business unit",
        "Owner",
        "Cost",
        "Share",
        f"Since {month_name(f.months[0])}",
    ]
    card = Card(
        "Reading the table",
        [f"{rows[0][0]} is the largest", "Growth compares the last month with the first"],
    )
    notes = "Owners and business units from the workspaces table; cost from the consumption table."
    return table_slide(
        "Use cases by cost, owner and growth",
        table_html(headers, rows, {0}),
        card,
        sections.source(f),
        notes,
    )


def _genai_deep_dive(f: Findings) -> str | None:
    launched = next((m for m in f.months if _genai_cost(f, m) > 0), None)
    if launched is None:
        return None
    first, last = _genai_cost(f, launched), _genai_cost(f, f.months[-1])
    left = (
        Kpi(money(first), f"GenAI cost, {month_name(launched)}"),
        Card(
            "Launch",
            ["Model Serving goes live in prod-ml", "Problem: serve models to applications"],
        ),
    )
    right = (
        Kpi(money(last), f"GenAI cost, {month_name(f.months[-1])}"),
        Card(
            "Now",
            [
                f"{pct(last / first - 1, signed=True)} on the launch month",
                "Next milestone: a cost per request target",
            ],
        ),
    )
    notes = "GenAI cost is Model Serving plus Vector Search, queried per month from the data."
    return comparison_slide(
        f"Deep dive: GenAI grew to {money(last)} a month", left, right, sections.source(f), notes
    )


def topic_deck(f: Findings, title: str, request: str) -> list[str]:
    """A deck answering the data topics a free request names (all of them if it names none)."""
    wanted = [key for pattern, key in TOPICS if re.search(pattern, request, re.I)]
    if not wanted:
        return consumption_review(f, title)
    builders = {
        "summary": lambda: sections.summary(f),
        "trend": lambda: sections.trend(f),
        "sku": lambda: sections.shares(f, "sku"),
        "workspace": lambda: sections.shares(f, "workspace"),
        "movers": lambda: sections.movers(f),
        "anomalies": lambda: savings.anomalies(f),
        "optimisation": lambda: savings.optimisation(f),
        "opportunities": lambda: savings.opportunities(f),
        "recommendations": lambda: recommendations(f),
    }
    keys = ["summary", *wanted] if "summary" not in wanted else wanted
    slides = [
        _title(
            title, "What the consumption data says", f, "Built from the sample consumption data."
        )
    ]
    slides += [builders[key]() for key in dict.fromkeys(keys)]
    return [s for s in slides if s]
