"""The deck of a session: storage with versions and save points, hand edits, edit operations."""

from slidegen.services.verbs import lazy_verbs

__getattr__ = lazy_verbs(__name__, ("hand_edits", "operations", "store"))
