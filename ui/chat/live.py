"""The open deck on the Chat page, and the small fragment that watches it for changes.

The deck is always part of the page, never inside a fragment: a widget drawn by a fragment
belongs to it, and a click on one that lands just after the fragment stopped (the job ended
and the page took the deck back) is sent to a fragment that no longer exists and is lost.
While a job runs, or the finished deck's slides are being checked, a fragment under the
conversation polls a light summary of it every second, shows the progress, and runs the whole
page again when there is something new to draw (a slide, the end of the job, the ratings).
"""

from __future__ import annotations

import time

import streamlit as st

from slidegen.identity import User
from slidegen.schemas.decks import DeckPulse, SessionDetail
from slidegen.services.decks import store as decks
from ui.callbacks import rerun
from ui.chat import actions as chat_actions
from ui.chat.view import show_progress
from ui.db import session_scope
from ui.errors import user_errors
from ui.widgets.deck_view import download_html, present, show_deck
from ui.widgets.export_control import export_control
from ui.widgets.google_slides import google_slides_control
from ui.widgets.slots import slot

POLL_SECONDS = 1.0
# After a job, its slides are checked (numbers, layout): the page polls for their ratings this
# long at most, so a deck whose checks cannot finish does not poll forever.
RATINGS_WAIT_SECONDS = 120.0


def awaiting_ratings(detail: SessionDetail, *, running: bool) -> bool:
    """Whether the finished deck's slides are still being checked (some have no rating yet)."""
    if running or not detail.slides or all(s.rating is not None for s in detail.slides):
        return False
    return _within_wait(detail.session_id, detail.version)


def _within_wait(session_id: str, version: int) -> bool:
    key = f"ratings-until-{session_id}-{version}"
    deadline = st.session_state.setdefault(key, time.monotonic() + RATINGS_WAIT_SECONDS)
    return time.monotonic() < deadline


def live_watch(user: User, detail: SessionDetail, *, running: bool, awaiting: bool) -> None:
    """Show the watcher while a job runs or ratings are awaited (under the conversation: its
    line comes and goes without moving the deck under the reader's pointer)."""
    if watch := slot(running or awaiting, key="deck-watch"):
        with watch:
            _watch(user, detail.session_id, detail.version, running)


@st.fragment(run_every=POLL_SECONDS)
def _watch(user: User, session_id: str, shown_version: int, running: bool) -> None:
    """Show the job's progress or the checks under way; run the page when the deck changed."""
    with user_errors(), session_scope() as session:
        pulse = decks.deck_pulse(session, user, session_id=session_id)
    if _changed(pulse, session_id, shown_version, running):
        rerun()  # gives way to a click on another page
    if running and pulse.last_request is not None:
        show_progress(pulse.last_request, pulse.slide_count)
    else:
        st.caption(f"Checking {pulse.unrated:d} slide(s) against their data and layout…")


def _changed(pulse: DeckPulse, session_id: str, shown_version: int, running: bool) -> bool:
    still_running = bool(pulse.last_request and pulse.last_request.is_running)
    if pulse.version != shown_version or still_running != running:
        return True  # a new slide, another edit, or the job ended: draw the deck again
    # Every slide rated, or the wait is over: the page stops watching.
    return not running and (pulse.unrated == 0 or not _within_wait(session_id, shown_version))


def live_deck(user: User, current: SessionDetail, *, running: bool, read_only: bool) -> None:
    """Show the deck: its tools, and its slides in the chosen view."""
    session_id = current.session_id
    # Never a half-written deck to download or export.
    tools = slot(bool(current.slides) and not running, key="deck-tools")
    presenting = False
    if tools:
        # One row, each control as wide as its label (it wraps on a narrow screen).
        with tools, st.container(horizontal=True, vertical_alignment="center", gap="xsmall"):
            download_html(current)
            export_control(user, session_id, current.version)
            export_control(user, session_id, current.version, format="pdf")
            google_slides_control(user, session_id, current.version)
            presenting = st.toggle("Present", key="present")
    if presentation := slot(presenting, key="deck-presentation"):
        with presentation:
            present(current)
    if slides := slot(bool(current.slides), key="deck-slides"):
        with slides:
            locked = running or read_only

            def action(name: str, slide_id: str) -> None:
                chat_actions.slide_action(user, current, name, slide_id)

            show_deck(current, on_action=None if locked else action, editable=not locked)
            if not locked:
                chat_actions.slide_editor_dialog(user, current)
