"""Verification: each slide's numbers matched to the data its requests used, and its layout.

Each verb is `verb_noun(session, user, *, ...)`, loaded on first use (see services/verbs.py).
"""

from __future__ import annotations

from slidegen.services.verbs import lazy_verbs

__getattr__, __all__ = lazy_verbs(
    __name__,
    {
        "fix_instruction": "fixes",
        "rate_verification": "service",
        "verify_session": "service",
    },
)
