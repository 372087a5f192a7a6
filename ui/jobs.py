"""Submit requests to the process-wide worker pool from a page."""

from __future__ import annotations

from slidegen.config import get_settings
from slidegen.services.jobs.pool import runner_for
from ui.db import database
from ui.user import user_token


def submit(request_id: str) -> None:
    """Run a queued request in the background; the page polls the database for progress.

    The user's forwarded token (if the proxy sends one) rides along in memory so Genie runs on
    behalf of the user; it is not stored with the request.
    """
    runner_for(database(), get_settings()).submit(request_id, user_token=user_token())
