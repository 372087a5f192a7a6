"""The deck of a session: load, store with a version check, save points, show."""

from __future__ import annotations

import html
import re
from typing import Any

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from slidegen.db.base import utcnow
from slidegen.db.models import (
    ChatRequest,
    SessionMessage,
    SessionSlideDeck,
    SlideDeckVersion,
    UserSession,
)
from slidegen.deck import Deck
from slidegen.errors import ConflictError, NotFoundError
from slidegen.identity import User
from slidegen.render.images import image_references
from slidegen.schemas.decks import (
    DeckPulse,
    MessageOut,
    RequestOut,
    SessionDetail,
    SlideOut,
    VersionOut,
)
from slidegen.services.generation.queue import requests_ahead
from slidegen.services.library.images import image_data_uris
from slidegen.services.sessions.access import load_session, right_on
from slidegen.services.sessions.lock import check_unlocked
from slidegen.services.verification.ratings import stored_results

MAX_SAVE_POINTS = 40


def slide_title(slide_html: str) -> str:
    """Return the text of a slide's h1 (for outlines and listings)."""
    match = re.search(r"<h1[^>]*>(.*?)</h1>", slide_html, re.S)
    text = re.sub(r"<[^>]+>", "", match.group(1)) if match else "(no title)"
    return html.unescape(" ".join(text.split()))[:100]


def deck_holder(row: UserSession) -> UserSession:
    """The session that holds the deck and its save points (a thread's parent, else itself)."""
    return row.parent if row.parent is not None else row


def load_deck(row: UserSession) -> Deck:
    """Return the session's current deck (empty when none was generated yet).

    The deck carries the session's current title: a rename changes the session row only, and
    everything made from the deck (exports' file names and document titles, the HTML download,
    the presentation) must use the name the user gave it.
    """
    holder = deck_holder(row)
    stored = holder.slide_deck
    if stored is None or not stored.deck_json:
        return Deck()
    deck = Deck.model_validate(stored.deck_json)
    return deck.model_copy(update={"title": holder.title}) if holder.title else deck


def current_version(row: UserSession) -> int:
    """Return the deck's optimistic-locking version (0 before the first deck)."""
    stored = deck_holder(row).slide_deck
    return stored.version if stored else 0


def store_deck(
    session: Session, row: UserSession, deck: Deck, *, user: User, expected_version: int
) -> int:
    """Write the deck if nobody changed it since `expected_version`; return the new version."""
    row = deck_holder(row)
    if row.slide_deck is None:
        if expected_version != 0:
            raise _conflict()
        row.slide_deck = SessionSlideDeck(
            title=deck.title,
            css=deck.css,
            deck_json=deck.model_dump(mode="json"),
            slide_count=len(deck.slides),
            version=1,
            modified_by=user.name,
        )
        session.flush()
        return 1
    version = store_deck_by_id(
        session, row.slide_deck.id, deck, user=user, expected_version=expected_version
    )
    session.expire(row.slide_deck)  # reloaded only if read again
    return version


