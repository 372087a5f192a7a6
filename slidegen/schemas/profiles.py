"""What profile services return."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict

from slidegen.schemas.vocabulary import ProfilePermission


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


class ProfileListItem(ProfileSummary):
    """A profile in the list, with how it relates to the current user."""

    is_my_default: bool = False
    session_count: int = 0
    my_permission: ProfilePermission = "CAN_USE"
    created_by: str | None = None


class ProfileDetail(BaseModel):
    """One profile with its whole configuration."""

    id: int
    name: str
    description: str | None
    is_default: bool
    is_my_default: bool
    global_permission: ProfilePermission | None
    my_permission: ProfilePermission
    created_by: str | None
    updated_by: str | None
    created_at: datetime
    updated_at: datetime
    session_count: int
    config: dict[str, Any]


class FieldChange(BaseModel):
    """One field that differs: `field` is a dotted path such as `ai_infra.llm_temperature`."""

    field: str
    old: Any = None
    new: Any = None


class HistoryEntry(BaseModel):
    """One audited change."""

    id: int
    profile_id: int
    profile_name: str
    domain: str
    action: str
    changed_by: str
    timestamp: datetime
    changes: list[FieldChange]


class HistoryPage(BaseModel):
    """A page of history entries, newest first."""

    entries: list[HistoryEntry]
    total: int
    offset: int
    limit: int


class SaveResult(BaseModel):
    """What a save changed."""

    profile: ProfileDetail
    changes: list[FieldChange]
    warnings: list[str] = []


class Contributor(BaseModel):
    """A user or group granted access to a profile."""

    identity_type: str
    identity_id: str
    identity_name: str
    permission_level: ProfilePermission


class EndpointChoice(BaseModel):
    """A serving endpoint offered in the endpoint dropdown."""

    name: str
    task: str | None
    chat_capable: bool
    ready: bool
