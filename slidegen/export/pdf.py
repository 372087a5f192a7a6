"""Decks to PDF: the same script-free slide HTML the app shows, printed by WeasyPrint.

No browser (decision 10): WeasyPrint lays out the slide and the style's CSS itself, one
1280x720 page per slide, with real text (fonts embedded as subsets), charts as vector SVG
and library images embedded. The presentation document cannot be printed as it is (its
`body{display:flex;height:100vh;overflow:hidden}` collapses to one page), so each slide is
printed from its own small print document and the pages are joined.

Slides are untrusted: WeasyPrint may fetch nothing but `data:` URIs, and no link annotation
reaches the PDF (a link's text stays; a click never leaves the deck).
"""

from __future__ import annotations

import contextlib
import html
import io
import logging
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, get_args

from slidegen.deck import Deck, Slide
from slidegen.errors import ConfigurationError, InvalidInputError
from slidegen.render.charts import ChartPalette, palette_from_css
from slidegen.render.document import BASE_CSS, SLIDE_HEIGHT, SLIDE_WIDTH, slide_body
from slidegen.render.placed_columns import Placement, place_columns, print_plan
from slidegen.render.print_layout import PROBE_HTML, probe_styles
from slidegen.render.workers import WORKERS, discard, worker_pool
from slidegen.schemas.vocabulary import NotesPlacement

log = logging.getLogger("slidegen.export")
NOTES_PLACEMENTS: tuple[str, ...] = get_args(NotesPlacement)
PARTS = 2 * WORKERS  # the workers take parts as they finish: a slow part does not hold both
MIN_SPLIT = 8  # fewer slides: a part's fixed cost (its own document and file) outweighs the gain
SLIDE_COST = 400  # characters of HTML that a slide's page costs before its content
Progress = Callable[[int, int], None]

PANGO_PACKAGES = "libpango-1.0-0 libpangoft2-1.0-0"
PANGO_FIX = (
    f"Install the Pango library (Debian/Ubuntu: apt-get install -y {PANGO_PACKAGES}; "
    "macOS: brew install pango), then restart the app."
)
PRINT_CSS = (
    f"@page{{size:{SLIDE_WIDTH}px {SLIDE_HEIGHT}px;margin:0}}"
    "html,body{overflow:visible}"
    f".sg-page{{width:{SLIDE_WIDTH}px;height:{SLIDE_HEIGHT}px;overflow:hidden;"
    "break-after:page;position:relative}"
    # WeasyPrint sizes a flex item by its max-content width, which negative letter-spacing
    # makes a hair too narrow (a one-line title wraps to two). In a stretched column the
    # heading is full width anyway; :where() keeps this below any rule of the style (only
    # headings: a centred list must keep its own width).
    ":where(.slide > :is(h1, h2, h3, h4)){width:100%}"
)
NOTES_CSS = (
    ".sg-notes{box-sizing:border-box;padding:56px 72px;font:22px/1.45 'Liberation Sans',"
    "Arial,sans-serif;color:#1b1f24;background:#fff}"
    ".sg-notes h2{margin:0 0 6px;font-size:15px;letter-spacing:.08em;text-transform:uppercase;"
    "color:#5a6785}.sg-notes h3{margin:24px 0 6px;font-size:20px}"
    ".sg-notes p{margin:0;white-space:pre-wrap}.sg-notes .none{color:#8a94a6}"
    ".sg-appendix{height:auto;min-height:720px;overflow:visible}"
)


@dataclass
class PdfResult:
    """The PDF's bytes and what could not be exported faithfully."""

    data: bytes
    warnings: list[str] = field(default_factory=list)


def pdf_engine_problem() -> str | None:
    """Say why PDF export cannot run on this machine, or None when it can."""
    try:
        # WeasyPrint prints its own banner to stdout when a library is missing: keep it out
        # of the CLI's output (--json) and the app's.
        with contextlib.redirect_stdout(io.StringIO()):
            import weasyprint  # noqa: F401  (loading it loads Pango)
    except (OSError, ImportError) as exc:
        return f"PDF export is unavailable here ({_first_line(exc)})."
    return None