def store_deck_by_id(
    session: Session, deck_pk: int, deck: Deck, *, user: User, expected_version: int
) -> int:
    """Write an existing deck row in one statement, with the version check."""
    result = session.execute(
        update(SessionSlideDeck)
        .where(SessionSlideDeck.id == deck_pk, SessionSlideDeck.version == expected_version)
        .values(
            title=deck.title,
            css=deck.css,
            deck_json=deck.model_dump(mode="json"),
            slide_count=len(deck.slides),
            version=expected_version + 1,
            modified_by=user.name,
            updated_at=utcnow(),
        )
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        raise _conflict()
    return expected_version + 1


def _conflict() -> ConflictError:
    return ConflictError("The deck was changed by someone else meanwhile; reload it and try again.")


def create_save_point(
    session: Session, row: UserSession, deck: Deck, *, user: User, description: str
) -> int:
    """Record the deck and the chat so far as a new save point; keep the newest 40."""
    chat = _chat_history(session, row)
    row = deck_holder(row)  # a thread's save points belong to the shared deck
    number = (
        session.scalar(
            select(func.max(SlideDeckVersion.version_number)).where(
                SlideDeckVersion.session_id == row.id
            )
        )
        or 0
    ) + 1
    session.add(
        SlideDeckVersion(
            session_id=row.id,
            version_number=number,
            description=description[:500],
            deck_json=deck.model_dump(mode="json"),
            chat_history_json=chat,
            created_by=user.name,
        )
    )
    session.flush()
    cutoff = number - MAX_SAVE_POINTS
    if cutoff > 0:
        session.execute(
            delete(SlideDeckVersion).where(
                SlideDeckVersion.session_id == row.id, SlideDeckVersion.version_number <= cutoff
            )
        )
    return number


def _chat_history(session: Session, row: UserSession) -> list[dict[str, Any]]:
    messages = session.scalars(
        select(SessionMessage)
        .where(SessionMessage.session_id == row.id)
        .order_by(SessionMessage.id)
    )
    return [
        {"role": m.role, "content": m.content, "created_at": m.created_at.isoformat()}
        for m in messages
    ]


def restore_save_point(
    session: Session,
    user: User,
    *,
    session_id: str,
    version_number: int,
    expected_version: int | None = None,
) -> SessionDetail:
    """Make a save point the current deck again (itself a new save point; nothing is deleted).

    Pass the deck version the user saw as `expected_version`: a deck changed since then (by
    a hand edit, another restore or a finished job) is not overwritten.
    """
    row = load_session(session, user, session_id, edit=True)
    check_unlocked(session, row, user)  # never under a running job's feet
    saved = session.scalar(
        select(SlideDeckVersion).where(
            SlideDeckVersion.session_id == deck_holder(row).id,
            SlideDeckVersion.version_number == version_number,
        )
    )
    if saved is None:
        raise NotFoundError(f"Save point {version_number} does not exist for this deck.")
    deck = Deck.model_validate(saved.deck_json)
    seen = current_version(row) if expected_version is None else expected_version
    store_deck(session, row, deck, user=user, expected_version=seen)
    record_change(
        session, row, deck, user=user, description=f"Restored save point {version_number}"
    )
    return show_session(session, user, session_id=session_id)


def record_change(
    session: Session, row: UserSession, deck: Deck, *, user: User, description: str
) -> None:
    """Record a change made without the LLM: a save point, a line in the chat, fresh activity."""
    create_save_point(session, row, deck, user=user, description=description)
    # The chat then tells what happened to the deck since the model's last reply.
    add_message(session, row, role="assistant", content=description, message_type="deck_change")
    now = utcnow()
    row.last_activity = now  # History lists decks by last activity
    deck_holder(row).last_activity = now
    session.flush()


def add_message(
    session: Session,
    row: UserSession,
    *,
    role: str,
    content: str,
    message_type: str | None = None,
    metadata: dict[str, Any] | None = None,
    request_id: str | None = None,
) -> None:
    """Persist one chat message (the lock's take and release mark the session active)."""
    session.add(
        SessionMessage(
            session_id=row.id,
            role=role,
            content=content,
            message_type=message_type,
            metadata_json=metadata,
            request_id=request_id,
        )
    )


def show_session(session: Session, user: User, *, session_id: str) -> SessionDetail:
    """Return the session's deck, save points and latest request."""
    row = load_session(session, user, session_id)
    deck = load_deck(row)
    versions = session.scalars(
        select(SlideDeckVersion)
        .where(SlideDeckVersion.session_id == deck_holder(row).id)
        .order_by(SlideDeckVersion.version_number.desc())
    ).all()
    last = _last_request(session, row)
    chosen = (row.agent_config or {}).get("prompts") or {}
    stored = deck_holder(row).slide_deck
    checked = stored_results(deck, stored.verification_map if stored else None)
    return SessionDetail(
        session_id=row.session_id,
        title=row.title,
        version=current_version(row),
        css=deck.css,
        images=image_data_uris(session, image_references(s.html for s in deck.slides)),
        slides=[
            SlideOut(
                slide_id=s.slide_id,
                html=s.html,
                notes=s.notes,
                charts=s.charts,
                rating=checked[s.slide_id].rating if s.slide_id in checked else None,
                findings=checked[s.slide_id].findings if s.slide_id in checked else [],
            )
            for s in deck.slides
        ],
        versions=[
            VersionOut(
                version_number=v.version_number,
                description=v.description,
                slide_count=len(v.deck_json.get("slides", [])),
                created_at=v.created_at,
            )
            for v in versions
        ],
        profile_name=row.profile_name,
        last_request=_request_out(session, last) if last else None,
        my_right=right_on(session, row, user) or "read",
        deck_prompt_id=chosen.get("selected_deck_prompt_id"),
        slide_style_id=chosen.get("selected_slide_style_id"),
    )


def deck_pulse(session: Session, user: User, *, session_id: str) -> DeckPulse:
    """Return the deck's version, its latest request and how many slides await a rating.

    Light enough to poll every second: no save points or images, and the deck itself is read
    (to count unrated slides) only when no job is writing it.
    """
    row = load_session(session, user, session_id)
    last = _last_request(session, row)
    request = _request_out(session, last) if last else None
    stored = deck_holder(row).slide_deck
    pulse = DeckPulse(
        version=current_version(row),
        slide_count=stored.slide_count if stored else 0,
        last_request=request,
    )
    if stored is not None and not (request and request.is_running):
        deck = load_deck(row)
        pulse.unrated = len(deck.slides) - len(stored_results(deck, stored.verification_map))
    return pulse


def _last_request(session: Session, row: UserSession) -> ChatRequest | None:
    return session.scalar(
        select(ChatRequest)
        .where(ChatRequest.session_id == row.id)
        .order_by(ChatRequest.id.desc())
        .limit(1)
    )


def _request_out(session: Session, request: ChatRequest) -> RequestOut:
    out = RequestOut.model_validate(request, from_attributes=True)
    if request.status == "pending":  # its place in the user's line, for "Waiting: N ahead"
        out.ahead = requests_ahead(session, request)
    return out


def list_messages(session: Session, user: User, *, session_id: str) -> list[MessageOut]:
    """Return the session's chat in order."""
    row = load_session(session, user, session_id)
    return [
        MessageOut(
            role=m.role,
            content=m.content,
            message_type=m.message_type,
            metadata=m.metadata_json,
            created_at=m.created_at,
        )
        for m in row.messages
    ]


def get_save_point(session: Session, user: User, *, session_id: str, version_number: int) -> Deck:
    """Return a save point's deck, read-only (for preview)."""
    row = load_session(session, user, session_id)
    saved = session.scalar(
        select(SlideDeckVersion).where(
            SlideDeckVersion.session_id == deck_holder(row).id,
            SlideDeckVersion.version_number == version_number,
        )
    )
    if saved is None:
        raise NotFoundError(f"Save point {version_number} does not exist for this deck.")
    deck = Deck.model_validate(saved.deck_json)
    # Its slides may name library images: the preview resolves them as the deck view does.
    names = image_references(s.html for s in deck.slides)
    return deck.model_copy(update={"images": image_data_uris(session, names)})


def preview_images(session: Session, user: User, *, htmls: list[str]) -> dict[str, str]:
    """Return the data URIs of the library images these slide fragments name (for previews).

    Library images are readable by everyone who may use the app; `user` keeps the service
    signature (and is where a per-image permission would be checked).
    """
    return image_data_uris(session, image_references(htmls))
