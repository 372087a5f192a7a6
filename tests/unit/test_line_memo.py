"""Line breaks remembered within a layout check: the same boxes, fewer questions to Pango.

The export corpus (the offline engine's slides plus quotes, images, long text, nested lists,
tables) is laid out in every shipped style with and without the memory; every box and every
line of text must be where it was. The memory is this thread's, for one document only.
"""

from __future__ import annotations

import contextlib
import threading
from typing import Any

import pytest

from slidegen.render import layout_check, line_memo
from slidegen.render.charts import palette_from_css
from slidegen.render.document import slide_body
from tests.export_corpus import STYLES, corpus_deck
from tests.unit.test_chart_box import geometry

pytestmark = pytest.mark.skipif(not layout_check.available(), reason="WeasyPrint unavailable")


def pages(css: str, *, remembered: bool, monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    deck = corpus_deck(css)
    palette = palette_from_css(css)
    bodies = [slide_body(s, palette, deck.images, draw_charts=False) for s in deck.slides]
    if not remembered:
        monkeypatch.setattr(layout_check, "remembered_line_breaks", contextlib.nullcontext)
    found = layout_check.layout_pages(css, bodies)
    monkeypatch.undo()
    return found


@pytest.mark.parametrize("style", sorted(STYLES))
def test_remembered_line_breaks_give_every_box_where_it_was(
    style: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    css = STYLES[style]
    plain = pages(css, remembered=False, monkeypatch=monkeypatch)
    remembered = pages(css, remembered=True, monkeypatch=monkeypatch)
    assert len(plain) == len(remembered) == len(corpus_deck(css).slides)
    for number, (before, after) in enumerate(zip(plain, remembered, strict=True), 1):
        assert geometry(after) == geometry(before), f"slide {number}"


def breaker() -> Any:
    from weasyprint.layout import inline

    return inline.split_first_line


def ask(style: Any) -> Any:
    """One line-break question, as WeasyPrint's inline layout asks it; returns its layout."""
    return breaker()("Spend is growing fast", style, None, 120.0, 0)[0]


def test_answers_are_remembered_only_inside_the_block_and_only_in_its_thread() -> None:
    from weasyprint import HTML

    with line_memo.remembered_line_breaks():  # installs the wrapper
        pass
    document = HTML(string="<p>Spend is growing fast</p>").render()
    text_box = document.pages[0]._page_box.children[0].children[0].children[0]
    while not hasattr(text_box, "text"):
        text_box = text_box.children[0]
    style = text_box.style
    assert ask(style) is not ask(style)  # outside the block: WeasyPrint's own answer each time
    elsewhere: list[bool] = []
    with line_memo.remembered_line_breaks():
        assert ask(style) is ask(style)
        thread = threading.Thread(target=lambda: elsewhere.append(ask(style) is ask(style)))
        thread.start()
        thread.join()
    assert elsewhere == [False]  # another thread (a PDF export drawing) is untouched
    assert ask(style) is not ask(style)
