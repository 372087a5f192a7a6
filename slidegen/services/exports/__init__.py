"""Exports as background jobs: PowerPoint and HTML files, progress, download.

Each verb is `verb_noun(session, user, *, ...)`, loaded on first use (see services/verbs.py).
"""

from __future__ import annotations

from slidegen.services.verbs import lazy_verbs

__getattr__, __all__ = lazy_verbs(
    __name__,
    {
        "claim_export": "jobs",
        "export_file": "jobs",
        "get_export": "jobs",
        "prune_export_files": "jobs",
        "reap_stale_exports": "jobs",
        "run_export": "jobs",
        "start_export": "jobs",
    },
)
