"""History actions: rename, duplicate, versions, share and delete, each one service call."""

from __future__ import annotations

from typing import get_args

import streamlit as st

from slidegen.identity import User
from slidegen.schemas.sessions import SessionSummary
from slidegen.schemas.vocabulary import Visibility
from slidegen.services.decks import store as decks
from slidegen.services.identities import principal_type
from slidegen.services.sessions import actions as session_actions
from slidegen.services.sessions import sharing
from ui.db import session_scope
from ui.errors import user_errors
from ui.history import state as history_state
from ui.text import plain, plain_label
from ui.widgets.deck_view import show_slide
from ui.widgets.sharing_picker import share_with_picker

VISIBILITIES = get_args(Visibility)

VISIBILITY_HELP = {
    "private": "Only you (grants are kept but inactive).",
    "shared": "You and the users and groups below.",
    "workspace": "Everyone signed in can view; grants below may edit.",
}


_PENDING = "history.dialog"


def actions(user: User, item: SessionSummary, menu_key: str) -> None:
    """The buttons of one History card's menu (inside the popover `menu_key`).

    A button that opens a dialog closes the menu first and the dialog opens on that rerun
    (open_chosen_dialog): an open menu would lie over the dialog and take its clicks.
    """
    key = item.session_id
    can_edit = item.my_right in ("edit", "manage")
    manage = item.my_right == "manage"
    menu = (  # label, icon, dialog, allowed
        ("Rename", "edit", "rename", can_edit),
        ("Duplicate", "content_copy", None, True),
        ("Versions", "history", "versions", True),
        ("Share", "share", "share", manage),
        ("Delete", "delete", "delete", manage),
    )
    for label, icon, dialog, allowed in menu:
        if dialog is None:  # acts at once
            if st.button(label, icon=f":material/{icon}:", key=f"dup-{key}"):
                duplicate(user, item.session_id, None)
            continue
        st.button(
            label,
            icon=f":material/{icon}:",
            key=f"{dialog}-{key}",
            disabled=not allowed,
            on_click=_choose,
            args=(menu_key, key),
            kwargs={"dialog": dialog},
        )


def _choose(menu_key: str, session_id: str, *, dialog: str) -> None:
    st.session_state[menu_key] = False  # close the menu
    st.session_state[_PENDING] = (dialog, session_id)


def open_chosen_dialog(user: User, item: SessionSummary) -> None:
    """Open the dialog chosen in this card's menu on the last click, if any."""
    pending = st.session_state.get(_PENDING)
    if not pending or pending[1] != item.session_id:
        return
    del st.session_state[_PENDING]
    dialogs = {
        "rename": rename_dialog,
        "versions": versions_dialog,
        "share": share_dialog,
        "delete": delete_dialog,
    }
    dialogs[pending[0]](user, item)


@st.dialog("Rename deck")
def rename_dialog(user: User, item: SessionSummary) -> None:
    """Ask for a new title."""
    title = st.text_input(
        "Title", value=item.title[: session_actions.MAX_TITLE], max_chars=session_actions.MAX_TITLE
    )
    if st.button("Save", type="primary"):
        with user_errors(), session_scope() as session:
            session_actions.rename_session(session, user, session_id=item.session_id, title=title)
        st.rerun()


def duplicate(user: User, session_id: str, version_number: int | None) -> None:
    """Copy the deck (or a save point) into a new private session and say where it is."""
    with user_errors(), session_scope() as session:
        copy = session_actions.duplicate_session(
            session, user, session_id=session_id, version_number=version_number
        )
    st.toast(f"Copied into “{plain(copy.title)}” (private, yours).", icon=":material/check:")
    history_state.set_page_number(0)
    st.rerun()


@st.dialog("Delete deck")
def delete_dialog(user: User, item: SessionSummary) -> None:
    """Confirm, then delete the deck with its chat, save points and grants."""
    st.write(
        f"Delete **{plain(item.title)}** with its chat, its save points and everyone's access? "
        "This cannot be undone."
    )
    if st.button("Delete for good", type="primary", icon=":material/delete:"):
        with user_errors(), session_scope() as session:
            session_actions.delete_session(session, user, session_id=item.session_id)
        st.rerun()


