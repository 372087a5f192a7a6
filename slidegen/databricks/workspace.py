"""The Databricks workspace client, for the user or the app, and a quick reachability probe."""

from __future__ import annotations

import socket
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

from slidegen.config import Settings
from slidegen.errors import ConfigurationError
from slidegen.tools.base import ToolError

_CONNECT_TIMEOUT_S = 3
TOOL_RETRY_S = 60  # the SDK retries a failing call this long (its default: 300 s)


def tool_client_factory(settings: Settings, user_token: str | None) -> Callable[[], Any]:
    """Return how a data tool gets its WorkspaceClient when it first runs.

    A workspace that does not answer is a clear tool error at once, and a call that keeps
    failing gives up after TOOL_RETRY_S rather than the SDK's five minutes, so a request is
    never held up for long by a data source it cannot reach.
    """

    def build() -> Any:
        try:
            check_reachable(settings.databricks_host or "")
        except ConfigurationError as exc:
            raise ToolError(exc.user_message) from None
        return workspace_client(settings, user_token, retry_timeout_seconds=TOOL_RETRY_S)

    return build


def workspace_client(settings: Settings, user_token: str | None = None, **options: Any) -> Any:
    """Return a WorkspaceClient acting for the user (their token) or for the app itself.

    `options` go to the SDK's Config (e.g. retry_timeout_seconds for a quick check).
    """
    from databricks.sdk import WorkspaceClient  # heavy; only Genie and Databricks SQL need it
    from databricks.sdk.config import Config

    credentials: dict[str, str] = {}
    if user_token:
        # auth_type="pat" keeps the app's own DATABRICKS_CLIENT_ID/SECRET out of this client.
        credentials = {"token": user_token, "auth_type": "pat"}
    elif settings.databricks_token:
        credentials = {"token": settings.databricks_token.get_secret_value(), "auth_type": "pat"}
    elif settings.databricks_client_id and settings.databricks_client_secret:
        credentials |= {
            "client_id": settings.databricks_client_id,
            "client_secret": settings.databricks_client_secret.get_secret_value(),
        }
    config = Config(host=settings.databricks_host, **credentials, **options)
    return WorkspaceClient(config=config)


def check_reachable(host: str) -> None:
    """Fail at once when nothing answers at the workspace's address.

    The SDK would retry for its whole retry budget, twice (host metadata, then the call), and
    MLflow for minutes: a check of a host that refuses connections would take that long.
    """
    url = urlsplit(host if "://" in host else f"https://{host}")
    port = url.port or (443 if url.scheme == "https" else 80)
    try:
        socket.create_connection((url.hostname or "", port), timeout=_CONNECT_TIMEOUT_S).close()
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        raise ConfigurationError(
            f"The Databricks workspace at {host} did not answer ({reason}); check "
            "DATABRICKS_HOST and the network."
        ) from None
