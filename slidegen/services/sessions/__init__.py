"""Sessions: the decks a user may see (History), sharing, rename, duplicate and delete.

Each verb is `verb_noun(session, user, *, ...)`, loaded on first use (see services/verbs.py).
"""

from __future__ import annotations

from slidegen.services.verbs import lazy_verbs

__getattr__, __all__ = lazy_verbs(
    __name__,
    {
        "can_edit": "access",
        "load_session": "access",
        "right_on": "access",
        "delete_session": "actions",
        "duplicate_session": "actions",
        "open_thread": "actions",
        "rename_session": "actions",
        "summary": "actions",
        "acquire_lock": "lock",
        "check_unlocked": "lock",
        "release_lock": "lock",
        "first_slides": "queries",
        "list_my_sessions": "queries",
        "list_sessions": "queries",
        "profile_names": "queries",
        "get_sharing": "sharing",
        "set_visibility": "sharing",
        "share_session": "sharing",
        "unshare_session": "sharing",
    },
)
