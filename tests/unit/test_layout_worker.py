"""A deck checked in parts by two worker processes finds what it finds checked whole.

Each part lays out some slides and keeps the others in the document undisplayed, so every
slide keeps its place among its siblings (a style may pick slides by it).
"""

from __future__ import annotations

import pytest

from slidegen.deck import Slide
from slidegen.render import layout_check, layout_worker
from slidegen.render.layout_check import PartMismatch
from slidegen.seed_content.css.system_default import CSS

BODY = "<p>Spend is steady across the year, with a small rise in the last quarter.</p>" * 3
BODIES = [
    BODY,
    '<p style="font-size:9px">tiny</p>' + BODY,
    '<p style="color:#bbbbbb">Pale grey on white</p>' + BODY,
    "<p>" + "Too much text for one slide. " * 120 + "</p>",
    "",
    '<div style="height:60px;overflow:hidden"><p>one<br>two<br>three<br>four</p></div>' + BODY,
]
# The third slide's text is small because of its place among the slides.
BY_PLACE = CSS + ".slide:nth-child(3) p{font-size:10px}"


def deck() -> list[Slide]:
    return [Slide(html=f'<section class="slide"><h1>Title</h1>{b}</section>') for b in BODIES]


def in_parts(css: str, slides: list[Slide]) -> list[list[layout_check.LayoutIssue]] | None:
    parts = layout_worker._parts(slides)
    assert len(parts) == layout_worker.PARTS
    return layout_worker._merge([layout_check.check_layout(css, slides, only=p) for p in parts])


@pytest.fixture(autouse=True)
def _two_workers(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(layout_worker, "WORKERS", 2)
    monkeypatch.setattr(layout_worker, "PARTS", 4)


@pytest.mark.parametrize("css", [CSS, BY_PLACE], ids=["system-default", "by-place"])
def test_parts_find_what_the_whole_deck_finds(css: str) -> None:
    whole = layout_check.check_layout(css, deck())
    assert whole is not None and sum(map(len, whole)) >= 5
    assert in_parts(css, deck()) == whole


def test_a_slide_styled_by_its_place_keeps_its_place_in_a_part() -> None:
    found = layout_check.check_layout(BY_PLACE, deck(), only=[2])
    assert found is not None and found[1] == []  # not checked: its 9 px text goes unreported
    assert ("small-text", "review") in {(i.check, i.severity) for i in found[2]}


def test_a_style_that_shows_hidden_slides_again_is_checked_whole() -> None:
    shows = CSS + ".slide.slide.slide{display:flex!important}"
    with pytest.raises(PartMismatch):
        layout_check.check_layout(shows, deck(), only=[0, 1])
    assert layout_worker.check_layout(shows, deck()) == layout_check.check_layout(shows, deck())


def test_only_decks_of_one_element_slides_and_enough_of_them_are_split() -> None:
    assert layout_worker._parts(deck()[:3]) == []
    assert layout_worker._parts([*deck()[:3], Slide(html="<h1>a</h1><p>b</p>")]) == []
    parts = layout_worker._parts(deck())
    assert sorted(i for part in parts for i in part) == list(range(len(BODIES)))


def test_the_worker_processes_find_what_this_process_finds() -> None:
    assert layout_worker.check_layout(CSS, deck()) == layout_check.check_layout(CSS, deck())


def test_a_slide_left_out_of_a_part_keeps_its_own_element_only() -> None:
    html = """<section class="slide" data-note='a > b'><h1>Title</h1></section>"""
    assert layout_check._empty(html) == """<section class="slide" data-note='a > b'></section>"""
