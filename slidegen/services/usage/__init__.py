"""Usage: request logs, the admins' dashboard figures, feedback and the satisfaction survey.

Each verb is `verb_noun(session, user, *, ...)`, loaded on first use (see services/verbs.py).
"""

from __future__ import annotations

from slidegen.services.verbs import lazy_verbs

__getattr__, __all__ = lazy_verbs(
    __name__,
    {
        "answer_survey": "survey",
        "list_feedback": "dashboard",
        "list_prices": "dashboard",
        "list_profile_names": "dashboard",
        "next_feedback_step": "feedback",
        "purge_request_logs": "request_logs",
        "save_feedback": "feedback",
        "set_price": "dashboard",
        "snooze_survey": "survey",
        "start_meter": "request_logs",
        "survey_due": "survey",
        "usage_report": "dashboard",
        "write_chat_request_log": "request_logs",
        "write_export_log": "request_logs",
    },
)
