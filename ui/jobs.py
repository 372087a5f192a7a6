"""Submit requests to the process-wide worker pool from a page."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from slidegen.config import get_settings
from slidegen.services.jobs.pool import JobRunner, runner_for
from ui.db import database
from ui.user import user_token


def submitter() -> Callable[[str], None]:
    """Return a function that runs a queued request in the background (the page polls the
    database for progress), with no st call of its own: what it needs from Streamlit is
    looked up now, before the change it follows (`ui.callbacks.run_to_end`).

    The user's forwarded token (if the proxy sends one) rides along in memory so Genie runs on
    behalf of the user; it is not stored with the request.
    """
    runner, token = runner_for(database(), get_settings()), user_token()
    return partial(_submit, runner, token)


def _submit(runner: JobRunner, token: str | None, request_id: str) -> None:
    runner.submit(request_id, user_token=token)
