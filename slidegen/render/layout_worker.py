"""Layout checks in a worker process, so WeasyPrint never holds the app's interpreter lock.

WeasyPrint lays slides out in pure Python: a 9-slide deck takes seconds of CPU. Run in the
app's own process, that work shares the interpreter lock with every page being drawn and every
export running, so all of them slow down while a finished deck is checked. A worker process
runs it on another core instead. The worker starts on first use (spawned: the app's threads are
never forked) and stays; if it cannot start or dies, the check runs here, as before.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import threading
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool

from slidegen.deck import Slide
from slidegen.render import layout_check
from slidegen.render.layout_check import LayoutIssue

log = logging.getLogger("slidegen.layout")
WORKERS = max(1, min(2, (os.cpu_count() or 1) - 1))

_pool: ProcessPoolExecutor | None = None
_lock = threading.Lock()


def check_layout(
    css: str, slides: list[Slide], images: dict[str, str] | None = None
) -> list[list[LayoutIssue]] | None:
    """`layout_check.check_layout`, run in the worker process when there is one."""
    if not slides:
        return []
    pool = _worker_pool()
    if pool is not None:
        try:
            return pool.submit(layout_check.check_layout, css, slides, images).result()
        except BrokenProcessPool:
            log.warning("the layout worker stopped; checking in this process", exc_info=True)
            _discard(pool)
    return layout_check.check_layout(css, slides, images)


def _worker_pool() -> ProcessPoolExecutor | None:
    global _pool
    with _lock:
        if _pool is None:
            try:
                context = multiprocessing.get_context("spawn")
                _pool = ProcessPoolExecutor(max_workers=WORKERS, mp_context=context)
            except (OSError, ValueError):
                log.warning("no layout worker process; checking in this process", exc_info=True)
                return None
        return _pool


def _discard(pool: ProcessPoolExecutor) -> None:
    global _pool
    with _lock:
        if _pool is pool:
            _pool = None
    pool.shutdown(wait=False, cancel_futures=True)
