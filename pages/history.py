"""History: the user's decks, most recent first."""

import streamlit as st

from slidegen.services import sessions
from ui.db import session_scope
from ui.errors import user_errors
from ui.user import current_user

user = current_user()
with user_errors(), session_scope() as session:
    rows = sessions.list_my_sessions(session, user)

st.title("History")
if not rows:
    st.info("You have no decks yet. Start one in Chat.", icon=":material/history:")
    st.page_link("pages/chat.py", label="Go to Chat", icon=":material/chat:")
    st.stop()

st.dataframe(
    [
        {
            "Open": f"/?session={row.session_id}",
            "Title": row.title,
            "Slides": row.slide_count,
            "Profile": row.profile_name or "",
            "Visibility": row.visibility,
            "Last activity": row.last_activity,
        }
        for row in rows
    ],
    hide_index=True,
    width="stretch",
    column_config={
        "Open": st.column_config.LinkColumn(display_text="Open in Chat", width="small"),
        "Last activity": st.column_config.DatetimeColumn(format="YYYY-MM-DD HH:mm"),
    },
)
