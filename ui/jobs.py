"""Submit requests to the process-wide worker pool from a page."""

from __future__ import annotations

from slidegen.config import get_settings
from slidegen.services.jobs import runner_for
from ui.db import database


def submit(request_id: str) -> None:
    """Run a queued request in the background; the page polls the database for progress."""
    runner_for(database(), get_settings()).submit(request_id)
