"""The shared libraries: deck prompts and slide styles."""

from __future__ import annotations

from sqlalchemy import Boolean, Index, String, Text, false, text, true
from sqlalchemy.orm import Mapped, mapped_column

from slidegen.db.base import AuthoredMixin, Base


class SlideDeckPrompt(AuthoredMixin, Base):
    """A reusable instruction for a kind of deck (e.g. a Quarterly Business Review)."""

    __tablename__ = "slide_deck_prompt_library"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(255), unique=True)
    description: Mapped[str | None] = mapped_column(Text)
    category: Mapped[str | None] = mapped_column(String(100), index=True)
    prompt_content: Mapped[str] = mapped_column(Text)
    is_active: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())


class SlideStyle(AuthoredMixin, Base):
    """A deck's look: CSS for the slide contract plus image guidelines."""

    __tablename__ = "slide_style_library"
    __table_args__ = (
        # At most one default style, enforced by the database on both engines.
        Index(
            "uq_slide_style_library_single_default",
            "is_default",
            unique=True,
            sqlite_where=text("is_default"),
            postgresql_where=text("is_default"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(255), unique=True)
    description: Mapped[str | None] = mapped_column(Text)
    category: Mapped[str | None] = mapped_column(String(100), index=True)
    style_content: Mapped[str] = mapped_column(Text)
    image_guidelines: Mapped[str | None] = mapped_column(Text)
    is_active: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    is_system: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    is_default: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
