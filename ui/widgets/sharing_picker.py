"""The "share with" field of the sharing dialogs: someone seen here, or any name typed."""

from __future__ import annotations

from typing import Any

import streamlit as st

from slidegen.services import identities
from ui.db import session_scope
from ui.user import current_user


def share_with_picker(container: Any = st, *, key: str | None = None) -> str:
    """A user's e-mail or a group's name: pick one the app has seen, or type a new one.

    E-mail addresses are users, other names groups (see identities.principal_type).
    """
    with session_scope() as session:
        known = identities.known_identities(session, current_user())
    chosen = container.selectbox(
        "User e-mail or group",
        known,
        index=None,
        key=key,
        accept_new_options=True,
        placeholder="Type an e-mail or a group name",
        help="Users are named by e-mail address; any other name is a workspace group. "
        "The list holds the users and groups who have used Slidegen.",
    )
    return (chosen or "").strip()
