"""Library: the shared deck prompts and slide styles."""

import streamlit as st

from slidegen.services import library
from ui.db import session_scope
from ui.errors import user_errors
from ui.user import current_user

user = current_user()
with user_errors(), session_scope() as session:
    prompts = library.list_deck_prompts(session, user)
    styles = library.list_slide_styles(session, user)

st.title("Library")
prompts_tab, styles_tab = st.tabs(
    [f"Deck prompts ({len(prompts)})", f"Slide styles ({len(styles)})"]
)
with prompts_tab:
    st.caption("Reusable instructions for a kind of deck, shared by every profile.")
    st.table(
        [
            {
                "Name": prompt.name,
                "Category": prompt.category or "",
                "Description": prompt.description or "",
                "Active": "yes" if prompt.is_active else "no",
            }
            for prompt in prompts
        ],
        hide_index=True,
    )
with styles_tab:
    st.caption("The look of a deck: CSS for the slide contract plus image guidelines.")
    st.table(
        [
            {
                "Default": "★" if style.is_default else "",
                "Name": style.name,
                "Category": style.category or "",
                "Description": style.description or "",
                "System": "yes" if style.is_system else "",
                "Active": "yes" if style.is_active else "no",
            }
            for style in styles
        ],
        hide_index=True,
    )
