"""What session services return."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel

from slidegen.schemas.vocabulary import GrantPermission, Right, Visibility


class SessionSummary(BaseModel):
    """One row of the History list."""

    session_id: str
    title: str
    slide_count: int
    profile_name: str | None
    visibility: Visibility
    created_by: str | None
    created_at: datetime
    last_activity: datetime
    deck_version: int = 0
    my_right: Right = "read"


class SessionPage(BaseModel):
    """One page of the History list and how many sessions match in all."""

    items: list[SessionSummary]
    total: int
    limit: int
    offset: int


class Grant(BaseModel):
    """A read or edit grant for a user or a group."""

    principal_type: str
    principal_id: str
    permission: GrantPermission


class SharingOut(BaseModel):
    """Who may see a session: its owner, visibility and grants."""

    session_id: str
    owner: str | None
    visibility: Visibility
    grants: list[Grant]
