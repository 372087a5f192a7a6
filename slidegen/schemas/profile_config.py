"""A profile's editable configuration, validated field by field before anything is saved."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from slidegen.llm.prompt import template_problems

Provider = Literal["databricks", "openai", "offline"]
_SPACE_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,254}$")
_SOURCE_NAME = re.compile(r"^[a-z][a-z0-9_]{0,63}$")
_EXPERIMENT = re.compile(r"^[^\x00-\x1f]{1,500}$")
WAREHOUSE_SCHEME = "databricks-sql://"
WAREHOUSE_URL_FORM = "databricks-sql://WAREHOUSE_ID/CATALOG/SCHEMA"
_WAREHOUSE_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,127}$")
# Stricter than Unity Catalog, so a name needs no quoting wherever it is written.
_CATALOG_NAME = re.compile(r"^[\w-]{1,255}$")


@dataclass(frozen=True)
class WarehouseLocation:
    """Where a Databricks SQL data source runs: a warehouse and the default catalog and schema."""

    warehouse_id: str
    catalog: str | None = None
    schema: str | None = None


def parse_warehouse_url(url: str) -> WarehouseLocation:
    """Split databricks-sql://WAREHOUSE_ID[/CATALOG[/SCHEMA]]; ValueError says what is wrong."""
    rest = url.removeprefix(WAREHOUSE_SCHEME) if url.startswith(WAREHOUSE_SCHEME) else None
    if rest is None:
        raise ValueError(f"must look like {WAREHOUSE_URL_FORM} (catalog and schema optional)")
    if "@" in rest:
        raise ValueError(
            "must not contain credentials: SQL runs with the signed-in user's token "
            "(or the app's own credentials)"
        )
    parts = rest.removesuffix("/").split("/")
    if len(parts) > 3:
        raise ValueError(f"has too many parts; use {WAREHOUSE_URL_FORM}")
    warehouse_id, catalog, schema = (parts + [None, None])[:3]
    if not _WAREHOUSE_ID.match(warehouse_id or ""):
        raise ValueError(
            "needs the SQL warehouse id after databricks-sql:// (letters and digits, as in "
            f"the warehouse's connection details): {WAREHOUSE_URL_FORM}"
        )
    for label, name in (("catalog", catalog), ("schema", schema)):
        if name == "":
            raise ValueError(f"has an empty {label} name; use {WAREHOUSE_URL_FORM}")
        if name is not None and not _CATALOG_NAME.match(name):
            raise ValueError(
                f"has an invalid {label} name {name!r}: use letters, digits, '_' and '-' "
                f"({WAREHOUSE_URL_FORM})"
            )
    return WarehouseLocation(warehouse_id, catalog, schema)


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class AIInfraConfig(_Strict):
    """Which LLM runs and with which parameters."""

    provider: Provider = "offline"
    llm_endpoint: str = Field(min_length=1, max_length=255)
    base_url: str | None = Field(None, max_length=500)
    llm_temperature: float = Field(0.7, ge=0, le=1)
    llm_max_tokens: int = Field(60000, gt=0, le=1_000_000)
    llm_timeout_s: int = Field(120, gt=0, le=3600)

    @field_validator("base_url")
    @classmethod
    def _http_url(cls, value: str | None) -> str | None:
        if not value:
            return None
        if not re.match(r"^https?://[^\s/]+", value):
            raise ValueError("must start with http:// or https:// followed by a host")
        if re.match(r"^https?://[^/]*@", value):
            raise ValueError("must not contain credentials; the API key comes from the environment")
        return value.rstrip("/")


class GenieSpaceConfig(_Strict):
    """A Genie space the LLM may ask questions."""

    space_id: str = Field(min_length=1, max_length=255)
    space_name: str = Field(min_length=1, max_length=255)
    description: str | None = None

    @field_validator("space_id")
    @classmethod
    def _space_id(cls, value: str) -> str:
        if not _SPACE_ID.match(value):
            raise ValueError("may contain only letters, digits, '-' and '_'")
        return value


