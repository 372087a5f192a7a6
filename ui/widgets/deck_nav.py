"""Finding your way in a deck: the Slides / Grid switch, pages of slides, and the thumbnail grid.

Only one page of full-size slides is on screen at a time, so a long deck costs the browser
(and each rerun) a page of slides, not the whole deck. The grid shows every slide small; a
click on a thumbnail's number opens its page.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import streamlit as st

from slidegen.deck import Deck, Slide
from ui.chat import state

PAGE_SIZE = 12
GRID_COLUMNS = 3
SLIDES, GRID = "Slides", "Grid"


def _view_key(session_id: str) -> str:
    return f"deck-view-{session_id}"


def _page_key(session_id: str) -> str:
    return f"deck-page-{session_id}"


def page_count(slide_count: int) -> int:
    """Return how many pages of slides a deck of this size has (at least one)."""
    return max(1, math.ceil(slide_count / PAGE_SIZE))


def choose_view(session_id: str, slide_count: int) -> str:
    """Show the Slides / Grid switch (for decks of more than one slide) and return the view."""
    key = _view_key(session_id)
    if slide_count < 2:
        return SLIDES
    st.session_state.setdefault(key, SLIDES)
    view = st.segmented_control(
        "View",
        [SLIDES, GRID],
        key=key,
        label_visibility="collapsed",
        help="Slides: one page of full-size slides with their actions. Grid: every slide small.",
    )
    return view or SLIDES


def current_page(session_id: str, slide_count: int) -> int:
    """Return the page of slides to show (1-based), kept within the deck's pages."""
    return min(st.session_state.get(_page_key(session_id), 1), page_count(slide_count))


def _open_slide(session_id: str, index: int) -> None:
    # A callback: runs before the widgets are built, so it may set the switch's value.
    st.session_state[_page_key(session_id)] = index // PAGE_SIZE + 1
    st.session_state[_view_key(session_id)] = SLIDES
    state.set_focused_slide(session_id, index)


def pager(session_id: str, slide_count: int, *, key: str) -> None:
    """Show the page switcher (only when the deck has more than one page)."""
    pages = page_count(slide_count)
    if pages < 2:
        return
    page = current_page(session_id, slide_count)
    first, last = (page - 1) * PAGE_SIZE + 1, min(page * PAGE_SIZE, slide_count)
    row = st.columns([1, 3, 1], vertical_alignment="center")

    def go(to: int) -> None:
        st.session_state[_page_key(session_id)] = to

    row[0].button(
        "Previous",
        icon=":material/chevron_left:",
        disabled=page == 1,
        key=f"{key}-prev",
        on_click=go,
        args=(page - 1,),
        width="stretch",
    )
    row[1].markdown(
        f"<div style='text-align:center'>Slides {first:d}–{last:d} of {slide_count:d} "
        f"· page {page:d} of {pages:d}</div>",
        unsafe_allow_html=True,
    )
    row[2].button(
        "Next",
        icon=":material/chevron_right:",
        disabled=page == pages,
        key=f"{key}-next",
        on_click=go,
        args=(page + 1,),
        width="stretch",
    )


def page_slice(session_id: str, slide_count: int) -> range:
    """Return the indexes of the slides on the current page."""
    page = current_page(session_id, slide_count)
    return range((page - 1) * PAGE_SIZE, min(page * PAGE_SIZE, slide_count))


def show_grid(session_id: str, deck: Deck, render_thumbnail: Callable[[Slide, int], None]) -> None:
    """Show every slide as a thumbnail; a slide's number button opens its page."""
    columns = st.columns(GRID_COLUMNS)
    for index, slide in enumerate(deck.slides):
        with columns[index % GRID_COLUMNS], st.container(key=f"thumb-{slide.slide_id}"):
            render_thumbnail(slide, index)
            st.button(
                f"Slide {index + 1:d}",
                key=f"open-{slide.slide_id}",
                on_click=_open_slide,
                args=(session_id, index),
                help="Open this slide",
                width="stretch",
                type="tertiary",
            )
