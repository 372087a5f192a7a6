"""Exports as background jobs: PowerPoint, HTML and PDF files, Google Slides; progress."""

from slidegen.services.verbs import lazy_verbs

__getattr__ = lazy_verbs(__name__, ("jobs", "google_auth", "google_client", "google_slides"))
