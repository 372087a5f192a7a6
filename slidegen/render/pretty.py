"""Slide HTML laid out for people: one block element a line, indented by nesting.

Stored slides are sanitised fragments, often one long line. The slide editor shows them laid
out; only whitespace between block tags changes, so the slide renders the same.
"""

from __future__ import annotations

import re

BLOCKS = (
    "section|div|header|footer|aside|figure|figcaption|h[1-6]|p|ul|ol|li|table|thead|tbody|tfoot"
    "|tr|th|td|blockquote"
)
_TAG = re.compile(rf"\s*(<(/?)({BLOCKS})\b[^>]*>)\s*", re.I)
_KEEP = re.compile(r"<(pre|textarea)\b", re.I)  # whitespace matters inside these
INDENT = "  "
_INLINE_CHILDREN = re.compile(r"^(h[1-6]|p|li|th|td|figcaption|aside|blockquote)$", re.I)


def pretty_html(html: str) -> str:
    """Return the fragment with each block element on its own line, indented by depth."""
    if _KEEP.search(html):
        return html
    lines: list[str] = []
    depth = 0
    position = 0
    for match in _TAG.finditer(html):
        text = html[position : match.start()]
        if text.strip():
            _append(lines, depth, text.strip(), text=True)
        tag, closing, name = match.group(1), match.group(2), match.group(3)
        if closing:
            depth = max(0, depth - 1)
            if lines and _opens(lines[-1], name) and "\n" not in lines[-1]:
                lines[-1] += tag  # <h1>Title</h1> stays on one line
            else:
                _append(lines, depth, tag)
        else:
            _append(lines, depth, tag)
            depth += 1
        position = match.end()
    if html[position:].strip():
        _append(lines, depth, html[position:].strip(), text=True)
    return "\n".join(lines) + "\n" if lines else html


def _append(lines: list[str], depth: int, content: str, *, text: bool = False) -> None:
    if lines and text and _INLINE_CHILDREN.match(_last_open(lines[-1])):
        lines[-1] += content  # the text of a heading or paragraph follows its opening tag
        return
    lines.append(INDENT * depth + content)


def _last_open(line: str) -> str:
    found = re.findall(r"<([a-zA-Z0-9]+)\b[^>]*>$", line.strip())
    return found[-1] if found else ""


def _opens(line: str, name: str) -> bool:
    return bool(re.match(rf"\s*<{name}\b", line, re.I)) and f"</{name}" not in line.lower()
