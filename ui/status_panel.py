"""A small status panel for admins: the doctor's checks, run on demand."""

from __future__ import annotations

from typing import TYPE_CHECKING

import streamlit as st

from slidegen.config import get_settings
from slidegen.identity import User
from slidegen.services.usage import access
from ui.db import database
from ui.text import plain

if TYPE_CHECKING:  # the doctor pulls in the LLM and Genie clients: imported on use
    from slidegen.services.doctor import Check

_REPORT_KEY = "slidegen.status_report"


def is_admin(user: User) -> bool:
    """Admins: members of SLIDEGEN_ADMIN_GROUP, or everyone in local development."""
    return access.is_admin(user, get_settings())


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
        failed = sum(not check.ok for check in report.checks)
        st.markdown(
            f"**{failed} of {len(report.checks)} checks failed.**"
            if failed
            else "**All checks passed.**"
        )
        for check in report.checks:
            _show(check)


def _show(check: Check) -> None:
    icon = ":green[:material/check_circle:]" if check.ok else ":red[:material/error:]"
    title, target = _split(check.name)
    st.markdown(f"{icon} **{plain(title)}**")
    # Targets and details carry URLs and server errors: st.text shows them literally, where
    # Markdown would turn a URL into a link with plain()'s backslashes inside it.
    st.text("\n".join(part for part in (target, check.detail) if part))
    if check.fix:
        st.caption(f"Fix: {plain(check.fix)}")


def _split(name: str) -> tuple[str, str]:
    """'Database (sqlite:///x.db)' -> ('Database', 'sqlite:///x.db')."""
    title, bracket, target = name.partition(" (")
    return (title, target[:-1]) if bracket and target.endswith(")") else (name, "")
