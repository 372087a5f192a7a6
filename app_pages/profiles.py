"""Profiles: the named configurations that decide how decks are generated."""

import streamlit as st

from slidegen.services import profile_admin, profiles
from ui.db import session_scope
from ui.errors import user_errors
from ui.profile_audit import compare_tab, history_tab, sharing_tab
from ui.profile_forms import (
    ai_infra_tab,
    data_sources_tab,
    mlflow_tab,
    prompt_preview,
    prompts_tab,
)
from ui.profile_state import SELECTED, apply_pending_selection, key, show_flash
from ui.profile_toolbar import save_bar, toolbar
from ui.user import current_user

user = current_user()
with user_errors(), session_scope() as session:
    rows = profiles.list_profiles(session, user)

st.title("Profiles")
st.caption("A profile sets the LLM, data sources, MLflow tracing and prompts of a chat.")
with st.container():  # always present, so the elements below keep their place (and tab)
    show_flash()
if not rows:
    st.warning("No profiles yet: run `python -m slidegen db seed`.", icon=":material/warning:")
    st.stop()

by_name = {row.name: row for row in rows}
with st.expander(f"All profiles ({len(rows)})"):
    st.dataframe(
        [
            {
                "Name": r.name,
                "Default": "★" if r.is_default else "",
                "Mine": "✓" if r.is_my_default else "",
                "Provider": r.provider,
                "Endpoint / model": r.llm_endpoint,
                "Sessions": r.session_count,
                "Access": r.my_permission,
            }
            for r in rows
        ],
        hide_index=True,
        width="stretch",
    )
apply_pending_selection(list(by_name))


def _label(name: str) -> str:
    row = by_name[name]
    marks = ("★ default" if row.is_default else "", "✓ mine" if row.is_my_default else "")
    extra = " · ".join(m for m in marks if m)
    return f"{name}  ({extra})" if extra else name


selected = st.selectbox("Profile", list(by_name), key=SELECTED, format_func=_label)
st.query_params["profile"] = selected
summary = by_name[selected]
toolbar(summary, list(by_name))
with user_errors(), session_scope() as session:
    profile = profile_admin.show_profile(session, user, name=selected)

st.caption(
    f"{profile.description or 'No description.'} · used by {profile.session_count} sessions · "
    f"updated {profile.updated_at:%Y-%m-%d %H:%M} UTC by {profile.updated_by or 'system'} · "
    f"your access: {profile.my_permission}"
)
description = st.text_input(
    "Description", profile.description or "", key=key(profile.id, "description")
)
tabs = st.tabs(
    ["AI infrastructure", "Data sources", "MLflow", "Prompts", "History", "Compare", "Sharing"],
    key="pf.tabs",
)
with user_errors():
    with tabs[0]:
        ai_infra = ai_infra_tab(profile)
    with tabs[1]:
        genie_spaces, data_sources = data_sources_tab(profile)
    with tabs[2]:
        mlflow = mlflow_tab(profile)
    with tabs[3]:
        prompts = prompts_tab(profile)
    draft = {
        "description": description or None,
        "ai_infra": ai_infra,
        "genie_spaces": genie_spaces,
        "data_sources": data_sources,
        "mlflow": mlflow,
        "prompts": prompts,
    }
    with tabs[3]:
        prompt_preview(draft)
    with tabs[4]:
        history_tab(profile)
    with tabs[5]:
        compare_tab(profile, list(by_name))
    with tabs[6]:
        sharing_tab(profile)

with st.container(border=True):
    save_bar(profile, draft)
