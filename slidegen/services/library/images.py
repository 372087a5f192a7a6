"""The image library: validated uploads stored in the database, thumbnails, search, embedding.

Slides place an image by reference (`<img src="image:NAME">`); rendering and export replace
the reference with a data URI through `image_data_uris` (CSP allows only data: images).
"""

from __future__ import annotations

import base64
import io
import re
from collections.abc import Iterable
from pathlib import PurePath

from PIL import Image, UnidentifiedImageError
from sqlalchemy import Text, cast, func, or_, select
from sqlalchemy.orm import Session, undefer

from slidegen.db.models import ImageAsset
from slidegen.errors import InvalidInputError, NotFoundError
from slidegen.identity import User
from slidegen.schemas.library import ImagePage, ImageSummary
from slidegen.services.library.common import check_may_change, clean_category

MAX_UPLOAD_BYTES = 5 * 1024 * 1024
MAX_PIXELS = 40_000_000  # refuses decompression bombs before decoding
MAX_SVG_BYTES = 1024 * 1024
THUMBNAIL_SIZE = (240, 160)
MAX_TAGS = 20
RASTER_TYPES = {"PNG": "image/png", "JPEG": "image/jpeg", "GIF": "image/gif", "WEBP": "image/webp"}
_NAME = re.compile(r"[^a-z0-9_-]+")
# An SVG may only draw: anything that could load, run or read something is refused.
_SVG_FORBIDDEN = re.compile(
    r"<!entity|<!doctype|<script|<foreignobject|<image|<use|<iframe|<style|@import|url\(\s*['\"]?[^#'\"\s)]"
    r"|\bon[a-z]+\s*=|(?:xlink:)?href\s*=\s*['\"]?\s*[^#'\"\s]",
    re.IGNORECASE,
)


def image_name(text: str) -> str:
    """Return a reference-safe name (letters, digits, - and _) for a file name or title."""
    stem = PurePath(text or "").stem if "." in (text or "") else (text or "")
    return _NAME.sub("-", stem.lower()).strip("-")[:80] or "image"


def upload_image(
    session: Session,
    user: User,
    *,
    filename: str,
    data: bytes,
    name: str | None = None,
    description: str | None = None,
    category: str | None = None,
    tags: Iterable[str] = (),
) -> ImageSummary:
    """Validate an upload (type from its bytes, size, pixels), thumbnail it and store it."""
    if not data:
        raise InvalidInputError(f"“{filename}” is empty.")
    if len(data) > MAX_UPLOAD_BYTES:
        raise InvalidInputError(
            f"“{filename}” is {len(data) / 1048576:.1f} MB; images may be at most "
            f"{MAX_UPLOAD_BYTES // 1048576} MB. Compress or resize it and upload again."
        )
    mime, stored = _validated_bytes(filename, data)
    row = ImageAsset(
        filename=_free_name(session, image_name(name or filename)),
        original_filename=(filename or "image")[:255],
        mime_type=mime,
        size_bytes=len(stored),
        image_data=stored,
        thumbnail_base64=_thumbnail(filename, stored),
        tags=clean_tags(tags),
        description=(description or "").strip() or None,
        category=clean_category(category),
        uploaded_by=user.name,
        created_by=user.name,
        updated_by=user.name,
    )
    session.add(row)
    session.flush()
    return _summary(row)


def clean_tags(tags: Iterable[str]) -> list[str]:
    """Return unique, trimmed, lower-case tags (at most 20, 40 characters each)."""
    cleaned: list[str] = []
    for tag in tags:
        tag = " ".join(str(tag).split()).lower()[:40]
        if tag and tag not in cleaned:
            cleaned.append(tag)
    return cleaned[:MAX_TAGS]


def has_images(session: Session) -> bool:
    """Whether any active image exists (the image tool is offered to the model only then)."""
    query = select(ImageAsset.id).where(ImageAsset.is_active.is_(True)).limit(1)
    return session.scalar(query) is not None


def search_images(
    session: Session,
    user: User,
    *,
    text: str = "",
    category: str | None = None,
    offset: int = 0,
    limit: int = 1000,
) -> ImagePage:
    """Return one page of active images (thumbnails only) matching every word, and the total."""
    query = select(ImageAsset).where(ImageAsset.is_active.is_(True))
    if category:
        query = query.where(ImageAsset.category == category)
    for word in text.lower().split():
        pattern = f"%{word}%"
        query = query.where(
            or_(
                func.lower(ImageAsset.filename).like(pattern),
                func.lower(ImageAsset.description).like(pattern),
                func.lower(ImageAsset.category).like(pattern),
                func.lower(cast(ImageAsset.tags, Text)).like(pattern),
            )
        )
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = session.scalars(query.order_by(ImageAsset.filename).offset(offset).limit(limit))
    return ImagePage(total=total, images=[_summary(row) for row in rows])


