"""The Feedback dialog, opened from the sidebar: say what happened, answer, confirm."""

from __future__ import annotations

import streamlit as st

from slidegen.config import get_settings
from slidegen.identity import User
from slidegen.schemas.usage import FeedbackDraft, FeedbackTurn
from slidegen.services.usage import feedback
from ui.chat.state import active_session_id
from ui.db import session_scope
from ui.errors import user_errors
from ui.feedback import state

CATEGORIES = ("bug", "quality", "idea", "praise")
SEVERITIES = ("low", "medium", "high")


def feedback_entry(user: User) -> None:
    """The sidebar's Feedback button; the dialog stays open across reruns until closed."""
    if st.button("Feedback", icon=":material/feedback:", key="slidegen.feedback.open"):
        state.set_open(True)
    if state.is_open():
        feedback_dialog(user)


@st.dialog("Feedback", width="large", on_dismiss=state.close)
def feedback_dialog(user: User) -> None:
    """Hold the conversation; the model's questions and the user's words show as plain text."""
    for turn in state.turns():
        with st.chat_message(turn.role):
            st.text(turn.content)
    proposed = state.draft()
    if proposed is None:
        _ask(user)
    else:
        _confirm(user, proposed)


def _ask(user: User) -> None:
    first = not state.turns()
    label = "What happened? What would you like?" if first else "Your answer"
    text = st.text_area(label, key=f"slidegen.feedback.input.{len(state.turns())}")
    if st.button("Send", type="primary", key="slidegen.feedback.send"):
        if not text.strip():
            st.warning("Write a few words first.")
            return
        answer = FeedbackTurn(role="user", content=text.strip()[:4000])
        with st.spinner("Reading your feedback…"), user_errors(), session_scope() as session:
            step = feedback.next_feedback_step(
                session,
                user,
                settings=get_settings(),
                turns=[*state.turns(), answer],
                session_id=active_session_id(),
            )
        state.add_turns(answer)
        if step.question:
            state.add_turns(FeedbackTurn(role="assistant", content=step.question))
        state.set_draft(step.draft)
        st.rerun()  # the open flag keeps the dialog up


def _confirm(user: User, proposed: FeedbackDraft) -> None:
    st.markdown("**Summary to send.** Correct anything that is off, then confirm.")
    left, right = st.columns(2)
    category = left.selectbox(
        "Category", CATEGORIES, index=CATEGORIES.index(proposed.category), key="fb.category"
    )
    severity = right.selectbox(
        "Severity", SEVERITIES, index=SEVERITIES.index(proposed.severity), key="fb.severity"
    )
    summary = st.text_area("Summary", value=proposed.summary, key="fb.summary")
    attach = False
    if proposed.session_id:
        attach = st.checkbox("Attach the deck open in Chat", value=True, key="fb.attach")
    confirm, restart = st.columns(2)
    if confirm.button("Confirm and send", type="primary", key="fb.confirm"):
        final = FeedbackDraft(
            category=category,
            severity=severity,
            summary=summary.strip() or proposed.summary,
            session_id=proposed.session_id if attach else None,
        )
        with user_errors(), session_scope() as session:
            feedback.save_feedback(session, user, draft=final, turns=state.turns())
        state.reset()
        st.toast("Thank you, your feedback was sent.", icon=":material/check:")
        st.rerun()
    if restart.button("Start over", key="fb.restart"):
        state.reset()
        state.set_open(True)
        st.rerun()  # the open flag keeps the dialog up
