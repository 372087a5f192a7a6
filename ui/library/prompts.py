"""Library page, Deck prompts tab: search, filter, edit in streamlit-ace, duplicate, delete."""

from __future__ import annotations

import streamlit as st
from streamlit_ace import st_ace

from slidegen.identity import User
from slidegen.schemas.library import DeckPromptDetail
from slidegen.services.library import deck_prompts
from ui.db import session_scope
from ui.errors import user_errors
from ui.library.common import (
    NEW,
    chooser,
    confirm_delete,
    flash,
    item_fields,
    item_table,
    open_item,
    show_flash,
)
from ui.text import plain

_SELECTED = "library.prompt_id"
TEMPLATE = "Describe the kind of deck: its audience, the story to tell, the slides to include.\n"


def prompts_tab(user: User) -> None:
    """Render the deck prompts list and the editor of the chosen prompt."""
    show_flash("prompts")
    left, right, toggle = st.columns([3, 2, 1], vertical_alignment="bottom")
    text = left.text_input("Search deck prompts", key="prompt-search", placeholder="name, text…")
    with user_errors(), session_scope() as session:
        categories = deck_prompts.deck_prompt_categories(session, user)
        category = right.selectbox("Category", ["All", *categories], key="prompt-category")
        show_inactive = toggle.toggle("Inactive too", value=True, key="prompt-inactive")
        rows = deck_prompts.search_deck_prompts(
            session,
            user,
            text=text,
            category=None if category == "All" else category,
            active_only=not show_inactive,
        )
    item_table(rows, "prompt-table")
    chosen = chooser("deck prompt", {r.id: r.name for r in rows}, _SELECTED)
    if chosen is None:
        return
    if chosen == NEW:
        _editor(user, None)
        return
    with user_errors(), session_scope() as session:
        detail = deck_prompts.get_deck_prompt(session, user, prompt_id=chosen)
    _editor(user, detail)


def _editor(user: User, prompt: DeckPromptDetail | None) -> None:
    """Edit one prompt (or a new one): fields, the markdown editor, and the actions."""
    key = f"{prompt.id}-{prompt.updated_at.timestamp()}" if prompt else "new"
    with st.container(border=True):
        st.subheader(plain(prompt.name) if prompt else "New deck prompt")
        if prompt:
            used = ", ".join(prompt.used_by) or "no profile"
            st.caption(
                f"Used by {plain(used)}. Last changed {prompt.updated_at:%Y-%m-%d %H:%M} UTC."
            )
        fields = item_fields(prompt, "p", key)
        st.caption("Prompt (markdown). Ctrl/Cmd+Enter or Apply keeps your edit before saving.")
        content = st_ace(
            value=prompt.prompt_content if prompt else TEMPLATE,
            language="markdown",
            theme="chrome",
            height=260,
            wrap=True,
            auto_update=True,
            key=f"pace-{key}",
        )
        _actions(user, prompt, {**fields, "prompt_content": content or ""})


def _actions(user: User, prompt: DeckPromptDetail | None, fields: dict[str, object]) -> None:
    save, copy, delete = st.columns(3)
    if save.button("Save", type="primary", icon=":material/save:", key="prompt-save"):
        with user_errors(), session_scope() as session:
            if prompt is None:
                saved = deck_prompts.create_deck_prompt(session, user, **fields)  # type: ignore[arg-type]
            else:
                saved = deck_prompts.update_deck_prompt(
                    session,
                    user,
                    prompt_id=prompt.id,
                    **fields,  # type: ignore[arg-type]
                )
        open_item(_SELECTED, saved.id)
        flash("prompts", f"Saved “{saved.name}”.")
        st.rerun()
    if prompt is None:
        return
    if copy.button("Duplicate", icon=":material/content_copy:", key="prompt-duplicate"):
        with user_errors(), session_scope() as session:
            copied = deck_prompts.duplicate_deck_prompt(session, user, prompt_id=prompt.id)
        open_item(_SELECTED, copied.id)
        flash("prompts", f"Created “{copied.name}”.")
        st.rerun()
    with delete:
        if confirm_delete(prompt.name, prompt.used_by, "no deck prompt", key="prompt-delete"):
            with user_errors(), session_scope() as session:
                deck_prompts.delete_deck_prompt(session, user, prompt_id=prompt.id)
            open_item(_SELECTED, None)
            flash("prompts", f"Deleted “{prompt.name}”.")
            st.rerun()
