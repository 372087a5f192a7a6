"""Feedback: a short conversation, then a structured summary the user confirms.

The user's profile's model asks at most two follow-up questions and then writes the summary
as JSON; the offline engine asks fixed questions and fills the same fields from the answers.
"""

from __future__ import annotations

import json
import re

from sqlalchemy.orm import Session

from slidegen import bootstrap
from slidegen.config import Settings
from slidegen.db.models import FeedbackConversation
from slidegen.errors import InvalidInputError
from slidegen.identity import User
from slidegen.llm.base import Message, TextDelta
from slidegen.schemas.usage import FeedbackDraft, FeedbackStep, FeedbackTurn
from slidegen.services.profiles.queries import active_profile_row, profile_snapshot
from slidegen.services.sessions.access import load_session

MAX_FOLLOW_UPS = 2
MAX_TURNS = 2 * MAX_FOLLOW_UPS + 1
OFFLINE_QUESTIONS = (
    "Which fits best: bug, quality, idea or praise?",
    "How much does it matter to you: low, medium or high?",
)
CATEGORIES = ("bug", "quality", "idea", "praise")
SEVERITIES = ("low", "medium", "high")
SYSTEM = """You collect feedback about Slidegen, an AI slide generator.
Read the conversation. If you need to understand the problem better and may still ask, reply
with JSON {{"question": "<one short follow-up question>"}}. Otherwise reply with JSON
{{"summary": {{"category": "bug|quality|idea|praise", "severity": "low|medium|high",
"summary": "<one paragraph in the third person>"}}}}. Reply with the JSON object only.
You may ask {left} more question(s)."""


def next_feedback_step(
    session: Session,
    user: User,
    *,
    settings: Settings,
    turns: list[FeedbackTurn],
    session_id: str | None = None,
) -> FeedbackStep:
    """Ask the next follow-up question, or propose the summary to confirm."""
    if not turns or turns[0].role != "user" or len(turns) > MAX_TURNS:
        raise InvalidInputError("Tell us what happened first.")
    asked = sum(turn.role == "assistant" for turn in turns)
    llm = bootstrap.llm_settings(profile_snapshot(active_profile_row(session, user)), settings)
    if llm.provider == "offline":
        return _offline_step(turns, asked, session_id)
    provider = bootstrap.build_provider(llm, settings)
    left = max(0, MAX_FOLLOW_UPS - asked)
    messages = [Message(role="system", content=SYSTEM.format(left=left))]
    messages += [Message(role=turn.role, content=turn.content) for turn in turns]
    events = provider.stream(messages, [], temperature=0.2, max_tokens=800)
    answer = "".join(event.text for event in events if isinstance(event, TextDelta))
    return _parse_answer(answer, turns, left, session_id)


def _parse_answer(
    answer: str, turns: list[FeedbackTurn], left: int, session_id: str | None
) -> FeedbackStep:
    found = re.search(r"\{.*\}", answer, re.DOTALL)
    try:
        data = json.loads(found.group()) if found else {}
    except json.JSONDecodeError:
        data = {}
    question = data.get("question") if isinstance(data, dict) else None
    if left > 0 and isinstance(question, str) and question.strip():
        return FeedbackStep(question=question.strip()[:500])
    summary = data.get("summary") if isinstance(data, dict) else None
    if isinstance(summary, dict):
        return FeedbackStep(
            draft=FeedbackDraft(
                category=_pick(str(summary.get("category", "")), CATEGORIES, "quality"),
                severity=_pick(str(summary.get("severity", "")), SEVERITIES, "medium"),
                summary=str(summary.get("summary") or turns[0].content)[:4000],
                session_id=session_id,
            )
        )
    # An answer we cannot read still leaves the user with a summary to correct and confirm.
    return FeedbackStep(draft=_from_answers(turns, session_id))


def _offline_step(turns: list[FeedbackTurn], asked: int, session_id: str | None) -> FeedbackStep:
    if asked < len(OFFLINE_QUESTIONS):
        return FeedbackStep(question=OFFLINE_QUESTIONS[asked])
    return FeedbackStep(draft=_from_answers(turns, session_id))


def _from_answers(turns: list[FeedbackTurn], session_id: str | None) -> FeedbackDraft:
    answers = [turn.content for turn in turns if turn.role == "user"]
    story = answers[0]
    later = " ".join(answers[1:])
    return FeedbackDraft(
        category=_pick(later or story, CATEGORIES, "quality"),
        severity=_pick(later or story, SEVERITIES, "medium"),
        summary=story[:4000],
        session_id=session_id,
    )


def _pick(text: str, choices: tuple[str, ...], default: str) -> str:
    """The first of `choices` named in the text, else `default`."""
    words = re.findall(r"[a-z]+", text.lower())
    return next((word for word in words if word in choices), default)


def save_feedback(
    session: Session, user: User, *, draft: FeedbackDraft, turns: list[FeedbackTurn]
) -> int:
    """Store the confirmed summary with the conversation; return its id."""
    if not turns:
        raise InvalidInputError("Tell us what happened first.")
    if draft.session_id:  # only a deck the user can read may be attached
        load_session(session, user, draft.session_id)
    row = FeedbackConversation(
        category=draft.category,
        severity=draft.severity,
        summary=draft.summary.strip(),
        session_id=draft.session_id,
        raw_conversation={"turns": [turn.model_dump() for turn in turns]},
        created_by=user.name,
    )
    session.add(row)
    session.flush()
    return row.id
