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

from streamlit.runtime.scriptrunner import RerunException, StopException


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
