"""Layout checks in worker processes, so WeasyPrint never holds the app's interpreter lock.

WeasyPrint lays slides out in pure Python: a 9-slide deck takes seconds of CPU. Run in the
app's own process, that work shares the interpreter lock with every page being drawn and every
export running, so all of them slow down while a finished deck is checked. Worker processes
run it on other cores instead. They start on first use (spawned: the app's threads are never
forked) and stay; if they cannot start or die, the check runs here, as before.

Two workers where there are two cores: many decks finishing at once do not queue on one, and
a deck checked alone is split between both (its slides share out by size), so its rating
comes in about half the time. A deck is split only while no other check runs: when checks
queue, each whole deck in one worker costs less in all (each part repeats the document).
"""

from __future__ import annotations

import logging
import threading
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool

from slidegen.deck import Slide
from slidegen.render import layout_check
from slidegen.render.layout_check import LayoutIssue, PartMismatch
from slidegen.render.workers import WORKERS, discard, worker_pool

log = logging.getLogger("slidegen.layout")
PARTS = 2 * WORKERS  # the workers take parts as they finish: a slow part does not hold both
MIN_SPLIT = 4  # fewer slides: a part's fixed cost (parsing, styling) outweighs the gain

_lock = threading.Lock()
_running = 0  # checks in the workers now
_early: set[Future] = set()  # early checks of decks still being written, not all done


def check_layout(
    css: str,
    slides: list[Slide],
    images: dict[str, str] | None = None,
    *,
    only: list[int] | None = None,
) -> list[list[LayoutIssue]] | None:
    """`layout_check.check_layout`, run in the worker processes when there are any.

    `only`: check just these slides (by index), the others keeping their places; a deck whose
    slides cannot be left out that way is checked whole.
    """
    if not slides:
        return []
    if only is not None and not only:
        return [[] for _ in slides]
    pool = worker_pool()
    if pool is not None:
        try:
            return _in_workers(pool, css, slides, images, only)
        except BrokenProcessPool:
            log.warning("the layout worker stopped; checking in this process", exc_info=True)
            discard(pool)
    try:
        return layout_check.check_layout(css, slides, images, only=only)
    except PartMismatch:
        return layout_check.check_layout(css, slides, images)


def submit_early(
    css: str, slides: list[Slide], only: list[int]
) -> Future[list[list[LayoutIssue]] | None] | None:
    """Start checking some slides of a deck still being written, if a worker is idle now.

    None when none is (or there are no workers): the slides are then checked with the rest of
    the deck when it is finished, as before. Slides the generation stores while the workers
    are free are checked in the time the model takes to write the next ones.
    """
    pool = worker_pool()
    if pool is None:
        return None
    with _lock:
        _early.difference_update([future for future in _early if future.done()])
        if len(_early) + (WORKERS if _running else 0) >= WORKERS:
            return None
        try:
            future = _submit(pool, css, slides, None, only)
        except (BrokenProcessPool, RuntimeError):  # stopping or broken: the end check copes
            return None
        _early.add(future)
    return future


def _in_workers(
    pool: ProcessPoolExecutor,
    css: str,
    slides: list[Slide],
    images: dict[str, str] | None,
    only: list[int] | None,
) -> list[list[LayoutIssue]] | None:
    global _running
    with _lock:
        alone = _running == 0
        _running += 1
    try:
        parts = _parts(slides, only) if alone else []
        if len(parts) > 1 or (only is not None and _splittable(slides)):
            futures = [_submit(pool, css, slides, images, part) for part in parts or [only]]
            try:
                return _merge([future.result() for future in futures])
            except PartMismatch:
                log.warning("a part of the deck gave other pages; checking it whole")
        return _submit(pool, css, slides, images, None).result()
    finally:
        with _lock:
            _running -= 1


def _submit(
    pool: ProcessPoolExecutor,
    css: str,
    slides: list[Slide],
    images: dict[str, str] | None,
    only: list[int] | None,
) -> Future:
    return pool.submit(layout_check.check_layout, css, slides, images, only=only)


def _parts(slides: list[Slide], only: list[int] | None = None) -> list[list[int]]:
    """Share the slides (or `only` these) out in parts, largest first to the lightest part.

    A slide's HTML length stands in for its layout time, roughly (a KPI row in a column costs
    far more than its length says); with two parts a worker, one that finishes early takes
    the next part. Only decks of slides that are one element each are split: hiding the
    others by their place needs one element per slide.
    """
    chosen = range(len(slides)) if only is None else only
    if WORKERS < 2 or len(chosen) < MIN_SPLIT or not _splittable(slides):
        return []
    parts: list[list[int]] = [[] for _ in range(PARTS)]
    sizes = [0] * PARTS
    for index in sorted(chosen, key=lambda i: -len(slides[i].html)):
        lighter = sizes.index(min(sizes))
        parts[lighter].append(index)
        sizes[lighter] += len(slides[index].html)
    return [sorted(part) for part in parts if part]


def _splittable(slides: list[Slide]) -> bool:
    return all(map(one_element, slides))


def one_element(slide: Slide) -> bool:
    """Whether a slide is one element (it can then be left empty in its place)."""
    from lxml import html

    try:
        fragments = html.fragments_fromstring(slide.html)
    except (ValueError, TypeError):  # lxml's errors for empty or odd input
        return False
    return len(fragments) == 1 and not isinstance(fragments[0], str)


def _merge(results: list[list[list[LayoutIssue]] | None]) -> list[list[LayoutIssue]] | None:
    """Each part lists every slide, with no issues for those it did not check."""
    if any(result is None for result in results):
        return None
    return [sum((result[i] for result in results if result), []) for i in range(len(results[0]))]
