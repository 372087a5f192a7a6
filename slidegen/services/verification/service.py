"""Verify a deck: rate each slide from its numbers (and layout), stored by slide content hash.

Results live in `session_slide_decks.verification_map`, keyed by a hash of the slide and its
style, so a slide that did not change (or came back through reorder, undo or restore) is not
checked again; a new tool result (more data) re-checks every slide.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import date
from functools import partial
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from slidegen.config import Settings
from slidegen.db.base import utcnow
from slidegen.db.models import ChatRequest, SessionSlideDeck, UserSession
from slidegen.deck import Slide
from slidegen.errors import InvalidInputError, NotFoundError
from slidegen.identity import User
from slidegen.render.early_layout import EarlyLayout
from slidegen.render.images import image_references
from slidegen.render.layout_check import LayoutIssue
from slidegen.render.layout_check import available as layout_available
from slidegen.render.layout_worker import check_layout
from slidegen.schemas.verification import DeckVerification, Finding, SlideVerification, worst
from slidegen.services.decks.store import current_version, deck_holder, load_deck
from slidegen.services.library.images import image_data_uris
from slidegen.services.sessions.access import load_session
from slidegen.services.usage.rollups import count_checked_slides, count_vote, utc_day
from slidegen.services.verification.data import deck_tool_results
from slidegen.services.verification.extract import slide_numbers
from slidegen.services.verification.fixes import settle_series
from slidegen.services.verification.judge import Judge, apply_verdicts, find_claims
from slidegen.services.verification.matcher import DataIndex, match_number
from slidegen.services.verification.ratings import (
    content_hash,
    fingerprint,
    slide_result,
    stored_results,
)
from slidegen.tracing import FeedbackRecord, exporter

MAX_STORED_SLIDES = 200
FEEDBACK_NAME = "verification_rating"  # the MLflow feedback's name on a request's trace
Images = dict[str, str]
# The layout check: (css, slides, images) -> issues per slide, or None (WeasyPrint unavailable).
LayoutCheck = Callable[[str, list[Slide], Images], list[list[LayoutIssue]] | None]


def verify_session(
    session: Session,
    user: User,
    *,
    session_id: str,
    layout: bool = True,
    judge: Judge | None = None,
) -> DeckVerification:
    """Rate every slide of a deck, checking only slides (or data) that changed.

    `layout=False` checks numbers only (the layout check lays slides out: about 0.1 s each).
    With a `judge`, what the matcher cannot settle on the slides checked now (and on slides
    never judged before) goes to the LLM in one call.
    Runs in the caller's transaction; a background job uses the three steps below instead, so
    its layout checks and its judge's call hold no transaction (on SQLite, a transaction holds
    the write lock).
    """
    plan = plan_verification(
        session, user, session_id=session_id, layout=layout, judged=judge is not None
    )
    fresh = run_checks(plan, judge=judge)
    judged = judge is not None and not judge.cost.errors
    return store_checks(session, user, plan=plan, fresh=fresh, judged=judged)


@dataclass(frozen=True)
class VerificationPlan:
    """What to check: the deck's slides that have no current rating, with their inputs."""

    session_id: str
    css: str
    slides: list[Slide]
    keys: list[str]  # content hash of each slide to check
    results: list[dict[str, Any]]
    data_key: str
    images: Images
    layout: bool


def plan_verification(
    session: Session,
    user: User,
    *,
    session_id: str,
    layout: bool = True,
    judged: bool = False,
) -> VerificationPlan:
    """Read what `run_checks` needs: the slides whose rating is missing or out of date.

    With `judged`, a slide the judge never saw is out of date too.
    """
    row = load_session(session, user, session_id)
    holder = deck_holder(row)
    deck = load_deck(row)
    results = deck_tool_results(session, holder)
    data_key = fingerprint(results)
    cache = _stored_map(holder.slide_deck)
    check_layout_too = layout and layout_available()

    def out_of_date(entry: dict[str, Any]) -> bool:
        return (
            entry.get("data") != data_key
            or (check_layout_too and not entry.get("layout"))
            or (judged and not entry.get("judged"))
        )

    stale = [s for s in deck.slides if out_of_date(cache.get(content_hash(s, deck.css)) or {})]
    images = image_data_uris(session, image_references(s.html for s in stale)) if stale else {}
    return VerificationPlan(
        session_id=row.session_id,
        css=deck.css,
        slides=stale,
        keys=[content_hash(slide, deck.css) for slide in stale],
        results=results,
        data_key=data_key,
        images=images,
        layout=layout,
    )


