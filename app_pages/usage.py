"""Usage (admins): who uses Slidegen, how fast, what fails, what it costs, what people say."""

import streamlit as st

from slidegen.config import get_settings
from slidegen.services.usage import dashboard
from ui.db import session_scope
from ui.errors import user_errors
from ui.usage import feedback as feedback_view
from ui.usage import state as usage_state
from ui.usage import view as usage_view
from ui.usage.prices import price_form
from ui.user import current_user

user = current_user()
settings = get_settings()
st.title("Usage")
with user_errors(), session_scope() as session:  # refuses non-admins with one sentence
    profile_names = dashboard.list_profile_names(session, user, settings=settings)
chosen = usage_state.filters(profile_names)
with user_errors(), session_scope() as session:
    report = dashboard.usage_report(
        session,
        user,
        settings=settings,
        start=chosen.start,
        end=chosen.end,
        profile=chosen.profile,
    )
    prices = dashboard.list_prices(session, user, settings=settings)

usage_view.totals(report)
usage_view.activity(report)
usage_view.latency(report)
usage_view.errors(report)
usage_view.tokens(report)


def _save_price(endpoint: str, price_in: float, price_out: float) -> None:
    with user_errors(), session_scope() as session:
        dashboard.set_price(
            session,
            user,
            settings=settings,
            endpoint=endpoint,
            input_per_1k=price_in,
            output_per_1k=price_out,
        )


price_form(prices, [t.model for t in report.tokens], _save_price)
usage_view.exports(report)
usage_view.verification(report)
usage_view.nps(report)
category = feedback_view.category_filter()
with user_errors(), session_scope() as session:
    items = dashboard.list_feedback(
        session, user, settings=settings, category=category, since=chosen.since, until=chosen.until
    )
feedback_view.feedback_list(items)
