"""PowerPoint export: fidelity against the browser, and speed.

Fidelity: every slide of the corpus (tests/export_corpus.py: the same realistic 18-slide deck
in each of the four shipped styles: charts, table, lists, columns, KPIs, quote, image, long
text) is rendered as the app shows it, in headless Chromium at 1280x720, and the exported
PPTX is rendered by LibreOffice Impress (headless, to PDF, pdftoppm at 96 dpi = 1280x720).
Measure: mean SSIM (grey, 640x360, 7x7 windows; 1.0 = identical). Side-by-side images of the
worst slides (browser left, PowerPoint right) go to bench/out/export/.

Speed: a 30-slide deck with 10 charts and 5 tables exported 7 times (median), peak Python
memory with tracemalloc. Baseline in the same run, on the same deck: the predecessor's way,
one headless Chromium screenshot per slide of the 30-slide deck (median of the same runs).
"""

from __future__ import annotations

import statistics
import time
import tracemalloc
from pathlib import Path

from bench.export_render import (
    chromium_deck_seconds,
    chromium_slides,
    libreoffice_slides,
    side_by_side,
    ssim,
)
from slidegen.export.pptx import export_pptx
from tests.export_corpus import corpus, speed_deck

OUT = Path(__file__).resolve().parent / "out" / "export"
SPEED_RUNS, WORST = 7, 6
GOAL_MS_PER_SLIDE, GOAL_TOTAL_S = 50.0, 2.0


def fidelity() -> list[tuple[float, str, int]]:
    """Return (score, style, slide number) for every slide of the corpus."""
    OUT.mkdir(parents=True, exist_ok=True)
    rows, images = [], {}
    for style, deck in corpus().items():
        shots, _seconds = chromium_slides(deck)
        pages = libreoffice_slides(export_pptx(deck).data)
        if len(pages) != len(shots):
            raise RuntimeError(f"{style}: {len(shots)} slides but {len(pages)} pages")
        for number, (shot, page) in enumerate(zip(shots, pages, strict=True), 1):
            rows.append((ssim(shot, page), style, number))
            images[(style, number)] = (shot, page)
        print(f"  {style:<15} mean SSIM {statistics.mean(r[0] for r in rows[-len(shots) :]):.3f}")
    for _score, style, number in sorted(rows)[:WORST]:
        side_by_side(*images[(style, number)], OUT / f"worst-{style}-{number:02d}.png")
    return rows


def speed() -> tuple[float, float, int]:
    """Return median seconds per export of the speed deck, its slides, and peak memory (bytes)."""
    deck = speed_deck()
    export_pptx(deck)  # warm-up: imports and python-pptx's templates
    times = []
    for _ in range(SPEED_RUNS):
        start = time.perf_counter()
        export_pptx(deck)
        times.append(time.perf_counter() - start)
    tracemalloc.start()
    export_pptx(deck)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return statistics.median(times), len(deck.slides), peak


def _rss_mb() -> float:
    """Peak resident memory of this process so far (MB)."""
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    median_s, slides, peak = speed()  # first, so the process's peak RSS is the export's
    rss = _rss_mb()
    print("Export fidelity (browser vs. LibreOffice rendering of the PPTX, SSIM):")
    browser_s = statistics.median(chromium_deck_seconds(speed_deck(), SPEED_RUNS))
    rows = fidelity()
    scores = [r[0] for r in rows]
    print(
        f"  all {len(rows)} slides: mean {statistics.mean(scores):.3f}, "
        f"median {statistics.median(scores):.3f}, min {min(scores):.3f}"
    )
    print("  worst slides (side by side in bench/out/export/):")
    for score, style, number in sorted(rows)[:WORST]:
        print(f"    {style:<15} slide {number:>2}  {score:.3f}")
    per_slide_ms = median_s / slides * 1000
    print(f"Export speed ({slides} slides, 10 charts, 5 tables; median of {SPEED_RUNS}):")
    print(f"  PPTX export       {median_s * 1000:7.0f} ms total  {per_slide_ms:6.1f} ms/slide")
    browser_ms = browser_s / slides * 1000
    print(f"  Chromium baseline {browser_s * 1000:7.0f} ms total  {browser_ms:6.1f} ms/slide")
    print(f"  ratio baseline / export: {browser_s / median_s:.1f}x")
    print(f"  memory: {peak / 1e6:.1f} MB peak Python allocations (tracemalloc) per export;")
    print(f"          {rss:.0f} MB peak RSS of the process after the speed runs")
    met = per_slide_ms < GOAL_MS_PER_SLIDE and median_s < GOAL_TOTAL_S
    print(
        f"  goal (< {GOAL_MS_PER_SLIDE:.0f} ms/slide, < {GOAL_TOTAL_S:.0f} s total): "
        f"{'met' if met else 'NOT met'}"
    )


if __name__ == "__main__":
    main()
