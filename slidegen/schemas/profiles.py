"""What profile services return."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict


class ProfileSummary(BaseModel):
    """One row of the profile list."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    name: str
    description: str | None
    is_default: bool
    provider: str
    llm_endpoint: str
    genie_space_count: int
    updated_at: datetime


class ActiveProfile(BaseModel):
    """The profile a new chat uses, with the LLM provider that will really run."""

    id: int
    name: str
    provider: str
    llm_endpoint: str
    provider_overridden: bool
    is_offline: bool
    deck_prompt_name: str | None
    slide_style_name: str | None
