"""What library services take (the `...In` schemas) and return."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict


class LibraryItemIn(BaseModel):
    """The fields every library item has; services clean and check them."""

    name: str
    description: str | None = None
    category: str | None = None
    is_active: bool = True


class DeckPromptIn(LibraryItemIn):
    """A deck prompt as the page, the CLI and an import file give it."""

    prompt_content: str


class SlideStyleIn(LibraryItemIn):
    """A slide style as the page, the CLI and an import file give it."""

    style_content: str
    image_guidelines: str | None = None


class DeckPromptSummary(BaseModel):
    """One deck prompt of the library."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    name: str
    category: str | None
    description: str | None
    is_active: bool
    updated_at: datetime


class SlideStyleSummary(BaseModel):
    """One slide style of the library."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    name: str
    category: str | None
    description: str | None
    is_active: bool
    is_system: bool
    is_default: bool
    updated_at: datetime


class DeckPromptDetail(DeckPromptSummary):
    """A deck prompt with its text and the profiles that select it."""

    prompt_content: str
    used_by: list[str] = []


class SlideStyleDetail(SlideStyleSummary):
    """A slide style with its CSS, image guidelines and the profiles that select it."""

    style_content: str
    image_guidelines: str | None
    used_by: list[str] = []


class CssRemovalOut(BaseModel):
    """A CSS rule or declaration the sanitiser removed, and why."""

    where: str
    declaration: str
    reason: str


class StyleSaved(BaseModel):
    """A saved style plus what the sanitiser stripped from the CSS as written."""

    style: SlideStyleDetail
    removed: list[CssRemovalOut]


class ImageSummary(BaseModel):
    """One library image as lists show it: metadata and a thumbnail, never the full bytes."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    name: str
    original_filename: str
    mime_type: str
    size_bytes: int
    thumbnail_base64: str | None
    tags: list[str]
    description: str | None
    category: str | None
    uploaded_by: str | None
    updated_at: datetime

    @property
    def reference(self) -> str:
        """The `src` a slide uses to place this image."""
        return f"image:{self.name}"


class ImagePage(BaseModel):
    """One page of an image search and how many images matched in all."""

    total: int
    images: list[ImageSummary]


class ImportReport(BaseModel):
    """What an import did with each item of the file."""

    created: list[str] = []
    overwritten: list[str] = []
    renamed: list[str] = []
    skipped: list[str] = []