def run_checks(
    plan: VerificationPlan, *, judge: Judge | None = None, early: EarlyLayout | None = None
) -> list[tuple[list[Finding], bool]]:
    """Check the planned slides (numbers, layout when asked, the judge when given).

    `early`: layout checks a generation started as its slides arrived; only the slides they
    did not cover are laid out now. Touches no database.
    """
    if not plan.slides:
        return []
    layout: LayoutCheck | None = None
    if plan.layout:
        layout = check_layout if early is None else partial(early.check, rest=check_layout)
    return check_slides(plan.css, plan.slides, plan.results, layout, plan.images, judge=judge)


def store_checks(
    session: Session,
    user: User,
    *,
    plan: VerificationPlan,
    fresh: list[tuple[list[Finding], bool]],
    judged: bool = False,
) -> DeckVerification:
    """Store the checked slides' ratings and return the current deck's ratings.

    The deck is read again: ratings are keyed by content hash, so results for slides changed
    meanwhile are kept for an undo, and a slide added meanwhile is rated `unknown` until checked.
    """
    row = load_session(session, user, plan.session_id)
    holder = deck_holder(row)
    deck = load_deck(row)
    stored = holder.slide_deck
    cache = _stored_map(stored)
    for key, (findings, laid_out) in zip(plan.keys, fresh, strict=True):
        cache[key] = {
            "data": plan.data_key,
            "layout": laid_out,
            "findings": [f.model_dump(exclude_none=True) for f in findings],
        }
        if judged:
            cache[key]["judged"] = True
    keys = [content_hash(slide, deck.css) for slide in deck.slides]
    if fresh:
        _store(session, stored, cache, set(keys))
        # The usage dashboard counts each check's rating (stored decks only, like the results).
        if stored is not None:
            count_checked_slides(
                session,
                day=utc_day(utcnow()),
                profile_name=row.profile_name,
                ratings=[worst([f.verdict for f in findings]) for findings, _ in fresh],
            )
    slides = [
        slide_result(slide.slide_id, cache[key])
        if key in cache
        else SlideVerification(slide_id=slide.slide_id, rating="unknown", findings=[])
        for slide, key in zip(deck.slides, keys, strict=True)
    ]
    return DeckVerification(
        session_id=row.session_id, version=current_version(row), slides=slides, checked=len(fresh)
    )


def stored_verification(
    session: Session, user: User, *, session_id: str
) -> DeckVerification | None:
    """Return the ratings already stored for the deck's current slides, checking nothing.

    None until some slide was checked; slides not checked yet are left out.
    """
    row = load_session(session, user, session_id)
    deck = load_deck(row)
    stored = deck_holder(row).slide_deck
    checked = stored_results(deck, stored.verification_map if stored else None)
    if not checked:
        return None
    slides = [checked[s.slide_id] for s in deck.slides if s.slide_id in checked]
    return DeckVerification(session_id=row.session_id, version=current_version(row), slides=slides)


def _stored_map(stored: SessionSlideDeck | None) -> dict[str, Any]:
    return dict(stored.verification_map or {}) if stored else {}


def check_slides(
    css: str,
    slides: list[Slide],
    results: list[dict[str, Any]],
    layout: LayoutCheck | None,
    images: Images | None = None,
    *,
    judge: Judge | None = None,
) -> list[tuple[list[Finding], bool]]:
    """Return the findings of the given slides and whether their layout was checked.

    With a `judge` (and data to judge against), every unsettled number and comparative claim
    of these slides is judged in one LLM call. The layout check (in the worker processes) runs
    meanwhile: numbers and the judge's call take no longer than it.
    """
    with ThreadPoolExecutor(1, thread_name_prefix="slidegen-layout-wait") as waiting:
        pending = waiting.submit(layout, css, slides, images or {}) if layout else None
        data = DataIndex(results)
        numbers = []
        for slide in slides:
            found = slide_numbers(slide)
            matched = [match_number(number, data) for number in found]
            numbers.append(settle_series(found, matched, results))
        if judge is not None and results:
            claims = find_claims(slides, numbers, results)
            apply_verdicts(claims, judge.judge(claims, results), numbers)
        laid_out = pending.result() if pending is not None else None
    out = []
    for n, findings in enumerate(numbers):
        if laid_out is not None:
            findings += [layout_finding(issue) for issue in laid_out[n]]
        out.append((findings, laid_out is not None))
    return out


