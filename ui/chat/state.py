"""Typed accessors for what the Chat page remembers between reruns (ids and small values)."""

from __future__ import annotations

import streamlit as st

_SELECTED = "slidegen.selected.{}"


def active_session_id() -> str | None:
    """Return the session named in the URL (?session=...), if any."""
    value = st.query_params.get("session")
    return value or None


def open_session(session_id: str | None) -> None:
    """Name a session in the URL (None starts a new deck)."""
    if session_id:
        st.query_params["session"] = session_id
    else:
        st.query_params.pop("session", None)


def selected_slides(session_id: str) -> list[str]:
    """Return the slide ids the user ticked on this session's deck."""
    return list(st.session_state.get(_SELECTED.format(session_id), []))


def set_selected_slides(session_id: str, slide_ids: list[str]) -> None:
    """Remember the ticked slide ids."""
    st.session_state[_SELECTED.format(session_id)] = list(slide_ids)


_FOCUSED = "slidegen.focused.{}"


def set_focused_slide(session_id: str, index: int) -> None:
    """Remember the slide the user asked to see, to bring it into view on the next run."""
    st.session_state[_FOCUSED.format(session_id)] = index


def pop_focused_slide(session_id: str) -> int | None:
    """Return (and forget) the slide to bring into view, if the user asked for one."""
    return st.session_state.pop(_FOCUSED.format(session_id), None)
