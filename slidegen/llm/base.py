"""The LLM provider protocol, its message and event types, and the settings that pick one.

Providers are built by `slidegen.bootstrap` (the composition root), so this module imports
none of its implementations.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal, Protocol

from pydantic import BaseModel, ConfigDict, Field, SecretStr

if TYPE_CHECKING:
    from slidegen.config import Settings

Role = Literal["system", "user", "assistant", "tool"]
ProviderName = Literal["databricks", "openai", "offline"]
OPENAI_DEFAULT_BASE_URL = "https://api.openai.com/v1"


@dataclass(frozen=True, slots=True)
class TextDelta:
    """A piece of the answer's text, in order."""

    text: str


@dataclass(frozen=True, slots=True)
class ToolCallEvent:
    """A complete tool call; `error` says why `arguments` could not be parsed, if so."""

    id: str
    name: str
    arguments: dict[str, Any]
    raw_arguments: str
    error: str | None = None


@dataclass(frozen=True, slots=True)
class Usage:
    """Token counts the server reported for the call."""

    prompt_tokens: int
    completion_tokens: int


@dataclass(frozen=True, slots=True)
class Finished:
    """The answer ended: "stop", "tool_calls", "length" or "content_filter"."""

    reason: str


LLMEvent = TextDelta | ToolCallEvent | Usage | Finished


@dataclass(frozen=True, slots=True)
class Message:
    """One chat message; assistant messages may carry tool calls, tool messages answer one."""

    role: Role
    content: str | None = None
    tool_calls: tuple[ToolCallEvent, ...] = field(default=())
    tool_call_id: str | None = None
    name: str | None = None


@dataclass(frozen=True, slots=True)
class ToolSpec:
    """A tool the model may call; `parameters` is its JSON schema."""

    name: str
    description: str
    parameters: dict[str, Any]
    kind: str = ""  # what the tool is ("sql" for a SQL data source), for engines that choose


class LLMProvider(Protocol):
    """Streams a chat completion as events; raises LLMError subclasses on failure."""

    name: str

    def stream(
        self,
        messages: list[Message],
        tools: list[ToolSpec],
        *,
        temperature: float,
        max_tokens: int,
    ) -> Iterator[LLMEvent]:
        """Yield TextDelta as text arrives, then ToolCallEvents, Usage (if known), Finished."""
        ...


class LLMSettings(BaseModel):
    """How to reach the model for one generation: a profile's snapshot plus secrets."""

    model_config = ConfigDict(frozen=True)

    provider: ProviderName
    endpoint: str = Field("", description="serving endpoint name or model name")
    base_url: str | None = None
    api_key: SecretStr | None = None
    temperature: float = Field(0.7, ge=0, le=2)
    max_tokens: int = Field(60000, gt=0)
    timeout_s: float = Field(120, gt=0)
    max_retries: int = Field(2, ge=0)


def resolve_llm_settings(llm: LLMSettings, settings: Settings) -> LLMSettings:
    """Apply the SLIDEGEN_LLM_* environment, which overrides the profile, to `llm`.

    The model, base URL and key describe an OpenAI-compatible server, so they apply only when
    the resulting provider is "openai".
    """
    updates: dict[str, Any] = {}
    if settings.llm_provider:
        updates["provider"] = settings.llm_provider
    if updates.get("provider", llm.provider) == "openai":
        if settings.llm_model:
            updates["endpoint"] = settings.llm_model
        if settings.llm_base_url:
            updates["base_url"] = settings.llm_base_url
        if llm.api_key is None and settings.llm_api_key is not None:
            updates["api_key"] = settings.llm_api_key
    return llm.model_copy(update=updates) if updates else llm
