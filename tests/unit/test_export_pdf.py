"""The PDF export itself: real text, vector charts, embedded fonts and images, notes, inertness.

The PDFs are read back with pypdf, as a reader would; hostile slides are given to the
exporter unsanitised, so the PDF layer's own defences are what is tested.
"""

from __future__ import annotations

import io
import re
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from lxml import html as lxml_html
from pypdf import PdfReader

from slidegen.deck import Deck, Slide
from slidegen.errors import InvalidInputError
from slidegen.export.pdf import MIN_SPLIT, PARTS, _parts, export_pdf
from slidegen.seed_content.css import MIDNIGHT_CSS
from tests.export_corpus import STYLES, corpus_deck


def _words(text: str) -> list[str]:
    # Case-blind: a style may print a label in capitals (text-transform), as browsers do.
    return re.findall(r"[a-z0-9$%]+", text.lower())


def slide_text(slide: Slide) -> str:
    """The visible text of a slide's HTML (charts aside: they are drawn from their spec)."""
    return " ".join(lxml_html.fragment_fromstring(slide.html, create_parent="div").itertext())


def _read(data: bytes) -> PdfReader:
    assert data.startswith(b"%PDF-")
    return PdfReader(io.BytesIO(data))


def _image_count(page) -> int:
    """Pictures drawn on this page (WeasyPrint shares one resource dictionary between pages)."""
    objects = (page.get("/Resources") or {}).get("/XObject") or {}
    images = {name for name, ref in objects.items() if ref.get_object()["/Subtype"] == "/Image"}
    drawn = re.findall(rb"(/[^\s/]+)\s+Do\b", page.get_contents().get_data())
    return sum(1 for name in drawn if name.decode() in images)


@pytest.mark.parametrize("style", sorted(STYLES))
def test_one_page_per_slide_with_every_slide_text_selectable(style: str) -> None:
    deck = corpus_deck(STYLES[style])
    reader = _read(export_pdf(deck).data)
    assert len(reader.pages) == len(deck.slides) == 18
    assert reader.metadata and reader.metadata.title == deck.title
    for number, (slide, page) in enumerate(zip(deck.slides, reader.pages, strict=True), 1):
        assert (float(page.mediabox.width), float(page.mediabox.height)) == (960.0, 540.0)
        extracted = " ".join(_words(page.extract_text()))
        missing = [w for w in _words(slide_text(slide)) if w not in extracted]
        assert not missing, f"slide {number}: {missing[:8]} not in the page's text"


def test_charts_are_vectors_fonts_embedded_images_embedded() -> None:
    deck = corpus_deck(MIDNIGHT_CSS)
    reader = _read(export_pdf(deck).data)
    for slide, page in zip(deck.slides, reader.pages, strict=True):
        if slide.charts:
            text = page.extract_text()
            # A vector chart keeps its labels as text and is not a picture.
            spec = slide.charts[0]
            if spec.type != "scatter":  # a scatter's categories are numbers on an axis
                assert str(spec.categories[0]) in text, (spec.type, text)
            assert _image_count(page) == 0
    [picture_page] = [
        page for slide, page in zip(deck.slides, reader.pages, strict=True) if "<img" in slide.html
    ]
    assert _image_count(picture_page) == 1
    fonts = {}
    for page in reader.pages:
        for font in (page["/Resources"].get("/Font") or {}).values():
            font = font.get_object()
            descriptor = font["/DescendantFonts"][0].get_object()["/FontDescriptor"]
            fonts[font["/BaseFont"]] = "/FontFile2" in descriptor or "/FontFile3" in descriptor
    assert fonts and all(fonts.values()), fonts


def test_notes_as_a_page_after_each_slide_or_an_appendix() -> None:
    slides = [
        Slide(html='<section class="slide"><h1>One</h1></section>', notes="Say hello first."),
        Slide(html='<section class="slide"><h1>Two</h1></section>'),
        Slide(html='<section class="slide"><h1>Three</h1></section>', notes="<b>Not bold</b>"),
    ]
    deck = Deck(title="Notes", css=MIDNIGHT_CSS, slides=slides)
    assert len(_read(export_pdf(deck).data).pages) == 3
    pages = _read(export_pdf(deck, notes="pages").data).pages
    assert len(pages) == 6
    assert "One" in pages[0].extract_text() and "Say hello first." in pages[1].extract_text()
    assert "No speaker notes" in pages[3].extract_text()
    assert "<b>Not bold</b>" in pages[5].extract_text()  # notes are text, never markup
    appendix = _read(export_pdf(deck, notes="appendix").data).pages
    assert len(appendix) == 4
    last = appendix[3].extract_text()
    assert "Slide 1" in last and "Say hello first." in last and "Slide 2" not in last
    with pytest.raises(InvalidInputError, match="notes"):
        export_pdf(deck, notes="everywhere")


