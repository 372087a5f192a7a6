"""Chat: generate a deck, watch it stream in, select slides, edit, restore and download."""

from functools import partial

import streamlit as st

from slidegen.config import get_settings
from slidegen.services.decks import store as decks
from slidegen.services.library import deck_prompts
from slidegen.services.profiles import queries as profiles
from slidegen.services.sessions import queries as sessions
from ui.chat import actions as chat_actions
from ui.chat import start, state
from ui.chat.live import awaiting_ratings, live_deck, live_watch
from ui.chat.trace_link import trace_link
from ui.chat.view import provider_line, request_box, show_messages
from ui.db import snapshot_scope
from ui.errors import user_errors
from ui.text import plain, plain_label
from ui.user import current_user
from ui.widgets.deck_view import show_save_points, warm_up_charts
from ui.widgets.slots import slot

CONVERSATION_HEIGHT = 420  # px: the conversation scrolls inside, beside the focused slide
user = current_user()
session_id = state.active_session_id()
warm_up_charts()
chat_actions.follow_thread(user, session_id)


def load():
    """Read everything the page shows at one moment (a request ending between two reads
    would put its reply beside the deck it replaced)."""
    with user_errors(), snapshot_scope() as session:
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
# Drawn first, at the bottom. Enter starts the deck or the request in the box's callback.
request_box(
    detail,
    running=running,
    read_only=read_only,
    on_submit=partial(
        chat_actions.send_request, user, session_id, [s.slide_id for s in detail.slides]
    )
    if detail
    else partial(start.start_from_box, user, f"profile-{session_id}"),
)

# One header row: the page's title and the profile's LLM (start screen) or the deck's title,
# then the profile switch and New deck. Every row above the deck pushes the focused slide
# under the pinned request box, so the open deck's header spends one row.
provider = provider_line(active.name, active.provider, active.llm_endpoint, active.is_offline)
top = st.columns([4.5, 2.2, 1.4], vertical_alignment="center")
with top[0]:
    if title_place := slot(detail is None, key="head-start"):
        with title_place, st.container(horizontal=True, vertical_alignment="center"):
            st.title("Chat")
            st.markdown(provider)
    if (deck_title := slot(detail is not None, key="head-deck")) and detail is not None:
        deck_title.subheader(plain(detail.title))
current_profile = (detail.profile_name if detail else None) or active.name
chosen = top[1].selectbox(
    "Profile",
    profile_names,
    key=f"profile-{session_id}",
    disabled=running or read_only,
    index=profile_names.index(current_profile) if current_profile in profile_names else 0,
    label_visibility="collapsed",
    help="A session copies the profile's configuration; switching loads another one.",
)
if detail and chosen != current_profile:
    chat_actions.switch_profile(user, session_id, chosen)
if top[2].button("New deck", icon=":material/add:", disabled=session_id is None):
    state.open_session(None)
    st.rerun()
if offline_note := slot(active.is_offline and detail is None, key="offline-note"):
    offline_note.info(
        "You are using the **offline demo engine**: it drafts decks from your request and the "
        "sample consumption data without calling an LLM. Configure Databricks model serving or "
        "an OpenAI-compatible server in Profiles for real generation.",
        icon=":material/info:",
    )

# The start screen and the open deck each have a place of their own, in the main area and in
# the sidebar, always in this order (ui/widgets/slots.py): switching between them clears the
# other at once instead of leaving its controls on the page until the run ends.
choices = None
if start_place := slot(detail is None, key="start-screen"):
    with start_place:
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
        chat_actions.send_error(None)
        st.subheader("Start a deck")
        st.write("Describe the deck you want: the audience, the story and the data.")
        choices = start.pickers(user, prompts, active, None)
        start.prompt_cards(user, prompts, chosen, choices)
with st.sidebar:
    # The conversation sits in the sidebar, which scrolls on its own, so it stays on screen
    # while you browse slides (and the request box stays pinned below).
    conversation_place = slot(detail is not None, key="conversation-panel")
if detail is not None and conversation_place is not None:
    with conversation_place:
        st.subheader("Conversation")
        with st.container(height=CONVERSATION_HEIGHT, autoscroll=True, key="conversation"):
            show_messages(messages)
        live_watch(
            user, detail, running=running, awaiting=awaiting_ratings(detail, running=running)
        )
        if detail.last_request and detail.last_request.status == "error" and not running:
            st.caption("The last request failed; send it again to retry, or restore a save point.")
        trace_link(detail.session_id)
        st.markdown(provider)  # the profile and LLM the next request uses, above its pickers
        start.pickers(user, prompts, active, detail, disabled=running or read_only)
if (deck_place := slot(detail is not None, key="deck-screen")) and detail is not None:
    with deck_place:
        if read_only_note := slot(read_only, key="read-only-note"):
            read_only_note.info(
                "You can view this deck but not change it.", icon=":material/visibility:"
            )
        chat_actions.send_error(session_id)
        chat_actions.undo_bar(user, session_id, allowed=not (running or read_only))
        with st.container(key="deck"):
            live_deck(user, detail, running=running, read_only=read_only)
            show_save_points(
                detail.versions,
                on_restore=None
                if running or read_only
                else lambda n: chat_actions.restore(user, session_id, n, detail.version),
                on_preview=lambda n: chat_actions.preview_save_point(
                    user, session_id, n, detail.version
                ),
            )
