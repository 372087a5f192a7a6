"""Google Slides: connect the user's Google account, export, and open the presentation.

`google_slides_control(user, session_id, version)` sits beside the other export buttons: off
(with the reason) when the server is not configured, a Connect button when the user has no
usable authorisation, otherwise the export (a background job with progress) and, once the
deck was exported, "Open in Google Slides". `handle_google_return(user)` runs in app.py: Google
sends the browser back to SLIDEGEN_GOOGLE_REDIRECT_URI with `code` and `state`, and the app
completes the connection there, whatever page that is.
"""

from __future__ import annotations

import streamlit as st

from slidegen.config import get_settings
from slidegen.errors import SlidegenError
from slidegen.identity import User
from slidegen.services.exports import google_auth, google_slides
from slidegen.services.exports import jobs as exports
from ui.db import session_scope
from ui.text import plain
from ui.widgets.export_control import export_control, job_slot

_CONSENT = "slidegen.google.consent_url"  # the consent URL of a connection being started
_GOOGLE_PARAMS = ("code", "state", "scope", "error", "authuser", "prompt", "hd", "iss")


def google_slides_control(
    user: User, session_id: str, version: int | None, key: str = "chat"
) -> None:
    """Render the Google Slides export choice for one deck."""
    settings = get_settings()
    try:
        with session_scope() as session:
            status = google_auth.google_connection(session, user, settings=settings)
            link = google_slides.google_slides_link(session, user, session_id=session_id)
    except SlidegenError as exc:
        st.error(plain(exc.user_message), icon=":material/error:")
        return
    if not status.configured:
        st.button(
            "Google Slides",
            icon=":material/add_to_drive:",
            disabled=True,
            key=f"gslides.off.{key}.{session_id}",
            help=plain(status.message),
        )
        return
    if not status.connected:
        failed = job_slot(key, session_id, "gslides")
        _last_failure(user, failed)
        _connect(user, status.message, key, forget=failed)
    else:
        export_control(user, session_id, version, format="gslides", key=key)
        google_disconnect(user, key)
    if link:
        st.link_button("Open in Google Slides", link, icon=":material/open_in_new:")


def _last_failure(user: User, slot: str) -> None:
    """Say why the last export failed when it cost the connection (a revoked grant).

    The page may rerun before the user reads it, so it stays until they connect again.
    """
    remembered = st.session_state.get(slot)
    if not remembered:
        return
    try:
        with session_scope() as session:
            job = exports.get_export(session, user, job_id=remembered[0])
    except SlidegenError:
        return
    if job.status == "error" and job.error_message:
        st.warning(plain(job.error_message), icon=":material/link_off:")


def _connect(user: User, message: str, key: str, forget: str) -> None:
    """A Connect button; it makes a one-time state and offers Google's consent page.

    Connecting drops the failed export remembered in `forget`: the next export is a new one.
    """
    url = st.session_state.get(_CONSENT)
    if url:
        st.link_button("Sign in with Google", url, icon=":material/login:", type="primary")
        st.caption(
            "Google asks you to allow Slidegen to create presentations, then sends you back."
        )
        return
    if st.button(
        "Connect Google Slides",
        icon=":material/add_to_drive:",
        key=f"gslides.connect.{key}",
        help=plain(message),
    ):
        try:
            with session_scope() as session:
                url = google_auth.start_google_connect(session, user, settings=get_settings())
        except SlidegenError as exc:
            st.error(plain(exc.user_message), icon=":material/error:")
            return
        st.session_state[_CONSENT] = url
        st.session_state.pop(forget, None)
        st.rerun()


def google_disconnect(user: User, key: str = "chat") -> None:
    """A Disconnect button for a connected Google account (removes the stored tokens)."""
    if st.button(
        "Disconnect Google",
        icon=":material/link_off:",
        key=f"gslides.disconnect.{key}",
        type="tertiary",
    ):
        with session_scope() as session:
            google_auth.disconnect_google(session, user)
        st.session_state.pop(_CONSENT, None)
        st.rerun()


def handle_google_return(user: User) -> None:
    """Complete a Google connection when the page was opened by Google's redirect."""
    params = st.query_params
    state = params.get("state")
    if not state or not (params.get("code") or params.get("error")):
        return
    code, refused = params.get("code"), params.get("error")
    for name in _GOOGLE_PARAMS:  # a reload must not replay the code; other parameters stay
        params.pop(name, None)
    if refused or not code:
        st.warning("Google sign-in was cancelled; Google Slides is not connected.")
        return
    try:
        with session_scope() as session:
            google_auth.complete_google_connect(
                session, user, settings=get_settings(), state=state, code=code
            )
    except SlidegenError as exc:
        with session_scope() as session:  # the state is used up even when the sign-in failed
            google_auth.discard_google_state(session, user, state=state)
        st.session_state.pop(_CONSENT, None)
        st.error(plain(exc.user_message), icon=":material/error:")
        return
    st.session_state.pop(_CONSENT, None)
    st.success(
        "Google Slides connected: export a deck from the Chat page.", icon=":material/check:"
    )
