"""The current user: resolved once per rerun in app.py, read by pages."""

from __future__ import annotations

from collections.abc import Mapping

import streamlit as st

from slidegen.config import get_settings
from slidegen.identity import User, resolve_user

_USER_KEY = "slidegen.user"


def request_headers() -> Mapping[str, str]:
    """Return the headers of this browser session (empty under AppTest)."""
    try:
        return dict(st.context.headers or {})
    except Exception:  # no script run context (bare execution)
        return {}


def resolve_current_user() -> User:
    """Resolve the user from the proxy headers or the local user, and remember it."""
    user = resolve_user(request_headers(), get_settings())
    st.session_state[_USER_KEY] = user.model_dump()
    return user


def current_user() -> User:
    """Return the user app.py resolved for this rerun."""
    stored = st.session_state.get(_USER_KEY)
    return User.model_validate(stored) if stored else resolve_current_user()
