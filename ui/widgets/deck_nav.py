"""Finding your way in a deck: the Focus / All slides / Grid switch, the focused slide's strip,
pages of slides, and the thumbnail grid.

Focus (the default) shows the slide being worked on large, with a strip of thumbnails to move
and tick slides. All slides shows one page of full-size slides at a time, so a long deck costs
the browser (and each rerun) a page of slides, not the whole deck. The grid shows every slide
small; a click on a thumbnail's number opens it in Focus.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import streamlit as st

from slidegen.deck import Deck, Slide

PAGE_SIZE = 12
GRID_COLUMNS = 3
FOCUS, SLIDES, GRID = "Focus", "All slides", "Grid"
STRIP_COLUMNS = 6


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
        st.empty()  # the switch's place stays, so the views below keep theirs
        return SLIDES
    st.session_state.setdefault(key, FOCUS)
    view = st.segmented_control(
        "View",
        [FOCUS, SLIDES, GRID],
        key=key,
        label_visibility="collapsed",
        help="Focus: one slide large, the others in a strip. All slides: a page of full-size "
        "slides. Grid: every slide small.",
    )
    return view or FOCUS


def current_page(session_id: str, slide_count: int) -> int:
    """Return the page of slides to show (1-based), kept within the deck's pages."""
    return min(st.session_state.get(_page_key(session_id), 1), page_count(slide_count))


def _focus_key(session_id: str) -> str:
    return f"deck-focus-{session_id}"


def focused_index(session_id: str, slide_count: int) -> int:
    """Return the index of the slide shown large in Focus, kept within the deck."""
    return max(0, min(st.session_state.get(_focus_key(session_id), 0), slide_count - 1))


def _open_slide(session_id: str, index: int) -> None:
    # A callback: runs before the widgets are built, so it may set the switch's value.
    st.session_state[_focus_key(session_id)] = index
    st.session_state[_view_key(session_id)] = FOCUS


def _focus(session_id: str, index: int) -> None:
    st.session_state[_focus_key(session_id)] = index


def focus_bar(session_id: str, slide_count: int) -> None:
    """Show Previous / Next and where the focused slide sits in the deck."""
    index = focused_index(session_id, slide_count)
    row = st.columns([1, 2, 1], vertical_alignment="center")
    row[0].button(
        "Previous",
        icon=":material/chevron_left:",
        disabled=index == 0,
        key="focus-prev",
        on_click=_focus,
        args=(session_id, index - 1),
        width="stretch",
    )
    row[1].markdown(
        f"<div style='text-align:center'>Slide {index + 1:d} of {slide_count:d}</div>",
        unsafe_allow_html=True,
    )
    row[2].button(
        "Next",
        icon=":material/chevron_right:",
        disabled=index >= slide_count - 1,
        key="focus-next",
        on_click=_focus,
        args=(session_id, index + 1),
        width="stretch",
    )


def show_strip(
    session_id: str,
    deck: Deck,
    render_thumbnail: Callable[[Slide, int], None],
    render_tick: Callable[[Slide, int], None],
) -> None:
    """Show the strip: the page of thumbnails around the focused slide, to open and tick."""
    index = focused_index(session_id, len(deck.slides))
    start = index // PAGE_SIZE * PAGE_SIZE
    shown = range(start, min(start + PAGE_SIZE, len(deck.slides)))
    columns = st.columns(STRIP_COLUMNS)
    for position, number in enumerate(shown):
        slide = deck.slides[number]
        column = columns[position % STRIP_COLUMNS]
        with column, st.container(key=f"strip-{slide.slide_id}", gap="small"):
            render_thumbnail(slide, number)
            with st.container(horizontal=True, vertical_alignment="center", gap="small"):
                render_tick(slide, number + 1)
                st.button(
                    f"Slide {number + 1}",
                    key=f"focus-{slide.slide_id}",
                    on_click=_focus,
                    args=(session_id, number),
                    type="primary" if number == index else "tertiary",
                    help="Show this slide large",
                )
    if len(deck.slides) > PAGE_SIZE:
        st.caption(
            f"Slides {shown.start + 1:d}–{shown.stop:d} of {len(deck.slides):d}: Previous and Next "
            "move through the rest; Grid shows them all."
        )


def pager(session_id: str, slide_count: int, *, key: str) -> None:
    """Show the page switcher (only when the deck has more than one page)."""
    pages = page_count(slide_count)
    if pages < 2:
        st.empty()  # its place stays, so the slides below keep theirs as the deck grows
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
