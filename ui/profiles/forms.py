"""The configuration sections of the Profiles page: each widget edits one field of the draft.

Every section starts its widgets from the draft (ui/profile_state.py), not from the stored
profile, and returns its part of the draft, so an edit survives a visit to another section.
"""

from __future__ import annotations

import math
from typing import Any

import pandas as pd
import streamlit as st
from streamlit_ace import st_ace

from slidegen.config import get_settings
from slidegen.databricks import checks
from slidegen.errors import SlidegenError
from slidegen.llm.prompt import PLACEHOLDERS
from slidegen.schemas.profile_config import DataSourceConfig, GenieSpaceConfig
from slidegen.schemas.profiles import ProfileDetail
from slidegen.services.library import deck_prompts, slide_styles
from slidegen.services.profiles import store as profile_store
from ui.db import session_scope
from ui.profiles.state import key, start_value
from ui.text import plain, plain_label
from ui.user import current_user, user_token

PROVIDERS = ["offline", "databricks", "openai"]


@st.cache_data(ttl=60, show_spinner="Listing the workspace's serving endpoints…")
def _endpoints(host: str) -> tuple[list[str], str | None]:
    try:
        return [c.name for c in checks.list_endpoints(get_settings())], None
    except SlidegenError as exc:
        return [], exc.user_message


def ai_infra_tab(profile: ProfileDetail, draft: dict[str, Any]) -> dict[str, Any]:
    """Provider, endpoint (a dropdown when a workspace answers), temperature, tokens, timeout."""
    ai = draft["ai_infra"] or {}
    settings, pid = get_settings(), profile.id
    provider = st.selectbox(
        "Provider",
        PROVIDERS,
        index=PROVIDERS.index(ai.get("provider", "offline")),
        key=key(pid, "provider"),
        help="offline: the built-in demo engine; databricks: model serving; "
        "openai: any OpenAI-compatible server.",
    )
    if settings.llm_provider and settings.llm_provider != provider:
        st.info(
            f"SLIDEGEN_LLM_PROVIDER={plain(settings.llm_provider)} overrides this on this server."
        )
    endpoint = _endpoint_input(provider, ai.get("llm_endpoint") or "", pid)
    base_url = st.text_input(
        "Base URL (OpenAI-compatible server)",
        ai.get("base_url") or "",
        key=key(pid, "base_url"),
        disabled=provider != "openai",
        help="The API key comes from SLIDEGEN_LLM_API_KEY, never from the profile.",
    )
    temperature = st.slider(
        "Temperature",
        0.0,
        1.0,
        float(ai.get("llm_temperature", 0.7)),
        0.05,
        key=key(pid, "temperature"),
        help="Lower is more predictable, higher more creative.",
    )
    left, right = st.columns(2)
    max_tokens = left.number_input(
        "Max tokens",
        1,
        1_000_000,
        int(ai.get("llm_max_tokens", 60000)),
        1000,
        key=key(pid, "max_tokens"),
    )
    timeout = right.number_input(
        "Timeout (seconds)",
        1,
        3600,
        int(ai.get("llm_timeout_s", 120)),
        10,
        key=key(pid, "timeout"),
    )
    return {
        "provider": provider,
        "llm_endpoint": endpoint,
        "base_url": base_url or None,
        "llm_temperature": round(float(temperature), 2),
        "llm_max_tokens": int(max_tokens),
        "llm_timeout_s": int(timeout),
    }


def _endpoint_input(provider: str, current: str, pid: int) -> str:
    settings = get_settings()
    if provider == "databricks" and settings.has_databricks_workspace:
        names, problem = _endpoints(settings.databricks_host or "")
        if names:
            options = names if current in names else [current, *names]
            return st.selectbox(
                "Serving endpoint",
                options,
                index=options.index(current),
                key=key(pid, "endpoint_choice"),
                help="Chat-capable endpoints first; databricks- (foundation models) first.",
            )
        st.warning(f"{plain(problem)} Type the endpoint name instead.", icon=":material/warning:")
    elif provider == "databricks":
        st.caption("No Databricks workspace is configured here: type the endpoint name.")
    label = "Model" if provider == "openai" else "Endpoint / model"
    return st.text_input(label, current, key=key(pid, "endpoint"))


def _rows(frame: pd.DataFrame, columns: list[str]) -> list[dict[str, Any]]:
    rows = []
    for record in frame.to_dict("records"):
        clean = {
            c: (None if isinstance(v, float) and math.isnan(v) else v)
            for c, v in record.items()
            if c in columns
        }
        if any(value not in (None, "") for value in clean.values()):
            rows.append(clean)
    return rows


