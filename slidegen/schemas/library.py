"""What library services return."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict


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
