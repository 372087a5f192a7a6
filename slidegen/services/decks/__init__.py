"""The deck of a session: storage with versions and save points, hand edits, edit operations.

Each verb is `verb_noun(session, user, *, ...)`, loaded on first use (see services/verbs.py).
"""

from __future__ import annotations

from slidegen.services.verbs import lazy_verbs

__getattr__, __all__ = lazy_verbs(
    __name__,
    {
        "delete_slide": "hand_edits",
        "duplicate_slide": "hand_edits",
        "move_slide": "hand_edits",
        "update_slide": "hand_edits",
        "add_message": "store",
        "create_save_point": "store",
        "get_save_point": "store",
        "list_messages": "store",
        "restore_save_point": "store",
        "show_session": "store",
        "store_deck": "store",
        "store_deck_by_id": "store",
    },
)
