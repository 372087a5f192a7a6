"""The composition root: a request's LLM provider and data tools from its configuration snapshot.

Everything that picks an implementation (Databricks, OpenAI-compatible or offline model;
SQL, warehouse, Genie or image tool) is decided here and nowhere else.
"""

from __future__ import annotations

import tempfile
import threading
from collections.abc import Callable
from contextlib import AbstractContextManager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import SecretStr
from sqlalchemy.orm import Session

from slidegen.config import Settings
from slidegen.databricks.workspace import tool_client_factory
from slidegen.errors import ConfigurationError
from slidegen.identity import User
from slidegen.llm.base import (
    OPENAI_DEFAULT_BASE_URL,
    LLMProvider,
    LLMSettings,
    resolve_llm_settings,
)
from slidegen.llm.offline import OfflineProvider
from slidegen.schemas.library import ImagePage
from slidegen.schemas.profile_config import WAREHOUSE_SCHEME, parse_warehouse_url
from slidegen.tools.base import DataTool, ToolError
from slidegen.tools.images import ImageLibraryTool, ImageSearch
from slidegen.tools.sample_data import ensure_sample_database
from slidegen.tools.sql import SqlTool

if TYPE_CHECKING:
    from slidegen.tools.warehouse import WarehouseSqlTool

SAMPLE_URL = "sample:"
SAMPLE_PATH = Path(tempfile.gettempdir()) / "slidegen_sample.db"


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
SessionFactory = Callable[[], AbstractContextManager[Session]]


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
    if images and _library_has_images(images[0]):
        tools.append(ImageLibraryTool(_image_search(*images)))
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


def make_provider(
    llm: LLMSettings, settings: Settings, *, user_token: str | None = None
) -> LLMProvider:
    """Build the Databricks or OpenAI-compatible provider; offline is built by build_provider."""
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


def _library_has_images(session_factory: SessionFactory) -> bool:
    from slidegen.services.library.images import has_images

    try:
        with session_factory() as session:
            return has_images(session)
    except Exception:  # a broken database must not stop generation
        return False


def _image_search(session_factory: SessionFactory, user: User) -> ImageSearch:
    """Return the image tool's search: one short unit of work per call, as the user."""
    from slidegen.services.library.images import search_images

    def search(text: str, limit: int) -> ImagePage:
        with session_factory() as session:
            return search_images(session, user, text=text, limit=limit)

    return search
