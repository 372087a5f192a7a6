"""The survey in the sidebar: absent before the third deck, answered once, "Not now" hides it."""

from __future__ import annotations

from sqlalchemy import select
from streamlit.testing.v1 import AppTest

from slidegen.config import Settings
from slidegen.db.base import utcnow
from slidegen.db.database import Database
from slidegen.db.models import RequestLog, SurveyResponse, SurveySchedule
from tests.app.conftest import APP_USER
from tests.app.test_pages import APP


def add_decks(url: str, count: int) -> None:
    database = Database(Settings(DATABASE_URL=url))
    try:
        with database.scope() as session:
            for _ in range(count):
                session.add(
                    RequestLog(
                        finished_at=utcnow(),
                        user_name=APP_USER,
                        kind="generate",
                        status="completed",
                        input_tokens=0,
                        output_tokens=0,
                        tool_calls=0,
                        slides=3,
                    )
                )
    finally:
        database.dispose()


def rows(url: str, model: type) -> list:
    database = Database(Settings(DATABASE_URL=url))
    try:
        with database.scope() as session:
            found = list(session.scalars(select(model)))
            session.expunge_all()
            return found
    finally:
        database.dispose()


def run_app() -> AppTest:
    at = AppTest.from_file(APP, default_timeout=30)
    at.run()
    assert not at.exception, at.exception
    return at


def shows_survey(at: AppTest) -> bool:
    return any("Quick survey" in expander.label for expander in at.expander)


def test_the_survey_appears_after_the_third_deck_and_an_answer_is_stored(app_env: str) -> None:
    add_decks(app_env, 2)
    assert not shows_survey(run_app())
    add_decks(app_env, 1)
    at = run_app()
    assert shows_survey(at)
    at.select_slider(key="survey.nps").set_value(10)
    at.number_input(key="survey.minutes").set_value(30)
    at.text_input(key="survey.text").set_value("Saved my Monday")
    at.button[[b.label for b in at.button].index("Send")].click().run()
    assert not at.exception, at.exception
    [answer] = rows(app_env, SurveyResponse)
    assert (answer.nps_score, answer.time_saved_minutes, answer.comment) == (
        10,
        30,
        "Saved my Monday",
    )
    assert not shows_survey(at)


def test_not_now_hides_it(app_env: str) -> None:
    add_decks(app_env, 3)
    at = run_app()
    at.button(key="survey.snooze").click().run()
    assert not at.exception, at.exception
    assert not shows_survey(at)
    assert [s.snoozes for s in rows(app_env, SurveySchedule)] == [1]
    assert rows(app_env, SurveyResponse) == []
