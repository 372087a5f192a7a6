"""Checks that need a workspace: the LLM endpoint exists, Genie spaces and SQL warehouses are
reachable.

Genie spaces and SQL warehouses are checked with the user's own forwarded token when there is
one: they must be usable by the person who will chat with them, not only by the app.

Without a configured Databricks workspace (or when it cannot be reached) these checks become
warnings, so a laptop install can still save a profile meant for a workspace.
"""

from __future__ import annotations

from typing import Any

from slidegen.config import Settings, get_settings
from slidegen.databricks.workspace import check_reachable, workspace_client
from slidegen.errors import ConfigurationError, InvalidInputError
from slidegen.schemas.profile_config import (
    WAREHOUSE_SCHEME,
    DataSourceConfig,
    GenieSpaceConfig,
    ProfileConfig,
    parse_warehouse_url,
)
from slidegen.schemas.profiles import EndpointChoice

_CHAT_TASKS = ("llm/v1/chat", "agent/v1/chat", "agent/v2/chat")
_FAST = {"retry_timeout_seconds": 5, "http_timeout_seconds": 10}
NO_WORKSPACE = "No Databricks workspace is configured (DATABRICKS_HOST), so {what} was not checked."


def _client(settings: Settings, user_token: str | None = None) -> Any:
    if not settings.has_databricks_workspace:
        raise ConfigurationError(
            "No Databricks workspace is configured; set DATABRICKS_HOST and credentials."
        )
    check_reachable(settings.databricks_host or "")
    return workspace_client(settings, user_token, **_FAST)


def list_endpoints(settings: Settings) -> list[EndpointChoice]:
    """Return the workspace's serving endpoints: chat-capable first, `databricks-` first."""
    try:
        endpoints = list(_client(settings).serving_endpoints.list())
    except ConfigurationError:
        raise
    except Exception as exc:
        message = f"Could not list the workspace's serving endpoints: {exc}"
        raise ConfigurationError(message) from None
    choices = [
        EndpointChoice(
            name=e.name,
            task=e.task,
            chat_capable=(e.task or "") in _CHAT_TASKS,
            ready=bool(e.state and str(getattr(e.state.ready, "value", "")) == "READY"),
        )
        for e in endpoints
        if e.name
    ]
    return sorted(
        choices, key=lambda c: (not c.chat_capable, not c.name.startswith("databricks-"), c.name)
    )


def check_endpoint(config: ProfileConfig, settings: Settings) -> list[str]:
    """Raise if a Databricks endpoint is not in the workspace; return warnings otherwise."""
    ai = config.ai_infra
    if ai.provider == "openai":
        if not (ai.base_url or settings.llm_base_url):
            raise InvalidInputError(
                "Not saved: the openai provider needs a base URL (here or SLIDEGEN_LLM_BASE_URL)."
            )
        return []
    if ai.provider != "databricks":
        return []
    if not settings.has_databricks_workspace:
        return [NO_WORKSPACE.format(what=f"endpoint {ai.llm_endpoint!r}")]
    try:
        names = [c.name for c in list_endpoints(settings)]
    except ConfigurationError as exc:
        return [f"{exc.user_message} Endpoint {ai.llm_endpoint!r} was not checked."]
    if ai.llm_endpoint not in names:
        shown = ", ".join(names[:8]) or "none"
        raise InvalidInputError(
            f"Not saved: serving endpoint {ai.llm_endpoint!r} does not exist in the workspace "
            f"(available: {shown})."
        )
    return []


