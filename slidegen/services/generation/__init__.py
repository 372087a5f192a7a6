"""Generation and edit requests: queueing with the session lock, the agent loop, the engine.

Each verb is `verb_noun(session, user, *, ...)`, loaded on first use (see services/verbs.py).
"""

from __future__ import annotations

from slidegen.services.verbs import lazy_verbs

__getattr__, __all__ = lazy_verbs(
    __name__,
    {
        "acquire_lock": "chat_requests",
        "choose_session_prompts": "chat_requests",
        "load_profile_into_session": "chat_requests",
        "reap_stale_requests": "chat_requests",
        "release_lock": "chat_requests",
        "start_edit": "chat_requests",
        "start_generation": "chat_requests",
        "run_request": "engine",
        "claim_request": "run_context",
        "prompt_parts": "run_context",
    },
)
