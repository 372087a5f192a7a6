"""The open deck on the Chat page: polled while a job runs, drawn with the page otherwise."""

from __future__ import annotations

import time

import streamlit as st

from slidegen.identity import User
from slidegen.schemas.decks import SessionDetail
from slidegen.services.decks import store as decks
from ui.chat import actions as chat_actions
from ui.chat.view import show_progress
from ui.db import session_scope
from ui.errors import user_errors
from ui.widgets.deck_view import download_html, present, show_deck
from ui.widgets.export_control import export_control
from ui.widgets.google_slides import google_slides_control
from ui.widgets.slots import slot

POLL_SECONDS = 1.0  # while a job runs; each tick re-sends every slide on the page, so not faster
# After a job, its slides are checked (numbers, layout): the page polls for their ratings this
# long at most, so a deck whose checks cannot finish does not poll forever.
RATINGS_WAIT_SECONDS = 120.0


def awaiting_ratings(detail: SessionDetail, *, running: bool) -> bool:
    """Whether the finished deck's slides are still being checked (some have no rating yet)."""
    if running or not detail.slides or all(s.rating is not None for s in detail.slides):
        return False
    key = f"ratings-until-{detail.session_id}-{detail.version}"
    return time.monotonic() < st.session_state.setdefault(
        key, time.monotonic() + RATINGS_WAIT_SECONDS
    )


def live_deck(
    user: User, session_id: str, *, running: bool, read_only: bool, awaiting: bool = False
) -> None:
    """Show the deck; while a job runs, a fragment polls it and slides appear as stored.

    Otherwise it is part of the page, so a tick or a click reruns the whole page and the
    request box names the ticked slides at once. Both ways the deck is drawn into one
    container at the same place (a fragment draws into a container of its own), so every
    control inside keeps its position when the job ends: no stale copy stays beside it.

    While the finished deck's ratings are `awaiting`, the deck stays part of the page and a
    small fragment below it watches for them: redrawing the deck every second would re-send
    every slide, and a click landing between a poll and the next would be lost.
    """
    if running:
        _polled(user, session_id, read_only)
    else:
        with st.container():
            _deck(user, session_id, running=False, read_only=read_only)
    if watch := slot(awaiting and not running, key="ratings-watch"):
        with watch:
            _watch_ratings(user, session_id)


@st.fragment(run_every=POLL_SECONDS)
def _polled(user: User, session_id: str, read_only: bool) -> None:
    _deck(user, session_id, running=True, read_only=read_only)


@st.fragment(run_every=POLL_SECONDS)
def _watch_ratings(user: User, session_id: str) -> None:
    """Say the slides are being checked; once they all have a rating, run the page again."""
    with user_errors(), session_scope() as session:
        current = decks.show_session(session, user, session_id=session_id)
    if not awaiting_ratings(current, running=False):
        st.rerun()
    waiting = sum(1 for s in current.slides if s.rating is None)
    st.caption(f"Checking {waiting:d} slide(s) against their data and layout…")


def _deck(user: User, session_id: str, *, running: bool, read_only: bool) -> None:
    with user_errors(), session_scope() as session:
        current = decks.show_session(session, user, session_id=session_id)
    still_running = bool(current.last_request and current.last_request.is_running)
    ended = running and not still_running  # the job ended since the page last ran
    if progress := slot(still_running, key="deck-progress"):
        with progress:
            show_progress(current.last_request, len(current.slides))
    # Never a half-written deck to download or export (and each tick sends less).
    tools = slot(bool(current.slides) and not still_running and not ended, key="deck-tools")
    presenting = False
    if tools:
        with tools:
            cells = st.columns([2, 2, 2, 2, 1], vertical_alignment="center")
            with cells[0]:
                download_html(current)
            with cells[1]:
                export_control(user, session_id, current.version)
            with cells[2]:
                export_control(user, session_id, current.version, format="pdf")
            with cells[3]:
                google_slides_control(user, session_id, current.version)
            presenting = cells[4].toggle("Present", key="present")
    if presentation := slot(presenting, key="deck-presentation"):
        with presentation:
            present(current)
    if slides := slot(bool(current.slides), key="deck-slides"):
        with slides:
            locked = still_running or read_only

            def action(name: str, slide_id: str) -> None:
                chat_actions.slide_action(user, current, name, slide_id)

            show_deck(current, on_action=None if locked else action, editable=not locked)
    if ended:  # the last slides are on the page; refresh the rest
        st.rerun()
