"""The Chat start screen's deck prompt cards and the deck prompt / slide style pickers.

Each card starts a deck at once with its deck prompt and a sensible request; the pickers show
the profile's deck prompt and slide style and change them for the next deck (a new one, or the
open session's next requests).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial

import streamlit as st

from slidegen.identity import User
from slidegen.schemas.decks import SessionDetail
from slidegen.schemas.library import DeckPromptSummary, SlideStyleSummary
from slidegen.schemas.profiles import ActiveProfile
from slidegen.seed_content import starter_request
from slidegen.services.generation import chat_requests as requests
from slidegen.services.library import slide_styles
from ui.callbacks import run_to_end
from ui.chat import state
from ui.db import session_scope
from ui.errors import kept_for_the_page, user_errors
from ui.jobs import submitter
from ui.text import plain

NO_DECK_PROMPT = 0
PICKER_PROMPT = "deck-prompt-"  # + session id, or "new" on the start screen
PICKER_STYLE = "slide-style-"


@dataclass(frozen=True)
class Choices:
    """The deck prompt (0: none) and slide style the next deck uses."""

    deck_prompt_id: int
    slide_style_id: int | None


def load_styles(user: User) -> list[SlideStyleSummary]:
    """Return the active slide styles (the default first)."""
    with user_errors(), session_scope() as session:
        return [s for s in slide_styles.search_slide_styles(session, user) if s.is_active]


def pickers(
    user: User,
    prompts: list[DeckPromptSummary],
    active: ActiveProfile,
    detail: SessionDetail | None,
    *,
    disabled: bool = False,
) -> Choices:
    """Show the deck prompt and slide style pickers; in a session, a change applies to it."""
    styles = load_styles(user)
    prompt_ids = [NO_DECK_PROMPT, *(p.id for p in prompts)]
    prompt_names = {p.id: p.name for p in prompts} | {NO_DECK_PROMPT: "(no deck prompt)"}
    style_names = {s.id: s.name for s in styles}
    if detail is not None:
        current_prompt = detail.deck_prompt_id or NO_DECK_PROMPT
        current_style = detail.slide_style_id
    else:
        current_prompt = next((p.id for p in prompts if p.name == active.deck_prompt_name), 0)
        current_style = next((s.id for s in styles if s.name == active.slide_style_name), None)
    current_style = current_style if current_style in style_names else next(iter(style_names), None)
    left, right = st.columns(2)
    key = detail.session_id if detail else "new"
    chosen_prompt = left.selectbox(
        "Deck prompt",
        prompt_ids,
        index=prompt_ids.index(current_prompt) if current_prompt in prompt_ids else 0,
        format_func=prompt_names.get,  # option labels are plain text, not Markdown
        key=f"{PICKER_PROMPT}{key}",
        disabled=disabled,
        help="The storyline the model follows; the profile's choice is preselected.",
    )
    style_ids = list(style_names)
    chosen_style = right.selectbox(
        "Slide style",
        style_ids,
        index=style_ids.index(current_style) if current_style in style_ids else 0,
        format_func=style_names.get,
        key=f"{PICKER_STYLE}{key}",
        disabled=disabled or not style_ids,
        help="The look of the slides; the profile's choice is preselected.",
    )
    if detail is not None and (chosen_prompt, chosen_style) != (current_prompt, current_style):
        with user_errors(), session_scope() as session:
            requests.choose_session_prompts(
                session,
                user,
                session_id=detail.session_id,
                deck_prompt_id=chosen_prompt,
                slide_style_id=chosen_style,
            )
    return Choices(chosen_prompt, chosen_style)


def prompt_cards(
    user: User, prompts: list[DeckPromptSummary], profile_name: str, choices: Choices
) -> None:
    """Show one card per deck prompt; its button starts a deck with that prompt at once."""
    columns = st.columns(2)
    for index, deck_prompt in enumerate(prompts):
        with columns[index % 2].container(border=True):
            st.markdown(f"**{plain(deck_prompt.name)}**")
            st.caption(plain(deck_prompt.description or ""))
            request = starter_request(deck_prompt.name)
            st.button(
                f"Start: {plain(request)}",
                key=f"start-card-{deck_prompt.id}",
                icon=":material/play_arrow:",
                width="stretch",
                on_click=start_deck,
                args=(user, request, profile_name, Choices(deck_prompt.id, choices.slide_style_id)),
            )


def start_deck(user: User, prompt: str, profile_name: str, choices: Choices) -> None:
    """Start a new deck with the chosen deck prompt and slide style, and open it (a card's
    on_click, or the request box's through `start_from_box`: Streamlit runs a callback once
    per click, while the page's run after it can be stopped by the browser's next message).
    A failure is kept for the start screen to say."""
    run = submitter()  # before the change: after it, Streamlit must not stop us midway
    handle = None
    report = partial(state.report_send_error, None)
    with kept_for_the_page(report), session_scope() as session:
        handle = requests.start_generation(
            session,
            user,
            prompt=prompt,
            profile_name=profile_name,
            deck_prompt_id=choices.deck_prompt_id,
            slide_style_id=choices.slide_style_id,
        )
    if handle is None:
        return
    run_to_end(partial(run, handle.request_id), partial(state.open_session, handle.session_id))


def start_from_box(user: User, profile_key: str) -> None:
    """The request box's on_submit on the start screen: a deck with the pickers' choices."""
    prompt = str(st.session_state.get(state.REQUEST_KEY) or "").strip()
    profile_name = st.session_state.get(profile_key)
    if not prompt or not profile_name:
        return
    choices = Choices(
        st.session_state.get(f"{PICKER_PROMPT}new", NO_DECK_PROMPT),
        st.session_state.get(f"{PICKER_STYLE}new"),
    )
    start_deck(user, prompt, str(profile_name), choices)
