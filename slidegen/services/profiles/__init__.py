"""Profiles: named configurations, who may use them, their audit trail, import and export."""

from slidegen.services.verbs import lazy_verbs

__getattr__ = lazy_verbs(
    __name__, ("access", "admin", "history", "queries", "sharing", "store", "transfer")
)
