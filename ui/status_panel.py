"""A small status panel for admins: the doctor's checks, run on demand."""

from __future__ import annotations

import streamlit as st

from slidegen.config import get_settings
from slidegen.identity import User
from ui.chat_view import plain
from ui.db import database

_REPORT_KEY = "slidegen.status_report"


def is_admin(user: User) -> bool:
    """Admins: members of SLIDEGEN_ADMIN_GROUP, or everyone in local development."""
    settings = get_settings()
    if settings.admin_group:
        return settings.admin_group in user.groups
    return not settings.runs_as_databricks_app


def status_panel(user: User) -> None:
    """Show the dependency checks in the sidebar (admins only; they take a few seconds)."""
    if not is_admin(user):
        return
    with st.expander(":material/monitor_heart: App status", expanded=False):
        if st.button("Run checks", key="slidegen.status_run"):
            from slidegen.services.doctor import run_doctor  # LLM, Genie and MLflow clients

            with st.spinner("Checking the database, model endpoint, Genie spaces and MLflow…"):
                st.session_state[_REPORT_KEY] = run_doctor(database(), get_settings())
        report = st.session_state.get(_REPORT_KEY)
        if report is None:
            st.caption("Same checks as `python -m slidegen doctor`.")
            return
        for check in report.checks:
            icon = ":material/check_circle:" if check.ok else ":material/error:"
            # Names and details carry profile data and server errors: rendered literally.
            st.markdown(f"{icon} **{plain(check.name)}**: {plain(check.detail)}")
            if check.fix:
                st.caption(f"Fix: {plain(check.fix)}")
