"""The Admin page's Google Slides section: upload, show, replace and remove the OAuth client.

The section says where the client comes from (uploaded, the environment, none) and, without
SLIDEGEN_GOOGLE_TOKEN_KEY, why the feature is off and how to make a key. Everything taken
from the file or from a user (client id, uploader, redirect URI) is shown through `plain`.
The client secret is never shown: the service never returns it.
"""

from __future__ import annotations

from functools import partial

import streamlit as st

from slidegen.config import get_settings
from slidegen.identity import User
from slidegen.services.exports import google_client
from slidegen.services.exports.google_client import KEY_COMMAND, GoogleClientOut
from slidegen.services.exports.google_client_file import MAX_CLIENT_FILE_BYTES
from ui.callbacks import run_to_end
from ui.db import session_scope
from ui.errors import kept_for_the_page, user_errors
from ui.text import plain

_FLASH = "slidegen.admin.gclient.flash"
_UPLOADS = "slidegen.admin.gclient.uploads"  # bumped to empty the file chooser after a save
_FAILED = "slidegen.admin.gclient.failed"  # why the last file chosen was refused


def google_client_section(user: User) -> None:
    """Render the section; the service refuses non-admins (the page stops with its sentence)."""
    st.subheader("Google Slides: OAuth client")
    with user_errors(), session_scope() as session:
        status = google_client.google_client_status(session, user, settings=get_settings())
    if kept := st.session_state.get(_FLASH):  # until the next upload or removal
        st.success(plain(kept), icon=":material/check:")
    if not status.key_ready:
        _key_missing(status)
    _source(status)
    if status.key_ready:
        _upload(user, replace=status.source == "uploaded")
    if status.source == "uploaded":
        _remove(user)


def _key_missing(status: GoogleClientOut) -> None:
    st.warning(plain(status.message), icon=":material/key_off:")
    st.caption(
        "Make a key once, set it as SLIDEGEN_GOOGLE_TOKEN_KEY in the app's environment (a "
        "secret in a Databricks App) and restart the app; keep it: with a new key the client "
        "must be uploaded again and users must connect again."
    )
    st.code(KEY_COMMAND, language="bash")


def _source(status: GoogleClientOut) -> None:
    if status.source == "uploaded":
        st.markdown(
            f"**Uploaded client** · id {plain(status.client_id or '')} · "
            f"type {plain(status.client_type or '')}"
        )
        if status.uploaded_at:
            st.caption(
                f"Uploaded by {plain(status.uploaded_by or '')} on "
                f"{status.uploaded_at:%Y-%m-%d %H:%M} UTC. It takes precedence over "
                "SLIDEGEN_GOOGLE_CLIENT_ID and SLIDEGEN_GOOGLE_CLIENT_SECRET."
            )
    elif status.source == "env":
        st.markdown(
            f"**Client from the environment** (SLIDEGEN_GOOGLE_CLIENT_ID) · id "
            f"{plain(status.client_id or '')}"
        )
        st.caption("An uploaded credentials.json would take precedence over it.")
    else:
        st.markdown("**No client yet.**")
        st.caption(
            "In Google Cloud, create an OAuth client ID of type Web application with this "
            "app's URL as an authorised redirect URI, enable the Google Slides API, and upload "
            "the client's JSON here."
        )
    if status.redirect_uri:
        st.caption(f"Google sends users back to {plain(status.redirect_uri)}")
    if status.key_ready:
        say = st.success if status.usable else st.error
        say(plain(status.message), icon=":material/check:" if status.usable else ":material/error:")
    for note in status.notes:
        st.warning(plain(note), icon=":material/warning:")


def _upload(user: User, *, replace: bool) -> None:
    label = "Replace with another credentials.json" if replace else "Upload credentials.json"
    uploads = st.session_state.get(_UPLOADS, 0)
    file_key = f"admin.gclient.file.{uploads}"
    # Stored as soon as it is chosen, in the chooser's callback: Streamlit runs it once per
    # choice, while a second click (an Upload button) could be lost to a page run stopped by
    # the browser's next message.
    st.file_uploader(
        label,
        type=["json"],
        max_upload_size=1,  # MB, the least Streamlit takes; the service allows 64 KB
        key=file_key,
        help="The JSON Google Cloud downloads for an OAuth client ID (Web application or "
        f"Desktop app), about 2 KB; files over {MAX_CLIENT_FILE_BYTES // 1024} KB are refused "
        "(the uploader itself cannot say less than 1 MB). It is stored encrypted as soon as "
        "it is chosen; its secret is never shown.",
        on_change=_store,
        args=(user, file_key, uploads),
    )
    if replace:
        st.caption("Users who connected with a different client id must connect again.")
    if failed := st.session_state.get(_FAILED):
        st.error(plain(failed), icon=":material/error:")


def _store(user: User, file_key: str, uploads: int) -> None:
    """Store the chosen file (the chooser's callback); the page says the outcome until the
    next choice."""
    chosen = st.session_state.get(file_key)
    if chosen is None:  # the file was taken out of the chooser
        return
    st.session_state.pop(_FAILED, None)
    st.session_state.pop(_FLASH, None)
    stored = None
    report = partial(st.session_state.__setitem__, _FAILED)
    with kept_for_the_page(report), session_scope() as session:
        stored = google_client.upload_google_client(
            session, user, settings=get_settings(), content=chosen.getvalue()
        )
    if stored is None:
        return
    run_to_end(
        partial(
            st.session_state.__setitem__,
            _FLASH,
            f"Stored the Google OAuth client {stored.client_id}.",
        ),
        partial(st.session_state.__setitem__, _UPLOADS, uploads + 1),  # a new, empty chooser
    )


def _remove(user: User) -> None:
    with st.popover("Remove", icon=":material/delete:"):
        st.write(
            "Remove the uploaded client? Google sign-ins then use the environment's client, "
            "if one is set, and users who connected with this one must connect again."
        )
        if not st.button("Remove for good", type="primary", key="admin.gclient.remove"):
            return
    with user_errors(), session_scope() as session:
        google_client.remove_google_client(session, user, settings=get_settings())
    st.session_state.pop(_FAILED, None)
    st.session_state[_FLASH] = "Removed the uploaded Google OAuth client."
    st.rerun()
