"""Line breaks remembered within one layout check: WeasyPrint finds most of them several times.

WeasyPrint lays a flex item out several times (its content size, its hypothetical size, then
for real) and measures preferred widths on the way, and each time asks Pango where the first
line of the same text breaks at the same width: on the offline engine's decks, six times per
distinct question. The answer depends only on the text, its computed style, the width and
the flags passed, so within one document it is asked once and remembered.

Only box geometry is read from a layout check's document: the Pango layout that a remembered
answer shares between boxes is never drawn (it is only read for its text and direction).
Documents that are drawn (the PDF export) never use this: the memory is switched on per
thread, for the duration of `remembered_line_breaks`, and every other caller gets
WeasyPrint's own function unchanged.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

log = logging.getLogger("slidegen.layout")
_local = threading.local()
_install_lock = threading.Lock()
_installed = False


@contextmanager
def remembered_line_breaks() -> Iterator[None]:
    """Remember WeasyPrint's line breaks in this thread until the block ends."""
    _install()
    outer = getattr(_local, "memo", None)
    _local.memo = {} if outer is None else outer
    try:
        yield
    finally:
        _local.memo = outer  # the answers (and the styles they pin) go with the document


def _install() -> None:
    """Put the remembering wrapper where WeasyPrint's layout looks its line breaker up."""
    global _installed
    with _install_lock:
        if _installed:
            return
        _installed = True
        from weasyprint.layout import inline, preferred
        from weasyprint.text import line_break

        original = line_break.split_first_line
        wrapper = _remembering(original)
        for module in (inline, preferred):
            if getattr(module, "split_first_line", None) is original:
                module.split_first_line = wrapper
            else:  # another WeasyPrint: its layout is left alone, only slower
                log.warning("WeasyPrint's %s has no split_first_line to remember", module.__name__)


def _remembering(original: Callable[..., Any]) -> Callable[..., Any]:
    def split_first_line(
        text: str,
        style: Any,
        context: Any,
        max_width: float | None,
        justification_spacing: float,
        is_line_start: bool = True,
        minimum: bool = False,
    ) -> Any:
        memo: dict[tuple[Any, ...], tuple[Any, Any]] | None = getattr(_local, "memo", None)
        if memo is None:
            return original(
                text, style, context, max_width, justification_spacing, is_line_start, minimum
            )
        # A computed style is one object per distinct style in a document; the entry keeps it
        # alive, so its id is not reused for another style while the entry is remembered.
        key = (text, id(style), max_width, justification_spacing, is_line_start, minimum)
        found = memo.get(key)
        if found is None:
            answer = original(
                text, style, context, max_width, justification_spacing, is_line_start, minimum
            )
            found = memo[key] = (answer, style)
        return found[0]

    return split_first_line
