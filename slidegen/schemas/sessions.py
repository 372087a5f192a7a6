"""What session services return."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel


class SessionSummary(BaseModel):
    """One row of the History list."""

    session_id: str
    title: str
    slide_count: int
    profile_name: str | None
    visibility: str
    created_by: str | None
    created_at: datetime
    last_activity: datetime
