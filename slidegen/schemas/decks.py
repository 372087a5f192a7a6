"""What deck and generation services return (the `show --json` contract)."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field

from slidegen.deck import ChartSpec
from slidegen.schemas.verification import Finding, Rating
from slidegen.schemas.vocabulary import UNFINISHED, JobStatus, Right


class SlideOut(BaseModel):
    """One slide as shown: sanitised HTML, speaker notes, chart specs."""

    slide_id: str
    html: str
    notes: str
    charts: list[ChartSpec]
    rating: Rating | None = None  # from the stored verification; None until checked
    # What the rating rests on, for the app's "Why" panel (`verify` prints them).
    findings: list[Finding] = Field(default_factory=list, exclude=True)


class VersionOut(BaseModel):
    """One save point."""

    version_number: int
    description: str
    slide_count: int
    created_at: datetime


class MessageOut(BaseModel):
    """One chat message."""

    role: str
    content: str
    message_type: str | None
    metadata: dict | None
    created_at: datetime


class RequestOut(BaseModel):
    """A generation or edit job and how it went."""

    request_id: str
    status: JobStatus
    progress_message: str | None
    error_message: str | None
    prompt_tokens: int | None
    completion_tokens: int | None
    ahead: int = 0  # while pending: the user's own requests queued or running before it

    @property
    def is_running(self) -> bool:
        """Whether the request is queued or running."""
        return self.status in UNFINISHED


class SessionDetail(BaseModel):
    """A session with its deck: what `show` prints."""

    session_id: str
    title: str
    version: int
    css: str
    slides: list[SlideOut]
    versions: list[VersionOut]
    profile_name: str | None
    last_request: RequestOut | None = None
    # Data URIs of the library images the slides reference (for rendering; not printed).
    images: dict[str, str] = Field(default_factory=dict, exclude=True, repr=False)
    my_right: Right = "manage"
    # The deck prompt and slide style the session's next requests use (for the Chat page).
    deck_prompt_id: int | None = Field(None, exclude=True)
    slide_style_id: int | None = Field(None, exclude=True)


class DeckPulse(BaseModel):
    """What a page showing a deck polls for: whether it changed, its job, its unrated slides."""

    version: int
    slide_count: int
    last_request: RequestOut | None = None
    unrated: int = 0  # slides not checked yet (counted once no job runs)