@st.dialog("Versions", width="large")
def versions_dialog(user: User, item: SessionSummary) -> None:
    """The save points: preview one read-only, restore it, or duplicate from it."""
    with user_errors(), session_scope() as session:
        detail = decks.show_session(session, user, session_id=item.session_id)
    if not detail.versions:
        st.info("This deck has no save points yet.")
        return
    chosen = st.selectbox(
        "Save point",
        [v.version_number for v in detail.versions],
        format_func=lambda n: next(
            f"{v.version_number}. {v.description} · {v.slide_count} slides · "
            f"{v.created_at:%Y-%m-%d %H:%M} UTC"
            for v in detail.versions
            if v.version_number == n
        ),
    )
    row = st.columns(2)
    editable = detail.my_right in ("edit", "manage")
    if row[0].button("Restore", icon=":material/restore:", disabled=not editable):
        with user_errors(), session_scope() as session:
            decks.restore_save_point(
                session,
                user,
                session_id=item.session_id,
                version_number=chosen,
                expected_version=detail.version,
            )
        st.rerun()
    if row[1].button("Duplicate from here", icon=":material/content_copy:"):
        duplicate(user, item.session_id, chosen)
    with user_errors(), session_scope() as session:
        deck = decks.get_save_point(
            session, user, session_id=item.session_id, version_number=chosen
        )
    st.caption(f"Save point {chosen:d}, read-only: {len(deck.slides)} slides.")
    for number, slide in enumerate(deck.slides, 1):
        show_slide(slide, deck.css, f"Save point slide {number}")


@st.dialog("Share deck", width="large")
def share_dialog(user: User, item: SessionSummary) -> None:
    """Visibility, and read or edit grants for users (by email) and groups."""
    sid = item.session_id
    with user_errors(), session_scope() as session:
        current = sharing.get_sharing(session, user, session_id=sid)
    visibility = st.radio(
        "Who can see it",
        VISIBILITIES,
        index=VISIBILITIES.index(current.visibility),
        captions=[VISIBILITY_HELP[v] for v in VISIBILITIES],
        horizontal=True,
    )
    if visibility != current.visibility:
        with user_errors(), session_scope() as session:
            sharing.set_visibility(session, user, session_id=sid, visibility=visibility)
        st.toast(f"Visibility is now {plain(visibility)}.")
    st.caption(f"Owner: {plain(current.owner or 'none')} (always keeps edit)")
    for grant in current.grants:
        row = st.columns([4, 2, 1], vertical_alignment="center")
        row[0].markdown(f"{plain(grant.principal_type)}: **{plain(grant.principal_id)}**")
        who = f"{grant.principal_type}-{grant.principal_id}"
        changed = row[1].selectbox(  # changed in place: no remove and add again
            f"Permission of {plain_label(grant.principal_id)}",
            ["read", "edit"],
            index=["read", "edit"].index(grant.permission),
            key=f"grant-{who}",
            label_visibility="collapsed",
        )
        if changed != grant.permission:
            with user_errors(), session_scope() as session:
                sharing.share_session(
                    session,
                    user,
                    session_id=sid,
                    principal_type=grant.principal_type,  # type: ignore[arg-type]
                    principal_id=grant.principal_id,
                    permission=changed,
                )
            st.toast(f"{plain(grant.principal_id)} can now {plain(changed)} this deck.")
        if row[2].button("Remove", key=f"unshare-{grant.principal_type}-{grant.principal_id}"):
            with user_errors(), session_scope() as session:
                sharing.unshare_session(
                    session,
                    user,
                    session_id=sid,
                    principal_type=grant.principal_type,  # type: ignore[arg-type]
                    principal_id=grant.principal_id,
                )
            st.rerun(scope="fragment")
    with st.form("add-grant", clear_on_submit=True, border=False):
        row = st.columns([4, 1], vertical_alignment="bottom")
        who = share_with_picker(row[0])
        permission = row[1].selectbox("Permission", ["read", "edit"])
        if st.form_submit_button("Add", icon=":material/person_add:", type="primary"):
            if not who:
                st.error("Pick or type a user's e-mail or a group's name.", icon=":material/error:")
                return
            with user_errors(), session_scope() as session:
                sharing.share_session(
                    session,
                    user,
                    session_id=sid,
                    principal_type=principal_type(who),  # type: ignore[arg-type]
                    principal_id=who,
                    permission=permission,
                )
            st.rerun(scope="fragment")
