"""Show service errors once, as a message, never as a traceback."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager

import streamlit as st

from slidegen.errors import SlidegenError
from ui.text import plain

log = logging.getLogger("slidegen.ui")
SOMETHING_WENT_WRONG = (
    "Something went wrong on our side. Reload the page; if it happens again, "
    "tell your administrator (details are in the app's log)."
)


@contextmanager
def user_errors() -> Iterator[None]:
    """Render a SlidegenError as st.error and stop the page; log anything unexpected."""
    try:
        yield
    except SlidegenError as exc:
        st.error(plain(exc.user_message), icon=":material/error:")
        st.stop()
    except Exception:
        log.exception("unexpected error while rendering a page")
        st.error(SOMETHING_WENT_WRONG, icon=":material/error:")
        st.stop()
