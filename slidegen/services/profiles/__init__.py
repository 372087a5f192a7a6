"""Profiles: named configurations, who may use them, their audit trail, import and export.

Each verb is `verb_noun(session, user, *, ...)`, loaded on first use (see services/verbs.py).
"""

from __future__ import annotations

from slidegen.services.verbs import lazy_verbs

__getattr__, __all__ = lazy_verbs(
    __name__,
    {
        "load_profile": "access",
        "permission_level": "access",
        "create_profile": "admin",
        "delete_profile": "admin",
        "duplicate_profile": "admin",
        "restore_profile": "admin",
        "save_configuration": "admin",
        "set_default_profile": "admin",
        "set_my_default_profile": "admin",
        "show_profile": "admin",
        "update_profile": "admin",
        "history_snapshot": "history",
        "list_history": "history",
        "record_changes": "history",
        "active_profile_row": "queries",
        "get_active_profile": "queries",
        "list_profiles": "queries",
        "grant_access": "sharing",
        "list_contributors": "sharing",
        "revoke_access": "sharing",
        "set_everyone_access": "sharing",
        "check_references": "store",
        "detail": "store",
        "my_default_id": "store",
        "preview_system_prompt": "store",
        "session_count": "store",
        "compare_profiles": "transfer",
        "export_profile": "transfer",
        "import_profile": "transfer",
    },
)
