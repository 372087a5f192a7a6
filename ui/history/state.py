"""Typed accessors for what the History page remembers between reruns: filters and page."""

from __future__ import annotations

from typing import Any

import streamlit as st

_PAGE = "history_page"
_FILTERS = "history_filters"


def page_number() -> int:
    """Return the page of the list being shown (0 is the first)."""
    return int(st.session_state.get(_PAGE, 0))


def set_page_number(number: int) -> None:
    """Show this page of the list on the next run."""
    st.session_state[_PAGE] = number


def filters_changed(query: dict[str, Any]) -> bool:
    """Remember the filters; return whether they differ from the last run's (back to page one)."""
    if st.session_state.get(_FILTERS) == query:
        return False
    st.session_state[_FILTERS] = query
    set_page_number(0)
    return True
