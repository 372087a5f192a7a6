"""Realistic decks for export tests and the fidelity benchmark: every building block, every style.

The slides come from the offline engine as it was (title, agenda, KPIs, charts, table, topic
columns, closing; frozen in export_corpus_deck.py from MONTHLY, BY_SKU and BY_WORKSPACE) plus
hand-written slides for what it does not produce (quote, image, pie, stacked, scatter, nested
and numbered lists, long text, section slide). All go through the real parser and sanitiser,
as model output does.
"""

from __future__ import annotations

import base64
import io
import json

from slidegen.deck import Deck, Slide, chart_figure
from slidegen.render.parse import parse_deck
from slidegen.seed_content.css import DATA_DENSE_CSS, MIDNIGHT_CSS, MINIMAL_CSS, SYSTEM_DEFAULT_CSS
from tests.export_corpus_deck import OFFLINE_DECK_HTML

STYLES = {
    "system_default": SYSTEM_DEFAULT_CSS,
    "minimal": MINIMAL_CSS,
    "data_dense": DATA_DENSE_CSS,
    "midnight": MIDNIGHT_CSS,
}
MONTHLY = [
    {"month": m, "cost_usd": str(c), "dbus": str(d)}
    for m, c, d in [
        ("2025-04", 118000, 402000),
        ("2025-05", 126500, 431000),
        ("2025-06", 131200, 447500),
        ("2025-07", 142900, 488000),
        ("2025-08", 151300, 512300),
        ("2025-09", 149800, 509900),
    ]
]
BY_SKU = [
    {"sku": s, "cost_usd": str(c)}
    for s, c in [
        ("SQL Serverless", 312000),
        ("Jobs Compute", 241500),
        ("All-Purpose", 163200),
        ("Model Serving", 62100),
    ]
]
BY_WORKSPACE = [
    {"workspace": w, "dbus": f"{d:,}", "cost_usd": f"{c:,}"}
    for w, d, c in [
        ("prod-analytics", 1210300, 351000),
        ("ml-platform", 802100, 233000),
        ("finance-bi", 401800, 118500),
        ("data-eng", 301200, 87400),
        ("sandbox", 98000, 29000),
    ]
]
REQUEST = (
    "Q3 platform consumption review. Cost drivers. Serverless adoption. "
    "Budget risks and mitigations"
)


def png_data_uri(width: int = 320, height: int = 180, colour: str = "#2f6fde") -> str:
    """A small real PNG as a data URI (a library image resolves to this)."""
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (width, height), colour).save(buffer, format="PNG")
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode()


def _extra_slides() -> list[str]:
    pie = {
        "type": "pie",
        "title": "Share of cost by SKU",
        "categories": [r["sku"] for r in BY_SKU],
        "series": [{"name": "Cost", "values": [float(r["cost_usd"]) for r in BY_SKU]}],
        "number_format": "$0,0",
    }
    stacked = {
        "type": "stacked",
        "title": "DBUs by SKU per month",
        "categories": ["Jul", "Aug", "Sep"],
        "series": [
            {"name": "Jobs Compute", "values": [41200, 43900, 47850]},
            {"name": "SQL Serverless", "values": [12050, 15400, 21300]},
        ],
        "x_title": "Month",
        "y_title": "DBUs",
        "number_format": "0,0",
    }
    scatter = {
        "type": "scatter",
        "title": "Cost vs. DBUs per workspace",
        "categories": [1210.3, 802.1, 401.8, 301.2, 98.0],
        "series": [{"name": "Cost ($K)", "values": [351, 233, 118.5, 87.4, 29]}],
        "x_title": "DBUs (K)",
        "y_title": "Cost ($K)",
    }
    long_text = " ".join(
        ["Serverless SQL warehouses scale to zero when idle, which removed most idle cost."] * 9
    )
    return [
        '<section class="slide section-slide"><h1>Part 2: Forecast</h1>'
        '<p class="subtitle">What Q4 will cost if nothing changes</p></section>',
        '<section class="slide"><h1>Two views of the same spend</h1><div class="columns">'
        f'<div class="column">{chart_figure(pie)}</div>'
        f'<div class="column">{chart_figure(stacked)}</div></div>'
        '<aside class="notes">Left: share; right: trend by SKU.</aside></section>',
        '<section class="slide"><h1>Cost tracks usage closely</h1>'
        f'<p class="subtitle">Each point is one workspace, Q3 2025</p>{chart_figure(scatter)}'
        '<footer class="slide-footer">Source: system.billing.usage</footer></section>',
        '<section class="slide"><h1>Budget risks</h1><ol><li>Serverless growth'
        "<ul><li>+41% DBUs quarter on quarter</li><li>No per-team quota yet</li></ul></li>"
        "<li><strong>Model Serving</strong> endpoints left running</li>"
        "<li><em>Untagged</em> clusters: 12% of cost</li></ol></section>",
        '<section class="slide"><h1>What the platform team said</h1>'
        '<blockquote class="quote">Serverless removed idle cost, but it also removed the '
        "friction that kept usage in check.<cite>Head of Data Platform</cite></blockquote>"
        "</section>",
        '<section class="slide"><h1>Architecture today</h1>'
        f'<img src="{png_data_uri()}" alt="Architecture diagram">'
        "<p>Three production workspaces share one metastore.</p></section>",
        f'<section class="slide"><h1>Why idle cost fell</h1><p>{long_text}</p>'
        f"<p>{long_text}</p></section>",
    ]


def corpus_deck(css: str, title: str = "Q3 platform consumption review") -> Deck:
    """One deck with every building block, in the given style."""
    parsed = parse_deck(OFFLINE_DECK_HTML + "\n".join(_extra_slides()))
    slides = [Slide(html=s.html, charts=s.charts, notes=s.notes) for s in parsed.slides]
    return Deck(title=title, css=css, slides=slides)


def corpus() -> dict[str, Deck]:
    """The corpus: the same realistic deck in each shipped style."""
    return {name: corpus_deck(css) for name, css in STYLES.items()}


def speed_deck(css: str = SYSTEM_DEFAULT_CSS) -> Deck:
    """30 slides with 10 charts and 5 tables (the speed benchmark's deck)."""
    base = corpus_deck(css)
    charts = [s for s in base.slides if s.charts and len(s.charts) == 1]
    tables = [s for s in base.slides if "<table" in s.html]
    text = [s for s in base.slides if not s.charts and "<table" not in s.html]
    picked = (charts * 10)[:10] + (tables * 5)[:5] + (text * 15)[:15]
    slides = [s.model_copy(update={"slide_id": f"s-{i:04d}"}) for i, s in enumerate(picked)]
    return Deck(title="Speed deck", css=css, slides=slides)


def chart_spec_json(deck: Deck) -> str:
    """All chart specs of a deck as JSON (for debugging a failing test)."""
    return json.dumps([c.model_dump() for s in deck.slides for c in s.charts], indent=1)
