"""Layout checks started while a deck is written find what the finished deck's check finds.

The slides are handed over one at a time, as a generation stores them, and each early check is
let finish before the next slide comes (a model takes longer per slide than a check), so the
workers are idle and every slide but the last is checked early; then the finished deck is
checked and compared with `layout_check.check_layout` of the whole deck.
"""

from __future__ import annotations

from concurrent.futures import wait

import pytest

from slidegen.deck import Slide
from slidegen.render import layout_check, layout_worker
from slidegen.render.early_layout import EarlyLayout
from tests.export_corpus import STYLES
from tests.unit.test_layout_worker import BY_PLACE, CSS, deck

pytestmark = pytest.mark.skipif(not layout_check.available(), reason="WeasyPrint unavailable")

# The last slide is styled by being last: an early check of another slide must not see it so.
BY_LAST = CSS + ".slide:last-child p{font-size:9px}"
FROM_END = CSS + ".slide:nth-last-child(2) p{font-size:9px}"


class Clock:
    """A model writing a slide a second."""

    def __init__(self, seconds_per_slide: float = 1.0) -> None:
        self.now, self.step = 0.0, seconds_per_slide

    def __call__(self) -> float:
        self.now += self.step
        return self.now


def written(css: str, slides: list[Slide], clock: Clock | None = None) -> tuple[EarlyLayout, int]:
    """Hand the slides over one by one; return the checks and how many slides started early."""
    early = EarlyLayout(css, clock=clock or Clock())
    for count in range(1, len(slides) + 1):
        early.add(slides[:count])
        wait([future for _, _, future in early._batches])
    return early, sum(len(indexes) for _, indexes, _ in early._batches)


@pytest.mark.parametrize("css", [CSS, BY_PLACE, BY_LAST], ids=["plain", "by-place", "by-last"])
def test_slides_checked_as_they_come_find_what_the_whole_deck_finds(css: str) -> None:
    early, started = written(css, deck())
    assert started == len(deck()) - 1  # all but the last, which the end checks
    whole = layout_check.check_layout(css, deck())
    assert whole is not None and sum(map(len, whole)) >= 5
    assert early.check(css, deck()) == whole


@pytest.mark.parametrize("style", sorted(STYLES))
def test_the_offline_engines_slides_in_every_style(style: str) -> None:
    from tests.unit.test_chart_box import chart_slides

    slides = chart_slides()
    early, started = written(STYLES[style], slides)
    assert started == len(slides) - 1
    assert early.check(STYLES[style], slides) == layout_check.check_layout(STYLES[style], slides)


def test_a_deck_written_faster_than_a_check_is_checked_at_the_end() -> None:
    early, started = written(CSS, deck(), Clock(seconds_per_slide=0.01))  # the offline engine
    assert started == 0
    assert early.check(CSS, deck()) == layout_check.check_layout(CSS, deck())
    # From the slide that came 0.6 s after the first, the slides waiting go together.
    slower, _ = written(CSS, deck(), Clock(seconds_per_slide=0.2))
    assert [indexes for _, indexes, _ in slower._batches] == [[0, 1, 2], [3], [4]]


def test_a_style_that_counts_slides_from_the_end_waits_for_the_whole_deck() -> None:
    early, started = written(FROM_END, deck())
    assert started == 0
    assert early.check(FROM_END, deck()) == layout_check.check_layout(FROM_END, deck())


def test_slides_with_library_images_or_several_elements_wait_for_the_end() -> None:
    image = Slide(html='<section class="slide"><img src="image:logo" alt="logo"></section>')
    loose = Slide(html="<h1>Two</h1><p>elements</p>")
    for odd in (image, loose):
        slides = [*deck()[:2], odd, *deck()[2:]]
        early, started = written(CSS, slides)
        assert started == 1  # the first slide only: it was checked before the odd one came
        assert early.check(CSS, slides) == layout_worker.check_layout(CSS, slides)


def test_an_early_check_that_fails_is_done_again_at_the_end() -> None:
    shows = CSS + ".slide.slide.slide{display:flex!important}"  # hidden slides show: no parts
    early, started = written(shows, deck())
    assert started == len(deck()) - 1
    assert early.check(shows, deck()) == layout_check.check_layout(shows, deck())


def test_a_deck_whose_style_changed_meanwhile_is_checked_anew() -> None:
    early, _ = written(CSS, deck())
    assert early.check(BY_PLACE, deck()) == layout_check.check_layout(BY_PLACE, deck())
