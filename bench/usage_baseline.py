"""Baseline for bench/usage_dashboard.py: the dashboard's statements before the roll-ups.

These are the aggregations of slidegen/services/usage/figures.py as of commit 041a068, which
read the request logs themselves (exact nearest-rank percentiles through window functions on
SQLite, percentile_disc on PostgreSQL). The benchmark runs them in the same process as the
roll-up version, on the same data, so their ratio is measured under the same load.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, case, func, literal, select, union_all
from sqlalchemy.orm import Session

from slidegen.db.models import RequestLog, SurveyResponse, UsagePrice

LATENCY_KINDS = ("generate", "edit")


def day_of(session: Session, column: Any) -> ColumnElement[Any]:
    """The UTC calendar day of a timestamp column."""
    if session.get_bind().dialect.name == "postgresql":
        return func.date(func.timezone("UTC", column))
    return func.date(column)


def week_of(session: Session, column: Any) -> ColumnElement[Any]:
    """The Monday starting the UTC week of a timestamp column."""
    if session.get_bind().dialect.name == "postgresql":
        return func.date(func.date_trunc("week", func.timezone("UTC", column)))
    return func.date(column, "weekday 0", "-6 days")  # the next Sunday, then back to Monday


def as_date(value: Any) -> date:
    """A day from the database (a date on PostgreSQL, 'YYYY-MM-DD' on SQLite)."""
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])


def log_filter(since: datetime, until: datetime, profile: str | None) -> ColumnElement[bool]:
    """Request logs of the range (and of one profile when given)."""
    clause = and_(RequestLog.finished_at >= since, RequestLog.finished_at < until)
    return and_(clause, RequestLog.profile_name == profile) if profile else clause


def counts_by_day(session: Session, where: ColumnElement[bool]) -> list[Any]:
    """(day, kind, status, requests) rows."""
    day = day_of(session, RequestLog.finished_at).label("day")
    return list(
        session.execute(
            select(day, RequestLog.kind, RequestLog.status, func.count())
            .where(where)
            .group_by(day, RequestLog.kind, RequestLog.status)
        )
    )


def active_users(session: Session, where: ColumnElement[bool]) -> list[Any]:
    """('day' | 'week', start, distinct users) rows, in one statement."""
    day = day_of(session, RequestLog.finished_at)
    week = week_of(session, RequestLog.finished_at)
    users = func.count(RequestLog.user_name.distinct())
    by_day = select(literal("day").label("span"), day.label("start"), users).where(where)
    by_week = select(literal("week").label("span"), week.label("start"), users).where(where)
    return list(session.execute(union_all(by_day.group_by(day), by_week.group_by(week))))


def latency_percentiles(session: Session, where: ColumnElement[bool]) -> list[Any]:
    """(kind, requests, first p50, first p95, total p50, total p95) rows, nearest rank."""
    if session.get_bind().dialect.name != "postgresql":
        return _percentiles_from_ranks(latency_ranks(session, where))

    # percentile_disc is the nearest-rank percentile: the same numbers as the ranks below.
    def disc(fraction: float, column: Any) -> Any:
        return func.percentile_disc(fraction).within_group(column)

    first, total = RequestLog.first_slide_ms, RequestLog.total_ms
    return list(
        session.execute(
            select(
                RequestLog.kind,
                func.count(),
                disc(0.5, first),
                disc(0.95, first),
                disc(0.5, total),
                disc(0.95, total),
            )
            .where(where, RequestLog.kind.in_(LATENCY_KINDS))
            .group_by(RequestLog.kind)
        )
    )


def _percentiles_from_ranks(rows: list[Any]) -> list[Any]:
    found: dict[str, list[Any]] = {}
    for kind, metric, rank, count, value in rows:
        entry = found.setdefault(kind, [kind, 0, None, None, None, None])
        offset = 2 if metric == "first" else 4
        entry[1] = max(entry[1], count) if metric == "total" else entry[1]
        if rank == (50 * count + 99) // 100:
            entry[offset] = value
        if rank == (95 * count + 99) // 100:
            entry[offset + 1] = value
    return [tuple(entry) for entry in found.values()]


def latency_ranks(session: Session, where: ColumnElement[bool]) -> list[Any]:
    """(kind, metric, rank, count, value) rows at the 50th and 95th percentile ranks."""
    parts = []
    for metric, column in (("first", RequestLog.first_slide_ms), ("total", RequestLog.total_ms)):
        ranked = (
            select(
                RequestLog.kind.label("kind"),
                column.label("value"),
                func.row_number().over(partition_by=RequestLog.kind, order_by=column).label("rn"),
                func.count().over(partition_by=RequestLog.kind).label("n"),
            )
            .where(where, column.is_not(None), RequestLog.kind.in_(LATENCY_KINDS))
            .subquery()
        )
        # ceil(p * n) in integer arithmetic, the same on both engines
        p50, p95 = (50 * ranked.c.n + 99) // 100, (95 * ranked.c.n + 99) // 100
        parts.append(
            select(ranked.c.kind, literal(metric), ranked.c.rn, ranked.c.n, ranked.c.value).where(
                (ranked.c.rn == p50) | (ranked.c.rn == p95)
            )
        )
    return list(session.execute(union_all(*parts)))


def error_counts(session: Session, where: ColumnElement[bool]) -> list[Any]:
    """(error_class, count) rows of failed requests."""
    return list(
        session.execute(
            select(RequestLog.error_class, func.count())
            .where(where, RequestLog.status == "error")
            .group_by(RequestLog.error_class)
            .order_by(func.count().desc())
        )
    )


def tokens_by_model(session: Session, where: ColumnElement[bool]) -> list[Any]:
    """(model, requests, input, output, input price, output price) rows."""
    model = func.coalesce(RequestLog.model, RequestLog.provider, "unknown")
    totals = (
        select(
            model.label("model"),
            func.count().label("requests"),
            func.coalesce(func.sum(RequestLog.input_tokens), 0).label("input"),
            func.coalesce(func.sum(RequestLog.output_tokens), 0).label("output"),
        )
        .where(where, ~RequestLog.kind.like("export:%"))
        .group_by(model)
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


def run_all(session: Session, since: datetime, until: datetime) -> None:
    """Run every statement the old dashboard ran for a range (all profiles)."""
    where = log_filter(since, until, None)
    counts_by_day(session, where)
    active_users(session, where)
    latency_percentiles(session, where)
    error_counts(session, where)
    tokens_by_model(session, where)
    nps_by_week(session, since, until)
