"""ui.callbacks.run_to_end: the steps after a committed change finish even when Streamlit
stops the run at one of their st calls (the stop then goes on)."""

from __future__ import annotations

import pytest
from streamlit.runtime.scriptrunner import RerunData, RerunException, StopException

from ui.callbacks import run_to_end


class Interrupted:
    """A step whose first `stops` tries are stopped at their st call, before doing anything."""

    def __init__(self, name: str, done: list[str], stops: list[BaseException]) -> None:
        self.name, self.done, self.stops = name, done, stops

    def __call__(self) -> None:
        if self.stops:
            raise self.stops.pop(0)
        self.done.append(self.name)


def test_a_step_stopped_for_a_rerun_runs_again_and_the_rest_follow_then_the_rerun_goes_on() -> None:
    done: list[str] = []
    first, newest = RerunException(RerunData()), RerunException(RerunData(query_string="x"))
    steps = [Interrupted("submit", done, [first]), Interrupted("open", done, [newest])]
    with pytest.raises(RerunException) as raised:
        run_to_end(*steps)
    assert done == ["submit", "open"]
    assert raised.value is newest  # the newest rerun carries the browser's latest state


def test_a_stop_skips_the_step_it_stopped_but_the_others_still_run() -> None:
    done: list[str] = []
    stop = StopException()
    steps = [
        Interrupted("note", done, [stop, stop]),  # a closing session stays stopped
        Interrupted("submit", done, []),
        Interrupted("open", done, [RerunException(RerunData())]),
    ]
    with pytest.raises(StopException):
        run_to_end(*steps)
    assert done == ["submit", "open"]


def test_steps_without_a_stop_just_run() -> None:
    done: list[str] = []
    run_to_end(Interrupted("a", done, []), Interrupted("b", done, []))
    assert done == ["a", "b"]


# A page run in a real Streamlit script runner (AppTest): the browser asks for another page
# while the run is between two interrupt points (as a polling fragment is during its database
# read), then the run asks for a rerun of its own page.
NAVIGATION_RACE = """
import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx
from streamlit.runtime.scriptrunner_utils.script_requests import RerunData

from ui.callbacks import rerun

ctx = get_script_run_ctx()
pages = st.session_state.setdefault("pages", [])
plain = st.session_state.get("plain")
pages.append(ctx.page_script_hash)
if len(pages) == 1:
    ctx.script_requests.request_rerun(RerunData(page_script_hash="history-page"))
    st.rerun() if plain else rerun()
"""


@pytest.mark.parametrize(("plain", "lost"), [(True, True), (False, False)])
def test_a_rerun_gives_way_to_a_page_the_browser_asked_for_meanwhile(
    tmp_path, plain: bool, lost: bool
) -> None:
    from streamlit.testing.v1 import AppTest

    script = tmp_path / "page.py"
    script.write_text(NAVIGATION_RACE)
    app = AppTest.from_file(str(script))
    app.session_state["plain"] = plain
    app.run(timeout=30)
    assert not app.exception
    first, second = app.session_state["pages"]
    # st.rerun() alone replaces the navigation with this page (what the helper prevents).
    assert (second == first) is lost
    assert (second == "history-page") is not lost
