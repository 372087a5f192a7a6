"""The History list: filters, cards with a first-slide thumbnail, actions and pagination."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import streamlit as st

from slidegen.identity import User
from slidegen.schemas.sessions import SessionPage, SessionSummary
from ui.history import dialogs as history_dialogs
from ui.history import state as history_state
from ui.text import plain
from ui.widgets.export_control import export_control
from ui.widgets.google_slides import google_slides_control

PAGE_SIZE = 12
SCOPES = {"all": "All", "mine": "Mine", "shared": "Shared with me", "workspace": "Workspace"}
SORTS = {"activity": "Last activity", "title": "Title"}
VISIBILITY_ICONS = {
    "private": ":material/lock:",
    "shared": ":material/group:",
    "workspace": ":material/public:",
}


@dataclass
class Filters:
    """What the user asked History to show."""

    scope: str
    search: str
    profile: str | None
    since: date | None
    until: date | None
    sort: str
    page: int

    def query(self) -> dict[str, Any]:
        """Keyword arguments for sessions.list_sessions."""
        return {
            "scope": self.scope,
            "search": self.search or None,
            "profile": self.profile,
            "since": self.since,
            "until": self.until,
            "sort": self.sort,
            "limit": PAGE_SIZE,
            "offset": self.page * PAGE_SIZE,
        }


def filters(profile_names: list[str]) -> Filters:
    """Render the filter bar and return the choices."""
    scope = st.segmented_control(
        "Show", list(SCOPES), format_func=SCOPES.get, default="all", key="history_scope"
    )
    row = st.columns([3, 2, 2, 2], vertical_alignment="bottom")
    search = row[0].text_input("Search titles", key="history_search", placeholder="e.g. Q3")
    profile = row[1].selectbox("Profile", ["All profiles", *profile_names], key="history_profile")
    dates = row[2].date_input("Last activity between", value=(), key="history_dates")
    sort = row[3].selectbox("Sort by", list(SORTS), format_func=SORTS.get, key="history_sort")
    since, until = (tuple(dates) + (None, None))[:2] if isinstance(dates, tuple) else (dates, None)
    return Filters(
        scope=scope or "all",
        search=search.strip(),
        profile=None if profile == "All profiles" else profile,
        since=since,
        until=until,
        sort=sort,
        page=history_state.page_number(),
    )


THUMBNAIL_HEIGHT = 150  # px


def cards(page: SessionPage, thumbs: dict[str, str], user: User) -> None:
    """Show one card per session, three per row."""
    columns = st.columns(3)
    for index, item in enumerate(page.items):
        with columns[index % 3].container(border=True):
            _card(item, thumbs.get(item.session_id), user)


def _card(item: SessionSummary, thumb: str | None, user: User) -> None:
    if thumb:
        st.iframe(thumb, height=THUMBNAIL_HEIGHT)  # fixed: the slide is fitted inside
    else:
        st.caption("No slides yet")
    st.markdown(f"**{plain(item.title)}**")
    owner = "you" if item.created_by == user.name else item.created_by or "legacy (no owner)"
    st.caption(
        f"{VISIBILITY_ICONS.get(item.visibility, '')} {plain(item.visibility)} · "
        f"{item.slide_count:d} "
        f"slides · {plain(item.profile_name or 'no profile')}  \n"
        f"Owner: {plain(owner)} · {item.last_activity:%Y-%m-%d %H:%M} UTC"
    )
    row = st.columns([1, 1], vertical_alignment="center")
    row[0].page_link(
        "app_pages/chat.py",
        label="Open",
        icon=":material/chat:",
        query_params={"session": item.session_id},
    )
    menu_key = f"more-{item.session_id}"
    # Lazy: the menu's buttons and export control run only while it is open.
    with row[1].popover("More", key=menu_key, on_change="rerun") as menu:
        if menu.open:
            history_dialogs.actions(user, item, menu_key)
            if item.slide_count:
                export_control(user, item.session_id, key="history")
                export_control(user, item.session_id, format="pdf", key="history")
                google_slides_control(user, item.session_id, None, key=f"history.{item.session_id}")
    history_dialogs.open_chosen_dialog(user, item)


def pager(page: SessionPage) -> None:
    """Previous / next and where the user is."""
    if page.total <= page.limit:
        return
    number, last = page.offset // page.limit, (page.total - 1) // page.limit
    row = st.columns([1, 3, 1], vertical_alignment="center")
    if row[0].button("Previous", icon=":material/chevron_left:", disabled=number == 0):
        history_state.set_page_number(number - 1)
        st.rerun()
    row[1].caption(
        f"{page.offset + 1}–{page.offset + len(page.items)} of {page.total:d} · page "
        f"{number + 1} of {last + 1}"
    )
    if row[2].button("Next", icon=":material/chevron_right:", disabled=number >= last):
        history_state.set_page_number(number + 1)
        st.rerun()


MENU_ROOM_PX = 480  # a card's More menu: five entries, PPTX, PDF and Google Slides


def menu_room() -> None:
    """Leave room below the last card, so its More menu opens fully on screen (not cut off)."""
    st.space(MENU_ROOM_PX)
