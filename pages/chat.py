"""Chat: where a deck is generated and edited (the starting point for now)."""

import streamlit as st

from slidegen.config import get_settings
from slidegen.services import library, profiles
from ui.db import session_scope
from ui.errors import user_errors
from ui.user import current_user

PROVIDER_LABELS = {
    "databricks": "Databricks model serving",
    "openai": "OpenAI-compatible server",
    "offline": "offline demo engine",
}

user = current_user()
with user_errors(), session_scope() as session:
    active = profiles.get_active_profile(session, user, settings=get_settings())
    prompts = [p for p in library.list_deck_prompts(session, user) if p.is_active]

st.title("Chat")
provider = PROVIDER_LABELS.get(active.provider, active.provider)
model = "" if active.is_offline else f" · `{active.llm_endpoint}`"
st.markdown(f"Profile **{active.name}** · LLM: **{provider}**{model}")
if active.provider_overridden:
    st.caption("The LLM provider is set by SLIDEGEN_LLM_PROVIDER and overrides the profile.")
if active.is_offline:
    st.info(
        "You are using the **offline demo engine**: it builds decks from your prompt and the "
        "sample data without calling an LLM. Configure a Databricks serving endpoint or an "
        "OpenAI-compatible server in Profiles for real generation.",
        icon=":material/info:",
    )

st.subheader("Start a deck")
st.write(
    "Describe the deck you want: the audience, the story and the data. "
    "Or begin from one of the library's deck prompts:"
)
columns = st.columns(2)
for index, prompt in enumerate(prompts):
    with columns[index % 2].container(border=True):
        st.markdown(f"**{prompt.name}**")
        st.caption(prompt.description or "")
if active.slide_style_name:
    st.caption(f"Slides use the **{active.slide_style_name}** style.")

st.chat_input("Deck generation is not enabled in this build yet", disabled=True, key="chat_prompt")
