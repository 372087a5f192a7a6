"""Edits by hand, without the LLM: move, duplicate, delete, and change a slide's HTML or notes.

Each is applied with the deck's version check and makes a save point, so it can be undone.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy.orm import Session

from slidegen.deck import ChartSpec, Deck, Slide, new_id
from slidegen.errors import InvalidInputError, NotFoundError
from slidegen.identity import User
from slidegen.render.parse import parse_slide_fragment
from slidegen.schemas.decks import SessionDetail
from slidegen.services.decks.store import (
    deck_holder,
    load_deck,
    record_change,
    show_session,
    store_deck,
)
from slidegen.services.sessions.access import load_session
from slidegen.services.sessions.lock import check_unlocked
from slidegen.services.verification.data import deck_tool_results
from slidegen.services.verification.fixes import apply_direct_fixes, direct_fixes
from slidegen.services.verification.service import check_slides, verify_session

MAX_SLIDE_HTML_CHARS = 200_000


def _change(
    session: Session,
    user: User,
    session_id: str,
    expected_version: int,
    change: Callable[[Deck], str],
) -> SessionDetail:
    row = load_session(session, user, session_id, edit=True)
    check_unlocked(session, row, user)  # the owner's or a contributor's job on this deck
    deck = load_deck(row)
    description = change(deck)
    store_deck(session, row, deck, user=user, expected_version=expected_version)
    record_change(session, row, deck, user=user, description=description)
    verify_session(session, user, session_id=session_id)  # rates the changed slide only
    return show_session(session, user, session_id=session_id)


def _index(deck: Deck, slide_id: str) -> int:
    try:
        return deck.index_of(slide_id)
    except KeyError:
        raise NotFoundError("That slide is no longer in the deck; reload it.") from None


def move_slide(
    session: Session,
    user: User,
    *,
    session_id: str,
    slide_id: str,
    offset: int,
    expected_version: int,
) -> SessionDetail:
    """Move a slide up (offset -1) or down (+1)."""

    def change(deck: Deck) -> str:
        index = _index(deck, slide_id)
        target = min(max(index + offset, 0), len(deck.slides) - 1)
        deck.slides.insert(target, deck.slides.pop(index))
        return f"Moved slide {index + 1} to position {target + 1}"

    return _change(session, user, session_id, expected_version, change)


def duplicate_slide(
    session: Session, user: User, *, session_id: str, slide_id: str, expected_version: int
) -> SessionDetail:
    """Insert a copy of a slide right after it."""

    def change(deck: Deck) -> str:
        index = _index(deck, slide_id)
        original = deck.slides[index]
        charts = [c.model_copy(update={"chart_id": new_id("c")}) for c in original.charts]
        html = original.html
        for old, new in zip(original.charts, charts, strict=True):
            html = html.replace(
                f'data-chart-id="{old.chart_id}"', f'data-chart-id="{new.chart_id}"'
            )
        deck.slides.insert(index + 1, Slide(html=html, charts=charts, notes=original.notes))
        return f"Duplicated slide {index + 1}"

    return _change(session, user, session_id, expected_version, change)


def delete_slide(
    session: Session, user: User, *, session_id: str, slide_id: str, expected_version: int
) -> SessionDetail:
    """Delete a slide (undo by restoring the previous save point)."""

    def change(deck: Deck) -> str:
        if len(deck.slides) == 1:
            raise InvalidInputError("A deck keeps at least one slide.")
        index = _index(deck, slide_id)
        deck.slides.pop(index)
        return f"Deleted slide {index + 1}"

    return _change(session, user, session_id, expected_version, change)


def update_slide(
    session: Session,
    user: User,
    *,
    session_id: str,
    slide_id: str,
    expected_version: int,
    html: str | None = None,
    notes: str | None = None,
    charts: list[ChartSpec] | None = None,
) -> SessionDetail:
    """Replace a slide's HTML (sanitised like model output), notes or chart data."""

    def change(deck: Deck) -> str:
        index = _index(deck, slide_id)
        slide = deck.slides[index]
        if html is not None:
            if len(html) > MAX_SLIDE_HTML_CHARS:
                raise InvalidInputError("The slide's HTML is too large (over 200,000 characters).")
            parsed = parse_slide_fragment(
                html if 'class="slide' in html else f'<section class="slide">{html}</section>'
            )
            if parsed is None:
                raise InvalidInputError("The HTML contains no slide.")
            kept = {c.chart_id: c for c in slide.charts}
            slide.html = parsed.html
            slide.charts = parsed.charts + [
                c for cid, c in kept.items() if f'data-chart-id="{cid}"' in parsed.html
            ]
        if notes is not None:
            slide.notes = notes.strip()
        if charts is not None:
            ids = {c.chart_id for c in slide.charts}
            slide.charts = [c for c in charts if c.chart_id in ids]
        return f"Edited slide {index + 1} by hand"

    return _change(session, user, session_id, expected_version, change)


def fix_from_data(
    session: Session, user: User, *, session_id: str, slide_id: str, expected_version: int
) -> SessionDetail:
    """Correct a slide's wrong numbers to the values its data gives, without the LLM.

    Only when every wrong number has one unambiguous value (see verification.fixes); the
    correction is a versioned edit with a save point, undone like any other.
    """
    results = deck_tool_results(session, deck_holder(load_session(session, user, session_id)))

    def change(deck: Deck) -> str:
        index = _index(deck, slide_id)
        slide = deck.slides[index]
        [(findings, _)] = check_slides(deck.css, [slide], results, None)
        fixes = direct_fixes(slide, findings)
        if fixes is None:
            raise InvalidInputError(
                "This slide has no correction the data settles alone; use Fix to ask the model."
            )
        done = apply_direct_fixes(slide, fixes)
        return f"Fixed slide {index + 1} from the data: {', '.join(done)}"[:500]

    return _change(session, user, session_id, expected_version, change)