class _Recorder(BaseHTTPRequestHandler):
    hits: list[str] = []

    def do_GET(self) -> None:  # noqa: N802 (http.server's name)
        self.hits.append(self.path)
        self.send_response(200)
        self.send_header("Content-Type", "image/png")
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def listener() -> Iterator[tuple[str, list[str]]]:
    hits: list[str] = []
    handler = type("Recorder", (_Recorder,), {"hits": hits})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}", hits
    server.shutdown()
    server.server_close()


def test_hostile_slide_fetches_nothing_and_links_nowhere(listener) -> None:
    url, hits = listener
    hostile = (
        f'<section class="slide"><h1>Click <a href="{url}/phish">here</a></h1>'
        f'<img src="{url}/beacon.png" alt="x"><div style="background:url({url}/bg.png)">b</div>'
        f'<a href="file:///etc/passwd" rel="attachment">attach</a>'
        f'<a href="javascript:alert(1)">js</a></section>'
    )
    css = f"@import url({url}/import.css); .slide {{ background: url({url}/css.png) }}"
    data = export_pdf(Deck(title="Hostile", css=css, slides=[Slide(html=hostile)])).data
    assert hits == []  # nothing was fetched, not even from loopback
    reader = _read(data)
    page = reader.pages[0]
    assert "Click here" in page.extract_text()  # the link's text stays
    assert "/Annots" not in page
    assert b"/URI" not in data and b"/EmbeddedFile" not in data and b"/JavaScript" not in data
    assert b"127.0.0.1" not in data and b"passwd" not in data


def _resources(reader: PdfReader) -> set[int]:
    """The documents a PDF's pages were printed in (WeasyPrint shares one per document)."""
    return {page.get_object().raw_get("/Resources").idnum for page in reader.pages}


def _titles(outline: list) -> list:
    return [_titles(item) if isinstance(item, list) else item.title for item in outline]


def _telling(told: list[tuple[int, int]]):
    return lambda done, total: told.append((done, total))


def test_a_long_deck_is_printed_in_parts_by_the_workers_with_the_same_pages() -> None:
    deck = corpus_deck(MIDNIGHT_CSS)
    deck.slides[2].notes = "Mention the <b>second</b> quarter."
    for notes in ("pages", "appendix"):
        told: list[tuple[int, int]] = []
        parted = _read(export_pdf(deck, notes=notes, on_slide=_telling(told)).data)
        whole = _read(export_pdf(deck, notes=notes, workers=False).data)
        assert len(_resources(parted)) == len(_parts(deck.slides)) == PARTS  # really in parts
        assert len(_resources(whole)) == 1
        assert [p.extract_text() for p in parted.pages] == [p.extract_text() for p in whole.pages]
        assert parted.metadata.title == whole.metadata.title == deck.title
        assert _titles(parted.outline) == _titles(whole.outline) != []  # the bookmarks
        # Told as each part is done, in slides, ending with the whole deck.
        assert len(told) == PARTS and told[-1] == (18, 18)
        assert [done for done, _ in told] == sorted({done for done, _ in told})
    assert "Mention the <b>second</b> quarter." in parted.pages[-1].extract_text()


def test_parts_are_runs_of_slides_in_order_of_about_equal_size() -> None:
    sizes = [400, 4000, 300, 300, 300, 300, 300, 300, 3000, 200, 200, 200, 200]
    slides = [Slide(html=f'<section class="slide">{"x" * n}</section>') for n in sizes]
    parts = _parts(slides)
    assert len(parts) == PARTS and all(parts)
    assert [i for part in parts for i in part] == list(range(len(slides)))
    assert parts[0] == [0, 1]  # the long slide fills its part; the next starts after it
    assert _parts(slides[: MIN_SPLIT - 1]) == []
    assert len(_parts(slides[:MIN_SPLIT])) == PARTS
    even = _parts([Slide(html="<p>same</p>")] * 16)
    assert [len(part) for part in even] == [4, 4, 4, 4]


def test_hostile_slides_printed_in_the_workers_link_nowhere(listener) -> None:
    url, hits = listener
    hostile = (
        f'<section class="slide"><h1>Click <a href="{url}/phish">here</a></h1>'
        f'<img src="{url}/beacon.png" alt="x"></section>'
    )
    css = f".slide {{ background: url({url}/css.png) }}"
    deck = Deck(title="Hostile", css=css, slides=[Slide(html=hostile)] * 12)
    data = export_pdf(deck).data
    reader = _read(data)
    assert len(_resources(reader)) == PARTS
    assert hits == []
    assert all("/Annots" not in page for page in reader.pages)
    assert b"/URI" not in data and b"127.0.0.1" not in data
