"""Profiles: the named configurations that decide how decks are generated."""

import streamlit as st

from slidegen.services.profiles import admin as profile_admin
from slidegen.services.profiles import queries as profiles
from ui.db import session_scope
from ui.errors import user_errors
from ui.profiles.audit import compare_tab, history_tab, sharing_tab
from ui.profiles.forms import (
    ai_infra_tab,
    data_sources_tab,
    mlflow_tab,
    prompt_preview,
    prompts_tab,
)
from ui.profiles.state import (
    SECTION,
    SELECTED,
    apply_pending_selection,
    draft_of,
    forget_starts_outside,
    key,
    show_flash,
)
from ui.profiles.toolbar import save_bar, toolbar
from ui.text import plain
from ui.user import current_user
from ui.widgets.slots import slot

user = current_user()
forget_starts_outside(st.session_state.get(SECTION))  # first: a run may be stopped early
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
with st.expander(f"All profiles ({len(rows)})", key="all-profiles"):  # stays open as N changes
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
# Every part whose length varies (the toolbar's dialogs, the notice, the open section) has a
# place of its own (ui/widgets/slots.py): the save bar below keeps its position, so no stale
# copy of its "Unsaved changes" lingers beside the new one while a run is drawn.
with st.container():
    toolbar(summary, list(by_name))
with user_errors(), session_scope() as session:
    profile = profile_admin.show_profile(session, user, name=selected)

draft, rebased = draft_of(profile)
st.caption(
    f"{plain(profile.description or 'No description.')} · used by {profile.session_count:d} "
    f"sessions · updated {profile.updated_at:%Y-%m-%d %H:%M} UTC by "
    f"{plain(profile.updated_by or 'system')} · your access: {plain(profile.my_permission)}"
)
if notice := slot(rebased, key="pf-rebased"):
    notice.info(
        f"{plain(profile.updated_by or 'Somebody')} saved this profile while you were editing it. "
        "Your unsaved edits are kept on top of their version.",
        icon=":material/sync:",
    )
description = st.text_input(
    "Description", draft["description"] or "", key=key(profile.id, "description")
)
draft["description"] = description or None


def _prompts() -> None:
    draft["prompts"] = prompts_tab(profile, draft)
    prompt_preview(draft)


# A section control, not st.tabs: only the open section runs on a rerun. The draft keeps what
# the other sections edited.
SECTIONS = {
    "AI infrastructure": lambda: draft.update(ai_infra=ai_infra_tab(profile, draft)),
    "Data sources": lambda: draft.update(data_sources_tab(profile, draft)),
    "MLflow": lambda: draft.update(mlflow=mlflow_tab(profile, draft)),
    "Prompts": _prompts,
    "History": lambda: history_tab(profile),
    "Compare": lambda: compare_tab(profile, list(by_name)),
    "Sharing": lambda: sharing_tab(profile),
}
section = st.segmented_control(
    "Section",
    list(SECTIONS),
    default="AI infrastructure",
    key=SECTION,
    label_visibility="collapsed",
)
with user_errors(), st.container(key="pf-section-body"):
    SECTIONS[section or "AI infrastructure"]()

with st.container(border=True):
    save_bar(profile, draft)
