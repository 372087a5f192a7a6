"""Daily roll-ups of request logs and verification, upserted in the writer's unit of work.

Each log adds to its day's counts and tokens (usage_days), marks its user active that day
(usage_day_users, per profile and across all), and drops its times into 10% latency buckets
(usage_latency). One upsert statement per table, whatever the number of logs given, so the
engine's one log costs three statements and a bulk load a few per chunk. Rows are sorted by
key before an upsert, so concurrent writers lock them in the same order (no deadlock).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import Table, delete, func
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from slidegen.db.models import (
    RequestLog,
    UsageDay,
    UsageDayUser,
    UsageLatency,
    UsageVerification,
)

LATENCY_KINDS = ("generate", "edit")
BUCKET_RATIO = 1.1
_LOG_RATIO = math.log(BUCKET_RATIO)
_LOG_COLUMNS = tuple(column.key for column in RequestLog.__table__.columns)


def latency_bucket(ms: int) -> int:
    """Return the bucket of a time: k such that 1.1^(k-1) < ms <= 1.1^k (0 for up to 1 ms)."""
    return 0 if ms <= 1 else math.ceil(round(math.log(ms) / _LOG_RATIO, 9))


def utc_day(moment: datetime) -> date:
    """Return the UTC calendar day of a timestamp."""
    return moment.astimezone(UTC).date()


def week_start(day: date) -> date:
    """Return the Monday of a day's week."""
    return day - timedelta(days=day.weekday())


def log_values(row: RequestLog) -> dict[str, Any]:
    """Return a log row's columns as the roll-ups read them."""
    return {key: getattr(row, key) for key in _LOG_COLUMNS}


def roll_up_logs(session: Session, logs: Iterable[Mapping[str, Any]]) -> None:
    """Add request logs (their column values) to the daily roll-ups."""
    days: dict[tuple[Any, ...], list[int]] = {}
    users: set[tuple[str, date, date, str]] = set()
    latency: dict[tuple[Any, ...], list[int]] = {}
    for log in logs:
        day, profile, kind = utc_day(log["finished_at"]), log.get("profile_name") or "", log["kind"]
        status = log["status"]
        model = log.get("model") or log.get("provider") or "unknown"
        error = (log.get("error_class") or "Error") if status == "error" else ""
        entry = days.setdefault((day, profile, kind, status, model, error), [0, 0, 0])
        entry[0] += 1
        entry[1] += log.get("input_tokens") or 0
        entry[2] += log.get("output_tokens") or 0
        week = week_start(day)
        users.add(("", day, week, log["user_name"]))
        if profile:
            users.add((profile, day, week, log["user_name"]))
        if kind not in LATENCY_KINDS:
            continue
        for metric, column in (("first", "first_slide_ms"), ("total", "total_ms")):
            ms = log.get(column)
            if ms is None:
                continue
            key = (day, profile, kind, metric, latency_bucket(ms))
            bucket = latency.setdefault(key, [0, ms, ms])
            bucket[0], bucket[1], bucket[2] = bucket[0] + 1, min(bucket[1], ms), max(bucket[2], ms)
    _upsert(
        session,
        UsageDay.__table__,
        [
            dict(zip(_DAY_KEY, key, strict=True))
            | {"requests": n, "input_tokens": tokens_in, "output_tokens": tokens_out}
            for key, (n, tokens_in, tokens_out) in sorted(days.items())
        ],
        keys=_DAY_KEY,
        add=("requests", "input_tokens", "output_tokens"),
    )
    _upsert(
        session,
        UsageDayUser.__table__,
        [dict(zip(_USER_KEY, key, strict=True)) for key in sorted(users)],
        keys=_USER_KEY,
    )
    _upsert(
        session,
        UsageLatency.__table__,
        [
            dict(zip(_LATENCY_KEY, key, strict=True))
            | {"requests": n, "low_ms": low, "high_ms": high}
            for key, (n, low, high) in sorted(latency.items())
        ],
        keys=_LATENCY_KEY,
        add=("requests",),
        lowest=("low_ms",),
        highest=("high_ms",),
    )


