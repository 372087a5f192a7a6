"""The self-contained HTML export: the presentation document the app already renders."""

from __future__ import annotations

from slidegen.deck import Deck
from slidegen.render.document import deck_document


def export_html(deck: Deck) -> bytes:
    """Return the deck as one HTML file (charts inline as SVG, keyboard navigation, no fetches)."""
    return deck_document(deck).encode("utf-8")
