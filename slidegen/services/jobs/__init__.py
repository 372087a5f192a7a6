"""The process-wide job pool that runs generations and exports in the background (decision 4).

Each verb is `verb_noun(session, user, *, ...)`, loaded on first use (see services/verbs.py).
"""

from __future__ import annotations

from slidegen.services.verbs import lazy_verbs

__getattr__, __all__ = lazy_verbs(
    __name__,
    {
        "runner_for": "pool",
    },
)
