"""Library page, Import and export tab: JSON files of deck prompts and slide styles."""

from __future__ import annotations

import streamlit as st

from slidegen.identity import User
from slidegen.services.library import deck_prompts, slide_styles
from slidegen.services.library import transfer as library_io
from ui.db import session_scope
from ui.errors import user_errors
from ui.library.common import flash, show_flash

CONFLICTS = {
    "skip": "Skip items whose name exists",
    "rename": "Import them as “NAME (copy)”",
    "overwrite": "Overwrite the existing ones (system styles are skipped)",
}


def transfer_tab(user: User) -> None:
    """Render export (all or a selection) and import with a conflict choice."""
    show_flash("transfer")
    with user_errors(), session_scope() as session:
        prompt_names = [p.name for p in deck_prompts.search_deck_prompts(session, user)]
        style_names = [s.name for s in slide_styles.search_slide_styles(session, user)]
    st.subheader("Export")
    everything = st.checkbox("Everything", value=True, key="export-all")
    prompts = st.multiselect(
        "Deck prompts", prompt_names, disabled=everything, key="export-prompts"
    )
    styles = st.multiselect("Slide styles", style_names, disabled=everything, key="export-styles")
    with user_errors(), session_scope() as session:
        text = library_io.export_library(
            session,
            user,
            prompt_names=None if everything else prompts,
            style_names=None if everything else styles,
        )
    st.download_button(
        "Download JSON",
        data=text,
        file_name="slidegen-library.json",
        mime="application/json",
        icon=":material/download:",
        key="export-download",
    )
    st.subheader("Import")
    upload = st.file_uploader("A Slidegen library export (.json)", type=["json"], key="import-file")
    conflict = st.radio(
        "When a name already exists",
        list(CONFLICTS),
        format_func=CONFLICTS.get,
        key="import-conflict",
    )
    if st.button("Import", type="primary", disabled=upload is None, key="import-run") and upload:
        with user_errors(), session_scope() as session:
            report = library_io.import_library(
                session,
                user,
                text=upload.getvalue().decode("utf-8", "replace"),
                on_conflict=conflict,
            )
        summary = "; ".join(
            f"{label}: {', '.join(names)}" for label, names in report.model_dump().items() if names
        )
        flash("transfer", f"Import done. {summary or 'The file was empty.'}")
        st.rerun()
