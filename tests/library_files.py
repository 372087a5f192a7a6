"""Image bytes for library tests, made with Pillow."""

from __future__ import annotations

import io

from PIL import Image


def image_bytes(
    kind: str = "PNG", size: tuple[int, int] = (64, 48), colour: str = "#3366cc"
) -> bytes:
    """Return a small image of this Pillow format."""
    out = io.BytesIO()
    Image.new("RGB", size, colour).save(out, format=kind)
    return out.getvalue()


SVG = (
    b'<svg xmlns="http://www.w3.org/2000/svg" width="120" height="60">'
    b'<rect width="120" height="60" fill="#c33"/><circle cx="30" cy="30" r="20" fill="#fff"/></svg>'
)
