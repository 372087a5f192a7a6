"""Slidegen's Streamlit frame: page config, the current user, and navigation."""

from pathlib import Path

import streamlit as st

from ui.feedback.dialog import feedback_entry
from ui.status_panel import is_admin, status_panel
from ui.survey.panel import survey_panel
from ui.text import plain
from ui.user import developer_user_switcher, resolve_current_user
from ui.widgets.google_slides import handle_google_return

# A local file: a Material icon as favicon makes the browser fetch it from Google's fonts.
FAVICON = str(Path(__file__).parent / "ui" / "favicon.png")
st.set_page_config(page_title="Slidegen", page_icon=FAVICON, layout="wide")

# Less empty space above each page's title, so the slide being worked on sits higher.
# A slide card's frame takes its 16:9 height from its width at once, not when its content has
# loaded and reported it: frames loading one after another no longer move what lies below
# them (a click aimed at a slide's controls landed on another slide meanwhile).
st.html(
    "<style>[data-testid='stMainBlockContainer'] {padding-top: 2.5rem}"
    "[class*='st-key-slide-'] iframe[data-testid='stIFrame']"
    " {aspect-ratio: 16 / 9; height: auto !important}</style>"
)
user = resolve_current_user()
handle_google_return(user)  # Google's redirect back after consent, on whatever page

pages = [
    st.Page("app_pages/chat.py", title="Chat", icon=":material/chat:", default=True),
    st.Page("app_pages/profiles.py", title="Profiles", icon=":material/tune:"),
    st.Page("app_pages/library.py", title="Library", icon=":material/collections_bookmark:"),
    st.Page("app_pages/history.py", title="History", icon=":material/history:"),
]
if is_admin(user):  # the page refuses others itself too
    pages.append(st.Page("app_pages/usage.py", title="Usage", icon=":material/monitoring:"))
    pages.append(
        st.Page("app_pages/admin.py", title="Admin", icon=":material/admin_panel_settings:")
    )
navigation = st.navigation(pages)
with st.sidebar:
    st.caption(f"Signed in as **{plain(user.display_name)}**")
    developer_user_switcher()
    feedback_entry(user)
    survey_panel(user)
    status_panel(user)
navigation.run()
