"""Usage: request logs, the admins' dashboard figures, feedback and the satisfaction survey."""

from slidegen.services.verbs import lazy_verbs

__getattr__ = lazy_verbs(
    __name__, ("access", "dashboard", "feedback", "figures", "request_logs", "rollups", "survey")
)
