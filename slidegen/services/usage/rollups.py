"""Daily roll-ups of request logs and verification, upserted in the writer's unit of work.

Each log adds to its day's counts and tokens (usage_days), marks its user active that day
(usage_day_users, per profile and across all), and drops its times into 10% latency buckets
(usage_latency). Many logs (a bulk load) take one upsert statement per table and chunk. On
PostgreSQL the engine's one log takes one statement in all: its row and its three upserts in
one data-modifying WITH (`insert_log_and_roll_up`). Rows are sorted by key before an upsert,
so concurrent writers lock them in the same order (no deadlock).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import Table, bindparam, delete, func, text
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


@dataclass(frozen=True)
class _Rollup:
    """A roll-up table: its key, the columns a conflict adds up or keeps the extreme of, and
    the most rows one log adds to it."""

    table: Table
    keys: tuple[str, ...]
    add: tuple[str, ...] = ()
    lowest: tuple[str, ...] = ()
    highest: tuple[str, ...] = ()
    per_log: int = 1


_DAYS = _Rollup(
    UsageDay.__table__,
    ("day", "profile_name", "kind", "status", "model", "error_class"),
    add=("requests", "input_tokens", "output_tokens"),
)
_USERS = _Rollup(UsageDayUser.__table__, ("profile_scope", "day", "week", "user_name"), per_log=2)
_LATENCY = _Rollup(
    UsageLatency.__table__,
    ("day", "profile_name", "kind", "metric", "bucket"),
    add=("requests",),
    lowest=("low_ms",),
    highest=("high_ms",),
    per_log=2,  # first slide and total
)
_VERIFICATION_COUNTS = ("slides", "thumbs_up", "thumbs_down")
_VERIFICATION = _Rollup(
    UsageVerification.__table__, ("day", "profile_name", "rating"), add=_VERIFICATION_COUNTS
)


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
    for rollup, rows in zip((_DAYS, _USERS, _LATENCY), _rollup_rows(logs), strict=True):
        _upsert(session, rollup, rows)


def insert_log_and_roll_up(session: Session, row: RequestLog) -> int:
    """Insert a log row and add it to the roll-ups in one statement (PostgreSQL); its id."""
    values = {key: getattr(row, key) for key in _INSERTED}
    for key in _INSERTED:  # as the ORM does: a column's default where the row has None
        default = RequestLog.__table__.c[key].default
        if values[key] is None and default is not None and default.is_scalar:
            values[key] = default.arg
    params = {f"log_{key}": value for key, value in values.items()}
    for name, rollup, rows in zip(_CTE_NAMES, _CTE_ROLLUPS, _rollup_rows([values]), strict=True):
        assert len(rows) <= rollup.per_log, (name, rows)
        for slot in range(rollup.per_log):
            row_values = rows[slot] if slot < len(rows) else {}
            params |= {f"{name}{slot}_{c}": row_values.get(c) for c in _columns(rollup.table)}
    return int(session.execute(_LOG_AND_ROLLUPS, params).scalar_one())


def _rollup_rows(logs: Iterable[Mapping[str, Any]]) -> list[list[dict[str, Any]]]:
    """Return the rows the logs add to usage_days, usage_day_users and usage_latency."""
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
    return [
        [
            dict(zip(_DAYS.keys, key, strict=True))
            | {"requests": n, "input_tokens": tokens_in, "output_tokens": tokens_out}
            for key, (n, tokens_in, tokens_out) in sorted(days.items())
        ],
        [dict(zip(_USERS.keys, key, strict=True)) for key in sorted(users)],
        [
            dict(zip(_LATENCY.keys, key, strict=True))
            | {"requests": n, "low_ms": low, "high_ms": high}
            for key, (n, low, high) in sorted(latency.items())
        ],
    ]


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
    _upsert(session, _VERIFICATION, [{c: 0 for c in _VERIFICATION_COUNTS} | row for row in rows])


def purge_rollups(session: Session, *, before: date) -> None:
    """Delete roll-up rows of days before `before` (the request logs' retention)."""
    for model in (UsageDay, UsageDayUser, UsageLatency, UsageVerification):
        session.execute(
            delete(model).where(model.day < before).execution_options(synchronize_session=False)
        )


def _upsert(session: Session, rollup: _Rollup, rows: list[dict[str, Any]]) -> None:
    """Insert rows; where a key exists, add the `add` columns and keep the extremes."""
    if not rows:
        return
    dialect = session.get_bind().dialect.name
    statement = _UPSERTS.get((dialect, rollup.table.name))
    if statement is None:
        statement = _UPSERTS[(dialect, rollup.table.name)] = _upsert_statement(dialect, rollup)
    session.execute(statement, rows)


# One statement object per table and engine: SQLAlchemy memoises a statement's cache key on
# the object, and building the key of a new upsert costs ~3 ms (more than the write itself).
_UPSERTS: dict[tuple[str, str], Any] = {}


def _upsert_statement(dialect: str, rollup: _Rollup) -> Any:
    postgres = dialect == "postgresql"
    table = rollup.table
    statement = (postgresql.insert if postgres else sqlite.insert)(table)
    least, greatest = (func.least, func.greatest) if postgres else (func.min, func.max)
    new = statement.excluded
    updates: dict[str, Any] = {c: table.c[c] + new[c] for c in rollup.add}
    updates |= {c: least(table.c[c], new[c]) for c in rollup.lowest}
    updates |= {c: greatest(table.c[c], new[c]) for c in rollup.highest}
    keys = list(rollup.keys)
    if updates:
        statement = statement.on_conflict_do_update(index_elements=keys, set_=updates)
    else:
        statement = statement.on_conflict_do_nothing(index_elements=keys)
    # SQLAlchemy batches an executemany upsert into one multi-row INSERT only when it returns
    # something (sqlalchemy#13130); without it psycopg2 sends each row on its own round trip.
    return statement.returning(table.c.id) if postgres else statement


def _columns(table: Table) -> list[str]:
    return [column.key for column in table.columns if column.key != "id"]


def _upsert_cte(name: str, rollup: _Rollup) -> str:
    """`name AS (INSERT ... ON CONFLICT ...)` of up to `per_log` rows, given as parameters
    `<name><slot>_<column>`; an unused slot's parameters are all NULL and insert nothing."""
    table, columns = rollup.table, _columns(rollup.table)
    pg = postgresql.dialect()
    # Typed: a slot of NULLs alone would leave VALUES' column types unknown.
    types = {c: table.c[c].type.compile(dialect=pg) for c in columns}
    rows = ", ".join(
        "(" + ", ".join(f"CAST(:{name}{slot}_{c} AS {types[c]})" for c in columns) + ")"
        for slot in range(rollup.per_log)
    )
    updates = [f"{c} = t.{c} + EXCLUDED.{c}" for c in rollup.add]
    updates += [f"{c} = LEAST(t.{c}, EXCLUDED.{c})" for c in rollup.lowest]
    updates += [f"{c} = GREATEST(t.{c}, EXCLUDED.{c})" for c in rollup.highest]
    action = f"DO UPDATE SET {', '.join(updates)}" if updates else "DO NOTHING"
    listed = ", ".join(columns)
    return (
        f"{name} AS (INSERT INTO {table.name} AS t ({listed})"
        f" SELECT * FROM (VALUES {rows}) AS v ({listed}) WHERE v.{rollup.keys[0]} IS NOT NULL"
        f" ON CONFLICT ({', '.join(rollup.keys)}) {action})"
    )


_INSERTED = tuple(key for key in _LOG_COLUMNS if key != "id")
_CTE_NAMES, _CTE_ROLLUPS = ("days", "users", "latency"), (_DAYS, _USERS, _LATENCY)
# Built once (see _UPSERTS). The sub-statements see one snapshot, but no row is the target of
# two of them (each upserts its own table, and one log's rows in a table have distinct keys),
# and ON CONFLICT locks and updates a row's latest version whatever the snapshot: requests that
# end at once each count, as with separate upserts. Slots are filled in key order, so every
# writer locks rows in the same order.
_LOG_AND_ROLLUPS = text(
    f"WITH logged AS (INSERT INTO request_logs ({', '.join(_INSERTED)})"
    f" VALUES ({', '.join(f':log_{key}' for key in _INSERTED)}) RETURNING id),\n"
    + ",\n".join(_upsert_cte(n, r) for n, r in zip(_CTE_NAMES, _CTE_ROLLUPS, strict=True))
    + "\nSELECT id FROM logged"
).bindparams(
    *(bindparam(f"log_{key}", type_=RequestLog.__table__.c[key].type) for key in _INSERTED),
    *(
        bindparam(f"{name}{slot}_{c}", type_=rollup.table.c[c].type)
        for name, rollup in zip(_CTE_NAMES, _CTE_ROLLUPS, strict=True)
        for slot in range(rollup.per_log)
        for c in _columns(rollup.table)
    ),
)
