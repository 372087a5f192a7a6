"""Generation and edit requests: queueing with the session lock, the agent loop, the engine."""

from slidegen.services.verbs import lazy_verbs

__getattr__ = lazy_verbs(
    __name__, ("agent", "chat_requests", "engine", "queue", "rating", "run_context")
)