_DAY_KEY = ("day", "profile_name", "kind", "status", "model", "error_class")
_USER_KEY = ("profile_scope", "day", "week", "user_name")
_LATENCY_KEY = ("day", "profile_name", "kind", "metric", "bucket")


def count_checked_slides(
    session: Session, *, day: date, profile_name: str | None, ratings: list[str]
) -> None:
    """Add freshly checked slides to the day's count per rating."""
    found: dict[str, int] = {}
    for rating in ratings:
        found[rating] = found.get(rating, 0) + 1
    _add_verification(
        session,
        [
            {"day": day, "profile_name": profile_name or "", "rating": rating, "slides": n}
            for rating, n in sorted(found.items())
        ],
    )


def count_vote(
    session: Session, *, day: date, profile_name: str | None, rating: str, up: bool, delta: int = 1
) -> None:
    """Add (delta 1) or take back (delta -1) a reader's thumbs up or down on a rating."""
    column = "thumbs_up" if up else "thumbs_down"
    row = {"day": day, "profile_name": profile_name or "", "rating": rating, column: delta}
    _add_verification(session, [row])


def _add_verification(session: Session, rows: list[dict[str, Any]]) -> None:
    counts = ("slides", "thumbs_up", "thumbs_down")
    _upsert(
        session,
        UsageVerification.__table__,
        [{c: 0 for c in counts} | row for row in rows],
        keys=("day", "profile_name", "rating"),
        add=counts,
    )


def purge_rollups(session: Session, *, before: date) -> None:
    """Delete roll-up rows of days before `before` (the request logs' retention)."""
    for model in (UsageDay, UsageDayUser, UsageLatency, UsageVerification):
        session.execute(
            delete(model).where(model.day < before).execution_options(synchronize_session=False)
        )


def _upsert(
    session: Session,
    table: Table,
    rows: list[dict[str, Any]],
    *,
    keys: tuple[str, ...],
    add: tuple[str, ...] = (),
    lowest: tuple[str, ...] = (),
    highest: tuple[str, ...] = (),
) -> None:
    """Insert rows; where a key exists, add the `add` columns and keep the extremes."""
    if not rows:
        return
    dialect = session.get_bind().dialect.name
    statement = _UPSERTS.get((dialect, table.name))
    if statement is None:
        statement = _UPSERTS[(dialect, table.name)] = _upsert_statement(
            dialect, table, keys, add, lowest, highest
        )
    session.execute(statement, rows)


# One statement object per table and engine: SQLAlchemy memoises a statement's cache key on
# the object, and building the key of a new upsert costs ~3 ms (more than the write itself).
_UPSERTS: dict[tuple[str, str], Any] = {}


def _upsert_statement(
    dialect: str,
    table: Table,
    keys: tuple[str, ...],
    add: tuple[str, ...],
    lowest: tuple[str, ...],
    highest: tuple[str, ...],
) -> Any:
    postgres = dialect == "postgresql"
    statement = (postgresql.insert if postgres else sqlite.insert)(table)
    least, greatest = (func.least, func.greatest) if postgres else (func.min, func.max)
    new = statement.excluded
    updates: dict[str, Any] = {c: table.c[c] + new[c] for c in add}
    updates |= {c: least(table.c[c], new[c]) for c in lowest}
    updates |= {c: greatest(table.c[c], new[c]) for c in highest}
    if updates:
        statement = statement.on_conflict_do_update(index_elements=list(keys), set_=updates)
    else:
        statement = statement.on_conflict_do_nothing(index_elements=list(keys))
    # SQLAlchemy batches an executemany upsert into one multi-row INSERT only when it returns
    # something (sqlalchemy#13130); without it psycopg2 sends each row on its own round trip.
    return statement.returning(table.c.id) if postgres else statement
