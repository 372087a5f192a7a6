"""The survey panel: score 0-10, minutes saved on the last deck, one line; or "Not now"."""

from __future__ import annotations

from datetime import UTC, datetime

import streamlit as st

from slidegen.config import get_settings
from slidegen.identity import User
from slidegen.services.usage import survey
from ui.db import session_scope
from ui.errors import user_errors


def survey_panel(user: User) -> None:
    """Show the survey when it is due (three indexed counts per full rerun)."""
    with user_errors(), session_scope() as session:
        if not survey.survey_due(session, user, settings=get_settings(), now=datetime.now(UTC)):
            return
    # Closed until opened: open, it would push the page's own sidebar content (Chat's
    # conversation) off the screen on every page until answered.
    with st.expander(":material/reviews: Quick survey", expanded=False):
        with st.form("slidegen.survey", border=False):
            score = st.select_slider(
                "How likely are you to recommend Slidegen to a colleague? (0-10)",
                options=list(range(11)),
                value=8,
                key="survey.nps",
            )
            minutes = st.number_input(
                "Minutes saved on your last deck",
                min_value=0,
                max_value=survey.MAX_MINUTES_SAVED,
                value=0,
                step=5,
                key="survey.minutes",
            )
            comment = st.text_input("Anything else? (one line)", max_chars=500, key="survey.text")
            sent = st.form_submit_button("Send", type="primary")
        if sent:
            with user_errors(), session_scope() as session:
                survey.answer_survey(
                    session,
                    user,
                    nps_score=int(score),
                    time_saved_minutes=int(minutes),
                    comment=comment,
                    now=datetime.now(UTC),
                )
            st.toast("Thank you for answering.", icon=":material/check:")
            st.rerun()
        if st.button("Not now", key="survey.snooze"):
            with user_errors(), session_scope() as session:
                survey.snooze_survey(session, user, now=datetime.now(UTC))
            st.rerun()
