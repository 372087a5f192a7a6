"""Feedback conversations: the profile's model through the real openai client against the
fake server, and the offline engine's fixed questions; stored only when confirmed."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from slidegen.config import Settings
from slidegen.db.models import FeedbackConversation
from slidegen.errors import InvalidInputError, NotFoundError
from slidegen.identity import User
from slidegen.schemas.usage import FeedbackDraft, FeedbackTurn
from slidegen.services.usage import feedback
from tests.factories import make_profile, make_session
from tests.fakes.openai_server import FakeOpenAIServer, Reply

ALICE = User(name="alice@example.com", display_name="Alice")
OFFLINE: dict[str, Any] = {
    "DATABASE_URL": "sqlite:///unused.db",
    "SLIDEGEN_LLM_PROVIDER": None,
    "SLIDEGEN_LLM_BASE_URL": None,
    "SLIDEGEN_LLM_MODEL": None,
    "SLIDEGEN_LLM_API_KEY": None,
    "DATABRICKS_HOST": None,
}
STORY = "The export to PowerPoint lost my chart colours."


@pytest.fixture
def profile(db: Session) -> None:
    db.add(make_profile("feedback-default", is_default=True))
    db.flush()


@pytest.fixture
def server() -> Iterator[FakeOpenAIServer]:
    with FakeOpenAIServer() as fake:
        yield fake


def openai_settings(server: FakeOpenAIServer) -> Settings:
    return Settings(
        **OFFLINE
        | {
            "SLIDEGEN_LLM_PROVIDER": "openai",
            "SLIDEGEN_LLM_BASE_URL": server.openai_base_url,
            "SLIDEGEN_LLM_MODEL": "gpt-fake",
            "SLIDEGEN_LLM_API_KEY": "sk-feedback",
        }
    )


def user(text: str) -> FeedbackTurn:
    return FeedbackTurn(role="user", content=text)


def asked(text: str) -> FeedbackTurn:
    return FeedbackTurn(role="assistant", content=text)


def test_the_model_asks_a_follow_up_then_writes_the_summary(
    db: Session, profile: None, server: FakeOpenAIServer
) -> None:
    summary = {"category": "bug", "severity": "high", "summary": "Chart colours are lost."}
    server.enqueue(
        Reply.text('{"question": "Which deck was it?"}'),
        Reply.text("Here you are: " + json.dumps({"summary": summary})),
    )
    settings = openai_settings(server)
    turns = [user(STORY)]
    step = feedback.next_feedback_step(db, ALICE, settings=settings, turns=turns)
    assert (step.question, step.draft) == ("Which deck was it?", None)

    turns += [asked(step.question), user("The Q3 review")]
    step = feedback.next_feedback_step(db, ALICE, settings=settings, turns=turns, session_id="s1")
    assert step.draft == FeedbackDraft(
        category="bug", severity="high", summary="Chart colours are lost.", session_id="s1"
    )
    sent = server.chat_requests[1].body["messages"]
    assert [m["role"] for m in sent] == ["system", "user", "assistant", "user"]
    assert "ask 1 more question" in sent[0]["content"]
    assert server.chat_requests[1].authorization == "Bearer sk-feedback"


def test_after_two_follow_ups_the_model_must_summarise(
    db: Session, profile: None, server: FakeOpenAIServer
) -> None:
    server.enqueue(Reply.text('{"question": "And then?"}'), times=3)
    settings = openai_settings(server)
    turns = [user(STORY), asked("Q1"), user("A1: it is a bug"), asked("Q2"), user("high")]
    step = feedback.next_feedback_step(db, ALICE, settings=settings, turns=turns)
    # The model was told it may ask no more; its question is ignored, the answers fill in.
    assert "ask 0 more question" in server.chat_requests[0].body["messages"][0]["content"]
    assert step.question is None
    assert (step.draft.category, step.draft.severity, step.draft.summary) == ("bug", "high", STORY)


def test_the_offline_engine_asks_fixed_questions_and_fills_the_fields(
    db: Session, profile: None
) -> None:
    settings = Settings(**OFFLINE)
    turns = [user(STORY)]
    first = feedback.next_feedback_step(db, ALICE, settings=settings, turns=turns)
    assert first.question == feedback.OFFLINE_QUESTIONS[0]
    turns += [asked(first.question), user("An idea, really")]
    second = feedback.next_feedback_step(db, ALICE, settings=settings, turns=turns)
    assert second.question == feedback.OFFLINE_QUESTIONS[1]
    turns += [asked(second.question), user("Low")]
    done = feedback.next_feedback_step(db, ALICE, settings=settings, turns=turns, session_id="d")
    assert done.draft == FeedbackDraft(
        category="idea", severity="low", summary=STORY, session_id="d"
    )


def test_confirmed_feedback_is_stored_with_the_conversation_and_the_deck(db: Session) -> None:
    deck = make_session(ALICE.name, title="Q3 review")
    theirs = make_session("bob@example.com", title="Private")
    db.add_all([deck, theirs])
    db.flush()
    turns = [user(STORY), asked("Which deck?"), user("Q3")]
    draft = FeedbackDraft(
        category="bug", severity="medium", summary="Colours lost", session_id=deck.session_id
    )
    stored_id = feedback.save_feedback(db, ALICE, draft=draft, turns=turns)
    row = db.scalar(select(FeedbackConversation).where(FeedbackConversation.id == stored_id))
    assert (row.category, row.severity, row.summary, row.session_id, row.created_by) == (
        "bug",
        "medium",
        "Colours lost",
        deck.session_id,
        ALICE.name,
    )
    assert [t["content"] for t in row.raw_conversation["turns"]] == [STORY, "Which deck?", "Q3"]
    with pytest.raises(NotFoundError):  # a deck the user cannot read is not attached
        feedback.save_feedback(
            db, ALICE, draft=draft.model_copy(update={"session_id": theirs.session_id}), turns=turns
        )
    with pytest.raises(InvalidInputError):
        feedback.next_feedback_step(db, ALICE, settings=Settings(**OFFLINE), turns=[])
