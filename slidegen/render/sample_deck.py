"""The sample deck a slide style is previewed with: every building block of the contract.

It is parsed and sanitised exactly like an LLM's answer, so the preview is what real decks
will look like.
"""

from __future__ import annotations

import html
from functools import lru_cache

from slidegen.deck import Slide
from slidegen.render.document import SLIDE_HEIGHT, SLIDE_WIDTH, slide_document
from slidegen.render.parse import parse_deck

_CHART = (
    '{"type": "column", "title": "Monthly DBUs by SKU", "categories": ["Jan", "Feb", "Mar", '
    '"Apr"], "series": [{"name": "Jobs Compute", "values": [41200, 43900, 47850, 45100]}, '
    '{"name": "SQL Serverless", "values": [12050, 15400, 21300, 24800]}], "x_title": "Month", '
    '"y_title": "DBUs", "number_format": "0,0"}'
)
SAMPLE_ANSWER = f"""<title>Style preview</title>
<section class="slide title-slide"><h1>Quarterly Business Review</h1>
<p class="subtitle">Q3 2026 · Data Platform</p><p>Prepared for the leadership team</p></section>
<section class="slide"><h1>Serverless SQL drove most of the growth</h1>
<p class="subtitle">Quarter over quarter, all workspaces</p>
<ul><li><strong>SQL Serverless</strong> usage doubled after the BI migration</li>
<li>Jobs Compute grew 9%, in line with new pipelines</li>
<li>Interactive clusters fell 14% after auto-termination<ul><li>Idle time down to 6%</li></ul>
</li><li>Storage is flat at 1.2 PB</li></ul>
<footer class="slide-footer">Source: system.billing.usage, Jul–Sep 2026</footer></section>
<section class="slide"><h1>Two options to cut idle cost</h1><div class="columns">
<div class="column"><div class="card"><p><strong>Option A: policies</strong></p>
<p>Enforce auto-termination at 30 minutes on every cluster.</p></div></div>
<div class="column"><div class="card"><p><strong>Option B: serverless</strong></p>
<p>Move interactive notebooks to serverless compute.</p></div></div></div>
<blockquote class="quote">Idle clusters are the easiest savings we have.<cite>FinOps review</cite>
</blockquote></section>
<section class="slide"><h1>SQL Serverless doubled in four months</h1>
<figure class="chart" data-chart='{_CHART}'></figure></section>
<section class="slide"><h1>Top SKUs by cost</h1><table><thead><tr><th>SKU</th>
<th class="num">DBUs</th><th class="num">Cost ($)</th><th class="num">Change</th></tr></thead>
<tbody><tr><td>Jobs Compute</td><td class="num">134,950</td><td class="num">40,485</td>
<td class="num">+9%</td></tr><tr><td>SQL Serverless</td><td class="num">61,500</td>
<td class="num">43,050</td><td class="num">+104%</td></tr><tr><td>All-Purpose</td>
<td class="num">28,300</td><td class="num">15,565</td><td class="num">−14%</td></tr></tbody>
</table></section>
<section class="slide"><h1>Spend is up, efficiency too</h1><div class="kpis">
<div class="kpi"><span class="kpi-value">$99.1k</span><span class="kpi-label">Q3 spend</span>
<span class="kpi-delta down">+18% vs Q2</span></div>
<div class="kpi"><span class="kpi-value">224k</span><span class="kpi-label">DBUs in Q3</span>
<span class="kpi-delta down">+21% vs Q2</span></div>
<div class="kpi"><span class="kpi-value">6%</span><span class="kpi-label">Idle time</span>
<span class="kpi-delta up">−9 pts vs Q2</span></div></div>
<p>Cost per query fell <strong>22%</strong> as BI moved to serverless.</p></section>
"""
SAMPLE_LABELS = ("Title slide", "Bullets", "Two columns", "Chart", "Table", "KPI row")


@lru_cache(maxsize=1)
def sample_slides() -> tuple[Slide, ...]:
    """Return the sample deck's slides, parsed and sanitised like model output."""
    parsed = parse_deck(SAMPLE_ANSWER)
    return tuple(
        Slide(html=s.html, charts=s.charts, slide_id=f"sample-{n}")
        for n, s in enumerate(parsed.slides)
    )


def sample_documents(css: str) -> list[str]:
    """Return each sample slide as the same locked-down document real slides render in."""
    return [slide_document(slide, css) for slide in sample_slides()]


def style_preview_shell(css: str) -> str:
    """Return a trusted shell showing the sample slides in a grid of nested sandboxes."""
    stages = "".join(
        f'<figure><div class="stage"><iframe sandbox="" title="Preview: {label}" '
        f'srcdoc="{html.escape(document, quote=True)}"></iframe></div>'
        f"<figcaption>{label}</figcaption></figure>"
        for label, document in zip(SAMPLE_LABELS, sample_documents(css), strict=True)
    )
    return (
        '<!DOCTYPE html><html><head><meta charset="utf-8"><style>'
        "html,body{margin:0;padding:0;background:transparent;font:12px sans-serif;color:#666}"
        ".grid{display:grid;grid-template-columns:1fr 1fr;gap:10px}figure{margin:0}"
        ".stage{position:relative;width:100%;aspect-ratio:16/9;overflow:hidden;"
        "outline:1px solid #ddd}"
        f".stage iframe{{position:absolute;left:0;top:0;width:{SLIDE_WIDTH}px;"
        f"height:{SLIDE_HEIGHT}px;border:0;transform-origin:0 0}}"
        f'</style></head><body><div class="grid">{stages}</div>'
        "<script>(function(){var s=[].slice.call(document.querySelectorAll('.stage'));"
        "function fit(){s.forEach(function(e){e.firstChild.style.transform='scale('+"
        f"(e.clientWidth/{SLIDE_WIDTH})+')';}});}}new ResizeObserver(fit).observe(document.body);"
        "fit();})();</script></body></html>"
    )
