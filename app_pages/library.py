"""Library: deck prompts, slide styles (with a live preview) and images, shared by everyone."""

import streamlit as st

from ui.library.images import images_tab
from ui.library.prompts import prompts_tab
from ui.library.styles import styles_tab
from ui.library.transfer import transfer_tab
from ui.user import current_user

user = current_user()
st.title("Library")
st.caption(
    "Deck prompts and slide styles are shared by every profile; images can be placed in "
    "slides by the model."
)
# A section control, not st.tabs: only the open section runs on a rerun.
SECTIONS = {
    "Deck prompts": prompts_tab,
    "Slide styles": styles_tab,
    "Images": images_tab,
    "Import and export": transfer_tab,
}
section = st.segmented_control(
    "Section",
    list(SECTIONS),
    default="Deck prompts",
    key="library-section",
    label_visibility="collapsed",
)
SECTIONS[section or "Deck prompts"](user)
