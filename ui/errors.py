"""Show service errors once, as a message, never as a traceback."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import partial

import streamlit as st

from slidegen.errors import SlidegenError
from ui.callbacks import run_to_end
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


@contextmanager
def kept_for_the_page(report: Callable[[str], None]) -> Iterator[None]:
    """In a widget's callback: hand a failure's sentence to `report` (the page's run shows it).

    A callback cannot show anything in place and must not stop the page: a SlidegenError
    gives its own sentence, anything else is logged and gives SOMETHING_WENT_WRONG. The report
    runs to its end even if Streamlit stops the callback at it (`ui.callbacks.run_to_end`).
    """
    try:
        yield
    except SlidegenError as exc:
        run_to_end(partial(report, exc.user_message))
    except Exception:
        log.exception("unexpected error in a widget's callback")
        run_to_end(partial(report, SOMETHING_WENT_WRONG))
