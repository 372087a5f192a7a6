"""Build a request's LLM provider and data tools from the session's configuration snapshot."""

from __future__ import annotations

import socket
import tempfile
import threading
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from slidegen.config import Settings
from slidegen.errors import ConfigurationError
from slidegen.identity import User
from slidegen.llm.base import LLMProvider, LLMSettings, make_provider, resolve_llm_settings
from slidegen.llm.offline import OfflineProvider
from slidegen.schemas.profile_config import WAREHOUSE_SCHEME, parse_warehouse_url
from slidegen.tools.base import DataTool, ToolError
from slidegen.tools.images import ImageLibraryTool, SessionFactory, library_has_images
from slidegen.tools.sample_data import ensure_sample_database
from slidegen.tools.sql import SqlTool

if TYPE_CHECKING:
    from slidegen.tools.warehouse import WarehouseSqlTool

SAMPLE_URL = "sample:"
SAMPLE_PATH = Path(tempfile.gettempdir()) / "slidegen_sample.db"
_CONNECT_TIMEOUT_S = 3
TOOL_RETRY_S = 60  # the SDK retries a failing call this long (its default: 300 s)


def llm_settings(config: dict[str, Any], settings: Settings) -> LLMSettings:
    """Return the LLM settings of a snapshot, with the environment's overrides applied."""
    ai = config.get("ai_infra") or {}
    profile = LLMSettings(
        provider=ai.get("provider") or "offline",
        endpoint=ai.get("llm_endpoint") or "",
        base_url=ai.get("base_url"),
        temperature=float(ai.get("llm_temperature", 0.7)),
        max_tokens=int(ai.get("llm_max_tokens", 60000)),
        timeout_s=float(ai.get("llm_timeout_s", 120)),
    )
    return resolve_llm_settings(profile, settings)


def build_provider(llm: LLMSettings, settings: Settings) -> LLMProvider:
    """Return the provider that will run this request (clients are reused across requests)."""
    if llm.provider == "offline":
        return OfflineProvider()
    # Building an HTTP client loads the CA bundle (~30 ms): keep one per configuration.
    key = (llm, settings.databricks_host, settings.databricks_token, settings.databricks_client_id)
    with _providers_lock:
        provider = _providers.get(key)
        if provider is None:
            provider = _providers[key] = make_provider(llm, settings)
        return provider


_providers: dict[tuple[Any, ...], LLMProvider] = {}
_providers_lock = threading.Lock()


def build_tools(
    config: dict[str, Any],
    settings: Settings,
    conversations: dict[str, str],
    images: tuple[SessionFactory, User] | None = None,
    *,
    user_token: str | None = None,
) -> list[DataTool]:
    """Return one tool per Genie space and per SQL data source, plus the image library's.

    With a forwarded user token, Genie and Databricks SQL run on behalf of the user (their own
    Unity Catalog permissions); without one, as the app's own identity.
    """
    tools: list[DataTool] = []
    if images and library_has_images(images[0]):
        tools.append(ImageLibraryTool(*images))
    for source in config.get("data_sources") or []:
        tools.append(_sql_tool(source, settings, user_token))
    for space in config.get("genie_spaces") or []:
        from slidegen.tools.genie import GenieTool  # databricks-sdk: only when a space is used

        tools.append(
            GenieTool(
                space["space_id"],
                space["space_name"],
                space.get("description") or "",
                client_factory=tool_client_factory(settings, user_token),
                conversation_id=conversations.get(space["space_id"]),
            )
        )
    return tools


def _sql_tool(source: dict[str, Any], settings: Settings, user_token: str | None) -> DataTool:
    """Build a SQL data source's tool and put its tables and columns in its description."""
    name = source["name"]
    description = source.get("description") or f"Read-only SQL database {name}"
    max_rows = int(source.get("max_rows") or 200)
    url = source["url"]
    tool: SqlTool | WarehouseSqlTool
    if url.startswith(WAREHOUSE_SCHEME):
        from slidegen.tools.warehouse import WarehouseSqlTool  # databricks-sdk: only when used

        where = parse_warehouse_url(url)
        tool = WarehouseSqlTool(
            name,
            description,
            where.warehouse_id,
            tool_client_factory(settings, user_token),
            catalog=where.catalog,
            schema=where.schema,
            max_rows=max_rows,
        )
    else:
        url = ensure_sample_database(SAMPLE_PATH) if url == SAMPLE_URL else url
        tool = SqlTool(name, description, url, max_rows=max_rows)
    # The model writes SQL, so it needs the tables and columns; an unreachable source
    # must not fail the request: its calls will report the error to the model.
    try:
        schema = tool.describe_schema()
    except ToolError as exc:
        schema = f"(unavailable: {exc.user_message})"
    tool.description = f"{tool.description}\n\nSchema:\n{schema}"
    return tool


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
