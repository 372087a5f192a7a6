"""Sessions: the decks a user may see (History), sharing, rename, duplicate and delete."""

from slidegen.services.verbs import lazy_verbs

__getattr__ = lazy_verbs(__name__, ("access", "actions", "lock", "queries", "sharing"))
