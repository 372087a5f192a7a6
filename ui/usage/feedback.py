"""The feedback list: filter by category, open the deck it concerns, download as CSV."""

from __future__ import annotations

import streamlit as st

from slidegen.schemas.usage import FeedbackOut
from ui.usage.tables import table

CATEGORIES = ("all", "bug", "quality", "idea", "praise")


def category_filter() -> str | None:
    """Show the category picker; None means every category."""
    chosen = st.segmented_control(
        "Feedback category", CATEGORIES, default="all", key="usage.feedback_category"
    )
    return None if chosen in (None, "all") else chosen


def feedback_list(items: list[FeedbackOut]) -> None:
    """Show feedback as a table (text as data, never Markdown) with links to the decks."""
    rows = [
        {
            "when": item.created_at,
            "who": item.created_by,
            "category": item.category,
            "severity": item.severity,
            "summary": item.summary,
            "deck": item.deck_title,
            "open": f"/?session={item.session_id}" if item.session_id else None,
        }
        for item in items
    ]
    table(
        "Feedback",
        rows,
        key="feedback",
        column_config={"open": st.column_config.LinkColumn("open", display_text="Open deck")},
    )
