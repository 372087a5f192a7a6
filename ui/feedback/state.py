"""What the Feedback dialog remembers between reruns: the turns and the proposed summary."""

from __future__ import annotations

import streamlit as st

from slidegen.schemas.usage import FeedbackDraft, FeedbackTurn

_TURNS = "slidegen.feedback.turns"
_DRAFT = "slidegen.feedback.draft"
_OPEN = "slidegen.feedback.open_dialog"


def is_open() -> bool:
    """Whether the dialog is open (it stays open across full reruns until dismissed)."""
    return bool(st.session_state.get(_OPEN))


def set_open(value: bool) -> None:
    """Open or close the dialog."""
    st.session_state[_OPEN] = value


def close() -> None:
    """Close the dialog (its dismiss callback); the conversation is kept for next time."""
    st.session_state[_OPEN] = False


def turns() -> list[FeedbackTurn]:
    """Return the conversation so far."""
    return [FeedbackTurn.model_validate(t) for t in st.session_state.get(_TURNS, [])]


def add_turns(*new: FeedbackTurn) -> None:
    """Append messages to the conversation."""
    st.session_state[_TURNS] = [*st.session_state.get(_TURNS, []), *(t.model_dump() for t in new)]


def draft() -> FeedbackDraft | None:
    """Return the summary the user is asked to confirm, if any."""
    stored = st.session_state.get(_DRAFT)
    return FeedbackDraft.model_validate(stored) if stored else None


def set_draft(value: FeedbackDraft | None) -> None:
    """Remember (or forget) the proposed summary."""
    st.session_state[_DRAFT] = value.model_dump() if value else None


def reset() -> None:
    """Forget the conversation and close the dialog."""
    st.session_state.pop(_TURNS, None)
    st.session_state.pop(_DRAFT, None)
    st.session_state[_OPEN] = False
