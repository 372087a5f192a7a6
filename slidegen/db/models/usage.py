"""Daily roll-ups of the request logs and of verification, kept with every write.

The usage dashboard reads these instead of the request logs, so a rerun reads a few rows per
day whatever the number of requests (bench/usage_dashboard.py). They are written in the unit of
work that writes the log row (slidegen/services/usage/rollups.py), purged with the logs, and
rebuilt from the logs by the migration that created them. '' stands for "none" in key columns,
because a unique key treats NULLs as distinct and an upsert would never find its row.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import BigInteger, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from slidegen.db.base import Base


class UsageDay(Base):
    """Requests and tokens of one UTC day, profile, kind, status, model and error class."""

    __tablename__ = "usage_days"
    __table_args__ = (
        UniqueConstraint("day", "profile_name", "kind", "status", "model", "error_class"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    day: Mapped[date]
    profile_name: Mapped[str] = mapped_column(String(255))  # '' for none
    kind: Mapped[str] = mapped_column(String(30))
    status: Mapped[str] = mapped_column(String(20))
    model: Mapped[str] = mapped_column(String(255))  # the model, else the provider, else 'unknown'
    error_class: Mapped[str] = mapped_column(String(100))  # '' unless status is 'error'
    requests: Mapped[int] = mapped_column(Integer)
    input_tokens: Mapped[int] = mapped_column(BigInteger)
    output_tokens: Mapped[int] = mapped_column(BigInteger)


class UsageDayUser(Base):
    """A user active on a UTC day: once per profile, and once with profile_scope '' for all."""

    __tablename__ = "usage_day_users"
    __table_args__ = (
        # week depends on day; it is in the key so that the key's index covers both queries.
        UniqueConstraint("profile_scope", "day", "week", "user_name"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    profile_scope: Mapped[str] = mapped_column(String(255))  # a profile name, or '' for all
    day: Mapped[date]
    week: Mapped[date]  # the Monday of the day's week
    user_name: Mapped[str] = mapped_column(String(255))


class UsageLatency(Base):
    """How many generate and edit requests of a day took a time within one latency bucket.

    Buckets grow by 10% (bucket k holds times in (1.1^(k-1), 1.1^k] ms); low_ms and high_ms are
    the smallest and largest time seen in it, so a percentile falls between them.
    """

    __tablename__ = "usage_latency"
    __table_args__ = (UniqueConstraint("day", "profile_name", "kind", "metric", "bucket"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    day: Mapped[date]
    profile_name: Mapped[str] = mapped_column(String(255))  # '' for none
    kind: Mapped[str] = mapped_column(String(30))
    metric: Mapped[str] = mapped_column(String(10))  # 'first' (first slide) or 'total'
    bucket: Mapped[int] = mapped_column(Integer)
    requests: Mapped[int] = mapped_column(Integer)
    low_ms: Mapped[int] = mapped_column(Integer)
    high_ms: Mapped[int] = mapped_column(Integer)


class UsageVerification(Base):
    """Slides checked on a day per rating, and readers' thumbs up or down on that rating."""

    __tablename__ = "usage_verification"
    __table_args__ = (UniqueConstraint("day", "profile_name", "rating"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    day: Mapped[date]
    profile_name: Mapped[str] = mapped_column(String(255))  # '' for none
    rating: Mapped[str] = mapped_column(String(20))
    slides: Mapped[int] = mapped_column(Integer)
    thumbs_up: Mapped[int] = mapped_column(Integer)
    thumbs_down: Mapped[int] = mapped_column(Integer)
