"""Usage roll-ups: daily counts, active users and latency buckets of the request logs, and
verification ratings per day, so the usage dashboard reads a few rows per day.

The request logs already stored are rolled up here (in Python, the same way the app does it:
slidegen/services/usage/rollups.py; kept separate so this revision never changes with the
app). Verification counts start empty: earlier checks kept no date.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-06 09:00:00
"""

import math
from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta
from typing import Any

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

CHUNK = 5_000


def upgrade() -> None:
    """Apply this revision."""
    days = op.create_table(
        "usage_days",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("profile_name", sa.String(length=255), nullable=False),
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("model", sa.String(length=255), nullable=False),
        sa.Column("error_class", sa.String(length=100), nullable=False),
        sa.Column("requests", sa.Integer(), nullable=False),
        sa.Column("input_tokens", sa.BigInteger(), nullable=False),
        sa.Column("output_tokens", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_usage_days")),
        sa.UniqueConstraint(
            "day",
            "profile_name",
            "kind",
            "status",
            "model",
            "error_class",
            name=op.f("uq_usage_days_day_profile_name_kind_status_model_error_class"),
        ),
    )
    users = op.create_table(
        "usage_day_users",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("profile_scope", sa.String(length=255), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("week", sa.Date(), nullable=False),
        sa.Column("user_name", sa.String(length=255), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_usage_day_users")),
        sa.UniqueConstraint(
            "profile_scope",
            "day",
            "week",
            "user_name",
            name=op.f("uq_usage_day_users_profile_scope_day_week_user_name"),
        ),
    )
    latency = op.create_table(
        "usage_latency",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("profile_name", sa.String(length=255), nullable=False),
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("metric", sa.String(length=10), nullable=False),
        sa.Column("bucket", sa.Integer(), nullable=False),
        sa.Column("requests", sa.Integer(), nullable=False),
        sa.Column("low_ms", sa.Integer(), nullable=False),
        sa.Column("high_ms", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_usage_latency")),
        sa.UniqueConstraint(
            "day",
            "profile_name",
            "kind",
            "metric",
            "bucket",
            name=op.f("uq_usage_latency_day_profile_name_kind_metric_bucket"),
        ),
    )
    op.create_table(
        "usage_verification",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("profile_name", sa.String(length=255), nullable=False),
        sa.Column("rating", sa.String(length=20), nullable=False),
        sa.Column("slides", sa.Integer(), nullable=False),
        sa.Column("thumbs_up", sa.Integer(), nullable=False),
        sa.Column("thumbs_down", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_usage_verification")),
        sa.UniqueConstraint(
            "day", "profile_name", "rating", name=op.f("uq_usage_verification_day_profile_name_rating")
        ),
    )
    _roll_up_stored_logs(days, users, latency)


def _roll_up_stored_logs(days: sa.Table, users: sa.Table, latency: sa.Table) -> None:
    logs = sa.table(
        "request_logs",
        *(
            sa.column(name)
            for name in (
                "id",
                "finished_at",
                "user_name",
                "profile_name",
                "provider",
                "model",
                "kind",
                "status",
                "error_class",
                "first_slide_ms",
                "total_ms",
                "input_tokens",
                "output_tokens",
            )
        ),
    )
    totals: dict[tuple[Any, ...], list[int]] = {}
    active: set[tuple[Any, ...]] = set()
    buckets: dict[tuple[Any, ...], list[int]] = {}
    connection = op.get_bind()
    result = connection.execute(sa.select(logs).order_by(logs.c.id)).mappings()
    for log in result:
        _add(log, totals, active, buckets)
    for table, rows in (
        (days, [(*k, *v) for k, v in totals.items()]),
        (users, sorted(active)),
        (latency, [(*k, *v) for k, v in buckets.items()]),
    ):
        names = [c.name for c in table.columns if c.name != "id"]
        for start in range(0, len(rows), CHUNK):
            chunk = rows[start : start + CHUNK]
            connection.execute(table.insert(), [dict(zip(names, r, strict=True)) for r in chunk])


def _add(
    log: Any,
    totals: dict[tuple[Any, ...], list[int]],
    active: set[tuple[Any, ...]],
    buckets: dict[tuple[Any, ...], list[int]],
) -> None:
    day = _day(log["finished_at"])
    profile, kind, status = log["profile_name"] or "", log["kind"], log["status"]
    model = log["model"] or log["provider"] or "unknown"
    error = (log["error_class"] or "Error") if status == "error" else ""
    entry = totals.setdefault((day, profile, kind, status, model, error), [0, 0, 0])
    entry[0] += 1
    entry[1] += log["input_tokens"] or 0
    entry[2] += log["output_tokens"] or 0
    week = day - timedelta(days=day.weekday())
    active.add(("", day, week, log["user_name"]))
    if profile:
        active.add((profile, day, week, log["user_name"]))
    if kind not in ("generate", "edit"):
        return
    for metric, ms in (("first", log["first_slide_ms"]), ("total", log["total_ms"])):
        if ms is None:
            continue
        bucket = 0 if ms <= 1 else math.ceil(round(math.log(ms) / math.log(1.1), 9))
        found = buckets.setdefault((day, profile, kind, metric, bucket), [0, ms, ms])
        found[0], found[1], found[2] = found[0] + 1, min(found[1], ms), max(found[2], ms)


def _day(value: Any) -> date:
    """The UTC day of a stored timestamp (SQLite returns a string without a zone)."""
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC).date()


def downgrade() -> None:
    """Revert this revision."""
    op.drop_table("usage_verification")
    op.drop_table("usage_latency")
    op.drop_table("usage_day_users")
    op.drop_table("usage_days")
