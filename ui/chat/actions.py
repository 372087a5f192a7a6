"""What the Chat page's buttons and inputs do: each is one service call in one transaction."""

from __future__ import annotations

import logging
from functools import partial

import streamlit as st

from slidegen.deck import Slide
from slidegen.identity import User
from slidegen.schemas.decks import SessionDetail
from slidegen.services.decks import hand_edits as slides
from slidegen.services.decks import store as decks
from slidegen.services.generation import chat_requests as requests
from slidegen.services.sessions import actions as session_actions
from ui.callbacks import run_to_end
from ui.chat import state
from ui.db import session_scope
from ui.errors import kept_for_the_page, user_errors
from ui.jobs import submitter
from ui.text import plain
from ui.widgets.deck_view import show_slide
from ui.widgets.slide_editor import slide_editor
from ui.widgets.slots import slot

log = logging.getLogger("slidegen.ui")

_BY_HAND = {
    "up": (slides.move_slide, {"offset": -1}),
    "down": (slides.move_slide, {"offset": 1}),
    "duplicate": (slides.duplicate_slide, {}),
    "delete": (slides.delete_slide, {}),
}
_EDITING = "slidegen.editing.{}"  # session id -> the slide whose Edit was clicked


@st.dialog("Edit slide", width="large")
def _edit_dialog(user: User, detail: SessionDetail, slide_id: str) -> None:
    slide = next(s for s in detail.slides if s.slide_id == slide_id)

    def save(**changes: object) -> None:
        with session_scope() as session:
            slides.update_slide(
                session,
                user,
                session_id=detail.session_id,
                expected_version=detail.version,
                **changes,
            )
        st.rerun()

    slide_editor(slide, detail.css, detail.version, save)


def slide_action(user: User, detail: SessionDetail, action: str, slide_id: str) -> None:
    """A slide's button (its on_click): change the deck by hand, or ask the page to open the
    editor. Streamlit runs a callback once per click, so a page run stopped by the browser's
    next message cannot lose the click."""
    if action == "edit":
        st.session_state[_EDITING.format(detail.session_id)] = slide_id
        return
    function, extra = _BY_HAND[action]
    with kept_for_the_page(partial(state.report_send_error, detail.session_id)):
        with session_scope() as session:
            changed = function(
                session,
                user,
                session_id=detail.session_id,
                slide_id=slide_id,
                expected_version=detail.version,
                **extra,
            )
        steps = [partial(state.withdraw_undo, detail.session_id)]
        if action == "delete" and detail.versions:  # the newest save point: the deck as it was
            what = changed.versions[0].description if changed.versions else "Deleted a slide"
            undo = detail.versions[0].version_number
            steps.append(partial(state.offer_undo, detail.session_id, undo, what))
        run_to_end(*steps)


def slide_editor_dialog(user: User, detail: SessionDetail) -> None:
    """Open the editor on the slide whose Edit was clicked (once)."""
    slide_id = st.session_state.pop(_EDITING.format(detail.session_id), None)
    if slide_id and any(s.slide_id == slide_id for s in detail.slides):
        _edit_dialog(user, detail, slide_id)


def restore(
    user: User, session_id: str, version_number: int, expected_version: int | None = None
) -> None:
    """Make a save point the current deck again, if the deck is still the one the user saw
    (a button's on_click: a failure is said by the page's run)."""
    state.withdraw_undo(session_id)
    report = partial(state.report_send_error, session_id)
    with kept_for_the_page(report), session_scope() as session:
        decks.restore_save_point(
            session,
            user,
            session_id=session_id,
            version_number=version_number,
            expected_version=expected_version,
        )


@st.dialog("Save point preview", width="large")
def preview_save_point(
    user: User, session_id: str, version_number: int, expected_version: int | None = None
) -> None:
    """Show a save point's slides without touching the current deck."""
    with user_errors(), session_scope() as session:
        deck = decks.get_save_point(
            session, user, session_id=session_id, version_number=version_number
        )
    st.caption(
        f"Save point {version_number:d}: {len(deck.slides)} slides. The current deck is unchanged."
    )
    for number, slide in enumerate(deck.slides, 1):
        show_slide(
            Slide.model_validate(slide.model_dump()),
            deck.css,
            f"Save point slide {number}",
            deck.images,
        )
    if st.button(
        "Restore this save point", type="primary", key=f"preview-restore-{version_number}"
    ):
        restore(user, session_id, version_number, expected_version)
        st.rerun()  # closes the preview


def undo_bar(user: User, session_id: str, *, allowed: bool) -> None:
    """Offer to undo the last delete (a save point restore), in a slot of its own."""
    offer = state.undo_offer(session_id) if allowed else None
    # A place of its own, so the deck below keeps its place and a used offer goes at once.
    place = slot(offer is not None, key="undo-slot")
    if place is not None and offer is not None:
        version_number, what = offer
        row = place.columns([5, 1], vertical_alignment="center")
        row[0].caption(f"{plain(what)}.")
        row[1].button(
            "Undo",
            icon=":material/undo:",
            key="undo",
            on_click=restore,
            args=(user, session_id, version_number),
        )


def switch_profile(user: User, session_id: str, profile_name: str) -> None:
    """Load another profile's configuration into the session."""
    with user_errors(), session_scope() as session:
        requests.load_profile_into_session(
            session, user, session_id=session_id, profile_name=profile_name
        )
    st.rerun()


def send_request(user: User, session_id: str, slide_order: list[str]) -> None:
    """The request box's on_submit in an open session: start the request here.

    Streamlit runs the callback once for each Enter. The page's run after it holds the box's
    value only until the browser's next message (any click) stops that run and starts another
    without it, so a request started at the end of the page's run could be lost, with the
    ticks it took already cleared.
    """
    prompt = str(st.session_state.get(state.REQUEST_KEY) or "").strip()
    ticked = state.selected_slides(session_id)
    state.clear_selection(session_id)
    if not prompt:
        return
    state.withdraw_undo(session_id)  # an undo would now also undo this request
    run = submitter()  # before the change: after it, Streamlit must not stop us midway
    handle = None
    report = partial(state.report_send_error, session_id)
    with kept_for_the_page(report), session_scope() as session:
        if slide_order:
            handle = requests.start_edit(
                session,
                user,
                session_id=session_id,
                instruction=prompt,
                slide_ids=[i for i in slide_order if i in ticked],
            )
        else:
            handle = requests.start_generation(session, user, prompt=prompt, session_id=session_id)
    if handle is not None:
        run_to_end(partial(run, handle.request_id))


def send_error(session_id: str | None) -> None:
    """Show why the last request could not start (once)."""
    if message := state.take_send_error(session_id):
        st.error(plain(message), icon=":material/error:")


def follow_thread(user: User, session_id: str | None) -> None:
    """On someone else's deck the user may edit, switch to their own chat thread on it."""
    if not session_id:
        return
    with user_errors(), session_scope() as session:
        thread = session_actions.open_thread(session, user, session_id=session_id)
    if thread != session_id:
        state.open_session(thread)
        st.rerun()
