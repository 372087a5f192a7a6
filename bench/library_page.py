"""The Library page with 500 deck prompts, 100 slide styles and 1,000 images.

Runs the page with streamlit's AppTest (no browser) against a seeded SQLite database and
prints the median rerun time of each section (a style open, so its live preview renders) and
how many image bytes the Images section puts on the page (thumbnails, not the images).
Baseline in the same run: the History page (one query, a table).
"""

from __future__ import annotations

import io
import os
import statistics
import tempfile
import time
from pathlib import Path

from PIL import Image
from streamlit.testing.v1 import AppTest

from slidegen.config import Settings, reload_settings
from slidegen.db import migrate
from slidegen.db.database import Database
from slidegen.identity import User
from slidegen.seed_content.styles import SLIDE_STYLES
from slidegen.services.library import deck_prompts, images, slide_styles
from slidegen.services.seed import seed_database

APP = str(Path(__file__).resolve().parents[1] / "app.py")
USER = User(name="bench@example.com", display_name="Bench")
PROMPTS, STYLES, IMAGES, RUNS = 500, 100, 1000, 10


def _photo(n: int) -> bytes:
    """A 640x400 JPEG with a gradient (about 10 KB), different for each n."""
    image = Image.linear_gradient("L").resize((640, 400)).convert("RGB")
    image.paste((n * 37 % 255, n * 91 % 255, 120), (0, 0, 64 + n % 500, 40))
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=85)
    return out.getvalue()


def _build(url: str) -> int:
    database = Database(Settings(DATABASE_URL=url, SLIDEGEN_USER=USER.name))
    migrate.upgrade(database.engine)
    with database.scope() as session:
        seed_database(session, settings=database.settings)
        for n in range(PROMPTS):
            deck_prompts.create_deck_prompt(
                session,
                USER,
                name=f"Prompt {n:03}",
                category=f"Category {n % 12}",
                description=f"Bench prompt {n}",
                prompt_content=f"Tell story {n}.\n" * 20,
            )
        for n in range(STYLES - len(SLIDE_STYLES)):
            seed = SLIDE_STYLES[n % len(SLIDE_STYLES)]
            slide_styles.create_slide_style(
                session,
                USER,
                name=f"Style {n:03}",
                style_content=seed.style_content,
                image_guidelines=seed.image_guidelines,
                category="Bench",
            )
        for n in range(IMAGES):
            images.upload_image(
                session,
                USER,
                filename=f"photo-{n:04}.jpg",
                data=_photo(n),
                description=f"Photo {n}",
                category=f"Album {n % 10}",
                tags=["bench", f"t{n % 7}"],
            )
        style_id = slide_styles.find_slide_style(session, USER, name="Style 001").id
    database.dispose()
    return style_id


def _time(section: str | None, style_id: int | None = None) -> tuple[float, float, AppTest]:
    at = AppTest.from_file(APP, default_timeout=120)
    start = time.perf_counter()
    at.run()
    at.switch_page("app_pages/history.py" if section is None else "app_pages/library.py")
    at.run()
    if section:
        at.button_group(key="library-section").set_value(section).run()
    if style_id is not None:
        at.selectbox(key="choose-library.style_id").set_value(style_id).run()
    first = time.perf_counter() - start
    samples = []
    for _ in range(RUNS):
        start = time.perf_counter()
        at.run()
        samples.append(time.perf_counter() - start)
    assert not at.exception, at.exception
    return first * 1000, statistics.median(samples) * 1000, at


def _image_bytes(url: str) -> tuple[int, int, int]:
    """Return (images on the page, their thumbnail bytes, the full images' bytes)."""
    database = Database(Settings(DATABASE_URL=url))
    with database.scope() as session:
        page = images.search_images(session, USER, limit=24)
        thumbs = sum(len(i.thumbnail_base64 or "") * 3 // 4 for i in page.images)
        full = sum(i.size_bytes for i in page.images)
    database.dispose()
    return len(page.images), thumbs, full


def main() -> None:
    """Print the Library page's rerun time per section and its image bytes."""
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{Path(tmp) / 'bench.db'}"
        os.environ.update(
            DATABASE_URL=url,
            SLIDEGEN_USER=USER.name,
            MLFLOW_TRACKING_URI=f"sqlite:///{Path(tmp) / 'mlflow.db'}",
        )
        reload_settings()
        build = time.perf_counter()
        style_id = _build(url)
        build_s = time.perf_counter() - build
        rows = [
            ("Deck prompts (500)", _time("Deck prompts")),
            ("Slide style + preview", _time("Slide styles", style_id)),
            ("Images (1,000)", _time("Images")),
            ("History (baseline)", _time(None)),
        ]
        shown, thumbs, full = _image_bytes(url)
    print(
        f"Library page: {PROMPTS} prompts, {STYLES} styles, {IMAGES} images "
        f"(built in {build_s:.0f} s); median of {RUNS} reruns (AppTest)"
    )
    print(f"{'section':<24} {'first ms':>9} {'rerun ms':>9}")
    for name, (first, rerun, _) in rows:
        print(f"{name:<24} {first:>9.0f} {rerun:>9.0f}")
    worst = max(rerun for _, (_, rerun, _) in rows[:3])
    print(
        f"Slowest Library rerun / History rerun: {worst / rows[3][1][1]:.1f}x; goal: under 300 ms"
    )
    print(
        f"Images section: {shown} thumbnails per page, {thumbs / 1024:.0f} KB "
        f"(the full images would be {full / 1024:.0f} KB)"
    )


if __name__ == "__main__":
    main()
