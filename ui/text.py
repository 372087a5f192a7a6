"""Untrusted text in the app's own page: shown literally, never as Markdown (decision 12).

Streamlit renders Markdown in bodies, captions, alerts and widget labels, so an image in text
from a model, data or another user would make the browser fetch its address. Every such text
goes through `plain` (bodies) or `plain_label` (labels) before Streamlit sees it;
tests/unit/test_untrusted_text.py walks app_pages/ and ui/ and fails on a call that does not.
"""

from __future__ import annotations

import re

_MARKDOWN_SPECIALS = re.compile(r"([\\`*_{}\[\]()<>#+\-.!|~$])")
# Web addresses Markdown would turn into links by itself (GFM autolinks): escaping them would
# put backslashes into the link, so they are shown as code instead: literal, and not clickable.
_WEB_ADDRESS = re.compile(r"(?:https?://|ftp://|www\.)[^\s<>\"'`]+", re.IGNORECASE)


def plain(text: str) -> str:
    """Escape Markdown so text from users, models or data renders literally (no images, no
    web links)."""
    parts, end = [], 0
    for match in _WEB_ADDRESS.finditer(text):
        parts.append(_MARKDOWN_SPECIALS.sub(r"\\\1", text[end : match.start()]))
        parts.append(f"`{match.group()}`")
        end = match.end()
    parts.append(_MARKDOWN_SPECIALS.sub(r"\\\1", text[end:]))
    return "".join(parts)


def plain_label(text: str) -> str:
    """Escape Markdown in a widget, expander, tab or dialog label: one line, shown literally."""
    # A label is one line: a newline would start a Markdown block Streamlit drops from labels.
    return plain(" ".join(str(text).split()))
