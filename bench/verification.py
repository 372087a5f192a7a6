"""Verification: planted-error detection, false alarms on correct decks, time to a rating.

A seeded corpus of 20 datasets (monthly cost and DBUs, cost by SKU) each gives a correct
10-slide deck (KPI tiles, charts, tables, growth and share sentences) and six planted errors:
a swapped table value, a value off by 10-40%, an invented number, a wrong total, a wrong
growth rate, a wrong unit. Deterministic checks only (the LLM judge is not built). The time to
a rating is the median of 7 runs of checking a 10-slide deck; the baseline in the same run is
parsing the same slides' HTML with lxml (the least any check must do).
Run: `python -m bench.verification`.
"""

from __future__ import annotations

import random
import statistics
import time
from typing import Any

from lxml import html as lxml_html

from slidegen.deck import ChartSeries, ChartSpec, Slide
from slidegen.render.layout_check import check_layout
from slidegen.seed_content.css.system_default import CSS
from slidegen.services.verification.service import check_slides

DATASETS, RUNS = 20, 7
MONTHS = [f"2026-{m:02d}" for m in range(1, 13)]
SKUS = ["All-Purpose", "Jobs", "SQL Serverless", "DLT", "Model Serving", "Vector Search"]


def dataset(rng: random.Random) -> list[dict[str, Any]]:
    monthly = [[m, rng.randint(30_000, 90_000), rng.randint(100_000, 400_000)] for m in MONTHS]
    skus = [[s, rng.randint(5_000, 250_000)] for s in SKUS]
    return [
        {
            "tool": "sql",
            "query": "SELECT month, cost, dbus ...",
            "columns": ["month", "cost", "dbus"],
            "rows": monthly,
        },
        {"tool": "sql", "query": "SELECT sku, cost ...", "columns": ["sku", "cost"], "rows": skus},
    ]


def _slide(body: str, charts: list[ChartSpec] | None = None) -> Slide:
    return Slide(
        html=f'<section class="slide"><h1>Review</h1>{body}</section>', charts=charts or []
    )


def correct_deck(data: list[dict[str, Any]]) -> list[Slide]:
    monthly, skus = data[0]["rows"], data[1]["rows"]
    total = sum(r[1] for r in monthly)
    growth = (monthly[-1][1] - monthly[-2][1]) / monthly[-2][1] * 100
    top = max(skus, key=lambda r: r[1])
    share = top[1] / sum(r[1] for r in skus) * 100
    rows = "".join(f"<tr><td>{s}</td><td>{c:,}</td></tr>" for s, c in skus)
    line = ChartSpec(
        type="line",
        categories=MONTHS,
        series=[ChartSeries(name="cost", values=[r[1] for r in monthly])],
    )
    bars = ChartSpec(
        type="bar", categories=SKUS, series=[ChartSeries(name="cost", values=[r[1] for r in skus])]
    )
    return [
        _slide("<p>Quarterly consumption review for the platform team.</p>"),
        _slide(
            f'<div class="kpi"><span>${total / 1e6:.2f}M</span><span>Cost this year</span></div>'
        ),
        _slide("<p>Monthly cost</p>", [line]),
        _slide(f"<p>Cost changed {growth:+.1f}% in December, to ${monthly[-1][1]:,}.</p>"),
        _slide("<p>Cost by SKU</p>", [bars]),
        _slide(f"<table><tr><th>SKU</th><th>Cost</th></tr>{rows}</table>"),
        _slide(f"<p>{top[0]} is {share:.0f}% of the cost.</p>"),
        _slide(f"<p>DBUs peaked at {max(r[2] for r in monthly) / 1e3:,.0f}K.</p>"),
        _slide(f"<p>December cost {monthly[-1][1] - monthly[-2][1]:+,} against November.</p>"),
        _slide("<p>Next steps: right-size clusters and review budgets.</p>"),
    ]