def require_pdf_engine() -> None:
    """Raise a ConfigurationError naming the fix when PDF export cannot run here."""
    problem = pdf_engine_problem()
    if problem:
        raise ConfigurationError(f"{problem} {PANGO_FIX}")


def export_pdf(
    deck: Deck,
    *,
    notes: str = "none",
    on_slide: Progress | None = None,
    print_layout: bool = True,
    workers: bool = True,
) -> PdfResult:
    """Return the deck as a PDF: one 16:9 page per slide, notes as pages or an appendix.

    A deck of MIN_SPLIT slides or more is printed in parts by the WeasyPrint worker processes
    (render/workers: the ones the layout checks use) and the parts are joined; without them
    (workers=False, or none could start) it is printed here. on_slide is then told as each
    part is done. print_layout=False prints with the deck's CSS alone, without the equivalent
    print-only layout rules of render/print_layout (slower; for the benchmark and the
    equivalence tests).
    """
    if notes not in NOTES_PLACEMENTS:
        raise InvalidInputError(f"Unknown notes placement {notes!r}; use none, pages or appendix.")
    if not deck.slides:
        raise InvalidInputError("This deck has no slides to print.")
    require_pdf_engine()
    parts = _parts(deck.slides) if workers else []
    pool = worker_pool() if len(parts) > 1 else None
    if pool is not None:
        try:
            return PdfResult(data=_in_workers(pool, deck, parts, notes, on_slide, print_layout))
        except BrokenProcessPool:
            log.warning("a PDF worker stopped; printing in this process", exc_info=True)
            discard(pool)
    engine = _Engine(deck.css, print_layout=print_layout)
    return PdfResult(data=_print(engine, deck, range(len(deck.slides)), notes, on_slide))


def print_part(deck: Deck, numbers: list[int], notes: str, print_layout: bool = True) -> bytes:
    """Print some slides of a deck (by index, in order) as a PDF of their own, in a worker.

    The appendix of notes comes with the part that holds the last slide. A worker keeps the
    last decks' stylesheets and fonts, so the parts of one export parse them once each.
    """
    return _print(_engine(deck.css, print_layout), deck, numbers, notes, None)


def _print(
    engine: _Engine, deck: Deck, numbers: Sequence[int], notes: str, on_slide: Progress | None
) -> bytes:
    palette = palette_from_css(deck.css)
    total, pages, first = len(deck.slides), [], None
    for done, index in enumerate(numbers, 1):
        slide = deck.slides[index]
        parts = [_slide_page(slide, palette, deck.images, engine.placement)]
        if notes == "pages":
            parts.append(_notes_page(index + 1, slide))
        document = engine.render(deck.title, parts)
        first = first or document
        pages += document.pages
        if on_slide is not None:
            on_slide(done, total)
    last = total - 1 in numbers
    if last and notes == "appendix" and any(s.notes.strip() for s in deck.slides):
        document = engine.render(deck.title, [_appendix(deck.slides)])
        first = first or document
        pages += document.pages
    for page in pages:
        page.links.clear()  # untrusted hrefs: the text stays, no annotation leaves the deck
        page.anchors.clear()
    return first.copy(pages).write_pdf()


def _parts(slides: list[Slide]) -> list[list[int]]:
    """Cut the deck into PARTS runs of slides of about equal HTML length (none if too short).

    A slide's HTML length stands in for its layout time, roughly; with two parts a worker,
    one that finishes early takes the next part.
    """
    if WORKERS < 2 or len(slides) < MIN_SPLIT:
        return []
    sizes = [len(slide.html) + SLIDE_COST for slide in slides]
    share, parts, run, size = sum(sizes) / PARTS, [], [], 0.0
    for index, cost in enumerate(sizes):
        left = len(slides) - index  # every part gets a slide
        if run and (size + cost / 2 > share * (len(parts) + 1) or left < PARTS - len(parts)):
            parts.append(run)
            run = []
        run.append(index)
        size += cost
    return [*parts, run]


