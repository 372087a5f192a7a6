"""Settings from the environment: the only place that reads it."""

from __future__ import annotations

import getpass
from functools import lru_cache

from pydantic import AliasChoices, Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_DATABASE_URL = "sqlite:///slidegen.db"
LLM_PROVIDERS = ("databricks", "openai", "offline")
GOOGLE_AUTH_URI = "https://accounts.google.com/o/oauth2/v2/auth"
GOOGLE_TOKEN_URI = "https://oauth2.googleapis.com/token"


def _local_user_name() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no passwd entry, e.g. in some containers
        return "local-user"


class Settings(BaseSettings):
    """Every environment variable Slidegen reads (all optional)."""

    model_config = SettingsConfigDict(extra="ignore", populate_by_name=True)

    database_url: str = Field(DEFAULT_DATABASE_URL, validation_alias="DATABASE_URL")
    lakebase_instance: str | None = Field(None, validation_alias="LAKEBASE_INSTANCE")
    pghost: str | None = Field(None, validation_alias="PGHOST")
    pguser: str | None = Field(None, validation_alias="PGUSER")
    pgdatabase: str | None = Field(None, validation_alias="PGDATABASE")
    pgport: int = Field(5432, validation_alias="PGPORT")
    pgsslmode: str = Field("require", validation_alias="PGSSLMODE")
    lakebase_schema: str | None = Field(None, validation_alias="LAKEBASE_SCHEMA")

    llm_provider: str | None = Field(None, validation_alias="SLIDEGEN_LLM_PROVIDER")
    llm_base_url: str | None = Field(None, validation_alias="SLIDEGEN_LLM_BASE_URL")
    llm_api_key: SecretStr | None = Field(None, validation_alias="SLIDEGEN_LLM_API_KEY")
    llm_model: str | None = Field(None, validation_alias="SLIDEGEN_LLM_MODEL")

    databricks_host: str | None = Field(None, validation_alias="DATABRICKS_HOST")
    databricks_token: SecretStr | None = Field(None, validation_alias="DATABRICKS_TOKEN")
    databricks_client_id: str | None = Field(None, validation_alias="DATABRICKS_CLIENT_ID")
    databricks_client_secret: SecretStr | None = Field(
        None, validation_alias="DATABRICKS_CLIENT_SECRET"
    )
    databricks_app_name: str | None = Field(None, validation_alias="DATABRICKS_APP_NAME")

    mlflow_tracking_uri: str | None = Field(None, validation_alias="MLFLOW_TRACKING_URI")
    export_retention_hours: float = Field(
        24.0, gt=0, validation_alias="SLIDEGEN_EXPORT_RETENTION_HOURS"
    )
    max_generations: int = Field(32, ge=1, validation_alias="SLIDEGEN_MAX_GENERATIONS")
    max_generations_per_user: int = Field(
        3, ge=1, validation_alias="SLIDEGEN_MAX_GENERATIONS_PER_USER"
    )
    user: str = Field(
        default_factory=_local_user_name, validation_alias=AliasChoices("SLIDEGEN_USER")
    )

    user_groups: str = Field("", validation_alias="SLIDEGEN_USER_GROUPS")
    genie_space_id: str | None = Field(None, validation_alias="SLIDEGEN_GENIE_SPACE_ID")
    sql_warehouse_id: str | None = Field(None, validation_alias="SLIDEGEN_SQL_WAREHOUSE_ID")
    admin_group: str | None = Field(None, validation_alias="SLIDEGEN_ADMIN_GROUP")
    library_admin_group: str | None = Field(None, validation_alias="SLIDEGEN_LIBRARY_ADMIN_GROUP")
    dev_mode: bool = Field(False, validation_alias="SLIDEGEN_DEV_MODE")
    mlflow_experiment_id: str | None = Field(None, validation_alias="MLFLOW_EXPERIMENT_ID")
    log_prompts: bool = Field(False, validation_alias="SLIDEGEN_LOG_PROMPTS")
    request_log_retention_days: int = Field(
        180, ge=1, validation_alias="SLIDEGEN_REQUEST_LOG_RETENTION_DAYS"
    )
    survey_interval_days: int = Field(30, ge=1, validation_alias="SLIDEGEN_SURVEY_INTERVAL_DAYS")

    google_client_id: str | None = Field(None, validation_alias="SLIDEGEN_GOOGLE_CLIENT_ID")
    google_client_secret: SecretStr | None = Field(
        None, validation_alias="SLIDEGEN_GOOGLE_CLIENT_SECRET"
    )
    google_redirect_uri: str | None = Field(None, validation_alias="SLIDEGEN_GOOGLE_REDIRECT_URI")
    google_token_key: SecretStr | None = Field(None, validation_alias="SLIDEGEN_GOOGLE_TOKEN_KEY")
    google_auth_uri: str = Field(GOOGLE_AUTH_URI, validation_alias="SLIDEGEN_GOOGLE_AUTH_URI")
    google_token_uri: str = Field(GOOGLE_TOKEN_URI, validation_alias="SLIDEGEN_GOOGLE_TOKEN_URI")
    google_slides_endpoint: str | None = Field(
        None, validation_alias="SLIDEGEN_GOOGLE_SLIDES_ENDPOINT"
    )
    google_sheets_endpoint: str | None = Field(
        None, validation_alias="SLIDEGEN_GOOGLE_SHEETS_ENDPOINT"
    )

    @field_validator("llm_provider")
    @classmethod
    def _known_provider(cls, value: str | None) -> str | None:
        if value is None or not value.strip():
            return None
        value = value.strip().lower()
        if value not in LLM_PROVIDERS:
            raise ValueError(f"SLIDEGEN_LLM_PROVIDER must be one of {', '.join(LLM_PROVIDERS)}")
        return value

    @property
    def uses_lakebase(self) -> bool:
        """Whether the database is Lakebase (token auth) rather than DATABASE_URL."""
        return bool(self.lakebase_instance or self.pghost)

    @property
    def has_databricks_workspace(self) -> bool:
        """Whether a Databricks workspace is configured for the SDK's unified auth."""
        return bool(self.databricks_host)

    @property
    def runs_as_databricks_app(self) -> bool:
        """Whether we run inside a Databricks App (its runtime sets DATABRICKS_APP_NAME)."""
        return bool(self.databricks_app_name)

    @property
    def local_groups(self) -> tuple[str, ...]:
        """The development user's groups from SLIDEGEN_USER_GROUPS (comma-separated)."""
        return tuple(g.strip() for g in self.user_groups.split(",") if g.strip())

    @property
    def developer_switcher(self) -> bool:
        """Whether the developer-only user switcher shows (never inside a Databricks App)."""
        return self.dev_mode and not self.runs_as_databricks_app

    @property
    def effective_mlflow_tracking_uri(self) -> str:
        """Where MLflow traces go when MLFLOW_TRACKING_URI is not set."""
        if self.mlflow_tracking_uri:
            return self.mlflow_tracking_uri
        return "databricks" if self.runs_as_databricks_app else "sqlite:///mlflow.db"


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """Return the process-wide settings, read once from the environment."""
    return Settings()


def reload_settings() -> Settings:
    """Forget cached settings and read the environment again (tests, CLI)."""
    get_settings.cache_clear()
    return get_settings()
