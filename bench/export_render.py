"""Rendering for the export fidelity benchmark: slides in Chromium, PPTX in LibreOffice, SSIM."""

from __future__ import annotations

import io
import shutil
import subprocess
import tempfile
from pathlib import Path

import numpy as np
from PIL import Image

from slidegen.deck import Deck
from slidegen.render.document import slide_document

WIDTH, HEIGHT = 1280, 720
CHROMIUM = "/usr/bin/chromium"


def chromium_slides(deck: Deck) -> tuple[list[Image.Image], list[float]]:
    """Render each slide as the app shows it; return the images and seconds per slide."""
    import time

    from playwright.sync_api import sync_playwright

    images, seconds = [], []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"]
        )
        page = browser.new_page(viewport={"width": WIDTH, "height": HEIGHT})
        page.route("**/*", lambda route: route.abort())  # no network, ever
        for slide in deck.slides:
            start = time.perf_counter()
            page.set_content(slide_document(slide, deck.css))
            png = page.screenshot(clip={"x": 0, "y": 0, "width": WIDTH, "height": HEIGHT})
            seconds.append(time.perf_counter() - start)
            images.append(Image.open(io.BytesIO(png)).convert("RGB"))
        browser.close()
    return images, seconds


def chromium_deck_seconds(deck: Deck, runs: int) -> list[float]:
    """Render every slide of the deck as a screenshot, `runs` times; seconds per whole deck.

    The predecessor's export: one headless Chromium (launched once, not timed) screenshots
    each slide in turn.
    """
    import time

    from playwright.sync_api import sync_playwright

    totals = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"]
        )
        page = browser.new_page(viewport={"width": WIDTH, "height": HEIGHT})
        page.route("**/*", lambda route: route.abort())  # no network, ever
        for _ in range(runs):
            start = time.perf_counter()
            for slide in deck.slides:
                page.set_content(slide_document(slide, deck.css))
                page.screenshot(clip={"x": 0, "y": 0, "width": WIDTH, "height": HEIGHT})
            totals.append(time.perf_counter() - start)
        browser.close()
    return totals


def libreoffice_slides(pptx: bytes) -> list[Image.Image]:
    """Render a .pptx with LibreOffice Impress (headless) to PDF, then pdftoppm at 96 dpi."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if not soffice or not shutil.which("pdftoppm"):
        raise RuntimeError(
            "LibreOffice and poppler-utils are needed: run `make bench-export` (it installs "
            "libreoffice-impress and poppler-utils when missing)."
        )
    with tempfile.TemporaryDirectory(prefix="sg-lo-") as tmp:
        work = Path(tmp)
        (work / "deck.pptx").write_bytes(pptx)
        profile = (work / "profile").as_uri()
        subprocess.run(
            [soffice, f"-env:UserInstallation={profile}", "--headless", "--convert-to", "pdf"]
            + ["--outdir", str(work), str(work / "deck.pptx")],
            check=True,
            capture_output=True,
            timeout=300,
        )
        subprocess.run(
            ["pdftoppm", "-png", "-r", "96", str(work / "deck.pdf"), str(work / "page")],
            check=True,
            capture_output=True,
            timeout=300,
        )
        pages = sorted(work.glob("page-*.png"), key=lambda p: int(p.stem.split("-")[-1]))
        return [Image.open(p).convert("RGB").resize((WIDTH, HEIGHT)) for p in pages]


def _box_mean(a: np.ndarray, k: int) -> np.ndarray:
    c = np.cumsum(np.cumsum(np.pad(a, ((1, 0), (1, 0))), 0), 1)
    return (c[k:, k:] - c[:-k, k:] - c[k:, :-k] + c[:-k, :-k]) / (k * k)


def ssim(a: Image.Image, b: Image.Image, *, size: tuple[int, int] = (640, 360)) -> float:
    """Mean structural similarity (Wang et al. 2004) of two images, grey, 7x7 box windows.

    Both images are scaled to 640x360 first, so 1 px of anti-aliasing or sub-pixel font
    differences do not dominate; 1.0 means identical.
    """
    x = np.asarray(a.convert("L").resize(size), dtype=np.float64)
    y = np.asarray(b.convert("L").resize(size), dtype=np.float64)
    k, c1, c2 = 7, (0.01 * 255) ** 2, (0.03 * 255) ** 2
    mx, my = _box_mean(x, k), _box_mean(y, k)
    vx = _box_mean(x * x, k) - mx * mx
    vy = _box_mean(y * y, k) - my * my
    cov = _box_mean(x * y, k) - mx * my
    s = ((2 * mx * my + c1) * (2 * cov + c2)) / ((mx * mx + my * my + c1) * (vx + vy + c2))
    return float(s.mean())


def side_by_side(left: Image.Image, right: Image.Image, path: Path) -> None:
    """Save the browser rendering (left) next to the PowerPoint rendering (right)."""
    out = Image.new("RGB", (WIDTH * 2 + 20, HEIGHT), "#888888")
    out.paste(left.resize((WIDTH, HEIGHT)), (0, 0))
    out.paste(right.resize((WIDTH, HEIGHT)), (WIDTH + 20, 0))
    out.resize((WIDTH + 10, HEIGHT // 2)).save(path)
