"""Exports as background jobs: PowerPoint and HTML files, progress, download."""

from slidegen.services.verbs import lazy_verbs

__getattr__ = lazy_verbs(__name__, ("jobs",))
