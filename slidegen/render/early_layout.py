"""Layout checks of a deck while it is written, so its ratings come with its last slide.

A generation stores one slide at a time, and the model takes a second or more per slide; the
layout workers are idle meanwhile. Each slide is checked as soon as the next one arrives (then
it is known not to be the last, as selectors such as `:last-child` see it in the finished
deck), in a document holding the slides before it, left empty, so it keeps its place among
its siblings as in the whole deck's check. When the deck is finished only what was not
checked yet (at least the last slide) is checked, with the whole deck around it.

Checks start early only while a worker is idle, and only once the deck has taken a while to
write: when many decks are written at once, or a deck is written faster than a check takes
(the offline engine writes one in a tenth of a second), its slides wait for the end, where
the deck split between the workers costs fewer documents than slide by slide.
Not started early: slides with library images (their data is read at the end), slides that
are not one element (they cannot be left empty in place), and styles that pick slides by their
place from the end or by type (`nth-last-…`, `…-of-type`, `only-child`), which a deck being
written cannot know yet.
"""

from __future__ import annotations

import json
import logging
import re
import threading
import time
from collections.abc import Callable
from concurrent.futures import CancelledError, Future
from concurrent.futures.process import BrokenProcessPool

from slidegen.deck import Slide
from slidegen.render import layout_check, layout_worker
from slidegen.render.layout_check import LayoutIssue, PartMismatch

log = logging.getLogger("slidegen.layout")
_PLACE_FROM_END = re.compile(r"nth-last-|-of-type|only-child", re.IGNORECASE)
# Slides arriving sooner than this after the first are not checked one by one: about what a
# slide's own document costs to lay out, so a check started earlier would not end sooner.
WRITING_FOR_S = 0.5
Issues = list[list[LayoutIssue]]
RestCheck = Callable[..., Issues | None]  # layout_worker.check_layout(css, slides, images, only)


class EarlyLayout:
    """The layout checks of one deck being generated, started as its slides arrive."""

    def __init__(self, css: str, *, clock: Callable[[], float] = time.monotonic) -> None:
        self.css = css
        self._clock = clock
        self._first: float | None = None  # when the first slide arrived
        self._open = not _PLACE_FROM_END.search(css)
        self._started = 0  # slides [0, _started) are being checked or were
        self._batches: list[tuple[list[Slide], list[int], Future[Issues | None]]] = []
        self._lock = threading.Lock()

    def add(self, slides: list[Slide]) -> None:
        """Note the deck so far; start checking the slides before the newest if a worker is idle."""
        with self._lock:
            now = self._clock()
            self._first = now if self._first is None else self._first
            if not self._open or len(slides) < 2 or now - self._first < WRITING_FOR_S:
                return
            if not layout_check.available():
                return
            if not all(map(_early_checkable, slides[self._started :])):
                self._open = False  # the end check takes the deck as it would have
                return
            ready = list(range(self._started, len(slides) - 1))
            if not ready:
                return
            deck = list(slides)  # the newest stays in the document, empty, after the ones checked
            future = layout_worker.submit_early(self.css, deck, ready)
            if future is not None:
                self._batches.append((deck, ready, future))
                self._started = len(slides) - 1

    def check(
        self,
        css: str,
        slides: list[Slide],
        images: dict[str, str] | None = None,
        *,
        rest: RestCheck = layout_worker.check_layout,
    ) -> Issues | None:
        """Return each slide's issues: those found early, the others checked now by `rest`.

        Slides are matched by content (and style), as stored ratings are. The rest is checked
        while the early checks still running finish.
        """
        with self._lock:
            self._open = False
            batches = list(self._batches) if css == self.css else []
        started = {_content(deck[i]) for deck, indexes, _ in batches for i in indexes}
        missing = [i for i, slide in enumerate(slides) if _content(slide) not in started]
        issues = _check(rest, css, slides, images, missing)
        early = _early_results(batches)
        failed = [i for i in range(len(slides)) if i not in missing]
        failed = [i for i in failed if _content(slides[i]) not in early]
        again = _check(rest, css, slides, images, failed)
        if issues is None or again is None:
            return None  # WeasyPrint is unavailable here
        return [
            issues[i] if i in missing else again[i] if i in failed else early[_content(slide)]
            for i, slide in enumerate(slides)
        ]


def _check(
    rest: RestCheck,
    css: str,
    slides: list[Slide],
    images: dict[str, str] | None,
    only: list[int],
) -> Issues | None:
    if not only:
        return [[] for _ in slides]
    return rest(css, slides, images, only=only)


def _early_results(
    batches: list[tuple[list[Slide], list[int], Future[Issues | None]]],
) -> dict[str, list[LayoutIssue]]:
    found: dict[str, list[LayoutIssue]] = {}
    for deck, indexes, future in batches:
        try:
            issues = future.result()
        except (PartMismatch, BrokenProcessPool, CancelledError):  # a broken pool cancels
            log.warning("an early layout check failed; its slides are checked now")
            continue
        if issues is None:
            continue
        for index in indexes:
            found.setdefault(_content(deck[index]), issues[index])
    return found


def _early_checkable(slide: Slide) -> bool:
    return "image:" not in slide.html and layout_worker.one_element(slide)


def _content(slide: Slide) -> str:
    charts = [chart.model_dump(mode="json", exclude={"chart_id"}) for chart in slide.charts]
    return json.dumps([slide.html, charts], sort_keys=True)
