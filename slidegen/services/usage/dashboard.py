"""The usage dashboard (admins only): figures for a date range, feedback, token prices."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from slidegen.config import Settings
from slidegen.db.base import utcnow
from slidegen.db.models import (
    ConfigProfile,
    FeedbackConversation,
    UsagePrice,
    UserSession,
)
from slidegen.errors import InvalidInputError
from slidegen.identity import User
from slidegen.schemas.usage import (
    DayUsage,
    ErrorCount,
    ExportCount,
    FeedbackOut,
    Latency,
    NpsWeek,
    Price,
    TokenUsage,
    UsageReport,
    VerificationRating,
    WeekUsage,
)
from slidegen.services.usage import figures
from slidegen.services.usage.access import require_admin

FEEDBACK_LIMIT = 500
RATINGS = ("verified", "review", "problem", "unknown")


def day_range(start: date, end: date) -> tuple[datetime, datetime]:
    """Return the first instant of `start` and the instant after `end` (UTC)."""
    return (
        datetime.combine(start, time(), tzinfo=UTC),
        datetime.combine(end + timedelta(days=1), time(), tzinfo=UTC),
    )


def usage_report(
    session: Session,
    user: User,
    *,
    settings: Settings,
    start: date,
    end: date,
    profile: str | None = None,
) -> UsageReport:
    """Return the figures of whole UTC days `start` through `end`: a fixed number of queries."""
    require_admin(user, settings)
    if end < start:
        raise InvalidInputError("The end of the date range must not come before its start.")
    since, until = day_range(start, end)
    days, exports, requests, failed = _days(figures.counts_by_day(session, start, end, profile))
    weeks = []
    for span, first, users in figures.active_users(session, start, end, profile):
        if span == "day":
            days.setdefault(figures.as_date(first), DayUsage(day=figures.as_date(first)))
            days[figures.as_date(first)].active_users = users
        else:
            weeks.append(WeekUsage(week=figures.as_date(first), active_users=users))
    tokens = [_tokens(row) for row in figures.tokens_by_model(session, start, end, profile)]
    buckets = figures.latency_buckets(session, start, end, profile)
    return UsageReport(
        since=since,
        until=until,
        profile=profile,
        days=sorted(days.values(), key=lambda d: d.day),
        weeks=sorted(weeks, key=lambda w: w.week),
        latency=_latency(figures.percentiles(buckets)),
        errors=[
            ErrorCount(error_class=name or "Error", count=count, rate=count / requests)
            for name, count in figures.error_counts(session, start, end, profile)
        ],
        tokens=tokens,
        exports=exports,
        verification=_verification(figures.verification_by_rating(session, start, end, profile)),
        nps=[
            NpsWeek(week=figures.as_date(week), responses=n, nps=round(100 * (p - d) / n, 1))
            for week, n, p, d in figures.nps_by_week(session, since, until)
        ],
        requests=requests,
        failed=failed,
        cost=round(sum(t.cost for t in tokens), 4),
    )


def _days(rows: list[Any]) -> tuple[dict[Any, DayUsage], list[ExportCount], int, int]:
    days: dict[Any, DayUsage] = {}
    exports: dict[str, ExportCount] = {}
    requests = failed = 0
    for raw_day, kind, status, total in rows:
        day, count = figures.as_date(raw_day), int(total)
        usage = days.setdefault(day, DayUsage(day=day))
        usage.requests += count
        requests += count
        if status == "error":
            usage.errors += count
            failed += count
        if kind.startswith("export:"):
            usage.exports += count
            fmt = kind.removeprefix("export:")
            entry = exports.setdefault(fmt, ExportCount(format=fmt, count=0, errors=0))
            entry.count += count
            entry.errors += count if status == "error" else 0
        elif status == "completed":
            usage.decks += count if kind == "generate" else 0
            usage.edits += count if kind == "edit" else 0
    return days, sorted(exports.values(), key=lambda e: e.format), requests, failed


def _latency(rows: list[Any]) -> list[Latency]:
    found = {
        kind: Latency(
            kind=kind,
            requests=count,
            first_slide_p50_ms=first50,
            first_slide_p95_ms=first95,
            total_p50_ms=total50,
            total_p95_ms=total95,
        )
        for kind, count, first50, first95, total50, total95 in rows
    }
    return [found[kind] for kind in figures.LATENCY_KINDS if kind in found]


def _verification(rows: list[Any]) -> list[VerificationRating]:
    found = {rating: (int(n), int(up), int(down)) for rating, n, up, down in rows}
    checked = sum(n for n, _, _ in found.values())
    return [
        VerificationRating(
            rating=rating,
            slides=n,
            share=n / checked if checked else 0.0,
            thumbs_up=up,
            thumbs_down=down,
        )
        for rating in RATINGS
        if rating in found
        for n, up, down in [found[rating]]
    ]


def _tokens(row: Any) -> TokenUsage:
    model, requests, tokens_in, tokens_out, price_in, price_out = row
    # PostgreSQL sums BIGINT columns as NUMERIC (Decimal): back to int before mixing with floats.
    requests, tokens_in, tokens_out = int(requests), int(tokens_in), int(tokens_out)
    cost = tokens_in / 1000 * price_in + tokens_out / 1000 * price_out
    return TokenUsage(
        model=model,
        requests=requests,
        input_tokens=tokens_in,
        output_tokens=tokens_out,
        input_per_1k=price_in,
        output_per_1k=price_out,
        cost=round(cost, 4),
    )


def list_profile_names(session: Session, user: User, *, settings: Settings) -> list[str]:
    """Return the live profiles' names, for the dashboard's filter."""
    require_admin(user, settings)
    return list(
        session.scalars(
            select(ConfigProfile.name)
            .where(ConfigProfile.is_deleted.is_(False))
            .order_by(ConfigProfile.name)
        )
    )


def list_feedback(
    session: Session,
    user: User,
    *,
    settings: Settings,
    category: str | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
) -> list[FeedbackOut]:
    """Return the newest feedback (up to 500) with the title of the deck it concerns."""
    require_admin(user, settings)
    feedback = FeedbackConversation
    # Columns only: ORM objects (and each conversation's JSON) cost ~0.5 ms a row here.
    query = (
        select(
            feedback.id,
            feedback.created_at,
            feedback.created_by,
            feedback.category,
            feedback.severity,
            feedback.summary,
            feedback.session_id,
            UserSession.title.label("deck_title"),
        )
        .outerjoin(UserSession, UserSession.session_id == feedback.session_id)
        .order_by(feedback.created_at.desc(), feedback.id.desc())
        .limit(FEEDBACK_LIMIT)
    )
    if category:
        query = query.where(feedback.category == category)
    if since:
        query = query.where(feedback.created_at >= since)
    if until:
        query = query.where(feedback.created_at < until)
    return [FeedbackOut.model_validate(row._mapping) for row in session.execute(query)]


def list_prices(session: Session, user: User, *, settings: Settings) -> list[Price]:
    """Return the token prices set per endpoint."""
    require_admin(user, settings)
    rows = session.scalars(select(UsagePrice).order_by(UsagePrice.endpoint))
    return [
        Price(endpoint=r.endpoint, input_per_1k=r.input_per_1k, output_per_1k=r.output_per_1k)
        for r in rows
    ]


def set_price(
    session: Session,
    user: User,
    *,
    settings: Settings,
    endpoint: str,
    input_per_1k: float,
    output_per_1k: float,
) -> Price:
    """Store an endpoint's price per 1,000 input and output tokens."""
    require_admin(user, settings)
    endpoint = endpoint.strip()
    if not endpoint or len(endpoint) > 255:
        raise InvalidInputError("Name the model endpoint the price is for (up to 255 characters).")
    if input_per_1k < 0 or output_per_1k < 0:
        raise InvalidInputError("Prices cannot be negative.")
    row = session.scalar(select(UsagePrice).where(UsagePrice.endpoint == endpoint))
    if row is None:
        row = UsagePrice(endpoint=endpoint)
        session.add(row)
    row.input_per_1k, row.output_per_1k = input_per_1k, output_per_1k
    row.updated_by, row.updated_at = user.name, utcnow()
    session.flush()
    return Price(endpoint=endpoint, input_per_1k=input_per_1k, output_per_1k=output_per_1k)
