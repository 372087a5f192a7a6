"""The worker processes that run WeasyPrint, shared by layout checks and PDF exports.

WeasyPrint lays slides out in pure Python: seconds of CPU for a deck. Run in the app's own
process, that work shares the interpreter lock with every page being drawn, so all of them
slow down. Worker processes run it on other cores instead. They start on first use (spawned:
the app's threads are never forked) and stay; callers whose pool cannot start or dies do the
work in their own process, as before.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import threading
from concurrent.futures import ProcessPoolExecutor

log = logging.getLogger("slidegen.layout")
WORKERS = max(1, min(2, os.cpu_count() or 1))

_pool: ProcessPoolExecutor | None = None
_lock = threading.Lock()


def worker_pool() -> ProcessPoolExecutor | None:
    """The shared pool of WeasyPrint workers, started on first use; None if it cannot start."""
    global _pool
    with _lock:
        if _pool is None:
            try:
                context = multiprocessing.get_context("spawn")
                _pool = ProcessPoolExecutor(max_workers=WORKERS, mp_context=context)
            except (OSError, ValueError):
                log.warning("no WeasyPrint worker process; working in this process", exc_info=True)
                return None
        return _pool


def discard(pool: ProcessPoolExecutor) -> None:
    """Drop a broken pool: the next caller starts a new one."""
    global _pool
    with _lock:
        if _pool is pool:
            _pool = None
    pool.shutdown(wait=False, cancel_futures=True)
