"""The conversation and the live progress of a running request on the Chat page."""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from slidegen.schemas.decks import MessageOut, RequestOut, SessionDetail
from ui.chat import state
from ui.text import plain, plain_label
from ui.widgets.slots import slot

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


def request_box(
    detail: SessionDetail | None,
    *,
    running: bool,
    read_only: bool = False,
    on_submit: Callable[[], None] | None = None,
) -> str | None:
    """Show the one request box, pinned at the bottom, with the ticked slides named above it.

    The start screen and every session put the box at the same place (the page's bottom
    container, second element): a new run replaces it instead of adding one next to it.
    Streamlit removes elements of an earlier run only when a full run finishes, which the
    polling fragment can hold off; a box at another place would linger, and take input.
    """
    session_id = detail.session_id if detail else None
    selected = state.selected_slides(session_id) if session_id else []
    numbers = (
        [n for n, s in enumerate(detail.slides, 1) if s.slide_id in selected] if detail else []
    )
    with st.bottom:
        if selection := slot(bool(session_id and numbers), key="request-selection"):
            with selection:
                row = st.columns([6, 1], vertical_alignment="center")
                label = "slide" if len(numbers) == 1 else "slides"
                listed = ", ".join(f"{n:d}" for n in numbers)
                row[0].caption(f"Your next request edits {label} {listed}.")
                row[1].button(
                    "Clear",
                    key="clear-selection",
                    on_click=state.clear_selection,
                    args=(session_id,),
                    type="tertiary",
                    help="Untick every slide",
                )
        return st.chat_input(
            _placeholder(detail, numbers, read_only),
            disabled=running or read_only,
            key=state.REQUEST_KEY,
            on_submit=on_submit,
        )


def _placeholder(detail: SessionDetail | None, numbers: list[int], read_only: bool) -> str:
    if read_only:
        return "Read-only: you can view this deck but not change it"
    if not (detail and detail.slides):
        return "Describe the deck you want"
    if numbers:
        return f"Edit {len(numbers)} selected slide{'s' if len(numbers) != 1 else ''}"
    return "Ask for a change (name slides, e.g. 'slide 3', or tick them)"
