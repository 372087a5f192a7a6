"""Slide documents: a slide with its charts as inline SVG, in a locked-down HTML page.

Decision 3: untrusted slide HTML is shown only inside an inner `<iframe sandbox="">` whose
document carries a CSP that forbids scripts and every fetch; the outer shell is ours.
"""

from __future__ import annotations

import hashlib
import html
import re
from collections.abc import Mapping
from functools import lru_cache

from slidegen.deck import Deck, Slide
from slidegen.render.charts import (
    ChartPalette,
    ChartRenderError,
    chart_box_svg,
    palette_from_css,
    render_chart_fallback,
    render_chart_svg,
)
from slidegen.render.images import embed_images

Images = Mapping[str, str]  # library image name -> data URI

SLIDE_WIDTH, SLIDE_HEIGHT = 1280, 720
CSP = "default-src 'none'; img-src data:; style-src 'unsafe-inline'"
BASE_CSS = (
    "html,body{margin:0;padding:0;background:transparent;overflow:hidden}"
    f".slide{{width:{SLIDE_WIDTH}px;height:{SLIDE_HEIGHT}px;overflow:hidden}}"
    "figure.chart{margin:0;min-height:200px}"
    "figure.chart svg{display:block;width:100%;height:100%}"
)
_PLACEHOLDER = re.compile(r'<figure class="chart" data-chart-id="([A-Za-z0-9_-]+)"></figure>')


def slide_body(
    slide: Slide, palette: ChartPalette, images: Images | None = None, *, draw_charts: bool = True
) -> str:
    """Return the slide's HTML with charts as SVG and library images as data URIs.

    draw_charts=False puts an empty SVG of the same box in each chart's place: for layout
    checks, which need the box only and would otherwise wait for every drawing.
    """
    charts = {chart.chart_id: chart for chart in slide.charts}
    draw = render_chart_svg if draw_charts else chart_box_svg

    def render(match: re.Match[str]) -> str:
        spec = charts.get(match.group(1))
        if spec is None:
            return ""
        try:
            inner = draw(spec, palette)
        except ChartRenderError:
            inner = render_chart_fallback(spec)
        return f'<figure class="chart">{inner}</figure>'

    return _PLACEHOLDER.sub(render, embed_images(slide.html, images or {}))


def slide_document(slide: Slide, css: str, images: Images | None = None) -> str:
    """Return a full HTML page showing one slide at 1280x720, with a no-script CSP."""
    used = tuple(sorted((images or {}).items())) if "image:" in slide.html else ()
    return _slide_document_cached(slide.model_dump_json(), css, used)


@lru_cache(maxsize=512)
def _slide_document_cached(slide_json: str, css: str, images: tuple[tuple[str, str], ...]) -> str:
    slide = Slide.model_validate_json(slide_json)
    body = slide_body(slide, palette_from_css(css), dict(images))
    return _page(f"<style>{BASE_CSS}{_style_text(css)}</style>", body)


def _page(head: str, body: str, *, csp: str = CSP) -> str:
    return (
        '<!DOCTYPE html><html><head><meta charset="utf-8">'
        f'<meta http-equiv="Content-Security-Policy" content="{csp}">'
        f"{head}</head><body>{body}</body></html>"
    )


def _style_text(css: str) -> str:
    # Stored CSS is sanitised already; this only stops it from closing the style element.
    return css.replace("</", "<\\/")


def sandboxed_slide(
    slide: Slide,
    css: str,
    *,
    label: str,
    images: Images | None = None,
    fill_frame: bool = False,
) -> str:
    """Return the trusted shell for Streamlit's iframe: the slide in an inner sandboxed frame.

    The inner frame has `sandbox=""` (no scripts, no same-origin) and the CSP above. The
    shell's own few lines of script only scale the 1280x720 frame: to the available width
    (the frame then takes the slide's 16:9 height), or, with `fill_frame`, to fit inside a
    frame whose height the caller fixed (thumbnails).
    """
    document = html.escape(slide_document(slide, css, images), quote=True)
    stage = "height:100vh" if fill_frame else "aspect-ratio:16/9"
    return (
        '<!DOCTYPE html><html><head><meta charset="utf-8"><style>'
        "html,body{margin:0;padding:0;background:transparent;overflow:hidden}"
        f".stage{{position:relative;width:100%;{stage};overflow:hidden}}"
        f".stage iframe{{position:absolute;left:0;top:0;width:{SLIDE_WIDTH}px;"
        f"height:{SLIDE_HEIGHT}px;border:0;transform-origin:0 0}}"
        '</style></head><body><div class="stage">'
        f'<iframe sandbox="" title="{html.escape(label)}" srcdoc="{document}"></iframe></div>'
        "<script>(function(){var s=document.querySelector('.stage'),"
        f"f=s.querySelector('iframe');function fit(){{var k=s.clientWidth/{SLIDE_WIDTH};"
        f"if({'true' if fill_frame else 'false'})k=Math.min(k,s.clientHeight/{SLIDE_HEIGHT});"
        "f.style.transform='scale('+k+')';}new ResizeObserver(fit).observe(s);fit();})();"
        "</script></body></html>"
    )


