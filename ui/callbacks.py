"""The steps after a committed change, run to their end even when Streamlit stops the run.

Streamlit looks for the browser's next message at every st call (reads and writes of
st.session_state included: SafeSessionState calls the runner's yield check on each access)
and stops the callback or page run there with a RerunException. Code that has committed a
change must still hand its job to the worker and note it for the page (the deck to open, the
export to follow), or the change is made and never shown: the start screen's Enter created a
deck that never opened, in 3 of 8 tries beside two busy processes. So: look up what the steps
need from Streamlit before the change (`ui.jobs.submitter`), then run them here.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import NoReturn

import streamlit as st
from streamlit.runtime.scriptrunner import RerunException, StopException

_INTERRUPT_POINT = "slidegen.interrupt_point"  # never set: reading it is what counts


def run_to_end(*steps: Callable[[], object]) -> None:
    """Run each step to its end, then let a rerun asked for meanwhile go on.

    Streamlit stops a step at an st call before the call does anything, so each step must be
    safe to run again from its start (set a value, submit a job by id). The newest rerun is
    raised: it carries the browser's latest state. A stop (the session is closing) is final:
    a step stopped by it is skipped, and the rest still run (a job is still submitted).
    """
    stopped: RerunException | StopException | None = None
    for step in steps:
        while True:
            try:
                step()
                break
            except RerunException as exc:
                stopped = exc if not isinstance(stopped, StopException) else stopped
            except StopException as exc:
                stopped = exc
                break
    if stopped is not None:
        raise stopped


def rerun() -> NoReturn:
    """`st.rerun()` that gives way to a rerun the browser asked for meanwhile.

    Streamlit folds a pending rerun into a newer one and keeps the newer one's page: a page or
    fragment run calling `st.rerun()` while a click on another page waited for its next
    interrupt point replaced that navigation with a rerun of this page, and the click was lost
    (the polling fragments do this when a job ends, after a database read that can take a
    while on a busy machine). Reading the session state is an interrupt point: a rerun asked
    for meanwhile takes over there, and only otherwise is this page run again.
    """
    st.session_state.get(_INTERRUPT_POINT)
    st.rerun()
