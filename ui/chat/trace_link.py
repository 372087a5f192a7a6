"""A link from the Chat page to the MLflow traces of the open session."""

from __future__ import annotations

from urllib.parse import quote

import streamlit as st

from slidegen.config import Settings, get_settings


def trace_url(settings: Settings, session_id: str) -> str | None:
    """The experiment's traces filtered to this session's tag, when the app knows its experiment."""
    if not (settings.databricks_host and settings.mlflow_experiment_id):
        return None
    query = quote(f"tags.`slidegen.session_id` = '{session_id}'")
    host = settings.databricks_host.rstrip("/")
    if not host.startswith(("http://", "https://")):
        host = f"https://{host}"
    return f"{host}/ml/experiments/{settings.mlflow_experiment_id}/traces?searchFilter={query}"


def trace_link(session_id: str) -> None:
    """Show a small link to the session's traces (nothing when tracing has no workspace)."""
    url = trace_url(get_settings(), session_id)
    if url:
        st.link_button("Traces of this session", url, icon=":material/timeline:")
