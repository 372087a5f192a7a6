"""The process-wide job pool that runs generations and exports in the background (decision 4)."""

from slidegen.services.verbs import lazy_verbs

__getattr__ = lazy_verbs(__name__, ("pool",))