class DataSourceConfig(_Strict):
    """A read-only SQL database or Databricks SQL warehouse the LLM may query."""

    name: str = Field(min_length=1, max_length=64)
    url: str = Field(min_length=1, max_length=1000)
    description: str | None = None
    max_rows: int = Field(200, gt=0, le=10_000)

    @field_validator("name")
    @classmethod
    def _name(cls, value: str) -> str:
        if not _SOURCE_NAME.match(value):
            raise ValueError("use lower-case letters, digits and '_', starting with a letter")
        return value

    @field_validator("url")
    @classmethod
    def _url(cls, value: str) -> str:
        if value == "sample:":
            return value
        if value.lower().startswith("databricks-sql:"):
            parse_warehouse_url(value)
            return value
        from sqlalchemy.engine import make_url  # only for parsing; no connection is made

        try:
            url = make_url(value)
        except Exception:
            raise ValueError(
                "is not a database URL (e.g. postgresql://user@host/db, "
                f"{WAREHOUSE_URL_FORM}, or sample:)"
            ) from None
        if url.get_backend_name() not in ("sqlite", "postgresql"):
            raise ValueError(
                f"must be a SQLite or PostgreSQL database, {WAREHOUSE_URL_FORM}, or sample:"
            )
        if url.password:
            raise ValueError("must not contain a password; secrets stay in the environment")
        return value


class MLflowConfig(_Strict):
    """Where traces go."""

    experiment_name: str = Field(min_length=1, max_length=500)

    @field_validator("experiment_name")
    @classmethod
    def _experiment(cls, value: str) -> str:
        if not _EXPERIMENT.match(value):
            raise ValueError("must be printable text without control characters")
        workspace_path = re.compile(r"^/(Workspace/)?(Users|Shared|Repos)/[^/].*[^/]$")
        if value.startswith("/") and (not workspace_path.match(value) or "//" in value):
            raise ValueError(
                "a workspace path must look like /Users/you@example.com/name or /Shared/name"
            )
        return value


class PromptsConfig(_Strict):
    """The prompt texts and the selected deck prompt and slide style."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=False)

    system_prompt: str = Field(min_length=1)
    slide_editing_instructions: str = Field(min_length=1)
    user_prompt_template: str = Field("{question}", min_length=1)
    selected_deck_prompt_id: int | None = None
    selected_slide_style_id: int | None = None

    @field_validator("system_prompt", "slide_editing_instructions")
    @classmethod
    def _template(cls, value: str) -> str:
        return _check_template(value)

    @field_validator("user_prompt_template")
    @classmethod
    def _user_template(cls, value: str) -> str:
        return _check_template(value, required=("question",))


def _check_template(value: str, required: tuple[str, ...] = ()) -> str:
    if not value.strip():
        raise ValueError("must not be empty")
    problems = template_problems(value, required=required)
    if problems:
        raise ValueError(" ".join(problems))
    return value


class ProfileConfig(_Strict):
    """Everything a profile configures (the part of a snapshot a user edits)."""

    description: str | None = Field(None, max_length=2000)
    ai_infra: AIInfraConfig
    genie_spaces: list[GenieSpaceConfig] = []
    data_sources: list[DataSourceConfig] = []
    mlflow: MLflowConfig
    prompts: PromptsConfig

    @model_validator(mode="after")
    def _unique(self) -> ProfileConfig:
        ids = [s.space_id for s in self.genie_spaces]
        if len(ids) != len(set(ids)):
            raise ValueError("Each Genie space can be added only once.")
        names = [d.name for d in self.data_sources]
        if len(names) != len(set(names)):
            raise ValueError("Data source names must be unique within a profile.")
        return self


FIELD_LABELS = {
    "ai_infra": "AI infrastructure",
    "genie_spaces": "Genie spaces",
    "data_sources": "Data sources",
    "mlflow": "MLflow",
    "prompts": "Prompts",
    "llm_endpoint": "endpoint / model",
    "base_url": "base URL",
    "llm_temperature": "temperature",
    "llm_max_tokens": "max tokens",
    "llm_timeout_s": "timeout (s)",
    "space_id": "space id",
    "space_name": "name",
    "max_rows": "max rows",
    "experiment_name": "experiment name",
    "system_prompt": "system prompt",
    "slide_editing_instructions": "slide editing instructions",
    "user_prompt_template": "user prompt template",
}


def field_label(path: str) -> str:
    """Return a readable name for a dotted configuration path (AI infrastructure › temperature)."""
    parts = [part for part in path.split(".") if part]
    return " › ".join(
        FIELD_LABELS.get(part, f"#{int(part) + 1}" if part.isdigit() else part.replace("_", " "))
        for part in parts
    )
