"""Split a streaming answer into slides as each one closes (decision 5).

A predecessor-style slide with a Chart.js canvas is held (with the slides after it, to keep
their order) until a script closes after it: that script holds its chart's data.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from slidegen.render.parse import (
    ParsedSlide,
    chart_scripts_recovery,
    parse_slide_fragment,
    parse_title,
)

_SLIDE_START = re.compile(
    r"<(section|div)\b[^>]*\bclass\s*=\s*[\"'][^\"']*\bslide\b[^\"']*[\"'][^>]*>", re.I
)


class SlideStream:
    """Feed text deltas; get each slide as soon as its closing tag arrives."""

    def __init__(self) -> None:
        self._buffer = ""
        self._consumed = 0
        self.title: str | None = None
        self.text_outside_slides = ""
        self._held: list[str] = []  # slide fragments waiting for their Chart.js script
        self._reported = False

    def feed(self, delta: str) -> Iterator[ParsedSlide]:
        """Add text and yield the slides it completes."""
        self._buffer += delta
        if self.title is None and "</title>" in self._buffer.lower():
            self.title = parse_title(self._buffer)
        while True:
            found = self._next_complete_slide()
            if found is None:
                return
            fragment, end = found
            self._consumed = end
            if self._held or "<canvas" in fragment.lower():
                self._held.append(fragment)
                continue
            slide = parse_slide_fragment(fragment)
            if slide is not None:
                yield slide
        if self._held and "</script>" in self._buffer[self._consumed :].lower():
            yield from self._release()

    def _release(self) -> Iterator[ParsedSlide]:
        """Parse the held slides with the charts of every script received so far."""
        recovery = chart_scripts_recovery(self._buffer)
        held, self._held = self._held, []
        for fragment in held:
            slide = parse_slide_fragment(fragment, recovery)
            if slide is None:
                continue
            if slide.had_canvas and not self._reported and recovery.summary():
                slide.warnings.append(recovery.summary() or "")
                self._reported = True
            yield slide

    def finish(self) -> Iterator[ParsedSlide]:
        """Yield what is left at the end of the stream (an unclosed last slide included)."""
        yield from self._release()
        rest = self._buffer[self._consumed :]
        start = _SLIDE_START.search(rest)
        if start is None:
            return
        slide = parse_slide_fragment(rest[start.start() :])
        if slide is not None:
            slide.warnings.append("The last slide was cut off and may be incomplete.")
            yield slide
        self._consumed = len(self._buffer)

    @property
    def full_text(self) -> str:
        """Everything received so far."""
        return self._buffer

    def _next_complete_slide(self) -> tuple[str, int] | None:
        start = _SLIDE_START.search(self._buffer, self._consumed)
        if start is None:
            return None
        tag = start.group(1).lower()
        tags = re.compile(rf"<(/?){tag}\b[^>]*>", re.I)
        depth = 0
        for match in tags.finditer(self._buffer, start.start()):
            depth += -1 if match.group(1) else 1
            if depth == 0:
                return self._buffer[start.start() : match.end()], match.end()
        return None
