"""LLM errors with messages a user can act on, and the translation from openai's exceptions."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from slidegen.errors import SlidegenError

if TYPE_CHECKING:  # openai takes a second to import: only code that calls a model needs it
    import openai

# Wording servers use when the prompt does not fit (OpenAI, vLLM, Databricks, Anthropic-backed).
_CONTEXT_TOO_LONG = (
    "context_length_exceeded",
    "maximum context length",
    "context length",
    "context window",
    "too many tokens",
    "prompt is too long",
    "input is too long",
    "reduce the length",
)
# Anything that looks like a credential is cut from server text before it reaches a message.
_SECRET_LIKE = re.compile(
    r"(bearer\s+\S+|sk-[\w-]{6,}|dapi[\w-]{6,}|dose[\w-]{6,}|eyJ[\w.-]{10,})", re.IGNORECASE
)
_MAX_SERVER_TEXT = 300


class LLMError(SlidegenError):
    """A call to the language model failed."""

    transient = False  # whether trying again later may succeed

    def __init__(
        self, user_message: str, *, endpoint: str | None = None, status_code: int | None = None
    ) -> None:
        super().__init__(user_message)
        self.endpoint = endpoint
        self.status_code = status_code


class LLMAuthError(LLMError):
    """The credentials were rejected (HTTP 401/403) or could not be obtained."""


class LLMNotFoundError(LLMError):
    """The model or serving endpoint does not exist (HTTP 404)."""


class LLMTimeoutError(LLMError):
    """The model did not answer within the configured timeout."""

    transient = True


class LLMRateLimitError(LLMError):
    """The server kept rate-limiting the request (HTTP 429) after retries."""

    transient = True


class LLMContextTooLongError(LLMError):
    """The prompt and requested output do not fit the model's context window."""


class LLMUnavailableError(LLMError):
    """The server failed (HTTP 5xx) or could not be reached, even after retries."""

    transient = True


class LLMResponseError(LLMError):
    """The answer was cut off or could not be read."""

    transient = True


def redact(text: str) -> str:
    """Return server text shortened and with anything credential-like removed."""
    text = _SECRET_LIKE.sub("[redacted]", text)
    return text if len(text) <= _MAX_SERVER_TEXT else text[:_MAX_SERVER_TEXT] + "..."


def is_context_too_long(exc: openai.APIError) -> bool:
    """Whether an error says the prompt exceeds the model's context window."""
    text = f"{exc.code or ''} {exc.message} {exc.body or ''}".lower()
    return any(phrase in text for phrase in _CONTEXT_TOO_LONG)


def translate_openai_error(exc: Exception, *, endpoint: str) -> LLMError:
    """Turn an exception raised by the openai client into an LLMError a user can act on."""
    if isinstance(exc, LLMError):
        return exc
    import openai

    if isinstance(exc, openai.APITimeoutError):
        return LLMTimeoutError(
            f"The model endpoint '{endpoint}' did not answer in time. Try again, or raise the "
            "timeout in the profile if long answers are expected.",
            endpoint=endpoint,
        )
    if isinstance(exc, openai.APIConnectionError):
        return LLMUnavailableError(
            f"Could not reach the model endpoint '{endpoint}', even after retrying. Check the "
            "base URL or workspace host and your network, then try again.",
            endpoint=endpoint,
        )
    if isinstance(exc, openai.APIStatusError):
        return _translate_status(exc, endpoint)
    if isinstance(exc, openai.APIError):  # an error event inside an open stream
        if is_context_too_long(exc):
            return _context_too_long(endpoint, None)
        return LLMResponseError(
            f"The model endpoint '{endpoint}' reported an error mid-answer: "
            f"{redact(exc.message)}. Try again.",
            endpoint=endpoint,
        )
    return LLMError(
        f"The call to the model endpoint '{endpoint}' failed ({type(exc).__name__}). Try again; "
        "if it keeps failing, run `python -m slidegen doctor`.",
        endpoint=endpoint,
    )


def _translate_status(exc: openai.APIStatusError, endpoint: str) -> LLMError:
    status = exc.status_code
    if status in (401, 403):
        verb = "rejected the credentials" if status == 401 else "refused access"
        return LLMAuthError(
            f"The model endpoint '{endpoint}' {verb} (HTTP {status}). Check the API key or "
            "Databricks token, and that this identity may query the endpoint.",
            endpoint=endpoint,
            status_code=status,
        )
    if status == 404:
        return LLMNotFoundError(
            f"The model endpoint '{endpoint}' was not found (HTTP 404). Check the endpoint or "
            "model name in the profile and that it exists where the profile points.",
            endpoint=endpoint,
            status_code=status,
        )
    if status == 429:
        return LLMRateLimitError(
            f"The model endpoint '{endpoint}' is rate-limiting requests, even after retrying. "
            "Wait a minute and try again, or ask for a higher rate limit.",
            endpoint=endpoint,
            status_code=status,
        )
    if status in (400, 413, 422) and is_context_too_long(exc):
        return _context_too_long(endpoint, status)
    if status >= 500:
        return LLMUnavailableError(
            f"The model endpoint '{endpoint}' is failing (HTTP {status}), even after retrying. "
            "Try again in a few minutes; if it persists, check the endpoint's status.",
            endpoint=endpoint,
            status_code=status,
        )
    return LLMError(
        f"The model endpoint '{endpoint}' rejected the request (HTTP {status}): "
        f"{redact(exc.message)}",
        endpoint=endpoint,
        status_code=status,
    )


def _context_too_long(endpoint: str, status: int | None) -> LLMContextTooLongError:
    return LLMContextTooLongError(
        f"The request is too long for the model endpoint '{endpoint}'. Select fewer slides, "
        "shorten the prompt, or lower the maximum output tokens in the profile.",
        endpoint=endpoint,
        status_code=status,
    )
