"""Seed slide styles: metadata, image guidelines and the CSS of each style."""

from __future__ import annotations

from .css import DATA_DENSE_CSS, MIDNIGHT_CSS, MINIMAL_CSS, SYSTEM_DEFAULT_CSS
from .records import SlideStyleSeed

SYSTEM_DEFAULT_IMAGES: str = """\
**Images in System Default.** Use images to show evidence, not decoration: product \
screenshots, architecture diagrams, team photos or partner logos. Place a single image in \
one `div.column` next to two or three bullets, or on its own below the title; avoid \
full-bleed backgrounds, because the red-orange bar and white canvas carry the brand. \
Prefer light images with clear contrast, crop screenshots to the relevant area, and give \
every image a descriptive `alt` text. Logos belong on the title or closing slide only.
"""

MIDNIGHT_IMAGES: str = """\
**Images in Midnight.** Choose images that sit well on a dark canvas: dark-mode \
screenshots, diagrams with transparent or dark backgrounds, and moody photography. \
Bright white screenshots glare on this background, so crop them tightly and keep them \
small, ideally inside a `div.column` beside the explanation. The style frames images \
with a subtle border and rounded corners; do not add your own. One image per slide, \
always with a descriptive `alt` text.
"""

MINIMAL_IMAGES: str = """\
**Images in Minimal.** Use images sparingly and let whitespace do the work: at most one \
image per slide, aligned with the text's left edge, never as a background. Black-and-white \
or muted photography, line diagrams and clean screenshots fit best; avoid busy collages, \
drop shadows and clip art. Give the image room, either in one of two `div.column`s or \
alone beneath the title, and keep captions to a short line of text. Always add a \
descriptive `alt` text.
"""

DATA_DENSE_IMAGES: str = """\
**Images in Data Dense.** Images are for reference material only: dashboard or notebook \
screenshots, data-model and lineage diagrams, architecture sketches. Crop to the part \
being discussed and place the image in a `div.column` next to the numbers or findings \
it supports, so the reader never has to guess why it is there. Never use decorative \
photos, and never use a screenshot of a chart when the data can be shown as a \
`figure.chart` or a table. Always add a descriptive `alt` text.
"""

SLIDE_STYLES: list[SlideStyleSeed] = [
    SlideStyleSeed(
        name="System Default",
        category="Brand",
        description="Clean, light corporate look with dark navy text and a red-orange accent bar.",
        style_content=SYSTEM_DEFAULT_CSS,
        image_guidelines=SYSTEM_DEFAULT_IMAGES,
        is_system=True,
        is_default=True,
    ),
    SlideStyleSeed(
        name="Midnight",
        category="Dark",
        description="Dark canvas with light text and teal and violet accents for "
        "on-screen presentations.",
        style_content=MIDNIGHT_CSS,
        image_guidelines=MIDNIGHT_IMAGES,
        is_system=False,
        is_default=False,
    ),
    SlideStyleSeed(
        name="Minimal",
        category="Minimal",
        description="White, airy layout with thin rules, monochrome type and a single "
        "cobalt accent.",
        style_content=MINIMAL_CSS,
        image_guidelines=MINIMAL_IMAGES,
        is_system=False,
        is_default=False,
    ),
    SlideStyleSeed(
        name="Data Dense",
        category="Analytical",
        description="Compact layout with smaller type and tight tables for analysts who "
        "need more numbers per slide.",
        style_content=DATA_DENSE_CSS,
        image_guidelines=DATA_DENSE_IMAGES,
        is_system=False,
        is_default=False,
    ),
]
