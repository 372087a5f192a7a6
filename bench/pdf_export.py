"""PDF export: fidelity against the browser, text, speed and size.

Fidelity: every slide of the corpus (tests/export_corpus.py: the same 18-slide deck in each of
the four shipped styles) is rendered as the app shows it, in headless Chromium at 1280x720,
next to the exported PDF's page rendered by pdftoppm (poppler-utils) at 96 dpi = 1280x720.
Measure: mean SSIM (grey, 640x360, 7x7 windows; 1.0 = identical); goal mean >= 0.95 and no
slide under 0.85. Worst slides side by side (browser left, PDF right) in bench/out/pdf/.

Text: pypdf extracts each page's text; every word of the slide's HTML must be in it.

Speed: a 30-slide deck with 10 charts and 5 tables exported 7 times (median); goal < 100 ms
per slide. Baselines in the same run: the PPTX export of the same deck, and the
predecessor's way, one headless Chromium screenshot per slide.

Size: bytes per slide of the PDF, next to a PNG screenshot per slide (the predecessor's PDF
is a client-side screenshot per slide).
"""

from __future__ import annotations

import io
import re
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

from lxml import html as lxml_html
from PIL import Image
from pypdf import PdfReader

from bench.export_render import HEIGHT, WIDTH, chromium_slides, side_by_side, ssim
from slidegen.deck import Deck
from slidegen.export.pdf import export_pdf
from slidegen.export.pptx import export_pptx
from tests.export_corpus import corpus, speed_deck

OUT = Path(__file__).resolve().parent / "out" / "pdf"
SPEED_RUNS, WORST, GOAL_MS = 7, 5, 100.0


def pdf_pages(data: bytes) -> list[Image.Image]:
    """Render a PDF with pdftoppm at 96 dpi (a 960x540 pt page becomes 1280x720 px)."""
    with tempfile.TemporaryDirectory(prefix="sg-pdf-") as tmp:
        work = Path(tmp)
        (work / "deck.pdf").write_bytes(data)
        subprocess.run(
            ["pdftoppm", "-png", "-r", "96", str(work / "deck.pdf"), str(work / "page")],
            check=True,
            capture_output=True,
            timeout=300,
        )
        pages = sorted(work.glob("page-*.png"), key=lambda p: int(p.stem.split("-")[-1]))
        return [Image.open(p).convert("RGB").resize((WIDTH, HEIGHT)) for p in pages]


def _words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9$%]+", text.lower())


def missing_text(deck: Deck, data: bytes) -> int:
    """Count slides with a word not found in the PDF page's extracted text.

    Found as a substring: pypdf runs a KPI's value and label together ("$820Kcost").
    """
    reader, bad = PdfReader(io.BytesIO(data)), 0
    for slide, page in zip(deck.slides, reader.pages, strict=True):
        html = lxml_html.fragment_fromstring(slide.html, create_parent="div")
        extracted = " ".join(_words(page.extract_text()))
        bad += any(word not in extracted for word in _words(" ".join(html.itertext())))
    return bad


def fidelity() -> tuple[list[tuple[float, str, int]], list[float], list[int], int]:
    """SSIM rows, Chromium seconds per slide, PNG bytes per slide, slides with missing text."""
    OUT.mkdir(parents=True, exist_ok=True)
    rows, seconds, png_sizes, images, text_misses = [], [], [], {}, 0
    for style, deck in corpus().items():
        shots, took = chromium_slides(deck)
        seconds += took
        for shot in shots:
            buffer = io.BytesIO()
            shot.save(buffer, format="PNG")
            png_sizes.append(len(buffer.getvalue()))
        data = export_pdf(deck).data
        text_misses += missing_text(deck, data)
        pages = pdf_pages(data)
        if len(pages) != len(shots):
            raise RuntimeError(f"{style}: {len(shots)} slides but {len(pages)} pages")
        for number, (shot, page) in enumerate(zip(shots, pages, strict=True), 1):
            rows.append((ssim(shot, page), style, number))
            images[(style, number)] = (shot, page)
        scores = [r[0] for r in rows[-len(shots) :]]
        print(
            f"  {style:<15} mean SSIM {statistics.mean(scores):.3f}, min {min(scores):.3f}, "
            f"{len(data) / len(shots) / 1024:.1f} KB/slide"
        )
    for _score, style, number in sorted(rows)[:WORST]:
        side_by_side(*images[(style, number)], OUT / f"worst-{style}-{number:02d}.png")
    return rows, seconds, png_sizes, text_misses


def _median_seconds(run) -> float:
    run()  # warm-up: imports, fonts, templates
    times = []
    for _ in range(SPEED_RUNS):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    deck = speed_deck()
    pdf_s = _median_seconds(lambda: export_pdf(deck))
    pptx_s = _median_seconds(lambda: export_pptx(deck))
    size = len(export_pdf(deck).data)
    print("PDF fidelity (Chromium vs. pdftoppm rendering of the PDF, SSIM):")
    rows, browser_seconds, png_sizes, text_misses = fidelity()
    scores = [r[0] for r in rows]
    mean, low = statistics.mean(scores), min(scores)
    met = mean >= 0.95 and low >= 0.85
    print(
        f"  all {len(rows)} slides: mean {mean:.3f}, median {statistics.median(scores):.3f}, "
        f"min {low:.3f}; goal (mean >= 0.95, none < 0.85): {'met' if met else 'NOT met'}"
    )
    print("  worst slides (side by side in bench/out/pdf/):")
    for score, style, number in sorted(rows)[:WORST]:
        print(f"    {style:<15} slide {number:>2}  {score:.3f}")
    print(f"  text: {len(rows) - text_misses} of {len(rows)} pages hold all their slide's words")
    slides, browser_ms = len(deck.slides), statistics.median(browser_seconds) * 1000
    per_slide = pdf_s / slides * 1000
    print(f"PDF speed ({slides} slides, 10 charts, 5 tables; median of {SPEED_RUNS}):")
    print(
        f"  PDF export        {pdf_s * 1000:7.0f} ms total  {per_slide:6.1f} ms/slide  "
        f"goal < {GOAL_MS:.0f}: {'met' if per_slide < GOAL_MS else 'NOT met'}"
    )
    print(
        f"  PPTX export       {pptx_s * 1000:7.0f} ms total  {pptx_s / slides * 1000:6.1f} "
        f"ms/slide  (PDF / PPTX: {pdf_s / pptx_s:.1f}x)"
    )
    print(
        f"  Chromium baseline {browser_ms * slides:7.0f} ms total  {browser_ms:6.1f} ms/slide  "
        f"(baseline / PDF: {browser_ms / per_slide:.1f}x)"
    )
    print(
        f"PDF size: {size / slides / 1024:.1f} KB/slide for the speed deck; a 1280x720 PNG "
        f"screenshot is {statistics.median(png_sizes) / 1024:.1f} KB/slide (median)"
    )


if __name__ == "__main__":
    main()
