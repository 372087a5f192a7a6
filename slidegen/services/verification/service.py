"""Verify a deck: rate each slide from its numbers (and layout), stored by slide content hash.

Results live in `session_slide_decks.verification_map`, keyed by a hash of the slide and its
style, so a slide that did not change (or came back through reorder, undo or restore) is not
checked again; a new tool result (more data) re-checks every slide.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import update
from sqlalchemy.orm import Session

from slidegen.db.models import SessionSlideDeck
from slidegen.deck import Deck, Slide
from slidegen.identity import User
from slidegen.schemas.verification import DeckVerification, Finding
from slidegen.services.decks.store import current_version, deck_holder, load_deck
from slidegen.services.sessions.access import load_session
from slidegen.services.verification.data import deck_tool_results
from slidegen.services.verification.extract import slide_numbers
from slidegen.services.verification.matcher import DataIndex, match_number
from slidegen.services.verification.ratings import content_hash, fingerprint, slide_result

MAX_STORED_SLIDES = 200
# The layout check, when available: (css, slides) -> findings per slide, or None (no Pango).
LayoutCheck = Callable[[str, list[Slide]], list[list[Finding]] | None]


def verify_session(
    session: Session, user: User, *, session_id: str, layout: LayoutCheck | None = None
) -> DeckVerification:
    """Rate every slide of a deck, checking only slides (or data) that changed."""
    row = load_session(session, user, session_id)
    holder = deck_holder(row)
    deck = load_deck(row)
    stored = holder.slide_deck
    results = deck_tool_results(session, holder)
    data_key = fingerprint(results)
    cache: dict[str, Any] = dict(stored.verification_map or {}) if stored else {}
    keys = [content_hash(slide, deck.css) for slide in deck.slides]
    stale = [
        i
        for i, key in enumerate(keys)
        if (cache.get(key) or {}).get("data") != data_key
        or (layout is not None and not cache[key].get("layout"))
    ]
    if stale:
        fresh = check_slides(deck, stale, results, layout)
        for i, (findings, laid_out) in zip(stale, fresh, strict=True):
            cache[keys[i]] = {
                "data": data_key,
                "layout": laid_out,
                "findings": [f.model_dump(exclude_none=True) for f in findings],
            }
        _store(session, stored, cache, set(keys))
    slides = [
        slide_result(slide.slide_id, cache[key])
        for slide, key in zip(deck.slides, keys, strict=True)
    ]
    return DeckVerification(
        session_id=row.session_id, version=current_version(row), slides=slides, checked=len(stale)
    )


def check_slides(
    deck: Deck,
    indexes: list[int],
    results: list[dict[str, Any]],
    layout: LayoutCheck | None,
) -> list[tuple[list[Finding], bool]]:
    """Return the findings of the given slides and whether their layout was checked."""
    data = DataIndex(results)
    chosen = [deck.slides[i] for i in indexes]
    laid_out = layout(deck.css, chosen) if layout is not None else None
    out = []
    for n, slide in enumerate(chosen):
        findings = [match_number(number, data) for number in slide_numbers(slide)]
        if laid_out is not None:
            findings += laid_out[n]
        out.append((findings, laid_out is not None))
    return out


def _store(
    session: Session, stored: SessionSlideDeck | None, cache: dict[str, Any], current: set[str]
) -> None:
    if stored is None:
        return
    # Keep results of slides that may come back (undo, restore), within a bound.
    others = [k for k in cache if k not in current][: max(0, MAX_STORED_SLIDES - len(current))]
    kept = {k: cache[k] for k in [*current, *others]}
    session.execute(
        update(SessionSlideDeck)
        .where(SessionSlideDeck.id == stored.id)
        .values(verification_map=kept)
        .execution_options(synchronize_session=False)
    )
