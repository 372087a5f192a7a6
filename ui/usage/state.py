"""The Usage page's filters: a date range and a profile, kept as small values."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

import streamlit as st

DEFAULT_DAYS = 30
ALL_PROFILES = "All profiles"


@dataclass(frozen=True)
class UsageFilters:
    """What the admin chose: whole UTC days from `start` through `end`, one profile or all."""

    start: date
    end: date
    profile: str | None

    @property
    def since(self) -> datetime:
        """The first instant of the range."""
        return datetime.combine(self.start, time(), tzinfo=UTC)

    @property
    def until(self) -> datetime:
        """The instant after the range (the end day is included)."""
        return datetime.combine(self.end + timedelta(days=1), time(), tzinfo=UTC)


def filters(profile_names: list[str]) -> UsageFilters:
    """Show the date range and profile pickers; return the choice."""
    today = datetime.now(UTC).date()
    left, right = st.columns([2, 1])
    chosen = left.date_input(
        "Date range (UTC)",
        value=(today - timedelta(days=DEFAULT_DAYS - 1), today),
        max_value=today,
        key="usage.range",
    )
    start, end = (chosen[0], chosen[-1]) if isinstance(chosen, tuple) and chosen else (today, today)
    profile = right.selectbox("Profile", [ALL_PROFILES, *profile_names], key="usage.profile")
    return UsageFilters(start, end, None if profile == ALL_PROFILES else profile)