def _in_workers(
    pool: ProcessPoolExecutor,
    deck: Deck,
    parts: list[list[int]],
    notes: str,
    on_slide: Progress | None,
    print_layout: bool,
) -> bytes:
    from pypdf import PdfReader, PdfWriter

    futures = {pool.submit(print_part, deck, part, notes, print_layout): part for part in parts}
    done = 0
    try:
        for future in as_completed(futures):
            future.result()  # a part that failed fails the export now, not after the others
            done += len(futures[future])
            if on_slide is not None:
                on_slide(done, len(deck.slides))
    except BaseException:
        for future in futures:
            future.cancel()  # parts not started yet; a worker's current part runs out
        raise
    writer, metadata = PdfWriter(), None
    for future in futures:  # in the deck's order
        reader = PdfReader(io.BytesIO(future.result()))
        metadata = metadata or reader.metadata
        writer.append(reader)
    if metadata:
        writer.add_metadata({key: value for key, value in metadata.items()})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


@lru_cache(maxsize=4)
def _engine(css: str, print_layout: bool) -> _Engine:
    """A worker's engine for a style (workers run one part at a time: no threads share it)."""
    return _Engine(css, print_layout=print_layout)


def layout_pages(deck: Deck, *, print_layout: bool = True) -> list[Any]:
    """Return WeasyPrint's laid-out page of each slide (its boxes carry their geometry)."""
    engine = _Engine(deck.css, print_layout=print_layout)
    palette = palette_from_css(deck.css)
    plan = engine.placement
    parts = [_slide_page(slide, palette, deck.images, plan) for slide in deck.slides]
    return engine.render(deck.title, parts).pages


class _Engine:
    """WeasyPrint with one font configuration for the deck and a data:-only URL fetcher."""

    def __init__(self, css: str, *, print_layout: bool = True) -> None:
        require_pdf_engine()
        from weasyprint import CSS, HTML
        from weasyprint.text.fonts import FontConfiguration
        from weasyprint.urls import URLFetcher

        self._html = HTML
        self._fonts = FontConfiguration()
        # No network and no files: library images are inlined as data: URIs beforehand.
        self._fetcher = URLFetcher(allowed_protocols={"data"}, allow_redirects=False)
        self._css = CSS(
            string=BASE_CSS + PRINT_CSS + NOTES_CSS + css,
            font_config=self._fonts,
            url_fetcher=self._fetcher,
        )  # parsed once for the deck, not once per slide
        self._stylesheets = [self._css]
        if print_layout:
            # After the deck's CSS: the rules hold only what this style's probe slide allows.
            styles = probe_styles(self._document(PROBE_HTML))
            self.layout_css, self.placement = print_plan(styles)
            self._stylesheets.append(CSS(string=self.layout_css, font_config=self._fonts))
        else:
            self.layout_css, self.placement = "", None

    def _document(self, body: str, title: str = "") -> Any:
        source = (
            f'<!DOCTYPE html><html><head><meta charset="utf-8"><title>{html.escape(title)}'
            f"</title></head><body>{body}</body></html>"
        )
        return self._html(string=source, url_fetcher=self._fetcher).render(
            font_config=self._fonts, stylesheets=self._stylesheets
        )

    def render(self, title: str, parts: list[str]) -> Any:
        return self._document("".join(parts), title)


def _slide_page(
    slide: Slide, palette: ChartPalette, images: dict[str, str], plan: Placement | None = None
) -> str:
    if plan is not None:  # placed_columns: the same columns, laid out once each
        slide = slide.model_copy(update={"html": place_columns(slide.html, plan)})
    return f'<div class="sg-page">{slide_body(slide, palette, images)}</div>'


def _notes_page(number: int, slide: Slide) -> str:
    text = slide.notes.strip()
    body = f"<p>{html.escape(text)}</p>" if text else '<p class="none">No speaker notes.</p>'
    return f'<div class="sg-page sg-notes"><h2>Speaker notes · slide {number}</h2>{body}</div>'


def _appendix(slides: list[Slide]) -> str:
    entries = "".join(
        f"<h3>Slide {number}</h3><p>{html.escape(slide.notes.strip())}</p>"
        for number, slide in enumerate(slides, 1)
        if slide.notes.strip()
    )
    return f'<div class="sg-notes sg-appendix"><h2>Speaker notes</h2>{entries}</div>'


def _first_line(exc: BaseException) -> str:
    line = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
    return line.split("  Additionally,")[0].rstrip(". ")  # cffi's second sentence is noise
