"""Databricks model serving through its OpenAI-compatible API, with databricks-sdk auth.

The openai client points at `{host}/serving-endpoints` with the serving endpoint's name as the
model. Credentials come from the SDK's unified auth (PAT, OAuth M2M for a Databricks App's
service principal, CLI profiles, ...), or from a forwarded user token (on behalf of the
user). An httpx2 auth flow asks `Config.authenticate()` for headers on every attempt, so
OAuth tokens are refreshed as they expire rather than fixed at start-up.
"""

from __future__ import annotations

from collections.abc import Generator, Iterator

import httpx2
from databricks.sdk.config import Config

from slidegen.errors import ConfigurationError
from slidegen.llm.base import LLMEvent, Message, ToolSpec
from slidegen.llm.errors import LLMAuthError
from slidegen.llm.openai_compatible import OpenAICompatibleProvider

# The auth flow replaces the Authorization header; the openai client just needs a non-empty key.
SDK_AUTH_PLACEHOLDER = "databricks-sdk-auth"


class DatabricksSdkAuth(httpx2.Auth):
    """Sets fresh databricks-sdk auth headers on every request."""

    def __init__(self, config: Config) -> None:
        self._config = config

    def sync_auth_flow(self, request: httpx2.Request) -> Generator[httpx2.Request, object, None]:
        """Add the SDK's current auth headers (refreshing an OAuth token if due) and send."""
        try:
            headers = self._config.authenticate()
        except Exception as exc:  # the SDK raises several types; none may leak a secret
            raise LLMAuthError(
                "Could not get Databricks credentials to call model serving. Check "
                "DATABRICKS_HOST and the token or client id/secret (or sign in again)."
            ) from exc
        request.headers.update(headers)
        yield request


def databricks_config(
    *,
    host: str | None = None,
    token: str | None = None,
    client_id: str | None = None,
    client_secret: str | None = None,
    user_token: str | None = None,
) -> Config:
    """Build SDK config: the user's token if given, else unified auth (explicit or from env)."""
    try:
        if user_token:
            # auth_type="pat" stops the app's own client id/secret from clashing with it.
            return Config(host=host, token=user_token, auth_type="pat")
        explicit = {
            "host": host,
            "token": token,
            "client_id": client_id,
            "client_secret": client_secret,
        }
        return Config(**{key: value for key, value in explicit.items() if value})
    except ValueError as exc:
        raise ConfigurationError(
            "Cannot authenticate to the Databricks workspace. Set DATABRICKS_HOST and either "
            "DATABRICKS_TOKEN or DATABRICKS_CLIENT_ID and DATABRICKS_CLIENT_SECRET."
        ) from exc


class DatabricksProvider:
    """Streams chat completions from a Databricks model serving endpoint."""

    name = "databricks"

    def __init__(
        self,
        endpoint: str,
        *,
        host: str | None = None,
        token: str | None = None,
        client_id: str | None = None,
        client_secret: str | None = None,
        user_token: str | None = None,
        config: Config | None = None,
        timeout_s: float = 120,
        max_retries: int = 2,
    ) -> None:
        if config is None or user_token:
            config = databricks_config(
                host=host or (config.host if config else None),
                token=token,
                client_id=client_id,
                client_secret=client_secret,
                user_token=user_token,
            )
        if not config.host:
            raise ConfigurationError("No Databricks workspace host: set DATABRICKS_HOST.")
        self.endpoint = endpoint
        self.config = config
        # A profile may give the serving URL itself rather than the workspace host.
        workspace = config.host.rstrip("/").removesuffix("/serving-endpoints")
        self._inner = OpenAICompatibleProvider(
            base_url=f"{workspace}/serving-endpoints",
            api_key=SDK_AUTH_PLACEHOLDER,
            model=endpoint,
            timeout_s=timeout_s,
            max_retries=max_retries,
            http_auth=DatabricksSdkAuth(config),
        )

    def stream(
        self,
        messages: list[Message],
        tools: list[ToolSpec],
        *,
        temperature: float,
        max_tokens: int,
    ) -> Iterator[LLMEvent]:
        """Yield TextDelta as text arrives, then ToolCallEvents, Usage (if known), Finished."""
        return self._inner.stream(messages, tools, temperature=temperature, max_tokens=max_tokens)

    def close(self) -> None:
        """Release the HTTP connections."""
        self._inner.close()
