"""Embedded images (`<img src="data:image/...">`): decoded once, with their pixel size."""

from __future__ import annotations

import base64
import binascii
import io
import re
from dataclasses import dataclass
from functools import lru_cache

_DATA_URI = re.compile(r"data:image/(png|jpeg|jpg|gif|bmp);base64,([A-Za-z0-9+/=\s]+)$", re.I)
MAX_PIXELS = 40_000_000  # refuse decompression bombs


@dataclass(frozen=True)
class Picture:
    """Image bytes PowerPoint can embed, with width and height in pixels."""

    data: bytes
    width: int
    height: int


def decode(src: str) -> Picture | None:
    """Return the picture of a data URI, or None if it is not an embedded, readable image."""
    return _decode(src.strip()) if src.strip().startswith("data:") else None


@lru_cache(maxsize=64)
def _decode(src: str) -> Picture | None:
    match = _DATA_URI.match(src)
    if not match:
        return None
    try:
        raw = base64.b64decode(re.sub(r"\s", "", match.group(2)), validate=True)
        from PIL import Image

        with Image.open(io.BytesIO(raw)) as img:
            width, height = img.size
            if width * height > MAX_PIXELS:
                return None
            img.verify()
    except (binascii.Error, OSError, ValueError, SyntaxError):
        return None
    return Picture(raw, width, height)