NAV_SCRIPT = (
    "(function(){var s=[].slice.call(document.querySelectorAll('.deck>.frame')),i=0,"
    "c=document.getElementById('counter');function show(n){i=Math.max(0,Math.min(s.length-1,n));"
    "s.forEach(function(e,k){e.hidden=k!==i;});c.textContent=(i+1)+' / '+s.length;fit();}"
    "function fit(){var k=Math.min(innerWidth/1280,(innerHeight-40)/720);"
    "s.forEach(function(e){e.firstChild.style.transform='scale('+k+')';"
    "e.style.width=1280*k+'px';e.style.height=720*k+'px';});}"
    "addEventListener('keydown',function(e){if(['ArrowRight','PageDown',' '].indexOf(e.key)>=0)"
    "show(i+1);if(['ArrowLeft','PageUp'].indexOf(e.key)>=0)show(i-1);if(e.key==='Home')show(0);"
    "if(e.key==='End')show(s.length-1);"
    "if(e.key==='f'||e.key==='F'){if(parent!==window)parent.postMessage('slidegen:fullscreen','*');"
    "else if(document.fullscreenElement)document.exitFullscreen();"
    "else document.documentElement.requestFullscreen();}});addEventListener('resize',fit);"
    "document.addEventListener('click',function(e){show(e.clientX>innerWidth/2?i+1:i-1);});"
    "show(0);})();"
)


def deck_document(deck: Deck) -> str:
    """Return the whole deck as one self-contained HTML file with keyboard navigation."""
    palette = palette_from_css(deck.css)
    frames = "".join(
        f'<div class="frame" hidden><div class="scaler">{slide_body(slide, palette, deck.images)}'
        "</div></div>"
        for slide in deck.slides
    )
    script_hash = _sha256_b64(NAV_SCRIPT)
    csp = (
        f"default-src 'none'; img-src data:; style-src 'unsafe-inline'; script-src '{script_hash}'"
    )
    head = (
        f"<title>{html.escape(deck.title)}</title><style>{BASE_CSS}"
        "body{background:#111;display:flex;flex-direction:column;align-items:center;"
        "justify-content:center;height:100vh}.frame{overflow:hidden}"
        ".scaler{width:1280px;height:720px;transform-origin:0 0}"
        "#counter{color:#bbb;font:14px sans-serif;margin-top:12px}"
        f"{_style_text(deck.css)}</style>"
    )
    body = f'<div class="deck">{frames}</div><div id="counter"></div><script>{NAV_SCRIPT}</script>'
    return _page(head, body, csp=csp)


def _sha256_b64(text: str) -> str:
    import base64

    return "sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode()


def presentation_shell(deck: Deck) -> str:
    """Return the trusted shell of the presentation view.

    The deck document runs only our navigation script (its CSP allows that script's hash and
    nothing else) inside `sandbox="allow-scripts"` without same-origin: an opaque origin that
    cannot reach the app.
    """
    document = html.escape(deck_document(deck), quote=True)
    return (
        '<!DOCTYPE html><html><head><meta charset="utf-8"><style>'
        "html,body{margin:0;height:100%;background:#111;font:13px sans-serif;color:#bbb}"
        "body{display:flex;flex-direction:column}"
        ".bar{display:flex;gap:12px;align-items:center;padding:6px 10px}"
        ".bar button{font:inherit;color:#eee;background:#333;border:1px solid #555;"
        "border-radius:6px;padding:4px 10px;cursor:pointer}"
        ":fullscreen .bar{display:none}"
        "iframe{flex:1;width:100%;border:0;display:block}</style></head><body>"
        '<div class="bar"><button id="full" type="button">Full screen</button>'
        "<span>Arrow keys or a click move between slides · F full screen · Esc leaves</span>"
        "</div>"
        f'<iframe sandbox="allow-scripts" title="Presentation of {html.escape(deck.title)}" '
        f'srcdoc="{document}"></iframe>'
        f"<script>{FULLSCREEN_SCRIPT}</script></body></html>"
    )


# The trusted shell's own script: full screen on the button or on the deck's 'F' key (the
# deck's opaque-origin frame cannot go full screen itself, so it asks its parent).
FULLSCREEN_SCRIPT = (
    "(function(){var f=document.querySelector('iframe');function full(){"
    "var d=document.documentElement;(d.requestFullscreen?d.requestFullscreen():Promise.reject())"
    ".then(function(){f.focus();},function(){});}"
    "document.getElementById('full').addEventListener('click',full);"
    "addEventListener('message',function(e){if(e.source===f.contentWindow&&"
    "e.data==='slidegen:fullscreen'){document.fullscreenElement?document.exitFullscreen():full();}});"
    "f.addEventListener('load',function(){f.focus();});})();"
)
