"""Chat: generate a deck, watch it stream in, select slides, edit, restore and download."""

import streamlit as st

from slidegen.config import get_settings
from slidegen.services.decks import store as decks
from slidegen.services.library import deck_prompts
from slidegen.services.profiles import queries as profiles
from slidegen.services.sessions import queries as sessions
from ui.chat import actions as chat_actions
from ui.chat import start, state
from ui.chat.trace_link import trace_link
from ui.chat.view import provider_line, request_box, show_messages, show_progress
from ui.db import session_scope
from ui.errors import user_errors
from ui.text import plain, plain_label
from ui.user import current_user
from ui.widgets.deck_view import download_html, present, show_deck, show_save_points, warm_up_charts
from ui.widgets.export_control import export_control

POLL_SECONDS = 1.0  # while a job runs; each tick re-sends every slide on the page, so not faster
user = current_user()
session_id = state.active_session_id()
warm_up_charts()
chat_actions.follow_thread(user, session_id)


def load():
    """Read everything the page shows in one transaction."""
    with user_errors(), session_scope() as session:
        active = profiles.get_active_profile(session, user, settings=get_settings())
        names = [row.name for row in profiles.list_profiles(session, user)]
        detail = decks.show_session(session, user, session_id=session_id) if session_id else None
        messages = decks.list_messages(session, user, session_id=session_id) if session_id else []
        prompts = [p for p in deck_prompts.search_deck_prompts(session, user) if p.is_active]
        recent = [] if session_id else sessions.list_my_sessions(session, user, limit=3)
    return active, names, detail, messages, prompts, recent


active, profile_names, detail, messages, prompts, recent = load()
running = bool(detail and detail.last_request and detail.last_request.is_running)
read_only = bool(detail and detail.my_right == "read")

st.title("Chat")
top = st.columns([3, 2, 1], vertical_alignment="bottom")
top[0].markdown(provider_line(active.name, active.provider, active.llm_endpoint, active.is_offline))
current_profile = (detail.profile_name if detail else None) or active.name
chosen = top[1].selectbox(
    "Profile",
    profile_names,
    key=f"profile-{session_id}",
    disabled=running or read_only,
    index=profile_names.index(current_profile) if current_profile in profile_names else 0,
    help="A session copies the profile's configuration; switching loads another one.",
)
if detail and chosen != current_profile:
    chat_actions.switch_profile(user, session_id, chosen)
if top[2].button("New deck", icon=":material/add:", disabled=session_id is None):
    state.open_session(None)
    st.rerun()
if active.is_offline:
    st.info(
        "You are using the **offline demo engine**: it drafts decks from your request and the "
        "sample consumption data without calling an LLM. Configure Databricks model serving or "
        "an OpenAI-compatible server in Profiles for real generation.",
        icon=":material/info:",
    )

if detail is None:
    if recent:
        st.subheader("Continue a recent deck")
        for row in recent:
            label = (
                f"{plain_label(row.title)} · {row.slide_count:d} slides · "
                f"{row.last_activity:%Y-%m-%d %H:%M}"
            )
            if st.button(label, key=f"recent-{row.session_id}", icon=":material/history:"):
                state.open_session(row.session_id)
                st.rerun()
    st.subheader("Start a deck")
    st.write("Describe the deck you want: the audience, the story and the data.")
    choices = start.pickers(user, prompts, active, None)
    start.prompt_cards(user, prompts, chosen, choices)
else:
    if read_only:
        st.info("You can view this deck but not change it.", icon=":material/visibility:")
    chat_column, deck_column = st.columns([2, 3], gap="large")
    with chat_column:
        st.subheader(plain(detail.title))
        show_messages(messages)
        if detail.last_request and detail.last_request.status == "error" and not running:
            st.caption("The last request failed; send it again to retry, or restore a save point.")
        trace_link(detail.session_id)
        start.pickers(user, prompts, active, detail, disabled=running or read_only)
        prompt = request_box(detail, running=running, read_only=read_only)
    with deck_column:

        def live_deck() -> None:
            """Show the deck; while a job runs, a fragment polls it and slides appear as stored.

            Otherwise it is part of the page, so a tick or a click reruns the whole page and
            the request box above names the ticked slides at once.
            """
            with user_errors(), session_scope() as session:
                current = decks.show_session(session, user, session_id=session_id)
            still_running = current.last_request and current.last_request.is_running
            ended = running and not still_running  # the job ended since the page last ran
            if still_running:
                show_progress(current.last_request, len(current.slides))
            if current.slides and not still_running and not ended:  # never a half-written deck
                tools = st.columns([2, 2, 2, 1], vertical_alignment="center")
                with tools[0]:
                    download_html(current)
                with tools[1]:
                    export_control(user, session_id, current.version)
                with tools[2]:
                    export_control(user, session_id, current.version, format="pdf")
                presenting = tools[3].toggle("Present", key="present")
                if presenting:
                    present(current)

            def action(name: str, slide_id: str) -> None:
                chat_actions.slide_action(user, current, name, slide_id)

            if current.slides:
                locked = still_running or read_only
                show_deck(current, on_action=None if locked else action, editable=not locked)
            if ended:  # the last slides are on the page now; refresh the rest (chat, save points)
                st.rerun()

        (st.fragment(live_deck, run_every=POLL_SECONDS) if running else live_deck)()
        show_save_points(
            detail.versions,
            on_restore=None
            if running or read_only
            else lambda n: chat_actions.restore(user, session_id, n, detail.version),
            on_preview=lambda n: chat_actions.preview_save_point(
                user, session_id, n, detail.version
            ),
        )

if detail is None:
    prompt = request_box(None, running=running)
if prompt and detail is None:
    start.start_deck(user, prompt, chosen, choices)
elif prompt:
    chat_actions.send(user, detail, prompt, None)
