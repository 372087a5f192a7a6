"""What the Profiles page remembers between reruns: the selection, the draft's widget keys,
and a message to show after an action reran the page."""

from __future__ import annotations

import streamlit as st

SELECTED = "pf.selected"
_NEXT = "pf.select_next"
_GEN = "pf.gen.{}"
_FLASH = "pf.flash"


def apply_pending_selection(names: list[str]) -> None:
    """Before the selector renders: switch to a profile an action asked for, or a valid one."""
    wanted = st.session_state.pop(_NEXT, None)
    if wanted is None and SELECTED not in st.session_state:  # first visit: honour ?profile=
        wanted = st.query_params.get("profile")
    if wanted in names and st.session_state.get(SELECTED) != wanted:
        st.session_state[SELECTED] = wanted
    if st.session_state.get(SELECTED) not in names and names:
        st.session_state[SELECTED] = names[0]


def select_next(name: str) -> None:
    """Select this profile on the next rerun."""
    st.session_state[_NEXT] = name
    st.query_params["profile"] = name


def key(profile_id: int, field: str) -> str:
    """Return the widget key of one draft field (a new key after a reset)."""
    return f"pf.{profile_id}.{st.session_state.get(_GEN.format(profile_id), 0)}.{field}"


def reset_draft(profile_id: int) -> None:
    """Forget unsaved edits: the widgets start again from the stored profile."""
    name = _GEN.format(profile_id)
    st.session_state[name] = st.session_state.get(name, 0) + 1


def flash(kind: str, message: str, details: list[str] | None = None) -> None:
    """Keep a message for the next rerun (kind: success, warning, error)."""
    st.session_state[_FLASH] = (kind, message, details or [])


def show_flash() -> None:
    """Show (once) the message an action left."""
    stored = st.session_state.pop(_FLASH, None)
    if not stored:
        return
    kind, message, details = stored
    body = message + "".join(f"\n- {line}" for line in details)
    getattr(st, kind)(body, icon=":material/info:" if kind != "error" else ":material/error:")