def layout_finding(issue: LayoutIssue) -> Finding:
    """Return a layout issue as a finding (the element is its source)."""
    return Finding(kind="layout", verdict=issue.severity, text=issue.text, source=issue.element)  # type: ignore[arg-type]


def _store(
    session: Session, stored: SessionSlideDeck | None, cache: dict[str, Any], current: set[str]
) -> None:
    if stored is None:
        return
    # Keep results of slides that may come back (undo, restore), within a bound. A slide of
    # the current deck may have no result yet: an edit made meanwhile is still being checked.
    rated = [k for k in current if k in cache]
    others = [k for k in cache if k not in current][: max(0, MAX_STORED_SLIDES - len(rated))]
    kept = {k: cache[k] for k in [*rated, *others]}
    session.execute(
        update(SessionSlideDeck)
        .where(SessionSlideDeck.id == stored.id)
        .values(verification_map=kept)
        .execution_options(synchronize_session=False)
    )
    session.expire(stored, ["verification_map"])  # a deck shown next in this unit reads it


def rate_verification(
    session: Session,
    user: User,
    *,
    session_id: str,
    slide_id: str,
    up: bool,
    reason: str = "",
    settings: Settings | None = None,
) -> None:
    """Record a reader's thumbs up or down on a slide's rating (a reason is needed for down).

    With `settings`, the rating is also logged as MLflow feedback on the trace of the deck's
    last request (by the background trace exporter; MLflow being down loses only that).
    """
    reason = reason.strip()
    if not up and not reason:
        raise InvalidInputError("Say why the rating is wrong: a reason is needed for thumbs down.")
    row = load_session(session, user, session_id)
    deck = load_deck(row)
    stored = deck_holder(row).slide_deck
    try:
        slide = deck.slides[deck.index_of(slide_id)]
    except KeyError:
        raise NotFoundError("That slide is no longer in the deck; reload it.") from None
    cache = dict(stored.verification_map or {}) if stored else {}
    key = content_hash(slide, deck.css)
    if key not in cache:
        raise InvalidInputError("This slide has not been checked yet; wait for its rating.")
    entry = dict(cache[key])
    rating = slide_result(slide_id, entry).rating
    earlier = [f for f in entry.get("feedback") or [] if f.get("user") == user.name]
    feedback = [f for f in entry.get("feedback") or [] if f.get("user") != user.name]
    today = utc_day(utcnow())
    vote = {"user": user.name, "up": up, "reason": reason[:1000]}
    entry["feedback"] = [*feedback, vote | {"day": today.isoformat(), "rating": rating}]
    cache[key] = entry
    _store(session, stored, cache, {content_hash(s, deck.css) for s in deck.slides})
    # The usage dashboard counts votes per rating; a changed vote replaces the earlier one.
    for old in earlier:
        if old.get("day") and old.get("rating"):
            count_vote(
                session,
                day=date.fromisoformat(old["day"]),
                profile_name=row.profile_name,
                rating=old["rating"],
                up=bool(old.get("up")),
                delta=-1,
            )
    count_vote(session, day=today, profile_name=row.profile_name, rating=rating, up=up)
    if settings is not None:
        _log_feedback(session, row, settings, user, slide_id, rating, up, reason[:1000])


def _log_feedback(
    session: Session,
    row: UserSession,
    settings: Settings,
    user: User,
    slide_id: str,
    rating: str,
    up: bool,
    reason: str,
) -> None:
    """Queue the rating as feedback on the MLflow trace of the deck's last finished request."""
    request_id = session.scalar(
        select(ChatRequest.request_id)
        .where(ChatRequest.session_id == row.id, ChatRequest.status == "completed")
        .order_by(ChatRequest.id.desc())
        .limit(1)
    )
    if request_id is None:
        return
    exporter().submit_feedback(
        FeedbackRecord(
            tracking_uri=settings.effective_mlflow_tracking_uri,
            experiment_name=((row.agent_config or {}).get("mlflow") or {}).get("experiment_name")
            or "slidegen",
            experiment_id=settings.mlflow_experiment_id,
            request_id=request_id,
            name=FEEDBACK_NAME,
            value=up,
            rationale=reason,
            user=user.name,
            metadata={"session_id": row.session_id, "slide_id": slide_id, "rating": rating},
        )
    )
