"""PDF export: fidelity against the browser, text, speed and size, before/after the print layout.

Decks: the offline engine's own decks (its four seeded deck prompts generated as in the app,
joined into one deck per shipped style: 31 slides, 11 charts, tables, KPI rows in columns)
and the export corpus (tests/export_corpus.py: the same 18-slide deck in each style). Each is
exported twice in the same run: "before" with the deck's CSS alone, "after" with the
print-only layout rules of slidegen/render/print_layout.py (what the app ships).

Fidelity: every slide rendered as the app shows it, in headless Chromium at 1280x720, next to
the PDF's page rendered by pdftoppm (poppler-utils) at 96 dpi = 1280x720. Measure: SSIM
(grey, 640x360, 7x7 windows; 1.0 = identical), mean and min per style; goal mean >= 0.95 and
no slide under 0.85. Worst slides (after) side by side in bench/out/pdf/.

Text: pypdf extracts each page's text; every word of the slide's HTML must be in it.

Speed (median of runs; goal < 100 ms per slide): the offline engine's System Default deck
(31 slides, 11 charts) and the corpus' 30-slide deck with 10 charts and 5 tables, each
before (no print layout, one process), with the print layout in one process, and as shipped
(in parts on the WeasyPrint worker processes, joined with pypdf). Baselines in the same
run: the PPTX export of the same deck, and the predecessor's way, one headless Chromium
screenshot per slide.

Size: bytes per slide of the PDF, next to a PNG screenshot per slide (the predecessor's PDF
is a client-side screenshot per slide).
"""

from __future__ import annotations

import io
import os
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
from slidegen import seed_content, tracing
from slidegen.deck import Deck
from slidegen.export.pdf import PARTS, WORKERS, export_pdf
from slidegen.export.pptx import export_pptx
from tests.export_corpus import corpus, speed_deck

OUT = Path(__file__).resolve().parent / "out" / "pdf"
SPEED_RUNS, BEFORE_RUNS, WORST, GOAL_MS = 5, 3, 5, 100.0


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


def offline_decks(folder: Path) -> dict[str, Deck]:
    """The offline engine's decks for every seeded deck prompt, joined into one per style."""
    from bench.offline_demo import USER, Demo, _Discard
    from slidegen.services.decks.store import load_deck, load_session

    demo, decks = Demo(folder), {}
    real_exporter = tracing._exporter
    tracing._exporter = _Discard()  # traces are not what this measures
    try:
        for style in seed_content.SLIDE_STYLES:
            key = style.name.lower().replace(" ", "_")
            for prompt in seed_content.DECK_PROMPTS:
                css = demo.select(prompt.name, style.name)
                _, session_id, _ = demo.generate(seed_content.starter_request(prompt.name))
                with demo.db.scope() as session:
                    deck = load_deck(load_session(session, USER, session_id))
                joined = decks.setdefault(key, Deck(title=f"Offline decks, {style.name}", css=css))
                joined.slides += deck.slides
    finally:
        tracing._exporter = real_exporter
        demo.db.dispose()
    return decks


def _scores(deck: Deck, shots: list[Image.Image], print_layout: bool) -> tuple[list, int, bytes]:
    data = export_pdf(deck, print_layout=print_layout).data
    pages = pdf_pages(data)
    if len(pages) != len(shots):
        raise RuntimeError(f"{deck.title}: {len(shots)} slides but {len(pages)} pages")
    return [ssim(a, b) for a, b in zip(shots, pages, strict=True)], missing_text(deck, data), data


def fidelity(sets: dict[str, dict[str, Deck]]) -> tuple[list[tuple], list[float], list[int]]:
    """Rows (set, style, slide, before, after, text misses), Chromium seconds, PNG sizes."""
    OUT.mkdir(parents=True, exist_ok=True)
    rows, seconds, png_sizes, images = [], [], [], {}
    for name, decks in sets.items():
        for style, deck in decks.items():
            shots, took = chromium_slides(deck)
            seconds += took
            for shot in shots:
                buffer = io.BytesIO()
                shot.save(buffer, format="PNG")
                png_sizes.append(len(buffer.getvalue()))
            before, _misses, _data = _scores(deck, shots, False)
            after, misses, data = _scores(deck, shots, True)
            pages = pdf_pages(data)
            for number, (b, a) in enumerate(zip(before, after, strict=True), 1):
                rows.append((name, style, number, b, a))
                images[(name, style, number)] = (shots[number - 1], pages[number - 1])
            print(
                f"  {name:<8} {style:<15} {len(shots):>2} slides  before mean "
                f"{statistics.mean(before):.3f} min {min(before):.3f}  |  after mean "
                f"{statistics.mean(after):.3f} min {min(after):.3f}  "
                f"{len(data) / len(shots) / 1024:.1f} KB/slide, text missing on {misses}"
            )
    for row in sorted(rows, key=lambda r: r[4])[:WORST]:
        name, style, number = row[:3]
        side_by_side(*images[(name, style, number)], OUT / f"worst-{name}-{style}-{number:02d}.png")
    return rows, seconds, png_sizes


