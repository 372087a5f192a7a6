"""The Profiles page's actions: new, duplicate, delete, defaults, import/export, save/discard."""

from __future__ import annotations

import json
from typing import Any

import streamlit as st

from slidegen.config import get_settings
from slidegen.errors import SlidegenError
from slidegen.schemas.profile_config import field_label
from slidegen.schemas.profiles import FieldChange, ProfileDetail, ProfileListItem
from slidegen.services.profiles import admin
from slidegen.services.profiles import history as profile_history
from slidegen.services.profiles import store as profile_store
from slidegen.services.profiles import transfer as profile_io
from ui.db import session_scope
from ui.profiles.state import flash, reset_draft, select_next
from ui.text import plain, plain_label
from ui.user import current_user, user_token


def run_action(action: Any, success: str, *, select: str | None = None) -> None:
    """Run one user action in its own transaction; report the outcome after a rerun."""
    try:
        with session_scope() as session:
            result = action(session)
        details = [d for d in result if isinstance(d, str)] if isinstance(result, list) else []
    except SlidegenError as exc:
        st.error(plain(exc.user_message), icon=":material/error:")
        return
    flash("success", success, details)
    if select:
        select_next(select)
    st.rerun()


def toolbar(profile: ProfileListItem, names: list[str]) -> None:
    """New, Duplicate, Delete, Set default, Set as my default, Import, Export."""
    user, settings = current_user(), get_settings()
    row = st.container(horizontal=True)
    new, dup, delete, default, mine, port = row, row, row, row, row, row
    with new.popover("New", icon=":material/add:"):
        name = st.text_input("Name", key="pf.new.name")
        source = st.selectbox("Start from", ["system defaults", *names], key="pf.new.source")
        if st.button("Create", key="pf.new.go", type="primary"):
            copy = None if source == "system defaults" else source
            run_action(
                lambda s: admin.create_profile(
                    s, user, name=name, copy_from=copy, settings=settings
                ),
                f"Created profile {name.strip()!r}.",
                select=name.strip(),
            )
    with dup.popover("Duplicate", icon=":material/content_copy:"):
        new_name = st.text_input("New name", f"{profile.name} copy", key="pf.dup.name")
        if st.button("Duplicate", key="pf.dup.go", type="primary"):
            run_action(
                lambda s: admin.duplicate_profile(
                    s, user, name=profile.name, new_name=new_name, settings=settings
                ),
                f"Created {new_name.strip()!r} from {profile.name!r}.",
                select=new_name.strip(),
            )
    with delete.popover("Delete", icon=":material/delete:"):
        st.write(f"Delete **{plain(profile.name)}**? Sessions keep their copy of its settings.")
        sure = st.checkbox(f"Yes, delete {plain_label(profile.name)}", key="pf.del.sure")
        if st.button("Delete", key="pf.del.go", type="primary", disabled=not sure):
            run_action(
                lambda s: admin.delete_profile(s, user, name=profile.name),
                f"Deleted profile {profile.name!r}.",
            )
    if default.button("Set default", disabled=profile.is_default, key="pf.default"):
        run_action(
            lambda s: admin.set_default_profile(s, user, name=profile.name),
            f"{profile.name!r} is now the default profile for everyone.",
        )
    if mine.button("Set as my default", disabled=profile.is_my_default, key="pf.mine"):
        run_action(
            lambda s: admin.set_my_default_profile(s, user, name=profile.name),
            f"{profile.name!r} is now your default profile.",
        )
    with port.popover("Import/Export", icon=":material/swap_vert:"):
        _import_export(profile)


def _import_export(profile: ProfileListItem) -> None:
    user = current_user()
    with session_scope() as session:
        document = profile_io.export_profile(session, user, name=profile.name)
    st.download_button(
        f"Export {plain_label(profile.name)}.json",
        json.dumps(document, indent=2),
        file_name=f"{profile.name}.json",
        mime="application/json",
        key="pf.export",
    )
    st.caption("The file holds no secrets; library choices are kept by name.")
    upload = st.file_uploader("Import a profile (.json)", type=["json"], key="pf.import.file")
    if upload is not None and st.button("Import", key="pf.import.go", type="primary"):

        def action(session: Any) -> list[str]:
            detail = profile_io.import_profile(
                session, user, document=upload.getvalue(), settings=get_settings()
            )
            select_next(detail.name)
            return [f"New profile: {detail.name}"]

        run_action(action, "Imported the profile.")


def pending_changes(profile: ProfileDetail, draft: dict[str, Any]) -> list[FieldChange]:
    """Return the fields the draft changes, compared with the stored profile."""
    return profile_history.diff_snapshots(profile.config, draft)


def save_bar(profile: ProfileDetail, draft: dict[str, Any]) -> None:
    """Show unsaved changes and inline problems; Save or Discard them."""
    changes = pending_changes(profile, draft)
    problem = None
    try:
        profile_store.parse_config(draft)
    except SlidegenError as exc:
        problem = exc.user_message
    if not changes:
        st.caption("No unsaved changes.")
        return
    fields = ", ".join(field_label(c.field) for c in changes)
    st.warning(f"Unsaved changes ({len(changes)}): {plain(fields)}", icon=":material/edit:")
    if problem:
        st.error(plain(problem), icon=":material/error:")
    save, discard, _ = st.columns([1, 1, 4])
    can_edit = profile.my_permission in ("CAN_EDIT", "CAN_MANAGE")
    if save.button("Save", type="primary", key="pf.save", disabled=bool(problem) or not can_edit):
        _save(profile, draft)
    if discard.button("Discard", key="pf.discard"):
        reset_draft(profile.id)
        flash("info", "Discarded your unsaved changes.")
        st.rerun()
    if not can_edit:
        st.caption("You can use this profile but not edit it.")


def _save(profile: ProfileDetail, draft: dict[str, Any]) -> None:
    user = current_user()
    try:
        with st.spinner("Validating and saving…"), session_scope() as session:
            result = admin.save_configuration(
                session,
                user,
                name=profile.name,
                config=draft,
                settings=get_settings(),
                user_token=user_token(),
            )
    except SlidegenError as exc:
        st.error(plain(exc.user_message), icon=":material/error:")
        return
    lines = [f"{field_label(c.field)}: {_short(c.old)} → {_short(c.new)}" for c in result.changes]
    lines += [f"⚠ {w}" for w in result.warnings]
    reset_draft(profile.id)
    flash("success", f"Saved {profile.name!r}.", lines)
    st.rerun()


def _short(value: Any, limit: int = 80) -> str:
    text = json.dumps(value, ensure_ascii=False, default=str)
    return text if len(text) <= limit else text[: limit - 1] + "…"
