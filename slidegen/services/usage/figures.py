"""The dashboard's aggregations: one SQL statement each, over the daily roll-ups.

The roll-ups (slidegen/services/usage/rollups.py) hold a few rows per day whatever the number
of requests, so a statement reads days x profiles x kinds rows, never the request logs.
Percentiles are nearest-rank over 10% latency buckets: the bucket holding the rank is found
from the counts, and the value is placed between the smallest and largest time seen in it.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, case, func, literal, select, union_all
from sqlalchemy.orm import Session

from slidegen.db.models import (
    SurveyResponse,
    UsageDay,
    UsageDayUser,
    UsageLatency,
    UsagePrice,
    UsageVerification,
)
from slidegen.services.usage.rollups import LATENCY_KINDS

__all__ = ["LATENCY_KINDS"]


def as_date(value: Any) -> date:
    """A day from the database (a date on PostgreSQL, 'YYYY-MM-DD' on SQLite)."""
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])


def _where(model: Any, start: date, end: date, profile: str | None) -> ColumnElement[bool]:
    clause = and_(model.day >= start, model.day <= end)
    return and_(clause, model.profile_name == profile) if profile else clause


def counts_by_day(session: Session, start: date, end: date, profile: str | None) -> list[Any]:
    """(day, kind, status, requests) rows."""
    return list(
        session.execute(
            select(UsageDay.day, UsageDay.kind, UsageDay.status, func.sum(UsageDay.requests))
            .where(_where(UsageDay, start, end, profile))
            .group_by(UsageDay.day, UsageDay.kind, UsageDay.status)
        )
    )


def active_users(session: Session, start: date, end: date, profile: str | None) -> list[Any]:
    """('day' | 'week', start, distinct users) rows, in one statement."""
    users = UsageDayUser
    where = and_(users.profile_scope == (profile or ""), users.day >= start, users.day <= end)
    by_day = select(literal("day").label("span"), users.day.label("start"), func.count())
    by_week = select(literal("week"), users.week, func.count(users.user_name.distinct()))
    return list(
        session.execute(
            union_all(
                by_day.where(where).group_by(users.day), by_week.where(where).group_by(users.week)
            )
        )
    )


def latency_buckets(session: Session, start: date, end: date, profile: str | None) -> list[Any]:
    """(kind, metric, bucket, requests, low ms, high ms) rows, in bucket order."""
    latency = UsageLatency
    return list(
        session.execute(
            select(
                latency.kind,
                latency.metric,
                latency.bucket,
                func.sum(latency.requests),
                func.min(latency.low_ms),
                func.max(latency.high_ms),
            )
            .where(_where(latency, start, end, profile))
            .group_by(latency.kind, latency.metric, latency.bucket)
            .order_by(latency.kind, latency.metric, latency.bucket)
        )
    )


def percentiles(rows: list[Any]) -> list[tuple[Any, ...]]:
    """(kind, requests, first p50, first p95, total p50, total p95) from latency buckets."""
    found: dict[str, list[Any]] = {}
    grouped: dict[tuple[str, str], list[Any]] = {}
    for kind, metric, _bucket, n, low, high in rows:
        grouped.setdefault((kind, metric), []).append((int(n), int(low), int(high)))
    for (kind, metric), buckets in grouped.items():
        entry = found.setdefault(kind, [kind, 0, None, None, None, None])
        count = sum(n for n, _, _ in buckets)
        offset = 2 if metric == "first" else 4
        if metric == "total":
            entry[1] = count
        entry[offset] = nearest_rank(buckets, (50 * count + 99) // 100)
        entry[offset + 1] = nearest_rank(buckets, (95 * count + 99) // 100)
    return [tuple(entry) for entry in found.values()]


def nearest_rank(buckets: list[tuple[int, int, int]], rank: int) -> int:
    """The value at a rank (1-based): exact when its bucket holds one or two distinct times."""
    below = 0
    for n, low, high in buckets:
        if below + n >= rank:
            if n == 1:
                return low
            # Spread evenly from low to high: exact at either end, within the bucket between.
            return round(low + (high - low) * (rank - below - 1) / (n - 1))
        below += n
    raise ValueError("rank beyond the counted requests")


def error_counts(session: Session, start: date, end: date, profile: str | None) -> list[Any]:
    """(error_class, count) rows of failed requests, most frequent first."""
    count = func.sum(UsageDay.requests)
    return list(
        session.execute(
            select(UsageDay.error_class, count)
            .where(_where(UsageDay, start, end, profile), UsageDay.status == "error")
            .group_by(UsageDay.error_class)
            .order_by(count.desc(), UsageDay.error_class)
        )
    )


def tokens_by_model(session: Session, start: date, end: date, profile: str | None) -> list[Any]:
    """(model, requests, input, output, input price, output price) rows."""
    totals = (
        select(
            UsageDay.model.label("model"),
            func.sum(UsageDay.requests).label("requests"),
            func.sum(UsageDay.input_tokens).label("input"),
            func.sum(UsageDay.output_tokens).label("output"),
        )
        .where(_where(UsageDay, start, end, profile), ~UsageDay.kind.like("export:%"))
        .group_by(UsageDay.model)
        .subquery()
    )
    return list(
        session.execute(
            select(
                totals,
                func.coalesce(UsagePrice.input_per_1k, 0.0),
                func.coalesce(UsagePrice.output_per_1k, 0.0),
            )
            .outerjoin(UsagePrice, UsagePrice.endpoint == totals.c.model)
            .order_by(totals.c.model)
        )
    )


def verification_by_rating(
    session: Session, start: date, end: date, profile: str | None
) -> list[Any]:
    """(rating, slides checked, thumbs up, thumbs down) rows."""
    checks = UsageVerification
    return list(
        session.execute(
            select(
                checks.rating,
                func.sum(checks.slides),
                func.sum(checks.thumbs_up),
                func.sum(checks.thumbs_down),
            )
            .where(_where(checks, start, end, profile))
            .group_by(checks.rating)
        )
    )


def nps_by_week(session: Session, since: datetime, until: datetime) -> list[Any]:
    """(week, responses, promoters, detractors) rows of survey answers with a score."""
    week = week_of(session, SurveyResponse.created_at).label("week")
    score = SurveyResponse.nps_score
    return list(
        session.execute(
            select(
                week,
                func.count(),
                func.sum(case((score >= 9, 1), else_=0)),
                func.sum(case((score <= 6, 1), else_=0)),
            )
            .where(
                SurveyResponse.created_at >= since,
                SurveyResponse.created_at < until,
                score.is_not(None),
            )
            .group_by(week)
            .order_by(week)
        )
    )


def week_of(session: Session, column: Any) -> ColumnElement[Any]:
    """The Monday starting the UTC week of a timestamp column."""
    if session.get_bind().dialect.name == "postgresql":
        return func.date(func.date_trunc("week", func.timezone("UTC", column)))
    return func.date(column, "weekday 0", "-6 days")  # the next Sunday, then back to Monday