def update_image(
    session: Session,
    user: User,
    *,
    image_id: int,
    description: str | None = None,
    category: str | None = None,
    tags: Iterable[str] | None = None,
) -> ImageSummary:
    """Change an image's description, category or tags (its name is its reference: kept)."""
    row = _load(session, image_id)
    check_may_change(user, row, row.filename, "edit")
    if description is not None:
        row.description = description.strip() or None
    if category is not None:
        row.category = clean_category(category)
    if tags is not None:
        row.tags = clean_tags(tags)
    row.updated_by = user.name
    session.flush()
    return _summary(row)


def delete_image(session: Session, user: User, *, image_id: int) -> None:
    """Delete an image; slides that referenced it show its alt text instead."""
    row = _load(session, image_id)
    check_may_change(user, row, row.filename, "delete")
    session.delete(row)
    session.flush()


def image_data_uris(session: Session, names: Iterable[str]) -> dict[str, str]:
    """Return `data:` URIs for the named images that exist (for rendering and export)."""
    wanted = sorted(set(names))
    if not wanted:
        return {}
    rows = session.scalars(
        select(ImageAsset)
        .options(undefer(ImageAsset.image_data))
        .where(ImageAsset.filename.in_(wanted), ImageAsset.is_active.is_(True))
    )
    return {
        row.filename: f"data:{row.mime_type};base64,{base64.b64encode(row.image_data).decode()}"
        for row in rows
    }


def image_categories(session: Session, user: User) -> list[str]:
    """Return the image categories in use, sorted."""
    query = select(ImageAsset.category).where(ImageAsset.category.is_not(None)).distinct()
    return sorted(set(session.scalars(query)))


def _validated_bytes(filename: str, data: bytes) -> tuple[str, bytes]:
    """Return the MIME type and bytes to store; SVG is checked, then rasterised to PNG."""
    head = data[:512].lstrip().lower()
    if head.startswith((b"<svg", b"<?xml")) and b"<svg" in data[:4096].lower():
        return "image/png", _rasterise_svg(filename, data)
    try:
        with Image.open(io.BytesIO(data)) as image:
            kind = image.format or ""
            if image.width * image.height > MAX_PIXELS:
                raise InvalidInputError(
                    f"“{filename}” has too many pixels (at most 40 megapixels)."
                )
            image.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, Image.DecompressionBombError) as exc:
        raise InvalidInputError(
            f"“{filename}” is not a readable PNG, JPEG, GIF, WebP or SVG image."
        ) from exc
    if kind not in RASTER_TYPES:
        raise InvalidInputError(
            f"“{filename}” is a {kind or 'unknown'} image; upload PNG, JPEG, GIF, WebP or SVG."
        )
    return RASTER_TYPES[kind], data


def _rasterise_svg(filename: str, data: bytes) -> bytes:
    if len(data) > MAX_SVG_BYTES:
        raise InvalidInputError(f"“{filename}” is too large for an SVG (at most 1 MB).")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InvalidInputError(f"“{filename}” is not a UTF-8 SVG file.") from exc
    if match := _SVG_FORBIDDEN.search(text):
        raise InvalidInputError(
            f"“{filename}” contains “{match.group(0)[:30]}”: SVGs may only draw shapes and text "
            "(no scripts, styles, links or embedded files). Export it as PNG instead."
        )
    import vl_convert  # noqa: PLC0415 - heavy; only SVG uploads need it

    try:
        return bytes(vl_convert.svg_to_png(text, scale=1.0))
    except Exception as exc:  # the rasteriser reports malformed SVG as a plain ValueError
        raise InvalidInputError(f"“{filename}” is not a valid SVG drawing.") from exc


def _thumbnail(filename: str, data: bytes) -> str:
    """Return a small PNG of the image (first frame), base64-encoded, for lists."""
    try:
        with Image.open(io.BytesIO(data)) as image:
            image.draft("RGB", THUMBNAIL_SIZE)  # JPEG: decode at a reduced scale
            thumb = image.convert("RGBA")
    except (OSError, ValueError) as exc:  # verify() passed, but the pixel data is damaged
        raise InvalidInputError(f"“{filename}” is damaged and cannot be decoded.") from exc
    thumb.thumbnail(THUMBNAIL_SIZE)
    out = io.BytesIO()
    thumb.save(out, format="PNG", optimize=True)
    return base64.b64encode(out.getvalue()).decode()


def _free_name(session: Session, name: str) -> str:
    taken = set(
        session.scalars(select(ImageAsset.filename).where(ImageAsset.filename.like(f"{name}%")))
    )
    candidate, number = name, 2
    while candidate in taken:
        candidate, number = f"{name}-{number}", number + 1
    return candidate


def _load(session: Session, image_id: int) -> ImageAsset:
    row = session.get(ImageAsset, image_id)
    if row is None:
        raise NotFoundError(f"Image {image_id} does not exist (it may have been deleted).")
    return row


def _summary(row: ImageAsset) -> ImageSummary:
    return ImageSummary(
        id=row.id,
        name=row.filename,
        original_filename=row.original_filename,
        mime_type=row.mime_type,
        size_bytes=row.size_bytes,
        thumbnail_base64=row.thumbnail_base64,
        tags=[str(t) for t in row.tags or []],
        description=row.description,
        category=row.category,
        uploaded_by=row.uploaded_by,
        updated_at=row.updated_at,
    )
