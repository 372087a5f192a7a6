"""The survey's schedule with a fake clock, on both databases: third deck, never while a job
runs, once per 30 days, a week's snooze, never again after three snoozes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from slidegen.config import Settings
from slidegen.db.models import ChatRequest, RequestLog, SurveyResponse
from slidegen.errors import InvalidInputError
from slidegen.identity import User
from slidegen.services.usage import survey
from tests.factories import make_session

ALICE = User(name="alice@example.com", display_name="Alice")
START = datetime(2026, 3, 2, 9, tzinfo=UTC)
SETTINGS = Settings(DATABASE_URL="sqlite:///unused.db")


class FakeClock:
    """Time that moves only when the test says so."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def advance(self, **delta: float) -> datetime:
        self.now += timedelta(**delta)
        return self.now


def finish_deck(db: Session, at: datetime, *, kind: str = "generate", status: str = "completed"):
    db.add(
        RequestLog(
            finished_at=at,
            user_name=ALICE.name,
            kind=kind,
            status=status,
            input_tokens=0,
            output_tokens=0,
            tool_calls=0,
            slides=3,
        )
    )
    db.flush()


def due(db: Session, clock: FakeClock, settings: Settings = SETTINGS) -> bool:
    return survey.survey_due(db, ALICE, settings=settings, now=clock.now)


def test_due_only_after_the_third_finished_deck(db: Session) -> None:
    clock = FakeClock(START)
    finish_deck(db, clock.now)
    finish_deck(db, clock.now, kind="edit")
    finish_deck(db, clock.now, status="error")
    finish_deck(db, clock.advance(hours=1))
    assert not due(db, clock)  # two finished decks; an edit and a failure do not count
    finish_deck(db, clock.advance(hours=1))
    assert due(db, clock)


def test_never_while_a_job_runs(db: Session) -> None:
    clock = FakeClock(START)
    for _ in range(3):
        finish_deck(db, clock.now)
    deck = make_session(ALICE.name)
    db.add(deck)
    db.flush()
    job = ChatRequest(
        request_id="survey-job", session_id=deck.id, created_by=ALICE.name, status="running"
    )
    db.add(job)
    db.flush()
    assert not due(db, clock)
    job.status = "completed"
    db.flush()
    assert due(db, clock)


def test_an_answer_keeps_it_away_for_the_interval(db: Session) -> None:
    clock = FakeClock(START)
    for _ in range(3):
        finish_deck(db, clock.now)
    survey.answer_survey(
        db, ALICE, nps_score=9, time_saved_minutes=45, comment="Great\nsecond", now=clock.now
    )
    row = db.scalar(select(SurveyResponse).where(SurveyResponse.created_by == ALICE.name))
    assert (row.nps_score, row.time_saved_minutes, row.comment) == (9, 45, "Great")
    assert not due(db, clock)
    clock.advance(days=29, hours=23)
    assert not due(db, clock)
    clock.advance(hours=1)
    assert due(db, clock)
    weekly = Settings(DATABASE_URL="sqlite:///unused.db", SLIDEGEN_SURVEY_INTERVAL_DAYS="7")
    survey.answer_survey(db, ALICE, nps_score=3, time_saved_minutes=None, comment="", now=clock.now)
    assert due(db, FakeClock(clock.now + timedelta(days=7)), weekly)
    with pytest.raises(InvalidInputError):
        survey.answer_survey(db, ALICE, nps_score=11, time_saved_minutes=0, comment=None, now=START)


def test_not_now_snoozes_a_week_and_three_snoozes_end_it(db: Session) -> None:
    clock = FakeClock(START)
    for _ in range(3):
        finish_deck(db, clock.now)
    for _ in range(2):
        survey.snooze_survey(db, ALICE, now=clock.now)
        assert not due(db, clock)
        clock.advance(days=6, hours=23)
        assert not due(db, clock)
        clock.advance(hours=1)
        assert due(db, clock)
    survey.snooze_survey(db, ALICE, now=clock.now)
    clock.advance(days=365)
    assert not due(db, clock)
