"""What the usage services return: the dashboard's figures, feedback, prices, the survey."""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, Field


class DayUsage(BaseModel):
    """One day: active users, decks, edits, exports and failed requests."""

    day: date
    active_users: int = 0
    decks: int = 0
    edits: int = 0
    exports: int = 0
    requests: int = 0
    errors: int = 0


class WeekUsage(BaseModel):
    """One week (starting on Monday): distinct active users."""

    week: date
    active_users: int


class Latency(BaseModel):
    """Nearest-rank percentiles of one kind of request, in milliseconds (from 10% buckets)."""

    kind: str
    requests: int
    first_slide_p50_ms: int | None = None
    first_slide_p95_ms: int | None = None
    total_p50_ms: int | None = None
    total_p95_ms: int | None = None


class ErrorCount(BaseModel):
    """Failed requests of one error class and their share of all requests."""

    error_class: str
    count: int
    rate: float


class TokenUsage(BaseModel):
    """Tokens per model endpoint and their estimated cost at the stored prices."""

    model: str
    requests: int
    input_tokens: int
    output_tokens: int
    input_per_1k: float
    output_per_1k: float
    cost: float


class ExportCount(BaseModel):
    """Exports of one format."""

    format: str
    count: int
    errors: int


class VerificationRating(BaseModel):
    """Slides checked with one rating, and readers' thumbs up or down on that rating."""

    rating: str
    slides: int
    share: float
    thumbs_up: int
    thumbs_down: int


class NpsWeek(BaseModel):
    """The survey's net promoter score of one week (-100 to 100)."""

    week: date
    responses: int
    nps: float


class UsageReport(BaseModel):
    """The usage dashboard's figures for whole UTC days, optionally of one profile."""

    since: datetime
    until: datetime
    profile: str | None
    days: list[DayUsage]
    weeks: list[WeekUsage]
    latency: list[Latency]
    errors: list[ErrorCount]
    tokens: list[TokenUsage]
    exports: list[ExportCount]
    verification: list[VerificationRating]
    nps: list[NpsWeek]
    requests: int
    failed: int
    cost: float

    @property
    def error_rate(self) -> float:
        """The share of requests that failed."""
        return self.failed / self.requests if self.requests else 0.0


class Price(BaseModel):
    """An endpoint's price per 1,000 input and output tokens."""

    endpoint: str
    input_per_1k: float
    output_per_1k: float


class FeedbackOut(BaseModel):
    """A stored piece of feedback with its summary and the deck it concerns."""

    id: int
    created_at: datetime
    created_by: str | None
    category: str
    severity: str
    summary: str
    session_id: str | None
    deck_title: str | None


class FeedbackTurn(BaseModel):
    """One message of the feedback conversation."""

    role: Literal["user", "assistant"]
    content: str = Field(max_length=4000)


class FeedbackDraft(BaseModel):
    """The structured summary the user confirms before it is stored."""

    category: Literal["bug", "quality", "idea", "praise"]
    severity: Literal["low", "medium", "high"]
    summary: str = Field(min_length=1, max_length=4000)
    session_id: str | None = None


class FeedbackStep(BaseModel):
    """What the conversation does next: ask a question, or propose the summary."""

    question: str | None = None
    draft: FeedbackDraft | None = None
