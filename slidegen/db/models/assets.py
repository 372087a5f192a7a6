"""Images uploaded to the library, stored in the database."""

from __future__ import annotations

from typing import Any

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Integer,
    LargeBinary,
    String,
    Text,
    true,
)
from sqlalchemy.orm import Mapped, deferred, mapped_column

from slidegen.db.base import AuthoredMixin, Base


class ImageAsset(AuthoredMixin, Base):
    """An image with its bytes, a thumbnail for lists, and search metadata."""

    __tablename__ = "image_assets"
    __table_args__ = (CheckConstraint("size_bytes >= 0", name="size_nonnegative"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    filename: Mapped[str] = mapped_column(String(255), unique=True)
    original_filename: Mapped[str] = mapped_column(String(255))
    mime_type: Mapped[str] = mapped_column(String(100))
    size_bytes: Mapped[int] = mapped_column(Integer)
    # Deferred: lists load thumbnails, never the full image.
    image_data: Mapped[bytes] = deferred(mapped_column(LargeBinary))
    thumbnail_base64: Mapped[str | None] = mapped_column(Text)
    tags: Mapped[list[Any]] = mapped_column(default=list)
    description: Mapped[str | None] = mapped_column(Text)
    category: Mapped[str | None] = mapped_column(String(100), index=True)
    uploaded_by: Mapped[str | None] = mapped_column(String(255))
    is_active: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
