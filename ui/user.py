"""The current user: resolved once per rerun in app.py, read by pages."""

from __future__ import annotations

import logging
from collections.abc import Mapping

import streamlit as st

from slidegen.config import get_settings
from slidegen.identity import GroupDirectory, User, forwarded_token, resolve_user, with_groups
from slidegen.services.identities import record_identity
from ui.db import session_scope
from ui.errors import user_errors

log = logging.getLogger("slidegen.ui")
_USER_KEY = "slidegen.user"
_RECORDED_KEY = "slidegen.user_recorded"
_ACT_AS_KEY = "slidegen.dev_act_as"


def request_headers() -> Mapping[str, str]:
    """Return the headers of this browser session (empty under AppTest)."""
    try:
        return dict(st.context.headers or {})
    except Exception:  # no script run context (bare execution)
        return {}


def user_token() -> str | None:
    """The user's forwarded access token: read from the live request, never kept."""
    return forwarded_token(request_headers())


@st.cache_resource(show_spinner=False)
def _directory() -> GroupDirectory:
    def client(token: str | None) -> object:
        from slidegen.databricks.workspace import workspace_client  # databricks-sdk: lazily

        # Page runs wait for this lookup: give up on a failing workspace in seconds.
        return workspace_client(
            get_settings(), token, retry_timeout_seconds=10, http_timeout_seconds=10
        )

    return GroupDirectory(client)


def resolve_current_user() -> User:
    """Resolve the user from the proxy headers or the local user, and remember it."""
    settings = get_settings()
    with user_errors():  # a request without identity inside an app is refused here
        user = resolve_user(request_headers(), settings)
    user = with_groups(user, settings, _directory(), user_token())
    act_as = st.session_state.get(_ACT_AS_KEY)
    if settings.developer_switcher and act_as:
        # SLIDEGEN_USER_GROUPS are the developer's own groups: another user does not inherit
        # them, or acting as a non-admin would still show admin panels and group-shared rows.
        user = User(name=act_as, display_name=f"{act_as} (dev)")
    _record(user)
    st.session_state[_USER_KEY] = user.model_dump()
    return user


def _record(user: User) -> None:
    """Note the user and their groups in app_identities once per browser session."""
    stamp = (user.name, user.groups)
    if st.session_state.get(_RECORDED_KEY) == stamp:
        return
    try:
        with session_scope() as session:
            record_identity(session, user)
        st.session_state[_RECORDED_KEY] = stamp
    except Exception:  # bookkeeping must never block the page; retried on the next rerun
        log.warning("could not record identity %s", user.name, exc_info=True)


def current_user() -> User:
    """Return the user app.py resolved for this rerun."""
    stored = st.session_state.get(_USER_KEY)
    return User.model_validate(stored) if stored else resolve_current_user()


def developer_user_switcher() -> None:
    """DEVELOPER ONLY (SLIDEGEN_DEV_MODE, never in a Databricks App): act as another user."""
    if not get_settings().developer_switcher:
        return
    if st.session_state.get(_ACT_AS_KEY):
        # Seen even with the expander closed: everything on the page is that user's view.
        st.warning(
            "Developer switcher: you are acting as another user. Empty the name to be "
            "yourself again.",
            icon=":material/construction:",
        )
    with st.expander(":material/construction: Developer only: act as", expanded=False):
        st.caption(
            "Shown because SLIDEGEN_DEV_MODE is on. Permissions follow the chosen name, "
            "without your groups."
        )
        st.text_input(
            "User name (Enter to switch, empty for yourself)",
            key="slidegen.dev_act_as_input",
            on_change=_switch_user,
        )


def _switch_user() -> None:
    # A callback runs before the script, so this rerun already resolves the chosen user.
    st.session_state[_ACT_AS_KEY] = st.session_state["slidegen.dev_act_as_input"].strip() or None
