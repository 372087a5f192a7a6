"""Verification: each slide's numbers matched to the data its requests used, and its layout."""

from slidegen.services.verbs import lazy_verbs

__getattr__ = lazy_verbs(__name__, ("data", "extract", "fixes", "matcher", "ratings", "service"))
