"""Typed accessors for what the Chat page remembers between reruns (ids and small values)."""

from __future__ import annotations

import streamlit as st

REQUEST_KEY = "request"  # the request box's widget key
_OPEN = "slidegen.open_session"
_SELECTED = "slidegen.selected.{}"
_SEND_ERROR = "slidegen.send_error.{}"
_ROUND = "slidegen.tick_round.{}"


def active_session_id() -> str | None:
    """Return the open session: the one named in the URL, else the one this tab had open.

    Streamlit drops the query string when the user moves to another page; the tab's session
    state keeps the open deck, so coming back to Chat (or reloading) shows it again.
    """
    value = st.query_params.get("session")
    if value:
        st.session_state[_OPEN] = value
        return value
    remembered = st.session_state.get(_OPEN)
    if remembered:
        st.query_params["session"] = remembered  # a reload of this URL opens it again
    return remembered or None


def open_session(session_id: str | None) -> None:
    """Open a session in this tab and name it in the URL (None starts a new deck)."""
    st.session_state[_OPEN] = session_id
    if session_id:
        st.query_params["session"] = session_id
    else:
        st.query_params.pop("session", None)


def selected_slides(session_id: str) -> list[str]:
    """Return the slide ids ticked on this session's deck.

    Each tick box on the page says itself whether it is ticked (its value arrived with the
    browser's message, before any callback runs); a slide whose box is not on the page (another
    page of the deck, the grid) keeps the tick it had when its box was last drawn.
    """
    remembered = list(st.session_state.get(_SELECTED.format(session_id), []))
    prefix = _tick_prefix(session_id)
    shown = {
        key.removeprefix(prefix): bool(st.session_state.get(key))
        for key in list(st.session_state.keys())
        if isinstance(key, str) and key.startswith(prefix)
    }
    chosen = [i for i in remembered if shown.get(i, True)]
    return chosen + [i for i, ticked in shown.items() if ticked and i not in chosen]


def set_selected_slides(session_id: str, slide_ids: list[str]) -> None:
    """Remember the ticked slide ids (for slides whose boxes leave the page)."""
    st.session_state[_SELECTED.format(session_id)] = list(slide_ids)


def tick_key(session_id: str, slide_id: str) -> str:
    """Return the widget key of a slide's tick box."""
    return f"{_tick_prefix(session_id)}{slide_id}"


def _tick_prefix(session_id: str) -> str:
    # Clearing the ticks gives every box a new key instead of setting the old boxes to False.
    # The browser sends every widget's value with each message; one it composed before it saw
    # the boxes cleared (a fragment's timer, a click) would tick them again. A message about
    # the old boxes is about widgets no longer on the page, and Streamlit drops it.
    round_ = int(st.session_state.get(_ROUND.format(session_id), 0))
    return f"sel-{session_id}-{round_:d}-"


def clear_selection(session_id: str) -> None:
    """Untick every slide (the boxes are drawn anew, unticked)."""
    key = _ROUND.format(session_id)
    st.session_state[key] = int(st.session_state.get(key, 0)) + 1
    set_selected_slides(session_id, [])


def report_send_error(session_id: str | None, message: str) -> None:
    """Keep why a request could not start, for the page's run to show."""
    st.session_state[_SEND_ERROR.format(session_id)] = message


def take_send_error(session_id: str | None) -> str | None:
    """Return (and forget) why the last request could not start."""
    return st.session_state.pop(_SEND_ERROR.format(session_id), None)


_UNDO = "slidegen.undo.{}"


def offer_undo(session_id: str, version_number: int, what: str) -> None:
    """Offer to undo a change by restoring the save point from just before it."""
    st.session_state[_UNDO.format(session_id)] = (version_number, what)


def undo_offer(session_id: str) -> tuple[int, str] | None:
    """Return the save point to go back to and what it undoes, if an undo is on offer."""
    return st.session_state.get(_UNDO.format(session_id))


def withdraw_undo(session_id: str) -> None:
    """Stop offering the undo (it was used, or another change came after it)."""
    st.session_state.pop(_UNDO.format(session_id), None)
