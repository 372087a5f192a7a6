"""History: find, reopen, organise and share the decks you can see."""

import streamlit as st

from slidegen.services.sessions import queries as sessions
from ui.db import session_scope
from ui.errors import user_errors
from ui.history import state as history_state
from ui.history import view as history_view
from ui.history.thumbs import thumbnails
from ui.user import current_user

user = current_user()
st.title("History")
with user_errors(), session_scope() as session:
    profile_names = sessions.profile_names(session, user)
chosen = history_view.filters(profile_names)
if history_state.filters_changed(chosen.query() | {"offset": 0}):
    chosen.page = 0  # new filters start at page one
with user_errors(), session_scope() as session:
    page = sessions.list_sessions(session, user, **chosen.query())
    thumbs = thumbnails(session, user, page.items)

if not page.items:
    if chosen.scope == "all" and not chosen.search and page.total == 0:
        st.info("You have no decks yet. Start one in Chat.", icon=":material/history:")
        st.page_link("app_pages/chat.py", label="Go to Chat", icon=":material/chat:")
    else:
        st.info("No decks match these filters.", icon=":material/search_off:")
    st.stop()
history_view.cards(page, thumbs, user)
history_view.pager(page)
history_view.menu_room()