def data_sources_tab(profile: ProfileDetail, draft: dict[str, Any]) -> dict[str, Any]:
    """Genie spaces and SQL data sources as editable tables, with connection checks."""
    pid = profile.id
    st.markdown("**Genie spaces** — each becomes a tool the LLM can ask questions.")
    genie_cols = ["space_id", "space_name", "description"]
    spaces = st.data_editor(
        pd.DataFrame(
            start_value(key(pid, "genie"), draft["genie_spaces"] or []), columns=genie_cols
        ),
        num_rows="dynamic",
        width="stretch",
        key=key(pid, "genie"),
        column_config={"space_id": "Space id", "space_name": "Name", "description": "Description"},
    )
    genie = _rows(spaces, genie_cols)
    if st.button("Check Genie spaces", key=key(pid, "check_genie"), disabled=not genie):
        # As the user: the space must be readable by whoever chats with it, not only the app.
        token = user_token()
        _check_each(
            genie,
            GenieSpaceConfig,
            lambda s: checks.check_genie_space(s, get_settings(), user_token=token),
        )
    st.markdown("**SQL data sources** — read-only; the URL holds no password.")
    sql_cols = ["name", "url", "description", "max_rows"]
    sources = st.data_editor(
        pd.DataFrame(start_value(key(pid, "sql"), draft["data_sources"] or []), columns=sql_cols),
        num_rows="dynamic",
        width="stretch",
        key=key(pid, "sql"),
        column_config={
            "name": "Name",
            "url": st.column_config.TextColumn(
                "URL",
                help="sqlite:///file.db, postgresql://reader@host/db, databricks-sql://WAREHOUSE_ID/CATALOG/SCHEMA (a SQL warehouse, queried as each user), or sample: for the demo data",  # noqa: E501
            ),
            "description": "Description",
            "max_rows": st.column_config.NumberColumn("Max rows", min_value=1, default=200),
        },
    )
    sql = _rows(sources, sql_cols)
    for row in sql:
        row["max_rows"] = int(row.get("max_rows") or 200)
    if st.button("Test connections", key=key(pid, "check_sql"), disabled=not sql):
        token = user_token()
        _check_each(
            sql,
            DataSourceConfig,
            lambda s: [checks.check_data_source(s, get_settings(), user_token=token)],
        )
    return {"genie_spaces": genie, "data_sources": sql}


def _check_each(rows: list[dict], model: type, check: Any) -> None:
    with st.spinner("Checking…"):
        for row in rows:
            label = row.get("space_name") or row.get("name") or "?"
            try:
                notes = check(model.model_validate(row))
            except SlidegenError as exc:
                st.error(f"{plain(label)}: {plain(exc.user_message)}", icon=":material/error:")
                continue
            except ValueError as exc:
                problem = str(exc).splitlines()[-1]
                st.error(f"{plain(label)}: {plain(problem)}", icon=":material/error:")
                continue
            warning = next((n for n in notes if "not checked" in n or "could not" in n), None)
            if warning:
                st.warning(f"{plain(label)}: {plain(warning)}", icon=":material/warning:")
            else:
                note = notes[0][:200] if notes else ""
                st.success(f"{plain(label)}: reachable. {plain(note)}")


def mlflow_tab(profile: ProfileDetail, draft: dict[str, Any]) -> dict[str, Any]:
    """The MLflow experiment traces go to."""
    mlflow = draft["mlflow"] or {}
    name = st.text_input(
        "Experiment name",
        mlflow.get("experiment_name", ""),
        key=key(profile.id, "experiment"),
        help="A name (local MLflow) or a workspace path such as /Users/you@example.com/slidegen.",
    )
    return {"experiment_name": name}


def prompts_tab(profile: ProfileDetail, draft: dict[str, Any]) -> dict[str, Any]:
    """Deck prompt and slide style, three prompt editors, and the assembled system prompt."""
    prompts, pid, user = draft["prompts"] or {}, profile.id, current_user()
    with session_scope() as session:
        decks = {
            p.id: p.name for p in deck_prompts.search_deck_prompts(session, user) if p.is_active
        }
        styles = {
            s.id: s.name for s in slide_styles.search_slide_styles(session, user) if s.is_active
        }
    left, right = st.columns(2)
    deck = _pick(left, "Deck prompt", decks, prompts.get("selected_deck_prompt_id"), pid, "deck")
    style_id = prompts.get("selected_slide_style_id")
    style = _pick(right, "Slide style", styles, style_id, pid, "style")
    names = ", ".join(f"{{{p}}}" for p in PLACEHOLDERS)
    st.caption(f"Placeholders: {plain(names)}. Write {{{{ and }}}} for literal braces.")
    texts = {}
    for field, label, height in (
        ("system_prompt", "System prompt", 260),
        ("slide_editing_instructions", "Slide editing instructions", 160),
        ("user_prompt_template", "User prompt template (must contain {question})", 90),
    ):
        st.markdown(f"**{label}**")
        texts[field] = st_ace(
            value=start_value(key(pid, field), prompts.get(field) or ""),
            language="markdown",
            theme="chrome",
            height=height,
            wrap=True,
            auto_update=True,
            key=key(pid, field),
        )
    return {**texts, "selected_deck_prompt_id": deck, "selected_slide_style_id": style}


def _pick(
    column: Any, label: str, options: dict[int, str], current: int | None, pid: int, name: str
) -> int | None:
    ids: list[int | None] = [None, *options]
    if current is not None and current not in ids:
        ids.append(current)
    return column.selectbox(
        plain_label(label),
        ids,
        index=ids.index(current),
        key=key(pid, name),
        format_func=lambda i: "(none)" if i is None else options.get(i, f"#{i} (unavailable)"),
    )


def prompt_preview(draft: dict[str, Any]) -> None:
    """Show the system prompt as the LLM will see it for the draft."""
    with st.expander("Preview: the system prompt as the LLM sees it"):
        edit_mode = st.toggle("Edit mode (adds the slide editing instructions)", key="pf.preview")
        with session_scope() as session:
            text = profile_store.preview_system_prompt(
                session, current_user(), config=draft, edit_mode=edit_mode
            )
        st.code(text, language="markdown", wrap_lines=True)