def _median_seconds(run, runs: int = SPEED_RUNS) -> float:
    run()  # warm-up: imports, fonts, templates
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def _met(met: bool) -> str:
    return "met" if met else "NOT met"


def _speed(label: str, deck: Deck) -> float:
    slides = len(deck.slides)
    charts = sum(len(s.charts) for s in deck.slides)
    before = _median_seconds(
        lambda: export_pdf(deck, print_layout=False, workers=False), BEFORE_RUNS
    )
    alone = _median_seconds(lambda: export_pdf(deck, workers=False))
    after = _median_seconds(lambda: export_pdf(deck))
    pptx = _median_seconds(lambda: export_pptx(deck))
    per_slide = after / slides * 1000
    print(f"  {label} ({slides} slides, {charts} charts):")
    print(
        f"    PDF before        {before * 1000:7.0f} ms total  {before / slides * 1000:6.1f} "
        f"ms/slide  (no print layout, one process; median of {BEFORE_RUNS})"
    )
    print(
        f"    PDF one process   {alone * 1000:7.0f} ms total  {alone / slides * 1000:6.1f} "
        f"ms/slide  (print layout; median of {SPEED_RUNS}; before / this: {before / alone:.1f}x)"
    )
    print(
        f"    PDF as shipped    {after * 1000:7.0f} ms total  {per_slide:6.1f} ms/slide  "
        f"({PARTS} parts on {WORKERS} workers; median of {SPEED_RUNS}; one process / this: "
        f"{alone / after:.2f}x; goal < {GOAL_MS:.0f}: {_met(per_slide < GOAL_MS)})"
    )
    print(
        f"    PPTX export       {pptx * 1000:7.0f} ms total  {pptx / slides * 1000:6.1f} "
        f"ms/slide  (PDF as shipped / PPTX: {after / pptx:.1f}x)"
    )
    return per_slide


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="sg-pdf-bench-") as tmp:
        offline = offline_decks(Path(tmp))
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, check=False
    ).stdout.strip()
    print(
        f"commit {commit}; load average at start: {' '.join(f'{x:.1f}' for x in os.getloadavg())}"
    )
    print("PDF speed:")
    offline_ms = _speed("offline engine, System Default", offline["system_default"])
    corpus_ms = _speed("corpus speed deck", speed_deck())
    print("PDF fidelity (Chromium vs. pdftoppm rendering of the PDF, SSIM), before | after:")
    rows, browser_seconds, png_sizes = fidelity({"offline": offline, "corpus": corpus()})
    for index, label in ((3, "before"), (4, "after")):
        scores = [r[index] for r in rows]
        mean, low = statistics.mean(scores), min(scores)
        met = mean >= 0.95 and low >= 0.85
        print(
            f"  {label:<6} all {len(rows)} slides: mean {mean:.3f}, min {low:.3f}; "
            f"goal (mean >= 0.95, none < 0.85): {'met' if met else 'NOT met'}"
        )
    print("  worst slides after (side by side in bench/out/pdf/):")
    for name, style, number, before, after in sorted(rows, key=lambda r: r[4])[:WORST]:
        print(f"    {name:<8} {style:<15} slide {number:>2}  {after:.3f} (before {before:.3f})")
    browser_ms = statistics.median(browser_seconds) * 1000
    print(
        f"Chromium screenshot baseline: {browser_ms:.1f} ms/slide (median); PDF after: "
        f"offline {offline_ms:.1f}, corpus {corpus_ms:.1f} ms/slide"
    )
    size = len(export_pdf(offline["system_default"]).data) / len(offline["system_default"].slides)
    print(
        f"PDF size: {size / 1024:.1f} KB/slide for the offline System Default deck; a 1280x720 "
        f"PNG screenshot is {statistics.median(png_sizes) / 1024:.1f} KB/slide (median)"
    )
    print(f"load average at end: {' '.join(f'{x:.1f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
