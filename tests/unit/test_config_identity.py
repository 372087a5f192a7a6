"""Settings from the environment and the user from proxy headers."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from slidegen.config import Settings
from slidegen.identity import resolve_user


def test_defaults_are_the_laptop_set_up(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in (
        "DATABASE_URL",
        "PGHOST",
        "LAKEBASE_INSTANCE",
        "DATABRICKS_HOST",
        "MLFLOW_TRACKING_URI",
        "DATABRICKS_APP_NAME",
        "SLIDEGEN_LLM_PROVIDER",
    ):
        monkeypatch.delenv(name, raising=False)
    settings = Settings()
    assert settings.database_url == "sqlite:///slidegen.db"
    assert not settings.uses_lakebase
    assert not settings.has_databricks_workspace
    assert settings.llm_provider is None
    assert settings.effective_mlflow_tracking_uri == "sqlite:///mlflow.db"


def test_environment_variables_are_read(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("MLFLOW_TRACKING_URI", raising=False)  # mlflow sets it in-process
    monkeypatch.setenv("DATABASE_URL", "postgresql://db.internal/slides")
    monkeypatch.setenv("SLIDEGEN_LLM_PROVIDER", " OpenAI ")
    monkeypatch.setenv("SLIDEGEN_LLM_API_KEY", "sk-secret")
    monkeypatch.setenv("DATABRICKS_APP_NAME", "slidegen")
    monkeypatch.setenv("SLIDEGEN_USER", "erin@example.com")
    settings = Settings()
    assert settings.database_url == "postgresql://db.internal/slides"
    assert settings.llm_provider == "openai"
    assert "sk-secret" not in repr(settings)
    assert (
        settings.llm_api_key is not None and settings.llm_api_key.get_secret_value() == "sk-secret"
    )
    assert settings.effective_mlflow_tracking_uri == "databricks"
    assert settings.user == "erin@example.com"


def test_unknown_provider_is_rejected(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SLIDEGEN_LLM_PROVIDER", "gpt")
    with pytest.raises(ValidationError, match="must be one of"):
        Settings()


def test_pghost_or_instance_selects_lakebase() -> None:
    assert Settings(PGHOST="instance.database.cloud.databricks.com").uses_lakebase
    assert Settings(LAKEBASE_INSTANCE="slidegen-db").uses_lakebase


def test_proxy_headers_name_the_user() -> None:
    settings = Settings(SLIDEGEN_USER="local")
    user = resolve_user(
        {"X-Forwarded-Email": "fay@example.com", "X-Forwarded-Preferred-Username": "Fay"},
        settings,
    )
    assert (user.name, user.display_name, user.from_proxy) == ("fay@example.com", "Fay", True)


def test_user_header_is_used_when_email_is_missing() -> None:
    user = resolve_user({"x-forwarded-user": "123@7"}, Settings(SLIDEGEN_USER="local"))
    assert user.name == "123@7"


def test_without_headers_the_local_user_is_used() -> None:
    user = resolve_user({"Host": "localhost:8501"}, Settings(SLIDEGEN_USER="gus"))
    assert (user.name, user.from_proxy) == ("gus", False)
