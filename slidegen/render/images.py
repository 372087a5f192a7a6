"""Library images in slides: `<img src="image:NAME">` references, resolved to data URIs.

Stored slides keep the short reference (cheap to store and to show the LLM); every surface
that renders or exports a slide swaps it for the image's `data:` URI, the only image source
the slide CSP allows. An unknown reference loses its src, so the alt text shows instead.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

# The sanitiser emits `src="image:NAME"` with exactly this shape (double quotes, no spaces).
_REFERENCE = re.compile(r'(<img\b[^>]*?\s)src="image:([A-Za-z0-9_-]+)"')
_DATA_URI = re.compile(r"data:image/(?:png|jpeg|gif|webp);base64,[A-Za-z0-9+/]*={0,2}")


def image_references(htmls: Iterable[str]) -> set[str]:
    """Return the library image names referenced by these slide HTML fragments."""
    return {match.group(2) for html in htmls for match in _REFERENCE.finditer(html)}


def embed_images(html: str, images: Mapping[str, str]) -> str:
    """Return slide HTML with each `image:NAME` src replaced by that image's data URI."""
    if "image:" not in html:
        return html

    def swap(match: re.Match[str]) -> str:
        uri = images.get(match.group(2), "")
        if not _DATA_URI.fullmatch(uri):  # unknown, or not a raster data URI: no fetch
            return match.group(1).rstrip() + " "
        return f'{match.group(1)}src="{uri}"'

    return _REFERENCE.sub(swap, html)
