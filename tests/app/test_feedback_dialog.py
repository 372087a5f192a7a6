"""The sidebar's Feedback dialog with the offline engine: fixed questions, then a summary the
user confirms; nothing is stored before that, and the text is shown literally."""

from __future__ import annotations

from sqlalchemy import select
from streamlit.testing.v1 import AppTest

from slidegen.config import Settings
from slidegen.db.database import Database
from slidegen.db.models import FeedbackConversation
from tests.app.test_pages import APP

STORY = "**Export** lost my colours ![x](https://evil.example/a.png)"


def stored(url: str) -> list[FeedbackConversation]:
    database = Database(Settings(DATABASE_URL=url))
    try:
        with database.scope() as session:
            rows = list(session.scalars(select(FeedbackConversation)))
            session.expunge_all()
            return rows
    finally:
        database.dispose()


def send(at: AppTest, text: str) -> None:
    at.text_area[0].set_value(text)
    at.button(key="slidegen.feedback.send").click().run()
    assert not at.exception, at.exception


def test_offline_feedback_asks_two_fixed_questions_and_stores_the_confirmed_summary(
    app_env: str,
) -> None:
    at = AppTest.from_file(APP, default_timeout=30)
    at.run()
    at.button(key="slidegen.feedback.open").click().run()
    assert not at.exception, at.exception

    send(at, STORY)
    assert "Which fits best: bug, quality, idea or praise?" in [t.value for t in at.text]
    assert STORY in [t.value for t in at.text]  # literal text, not Markdown
    assert not any("evil.example" in str(m.value) for m in at.markdown)
    send(at, "a bug")
    send(at, "high")
    assert stored(app_env) == []  # nothing before the user confirms

    assert at.selectbox(key="fb.category").value == "bug"
    assert at.selectbox(key="fb.severity").value == "high"
    assert at.text_area(key="fb.summary").value == STORY
    at.text_area(key="fb.summary").set_value("Export loses chart colours.")
    at.button(key="fb.confirm").click().run()
    assert not at.exception, at.exception
    [row] = stored(app_env)
    assert (row.category, row.severity, row.summary) == (
        "bug",
        "high",
        "Export loses chart colours.",
    )
    assert len(row.raw_conversation["turns"]) == 5
