"""Build rows for tests with sensible defaults; override what a test is about."""

from __future__ import annotations

import uuid
from typing import Any

from slidegen.db.models import (
    ConfigAIInfra,
    ConfigMLflow,
    ConfigProfile,
    ConfigPrompts,
    SlideDeckPrompt,
    SlideStyle,
    UserSession,
)


def make_profile(name: str | None = None, *, full: bool = True, **fields: Any) -> ConfigProfile:
    """Return a profile, with all of its configuration rows when `full`."""
    profile = ConfigProfile(name=name or f"profile-{uuid.uuid4().hex[:8]}", **fields)
    if full:
        profile.ai_infra = ConfigAIInfra(provider="offline", llm_endpoint="slidegen-offline")
        profile.mlflow = ConfigMLflow(experiment_name="slidegen-tests")
        profile.prompts = ConfigPrompts(
            system_prompt="Write at most {max_slides} slides.",
            slide_editing_instructions="Return operations only.",
            user_prompt_template="{question}",
        )
    return profile


def make_deck_prompt(name: str | None = None, **fields: Any) -> SlideDeckPrompt:
    """Return a deck prompt."""
    fields.setdefault("prompt_content", "Tell the story in five slides.")
    return SlideDeckPrompt(name=name or f"prompt-{uuid.uuid4().hex[:8]}", **fields)


def make_slide_style(name: str | None = None, **fields: Any) -> SlideStyle:
    """Return a slide style."""
    fields.setdefault("style_content", ".slide { color: #111; }")
    return SlideStyle(name=name or f"style-{uuid.uuid4().hex[:8]}", **fields)


def make_session(created_by: str = "alice@example.com", **fields: Any) -> UserSession:
    """Return a chat session."""
    return UserSession(session_id=uuid.uuid4().hex, created_by=created_by, **fields)