def planted(deck: list[Slide], data: list[dict[str, Any]], rng: random.Random) -> list[Slide]:
    """Return six slides, each with one planted error."""
    monthly, skus = data[0]["rows"], data[1]["rows"]
    a, b = rng.sample(range(len(skus)), 2)
    table = (
        deck[5]
        .html.replace(f"{skus[a][1]:,}", "@@")
        .replace(f"{skus[b][1]:,}", f"{skus[a][1]:,}")
        .replace("@@", f"{skus[b][1]:,}")
    )
    off = int(monthly[-1][1] * rng.choice([0.6, 0.7, 0.8, 0.9, 1.1, 1.2, 1.3, 1.4]))
    total = sum(r[1] for r in monthly) * rng.choice([0.8, 1.15, 1.3])
    growth = (monthly[-1][1] - monthly[-2][1]) / monthly[-2][1] * 100 + rng.choice([-9, -5, 5, 9])
    total_k = sum(r[1] for r in monthly) / 1e3  # thousands, written as millions
    return [
        Slide(html=table),
        _slide(f"<p>Cost changed in December, to ${off:,}.</p>"),
        _slide(f"<p>Savings of ${rng.randint(10_000, 99_999):,} are expected.</p>"),
        _slide(
            f'<div class="kpi"><span>${total / 1e6:.2f}M</span><span>Cost this year</span></div>'
        ),
        _slide(f"<p>Cost changed {growth:+.1f}% in December.</p>"),
        _slide(f'<div class="kpi"><span>${total_k:.1f}M</span><span>Cost</span></div>'),
    ]


def _ratings(slides: list[Slide], data: list[dict[str, Any]]) -> list[str]:
    results = check_slides(CSS, slides, data, None)
    order = ("problem", "review", "unknown", "verified")
    return [
        next((r for r in order if r in {f.verdict for f in fs}), "verified") for fs, _ in results
    ]


def main() -> None:
    """Print detection, false alarms and time to a rating."""
    rng = random.Random(15)
    correct_total = correct_flagged = planted_total = detected = 0
    kinds = ["swap", "off 10-40%", "invented", "wrong total", "wrong growth", "wrong unit"]
    missed: dict[str, int] = dict.fromkeys(kinds, 0)
    for _ in range(DATASETS):
        data = dataset(rng)
        deck = correct_deck(data)
        good = _ratings(deck, data)
        correct_total += len(good)
        correct_flagged += sum(r != "verified" for r in good)
        for kind, rating in zip(kinds, _ratings(planted(deck, data, rng), data), strict=True):
            planted_total += 1
            if rating in ("problem", "review"):
                detected += 1
            else:
                missed[kind] += 1
    data = dataset(random.Random(1))
    deck = correct_deck(data)
    numbers, parse, layout = [], [], []
    for _ in range(RUNS):
        start = time.perf_counter()
        check_slides(CSS, deck, data, None)
        numbers.append(time.perf_counter() - start)
        start = time.perf_counter()
        for slide in deck:
            lxml_html.fragment_fromstring(slide.html, create_parent="div")
        parse.append(time.perf_counter() - start)
        start = time.perf_counter()
        check_layout(CSS, deck)
        layout.append(time.perf_counter() - start)
    rate, false = detected / planted_total, correct_flagged / correct_total
    print(f"planted errors rated problem or review: {detected}/{planted_total} ({rate:.1%})")
    print(f"missed by kind: {missed}")
    print(f"correct slides not verified: {correct_flagged}/{correct_total} ({false:.1%})")
    n, p, lay = (statistics.median(x) * 1000 for x in (numbers, parse, layout))
    print(f"10-slide deck, number checks: {n:.1f} ms (lxml parse alone {p:.2f} ms, {n / p:.0f}x)")
    print(f"10-slide deck, layout checks (WeasyPrint): {lay:.0f} ms")


if __name__ == "__main__":
    main()
