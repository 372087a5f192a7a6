"""The layout check against the real renderer: do WeasyPrint and Chromium agree on overflow?

Corpus, in each of the four shipped styles: the 10 slides of bench.verification's correct deck
(KPI tile, line and bar charts, table, prose) and 10 slides built around the edge: bullet lists
of 4 to 28 items, tables of 5 to 22 rows, a paragraph of 60 to 260 words. 80 slides in all.

- Chromium (the browser tests' renderer, headless, 1280x720, the app's slide document): a slide
  overflows when some text's line box reaches more than 2 px past the canvas or past a box
  that clips it (overflow other than visible).
- WeasyPrint (slidegen.render.layout_check, no browser): a slide overflows when the check
  reports outside-canvas, overflow or clipped.
Agreement: the share of slides both classify the same (goal at least 95%). Time: median per
slide of each engine, in the same run.
Run: `python -m bench.layout_agreement`.
"""

from __future__ import annotations

import random
import statistics
import time

from playwright.sync_api import sync_playwright

from bench.verification import correct_deck, dataset
from slidegen.deck import Slide
from slidegen.render.document import slide_document
from slidegen.render.layout_check import check_layout
from slidegen.seed_content.css import data_dense, midnight, minimal, system_default

CHROMIUM = "/usr/bin/chromium"
STYLES = {
    "system_default": system_default.CSS,
    "minimal": minimal.CSS,
    "data_dense": data_dense.CSS,
    "midnight": midnight.CSS,
}
OVERFLOW_CHECKS = {"outside-canvas", "overflow", "clipped"}
TEXT_OVERFLOW_JS = """() => {
  const slide = document.querySelector('section.slide');
  const box = slide.getBoundingClientRect();
  const walker = document.createTreeWalker(slide, NodeFilter.SHOW_TEXT);
  const found = [];
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    if (!node.textContent.trim() || node.parentElement.closest('svg')) continue;
    const range = document.createRange();
    range.selectNodeContents(node);
    for (const r of range.getClientRects()) {
      if (r.width === 0 || r.height === 0) continue;
      let over = Math.max(r.right - box.right, r.bottom - box.bottom,
                          box.left - r.left, box.top - r.top);
      for (let el = node.parentElement; el && el !== slide.parentElement; el = el.parentElement) {
        if (getComputedStyle(el).overflow === 'visible') continue;
        const c = el.getBoundingClientRect();
        over = Math.max(over, r.bottom - c.bottom, r.right - c.right);
        break;
      }
      if (over > 2) { found.push(node.parentElement.tagName.toLowerCase()); break; }
    }
  }
  return found;
}"""
WORDS = [
    "spend",
    "usage",
    "cluster",
    "warehouse",
    "serverless",
    "budget",
    "owner",
    "forecast",
    "trend",
    "month",
    "quarter",
    "review",
    "savings",
    "workload",
    "pipeline",
    "team",
    "growth",
    "jobs",
    "compute",
    "storage",
]


def edge_slides(rng: random.Random) -> list[Slide]:
    """Slides that fit easily, just fit, or overflow, whatever the style."""
    slides = []
    for items in (4, 8, 12, 16, 28):
        bullets = "".join(
            f"<li>{' '.join(rng.choices(WORDS, k=rng.randint(4, 9)))}</li>" for _ in range(items)
        )
        slides.append(_slide(f"<ul>{bullets}</ul>"))
    for rows in (5, 12, 22):
        cells = "".join(
            f"<tr><td>{rng.choice(WORDS)} {n}</td><td>{rng.randint(1_000, 99_999):,}</td></tr>"
            for n in range(rows)
        )
        slides.append(_slide(f"<table><tr><th>Item</th><th>Cost</th></tr>{cells}</table>"))
    for words in (60, 260):
        slides.append(_slide(f"<p>{' '.join(rng.choices(WORDS, k=words))}.</p>"))
    return slides


def _slide(body: str) -> Slide:
    return Slide(html=f'<section class="slide"><h1>Edge case</h1>{body}</section>')


def main() -> None:
    """Print the agreement rate, the disagreements, and time per slide of each engine."""
    rng = random.Random(15)
    corpus = []
    for name, css in STYLES.items():
        for slide in correct_deck(dataset(rng)) + edge_slides(rng):
            corpus.append((name, css, slide))
    weasy_s, chrome_s, rows = [], [], []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"]
        )
        page = browser.new_page(viewport={"width": 1280, "height": 720})
        for index, (name, css, slide) in enumerate(corpus):
            start = time.perf_counter()
            issues = (check_layout(css, [slide]) or [[]])[0]
            weasy_s.append(time.perf_counter() - start)
            start = time.perf_counter()
            page.set_content(slide_document(slide, css))
            page.wait_for_selector("section.slide")
            chrome = page.evaluate(TEXT_OVERFLOW_JS)
            chrome_s.append(time.perf_counter() - start)
            weasy = sorted({i.check for i in issues} & OVERFLOW_CHECKS)
            rows.append((index % 20 + 1, name, bool(weasy), bool(chrome), weasy, chrome[:3]))
        browser.close()
    same = sum(w == c for _, _, w, c, _, _ in rows)
    both = sum(w and c for _, _, w, c, _, _ in rows)
    print(
        f"{len(rows)} slides (4 styles x 20): agreement {same}/{len(rows)} "
        f"({same / len(rows):.1%}); overflowing in both {both}, "
        f"Chromium only {sum(c and not w for _, _, w, c, _, _ in rows)}, "
        f"WeasyPrint only {sum(w and not c for _, _, w, c, _, _ in rows)}"
    )
    for number, name, w, c, weasy, chrome in rows:
        if w != c:
            print(
                f"  {name} slide {number}: WeasyPrint {weasy or 'fits'}, "
                f"Chromium {chrome or 'fits'}"
            )
    w_ms, c_ms = statistics.median(weasy_s) * 1000, statistics.median(chrome_s) * 1000
    print(
        f"median per slide: WeasyPrint check {w_ms:.0f} ms, Chromium render+measure {c_ms:.0f} "
        f"ms (browser start not counted; ratio {w_ms / c_ms:.1f}x)"
    )


if __name__ == "__main__":
    main()
