"""The conversation and the live progress of a running request on the Chat page."""

from __future__ import annotations

import streamlit as st

from slidegen.schemas.decks import MessageOut, RequestOut, SessionDetail
from ui.chat import state
from ui.text import plain, plain_label

PROVIDER_LABELS = {
    "databricks": "Databricks model serving",
    "openai": "OpenAI-compatible server",
    "offline": "offline demo engine",
}


def show_messages(messages: list[MessageOut]) -> None:
    """Render the chat; tool calls appear as collapsible detail under the reply."""
    tools: list[MessageOut] = []
    for message in messages:
        if message.role == "tool":
            tools.append(message)
            continue
        role = "user" if message.role == "user" else "assistant"
        with st.chat_message(role):
            if message.message_type == "error":
                st.error(plain(message.content), icon=":material/error:")
            else:
                st.markdown(plain(message.content))
            if tools and role == "assistant":
                with st.expander(
                    f"Data used ({len(tools)} tool call{'s' if len(tools) > 1 else ''})"
                ):
                    for tool in tools:
                        st.text(tool.content)
                        arguments = (tool.metadata or {}).get("arguments")
                        if arguments:
                            st.code(
                                str(
                                    arguments.get("query") or arguments.get("question") or arguments
                                ),
                                language="sql" if "query" in arguments else None,
                            )
                tools = []


def show_progress(request: RequestOut, slide_count: int) -> None:
    """Render the status of a running request, or its place in the user's queue."""
    label = plain_label(request.progress_message or "Working")  # may quote a model's tool call
    if request.status == "pending" and request.ahead:
        plural = "s" if request.ahead != 1 else ""
        label = f"Waiting: {request.ahead:d} request{plural} ahead of you"
    elif slide_count:
        label = f"Writing slides · {slide_count:d} done so far"
    st.status(label, state="running", expanded=False)


def provider_line(name: str, provider: str, endpoint: str, offline: bool) -> str:
    """Return the markdown line naming the active profile and LLM."""
    label = PROVIDER_LABELS.get(provider) or plain(provider)
    model = "" if offline else f" · {plain(endpoint)}"
    return f"Profile **{plain(name)}** · LLM: **{label}**{model}"


def _clear_selection(session_id: str, slide_ids: list[str]) -> None:
    # A callback: runs before the checkboxes are built, so it may untick them.
    for slide_id in slide_ids:
        st.session_state[f"sel-{session_id}-{slide_id}"] = False
    state.set_selected_slides(session_id, [])


def request_box(
    detail: SessionDetail | None, *, running: bool, read_only: bool = False
) -> str | None:
    """Show the request input, with the ticked slides named above it; return what was sent."""
    selected = state.selected_slides(detail.session_id) if detail else []
    numbers = (
        [n for n, s in enumerate(detail.slides, 1) if s.slide_id in selected] if detail else []
    )
    if detail and numbers:
        row = st.columns([3, 1], vertical_alignment="center")
        label = "slide" if len(numbers) == 1 else "slides"
        listed = ", ".join(f"{n:d}" for n in numbers)
        row[0].caption(f"Your next request edits {label} {listed}.")
        row[1].button(
            "Clear",
            key="clear-selection",
            on_click=_clear_selection,
            args=(detail.session_id, selected),
            type="tertiary",
            help="Untick every slide",
        )
    if read_only:
        placeholder = "Read-only: you can view this deck but not change it"
    elif not (detail and detail.slides):
        placeholder = "Describe the deck you want"
    elif numbers:
        placeholder = f"Edit {len(numbers)} selected slide{'s' if len(numbers) != 1 else ''}"
    else:
        placeholder = "Ask for a change (name slides, e.g. 'slide 3', or tick them)"
    # A chat input's key is its identity: the start screen's box (pinned at the bottom) and a
    # session's (under the chat) are different inputs.
    key = "chat_prompt" if detail else "start_prompt"
    return st.chat_input(placeholder, disabled=running or read_only, key=key)
