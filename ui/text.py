"""Untrusted text in the app's own page: shown literally, never as Markdown (decision 12).

Streamlit renders Markdown in bodies, captions, alerts and widget labels, so an image in text
from a model, data or another user would make the browser fetch its address. Every such text
goes through `plain` (bodies) or `plain_label` (labels) before Streamlit sees it;
tests/unit/test_untrusted_text.py walks app_pages/ and ui/ and fails on a call that does not.
"""

from __future__ import annotations

import re

_MARKDOWN_SPECIALS = re.compile(r"([\\`*_{}\[\]()<>#+\-.!|~$])")
# Web and mail addresses Markdown would turn into links by itself (GFM autolinks, mailto:
# ones even with the @ or the dots escaped): they are shown as code instead, literal and not
# clickable.
_WEB = r"(?:https?://|ftp://|www\.)[^\s<>\"'`]+"
_MAIL = r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+"
_ADDRESSES = re.compile(f"{_WEB}|{_MAIL}", re.IGNORECASE)
_WEB_ADDRESSES = re.compile(_WEB, re.IGNORECASE)


def plain(text: str) -> str:
    """Escape Markdown so text from users, models or data renders literally (no images, no
    web or mail links)."""
    return _escaped(text, _ADDRESSES)


def plain_label(text: str) -> str:
    """Escape Markdown in a widget, expander, tab or dialog label: one line, shown literally.

    Mail addresses stay text here: a label is also its widget's accessible name, which must
    read as the address (a mailto: link fetches nothing; an image or web link is refused).
    """
    # A label is one line: a newline would start a Markdown block Streamlit drops from labels.
    return _escaped(" ".join(str(text).split()), _WEB_ADDRESSES)


def _escaped(text: str, addresses: re.Pattern[str]) -> str:
    parts, end = [], 0
    for match in addresses.finditer(text):
        parts.append(_MARKDOWN_SPECIALS.sub(r"\\\1", text[end : match.start()]))
        parts.append(f"`{match.group()}`")
        end = match.end()
    parts.append(_MARKDOWN_SPECIALS.sub(r"\\\1", text[end:]))
    return "".join(parts)