def check_genie_space(
    space: GenieSpaceConfig, settings: Settings, *, user_token: str | None = None
) -> list[str]:
    """Raise if the space does not exist or is not shared with the user; warn if unchecked."""
    from databricks.sdk.errors import NotFound, PermissionDenied, Unauthenticated

    if not settings.has_databricks_workspace:
        return [NO_WORKSPACE.format(what=f"Genie space {space.space_id!r}")]
    try:
        _client(settings, user_token).genie.get_space(space.space_id)
    except ConfigurationError as exc:
        return [f"{exc.user_message} Genie space {space.space_id!r} was not checked."]
    except NotFound:
        raise InvalidInputError(
            f"Not saved: Genie space {space.space_id!r} ({space.space_name}) does not exist; "
            "copy the id from the space's URL."
        ) from None
    except (PermissionDenied, Unauthenticated):
        raise InvalidInputError(
            f"Not saved: you cannot open Genie space {space.space_id!r} ({space.space_name}); "
            "ask its owner for CAN VIEW."
        ) from None
    except Exception as exc:
        return [f"Genie space {space.space_id!r} could not be checked: {exc}"]
    return []


def check_workspace(
    config: ProfileConfig,
    settings: Settings,
    *,
    previous: dict[str, Any] | None = None,
    user_token: str | None = None,
) -> list[str]:
    """Run the workspace checks for what changed; return the warnings."""
    before = previous or {}
    warnings = []
    if config.ai_infra.model_dump() != before.get("ai_infra"):
        warnings += check_endpoint(config, settings)
    known = {s.get("space_id"): s for s in before.get("genie_spaces") or []}
    for space in config.genie_spaces:
        if known.get(space.space_id) is None:
            warnings += check_genie_space(space, settings, user_token=user_token)
    known_urls = {s.get("url") for s in before.get("data_sources") or []}
    for source in config.data_sources:
        if source.url.startswith(WAREHOUSE_SCHEME) and source.url not in known_urls:
            try:
                found, checked = warehouse_status(source, settings, user_token=user_token)
            except InvalidInputError as exc:
                raise InvalidInputError(f"Not saved: {exc.user_message}") from None
            warnings += [] if checked else [found]
    return warnings


def warehouse_status(
    source: DataSourceConfig, settings: Settings, *, user_token: str | None = None
) -> tuple[str, bool]:
    """Find a databricks-sql:// source's warehouse: (what was found, whether it was checked).

    Raises if the warehouse does not exist or the user (their forwarded token; the app's
    credentials without one) may not use it: queries will run as that user.
    """
    from databricks.sdk.errors import NotFound, PermissionDenied, Unauthenticated

    warehouse_id = parse_warehouse_url(source.url).warehouse_id
    label = f"SQL warehouse {warehouse_id!r} of data source {source.name!r}"
    if not settings.has_databricks_workspace:
        return NO_WORKSPACE.format(what=label), False
    try:
        warehouse = _client(settings, user_token).warehouses.get(warehouse_id)
    except ConfigurationError as exc:
        return f"{exc.user_message} {label} was not checked.", False
    except NotFound:
        raise InvalidInputError(
            f"{label} does not exist; copy the id from the warehouse's connection details."
        ) from None
    except (PermissionDenied, Unauthenticated):
        raise InvalidInputError(f"{label} cannot be used; ask its owner for CAN USE.") from None
    except Exception as exc:
        return f"{label} could not be checked: {exc}", False
    state = warehouse.state.value if warehouse.state else "state unknown"
    return (
        f"SQL warehouse {warehouse.name or warehouse_id} ({state}); queries run with each "
        "user's own permissions.",
        True,
    )


def check_data_source(
    source: DataSourceConfig, settings: Settings | None = None, *, user_token: str | None = None
) -> str:
    """Describe a database's tables, or find a SQL warehouse; raise with the reason if not."""
    if source.url.startswith(WAREHOUSE_SCHEME):
        return warehouse_status(source, settings or get_settings(), user_token=user_token)[0]
    from slidegen.bootstrap import SAMPLE_PATH, SAMPLE_URL
    from slidegen.tools.base import ToolError
    from slidegen.tools.sample_data import ensure_sample_database
    from slidegen.tools.sql import SqlTool

    url = ensure_sample_database(SAMPLE_PATH) if source.url == SAMPLE_URL else source.url
    tool = SqlTool(source.name, source.description or "", url, max_rows=source.max_rows)
    try:
        return tool.describe_schema()
    except ToolError as exc:
        raise InvalidInputError(f"Data source {source.name!r}: {exc.user_message}") from None
    finally:
        tool.close()
