"""Admin (admins): workspace-wide settings; the Google OAuth client Google Slides export uses."""

import streamlit as st

from ui.admin.google_client import google_client_section
from ui.user import current_user

user = current_user()
st.title("Admin")
google_client_section(user)  # refuses non-admins with one sentence
