"""The LLM provider protocol, its message and event types, and the provider factory.

`make_provider` builds the network providers (Databricks model serving and any
OpenAI-compatible server). The offline engine is not built here: the generation service
creates it, because it needs no client and answers from the deck model directly.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal, Protocol

from pydantic import BaseModel, ConfigDict, Field, SecretStr

from slidegen.errors import ConfigurationError

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


def make_provider(
    llm: LLMSettings, settings: Settings, *, user_token: str | None = None
) -> LLMProvider:
    """Build the Databricks or OpenAI-compatible provider; offline is the caller's job."""
    llm = resolve_llm_settings(llm, settings)
    if llm.provider == "offline":
        raise ConfigurationError(
            "The offline engine is created by the generation service, not by make_provider; "
            "choose the databricks or openai provider here."
        )
    if not llm.endpoint.strip():
        raise ConfigurationError(
            "The profile names no model endpoint. Set the LLM endpoint (or SLIDEGEN_LLM_MODEL)."
        )
    if llm.provider == "databricks":
        from slidegen.llm.databricks import DatabricksProvider

        return DatabricksProvider(
            llm.endpoint,
            host=llm.base_url or settings.databricks_host,
            token=_reveal(settings.databricks_token),
            client_id=settings.databricks_client_id,
            client_secret=_reveal(settings.databricks_client_secret),
            user_token=user_token,
            timeout_s=llm.timeout_s,
            max_retries=llm.max_retries,
        )
    from slidegen.llm.openai_compatible import OpenAICompatibleProvider

    return OpenAICompatibleProvider(
        base_url=llm.base_url or OPENAI_DEFAULT_BASE_URL,
        api_key=_reveal(llm.api_key),
        model=llm.endpoint,
        timeout_s=llm.timeout_s,
        max_retries=llm.max_retries,
    )


def _reveal(secret: SecretStr | None) -> str | None:
    return secret.get_secret_value() if secret is not None else None
