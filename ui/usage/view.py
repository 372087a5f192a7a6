"""The Usage page's sections: totals, activity, latency, errors, tokens, exports,
verification ratings, NPS."""

from __future__ import annotations

import streamlit as st

from slidegen.schemas.usage import UsageReport
from ui.usage import charts
from ui.usage.tables import table


def totals(report: UsageReport) -> None:
    """Show the range's headline numbers."""
    decks = sum(day.decks for day in report.days)
    edits = sum(day.edits for day in report.days)
    columns = st.columns(5)
    columns[0].metric("Requests", f"{report.requests:,}")
    columns[1].metric("Decks", f"{decks:,}")
    columns[2].metric("Edits", f"{edits:,}")
    columns[3].metric("Error rate", f"{report.error_rate:.1%}")
    columns[4].metric("Estimated cost", f"{report.cost:,.2f}")


def activity(report: UsageReport) -> None:
    """Active users per day and week; decks, edits and exports per day."""
    days = [day.model_dump() for day in report.days]
    frame = table("Activity per day", days, key="days")
    if not frame.empty:
        left, right = st.columns(2)
        with left:
            st.caption("Active users per day")
            charts.bars(frame, "day", ["active_users"], temporal=True)
        with right:
            st.caption("Decks and edits per day")
            charts.bars(frame, "day", ["decks", "edits"], temporal=True)
    weeks = table("Active users per week", [w.model_dump() for w in report.weeks], key="weeks")
    if not weeks.empty:
        charts.bars(weeks, "week", ["active_users"], temporal=True)


def latency(report: UsageReport) -> None:
    """p50 and p95 of the time to the first slide and of the total time."""
    frame = table(
        "Latency (ms, nearest-rank percentiles within 10%)",
        [entry.model_dump() for entry in report.latency],
        key="latency",
    )
    if not frame.empty:
        charts.bars(frame, "kind", ["first_slide_p50_ms", "first_slide_p95_ms", "total_p95_ms"])


def errors(report: UsageReport) -> None:
    """Failed requests by error class."""
    rows = [e.model_dump() | {"rate": f"{e.rate:.1%}"} for e in report.errors]
    table("Errors by class", rows, key="errors")


def tokens(report: UsageReport) -> None:
    """Tokens and the estimated cost per model endpoint."""
    table("Tokens and estimated cost", [t.model_dump() for t in report.tokens], key="tokens")


def exports(report: UsageReport) -> None:
    """Exports per format."""
    frame = table("Exports by format", [e.model_dump() for e in report.exports], key="exports")
    if not frame.empty:
        charts.bars(frame, "format", ["count"])


def verification(report: UsageReport) -> None:
    """Slides checked per rating, and what readers said of the ratings (thumbs up or down)."""
    rows = [v.model_dump() | {"share": f"{v.share:.1%}"} for v in report.verification]
    frame = table("Verification ratings (slides checked)", rows, key="verification")
    if frame.empty:
        return
    left, right = st.columns(2)
    with left:
        st.caption("Slides checked per rating")
        charts.bars(frame, "rating", ["slides"])
    with right:
        st.caption("Readers' thumbs up and down on the ratings")
        charts.bars(frame, "rating", ["thumbs_up", "thumbs_down"])


def nps(report: UsageReport) -> None:
    """The survey's net promoter score per week."""
    frame = table("Survey score (NPS) per week", [w.model_dump() for w in report.nps], key="nps")
    if not frame.empty:
        charts.lines(frame, "week", ["nps"], temporal=True)
