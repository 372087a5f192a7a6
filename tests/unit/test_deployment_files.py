"""app.yaml and databricks.yml hold what the Databricks Apps runtime and bundles expect."""

from __future__ import annotations

from pathlib import Path

import yaml

from slidegen.config import Settings

ROOT = Path(__file__).resolve().parents[2]
RESOURCE_KINDS = {
    "serving_endpoint",
    "experiment",
    "genie_space",
    "sql_warehouse",
    "database",
    "secret",
    "job",
    "uc_securable",
}


def load(name: str) -> dict:
    return yaml.safe_load((ROOT / name).read_text())


def test_app_yaml_command_chains_migrations_and_streamlit_through_a_shell() -> None:
    app = load("app.yaml")
    command = app["command"]
    assert isinstance(command, list) and all(isinstance(part, str) for part in command)
    assert command[:2] == ["sh", "-c"] and len(command) == 3
    steps = [step.strip() for step in command[2].split("&&")]
    assert steps[0] == "python -m slidegen db upgrade"
    assert steps[-1].startswith("streamlit run app.py")
    assert '--server.port "$DATABRICKS_APP_PORT"' in steps[-1]


def test_app_yaml_env_names_are_settings_and_value_from_keys_are_bundle_resources() -> None:
    env = load("app.yaml")["env"]
    read = set()
    for field in Settings.model_fields.values():
        alias = field.validation_alias
        read |= set(getattr(alias, "choices", [alias]))
    for entry in env:
        assert set(entry) in ({"name", "value"}, {"name", "valueFrom"}), entry
        assert entry["name"] in read or entry["name"] == "MLFLOW_TRACKING_URI", entry["name"]
        assert "secret" not in str(entry.get("value", "")).lower()
    by_name = {entry["name"]: entry for entry in env}
    assert by_name["MLFLOW_TRACKING_URI"]["value"] == "databricks"
    app = load("databricks.yml")["resources"]["apps"]["slidegen"]
    keys = {resource["name"] for resource in app["resources"]}
    value_from = {entry["valueFrom"] for entry in env if "valueFrom" in entry}
    assert value_from == {"serving-endpoint", "experiment", "genie-space", "sql-warehouse"}
    assert value_from <= keys
    for resource in app["resources"]:
        kinds = set(resource) - {"name", "description"}
        assert len(kinds) == 1 and kinds <= RESOURCE_KINDS, resource
        assert "permission" in resource[next(iter(kinds))]


def test_bundle_deploys_the_app_with_user_scopes_for_genie_sql_and_serving() -> None:
    bundle = load("databricks.yml")
    assert bundle["bundle"]["name"] == "slidegen"
    app = bundle["resources"]["apps"]["slidegen"]
    assert app["source_code_path"] == "."
    assert {"dashboards.genie", "sql", "serving.serving-endpoints", "iam.current-user:read"} <= set(
        app["user_api_scopes"]
    )
    assert any(t.get("default") for t in bundle["targets"].values())
