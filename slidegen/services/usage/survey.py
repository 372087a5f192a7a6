"""The satisfaction survey: when it is due, answers, and "Not now".

It is due after the user's third finished deck, never while one of their jobs runs, at most
once per SLIDEGEN_SURVEY_INTERVAL_DAYS after an answer; "Not now" snoozes it for a week and
after three snoozes it never comes back. `now` is a parameter so the schedule can be tested
with a fake clock.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from slidegen.config import Settings
from slidegen.db.models import ChatRequest, RequestLog, SurveyResponse, SurveySchedule
from slidegen.errors import InvalidInputError
from slidegen.identity import User

DECKS_BEFORE_SURVEY = 3
SNOOZE = timedelta(days=7)
MAX_SNOOZES = 3
MAX_MINUTES_SAVED = 10_000


def survey_due(session: Session, user: User, *, settings: Settings, now: datetime) -> bool:
    """Return whether the survey should be shown to the user now."""
    schedule = session.scalar(select(SurveySchedule).where(SurveySchedule.user_name == user.name))
    if schedule is not None:
        if schedule.snoozes >= MAX_SNOOZES:
            return False
        if schedule.snoozed_until and now < schedule.snoozed_until:
            return False
        interval = timedelta(days=settings.survey_interval_days)
        if schedule.answered_at and now < schedule.answered_at + interval:
            return False
    running = session.scalar(
        select(func.count())
        .select_from(ChatRequest)
        .where(ChatRequest.created_by == user.name, ChatRequest.status.in_(("pending", "running")))
    )
    if running:
        return False
    decks = session.scalar(
        select(func.count())
        .select_from(RequestLog)
        .where(
            RequestLog.user_name == user.name,
            RequestLog.kind == "generate",
            RequestLog.status == "completed",
        )
    )
    return (decks or 0) >= DECKS_BEFORE_SURVEY


def answer_survey(
    session: Session,
    user: User,
    *,
    nps_score: int,
    time_saved_minutes: int | None,
    comment: str | None,
    now: datetime,
) -> None:
    """Store an answer; the survey is then not due again for the interval."""
    if not 0 <= nps_score <= 10:
        raise InvalidInputError("The score goes from 0 to 10.")
    if time_saved_minutes is not None and not 0 <= time_saved_minutes <= MAX_MINUTES_SAVED:
        raise InvalidInputError("Give the time saved in minutes, from 0 to 10,000.")
    text = (comment or "").strip().splitlines()[0][:500] if (comment or "").strip() else None
    session.add(
        SurveyResponse(
            nps_score=nps_score,
            time_saved_minutes=time_saved_minutes,
            comment=text,
            created_by=user.name,
            created_at=now,
        )
    )
    schedule = _schedule(session, user)
    schedule.answered_at, schedule.snoozes, schedule.snoozed_until = now, 0, None
    session.flush()


def snooze_survey(session: Session, user: User, *, now: datetime) -> None:
    """Put the survey off for a week ("Not now"); after three times it stays away."""
    schedule = _schedule(session, user)
    schedule.snoozes += 1
    schedule.snoozed_until = now + SNOOZE
    session.flush()


def _schedule(session: Session, user: User) -> SurveySchedule:
    schedule = session.scalar(select(SurveySchedule).where(SurveySchedule.user_name == user.name))
    if schedule is None:
        schedule = SurveySchedule(user_name=user.name, snoozes=0)
        session.add(schedule)
    return schedule
