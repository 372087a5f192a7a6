"""Deck titles from a request's subject: a short phrase of its own words, never cut text."""

from __future__ import annotations

import re

MAX_TITLE_WORDS = 8
_LEAD_IN = re.compile(r"^[^\n]*:[ \t]*\n\s*\n")  # a user template's "...:" line
_FILLER = re.compile(
    r"^(please\s+)?((create|make|build|generate|write|prepare|draft)\s+|give me\s+)?"
    r"((me|us)\s+)?((an?|the)\s+)?(\d+[- ]slides?\s+)?((slide\s+)?(deck|presentation|slides)\s+)?"
    r"((about|on|for|covering|of)\s+)?",
    re.I,
)
_CLAUSE_END = re.compile(r"\s+[—–-]\s+|[:;.!?\n(]|,\s")
_AUDIENCE = re.compile(r"\s+(for|to)\s+(the\s+|our\s+)?[\w&' -]{1,40}$", re.I)


def subject_title(request: str) -> str | None:
    """Return the request's subject as a title of at most eight words, or None if it has none."""
    text = _LEAD_IN.sub("", request.strip(), count=1)
    subject = _CLAUSE_END.split(" ".join(text.split()), maxsplit=1)[0]
    subject = _FILLER.sub("", subject, count=1).strip(" ,.-")
    subject = re.sub(r"\b(our|my)\s+", "", subject, flags=re.I)
    if len(subject.split()) > 4:  # "… for the CFO": the audience belongs in the subtitle
        subject = _AUDIENCE.sub("", subject)
    words = subject.split()
    if not words or len(words) > MAX_TITLE_WORDS or not re.search(r"[^\W\d_]", subject):
        return None
    return subject[0].upper() + subject[1:]
