"""Profiles: the named configurations that decide how decks are generated."""

import streamlit as st

from slidegen.services import profiles
from ui.db import session_scope
from ui.errors import user_errors
from ui.user import current_user

user = current_user()
with user_errors(), session_scope() as session:
    rows = profiles.list_profiles(session, user)

st.title("Profiles")
st.caption("A profile sets the LLM, data sources, MLflow tracing and prompts of a chat.")
if not rows:
    st.warning("No profiles yet: run `python -m slidegen db seed`.", icon=":material/warning:")
    st.stop()

st.table(
    [
        {
            "Default": "★" if row.is_default else "",
            "Name": row.name,
            "Description": row.description or "",
            "Provider": row.provider,
            "Endpoint / model": row.llm_endpoint,
            "Genie spaces": row.genie_space_count,
            "Updated": f"{row.updated_at:%Y-%m-%d %H:%M} UTC",
        }
        for row in rows
    ],
    hide_index=True,
)
default = next((row.name for row in rows if row.is_default), None)
st.caption(f"★ marks the default profile{f' ({default})' if default else ''}.")
