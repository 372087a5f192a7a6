"""Validation before saving: every field's bad input gets a clear message; workspace checks
go through databricks-sdk to a fake workspace on 127.0.0.1."""

from __future__ import annotations

import copy
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy.orm import Session

from slidegen.config import Settings
from slidegen.databricks import checks as workspace
from slidegen.errors import ConfigurationError, InvalidInputError
from slidegen.identity import User
from slidegen.services.profiles import admin
from slidegen.services.profiles.store import parse_config
from slidegen.services.seed import seed_database
from tests.fakes.genie_server import FakeGenieServer, TextAnswer
from tests.pgserver import free_port

ALICE = User(name="alice@example.com", display_name="Alice")
GOOD: dict[str, Any] = {
    "description": "ok",
    "ai_infra": {"provider": "databricks", "llm_endpoint": "databricks-claude"},
    "genie_spaces": [{"space_id": "space-ok", "space_name": "Sales"}],
    "data_sources": [{"name": "warehouse", "url": "postgresql://reader@db/sales"}],
    "mlflow": {"experiment_name": "/Users/alice@example.com/slidegen"},
    "prompts": {
        "system_prompt": "At most {max_slides} slides.",
        "slide_editing_instructions": "Edit.",
        "user_prompt_template": "{question}",
    },
}


def with_value(path: str, value: Any) -> dict[str, Any]:
    config = copy.deepcopy(GOOD)
    *parents, last = path.split(".")
    target: Any = config
    for part in parents:
        target = target[int(part)] if part.isdigit() else target[part]
    target[last] = value
    return config


@pytest.mark.parametrize(
    ("path", "value", "message"),
    [
        ("ai_infra.provider", "gpt", "AI infrastructure › provider"),
        ("ai_infra.llm_endpoint", "", "endpoint / model"),
        ("ai_infra.llm_temperature", 1.5, "temperature: Input should be less than or equal to 1"),
        ("ai_infra.llm_temperature", -0.1, "temperature"),
        ("ai_infra.llm_temperature", "warm", "temperature"),
        ("ai_infra.llm_max_tokens", 0, "max tokens: Input should be greater than 0"),
        ("ai_infra.llm_timeout_s", -5, "timeout (s)"),
        ("ai_infra.base_url", "ftp://x", "base URL: must start with http://"),
        ("ai_infra.base_url", "https://u:pw@host/v1", "must not contain credentials"),
        ("genie_spaces.0.space_id", "a b/c", "space id: may contain only"),
        ("genie_spaces.0.space_name", "", "Genie spaces › #1 › name: cannot be empty"),
        ("data_sources.0.name", "Ware House", "use lower-case letters"),
        ("data_sources.0.url", "not a url", "is not a database URL"),
        ("data_sources.0.url", "postgresql://u:secret@h/db", "must not contain a password"),
        ("data_sources.0.url", "databricks-sql://", "needs the SQL warehouse id"),
        ("data_sources.0.url", "databricks-sql://wh/main/sales/x", "has too many parts"),
        ("data_sources.0.url", "databricks-sql://wh//sales", "has an empty catalog name"),
        ("data_sources.0.url", "databricks-sql://wh/main/sal es", "invalid schema name 'sal es'"),
        ("data_sources.0.url", "databricks-sql://dapi-x@wh/main", "must not contain credentials"),
        ("data_sources.0.url", "databricks-sql:wh", "must look like databricks-sql://WAREHOUSE_ID"),
        ("data_sources.0.max_rows", 0, "max rows"),
        ("mlflow.experiment_name", "", "experiment name"),
        ("mlflow.experiment_name", "/Users//x", "a workspace path must look like"),
        ("mlflow.experiment_name", "bad\nname", "without control characters"),
        ("prompts.system_prompt", "  ", "system prompt: must not be empty"),
        ("prompts.system_prompt", "Hi {audience}", "Unknown placeholder {audience}"),
        ("prompts.slide_editing_instructions", "Use { carefully", "Unmatched brace"),
        ("prompts.user_prompt_template", "Make slides", "must contain {question}"),
        ("prompts.selected_deck_prompt_id", "x", "Prompts › selected_deck_prompt_id"),
    ],
)
def test_bad_field_gets_a_clear_message(path: str, value: Any, message: str) -> None:
    with pytest.raises(InvalidInputError) as caught:
        parse_config(with_value(path, value))
    assert message in caught.value.user_message
    assert caught.value.user_message.startswith("Not saved: ")
    assert (
        "Traceback" not in caught.value.user_message and "pydantic" not in caught.value.user_message
    )


def test_duplicates_and_unknown_keys_are_refused() -> None:
    twice = with_value("genie_spaces", GOOD["genie_spaces"] * 2)
    with pytest.raises(InvalidInputError, match="only once"):
        parse_config(twice)
    with pytest.raises(InvalidInputError, match="Extra inputs"):
        parse_config({**GOOD, "api_key": "dapi-secret"})
    parse_config(GOOD)


@pytest.fixture
def fake_workspace() -> Iterator[FakeGenieServer]:
    with FakeGenieServer(token="dapi-test") as fake:
        fake.add_endpoint("team-embeddings", task="llm/v1/embeddings")
        fake.add_endpoint("my-chat")
        fake.add_endpoint("databricks-claude")
        fake.set_space("space-ok", TextAnswer("hi"))
        fake.set_space("space-secret", TextAnswer("no"), forbidden=True)
        fake.sql.add_warehouse("wh-ok", name="Shared")
        fake.sql.add_warehouse("wh-secret", only_users=("someone@example.com",))
        yield fake


def on(fake: FakeGenieServer) -> Settings:
    return Settings(
        DATABASE_URL="sqlite:///unused.db", DATABRICKS_HOST=fake.url, DATABRICKS_TOKEN="dapi-test"
    )


def test_endpoints_listed_chat_first_then_databricks_prefixed(fake_workspace: FakeGenieServer):
    choices = workspace.list_endpoints(on(fake_workspace))
    assert [c.name for c in choices] == ["databricks-claude", "my-chat", "team-embeddings"]
    assert [c.chat_capable for c in choices] == [True, True, False]
    assert fake_workspace.requests[-1].authorization == "Bearer dapi-test"


def test_workspace_checks(fake_workspace: FakeGenieServer) -> None:
    settings = on(fake_workspace)
    assert workspace.check_workspace(parse_config(GOOD), settings) == []
    missing = parse_config(with_value("ai_infra.llm_endpoint", "databricks-gone"))
    with pytest.raises(
        InvalidInputError, match="'databricks-gone' does not exist.*databricks-claude"
    ):
        workspace.check_workspace(missing, settings)
    unknown_space = parse_config(with_value("genie_spaces.0.space_id", "space-nope"))
    with pytest.raises(InvalidInputError, match="does not exist; copy the id"):
        workspace.check_workspace(unknown_space, settings)
    forbidden = parse_config(with_value("genie_spaces.0.space_id", "space-secret"))
    with pytest.raises(InvalidInputError, match="ask its owner for CAN VIEW"):
        workspace.check_workspace(forbidden, settings)
    # Unchanged parts are not re-checked on every save.
    assert workspace.check_workspace(missing, settings, previous=missing.model_dump()) == []


def test_genie_space_is_checked_with_the_users_own_token(
    fake_workspace: FakeGenieServer, db: Session, settings: Settings
) -> None:
    """A space only the user may read passes with their forwarded token; the app's own
    credentials are refused, and the fake saw the user's token."""
    fake_workspace.add_user("user-token-alice", ALICE.name, ["analysts"])
    fake_workspace.set_space("space-alice", TextAnswer("hi"), only_users=(ALICE.name,))
    workspace_settings = on(fake_workspace)
    space = parse_config(with_value("genie_spaces.0.space_id", "space-alice")).genie_spaces[0]
    assert (
        workspace.check_genie_space(space, workspace_settings, user_token="user-token-alice") == []
    )
    assert fake_workspace.requests[-1].authorization == "Bearer user-token-alice"
    with pytest.raises(InvalidInputError, match="ask its owner for CAN VIEW"):
        workspace.check_genie_space(space, workspace_settings)
    assert fake_workspace.requests[-1].authorization == "Bearer dapi-test"

    # Saving through the service checks the new space as the user too.
    seed_database(db, settings=settings)
    config = admin.show_profile(db, ALICE, name="default").config
    config["genie_spaces"] = [{"space_id": "space-alice", "space_name": "Alice's"}]
    with pytest.raises(InvalidInputError, match="ask its owner"):
        admin.save_configuration(
            db, ALICE, name="default", config=config, settings=workspace_settings
        )
    saved = admin.save_configuration(
        db,
        ALICE,
        name="default",
        config=config,
        settings=workspace_settings,
        user_token="user-token-alice",
    )
    assert saved.warnings == []
    assert saved.profile.config["genie_spaces"][0]["space_id"] == "space-alice"


def test_an_unreachable_workspace_gives_warnings_not_errors() -> None:
    """A configured workspace that does not answer must not block saving: each check says it
    could not run, and why."""
    settings = Settings(
        DATABASE_URL="sqlite:///unused.db",
        DATABRICKS_HOST=f"http://127.0.0.1:{free_port()}",  # nothing listens there
        DATABRICKS_TOKEN="dapi-test",
    )
    warnings = workspace.check_workspace(parse_config(GOOD), settings)
    assert len(warnings) == 2, warnings
    endpoint, space = warnings
    assert (
        "The Databricks workspace at http://127.0.0.1:" in endpoint and "did not answer" in endpoint
    )
    assert "'databricks-claude' was not checked" in endpoint
    assert "did not answer" in space and "'space-ok' was not checked" in space


WAREHOUSE_SOURCE = "databricks-sql://wh-ok/main/sales"


def test_sql_warehouse_checks(fake_workspace: FakeGenieServer) -> None:
    from slidegen.schemas.profile_config import DataSourceConfig

    settings = on(fake_workspace)
    config = parse_config(with_value("data_sources.0.url", WAREHOUSE_SOURCE))
    assert workspace.check_workspace(config, settings) == []
    [get] = fake_workspace.sql_requests()
    assert (get.method, get.path) == ("GET", "/api/2.0/sql/warehouses/wh-ok")
    assert get.authorization == "Bearer dapi-test"
    source = config.data_sources[0]
    assert workspace.check_data_source(source, settings).startswith(
        "SQL warehouse Shared (RUNNING)"
    )

    gone = parse_config(with_value("data_sources.0.url", "databricks-sql://wh-gone/main"))
    with pytest.raises(InvalidInputError, match="Not saved: SQL warehouse 'wh-gone' of data sou"):
        workspace.check_workspace(gone, settings)
    with pytest.raises(InvalidInputError, match="'wh-gone' of data source 'warehouse' does not"):
        workspace.check_data_source(gone.data_sources[0], settings)
    secret = parse_config(with_value("data_sources.0.url", "databricks-sql://wh-secret"))
    with pytest.raises(InvalidInputError, match="cannot be used; ask its owner for CAN USE"):
        workspace.check_workspace(secret, settings)
    # The user's forwarded token: a warehouse only they may use passes, as them.
    fake_workspace.add_user("user-token-someone", "someone@example.com", [])
    assert workspace.check_workspace(secret, settings, user_token="user-token-someone") == []
    assert fake_workspace.sql_requests()[-1].authorization == "Bearer user-token-someone"
    # A source saved before is not checked again.
    assert workspace.check_workspace(gone, settings, previous=gone.model_dump()) == []
    assert DataSourceConfig(name="x", url=WAREHOUSE_SOURCE).url == WAREHOUSE_SOURCE


def test_without_a_workspace_checks_are_warnings(settings: Settings) -> None:
    warnings = workspace.check_workspace(parse_config(GOOD), settings)
    assert len(warnings) == 2 and all("No Databricks workspace" in w for w in warnings)
    sql = parse_config(with_value("data_sources.0.url", WAREHOUSE_SOURCE))
    [*_, warning] = workspace.check_workspace(sql, settings)
    assert warning == (
        "No Databricks workspace is configured (DATABRICKS_HOST), so SQL warehouse 'wh-ok' of "
        "data source 'warehouse' was not checked."
    )
    assert workspace.check_data_source(sql.data_sources[0], settings) == warning
    with pytest.raises(ConfigurationError, match="DATABRICKS_HOST"):
        workspace.list_endpoints(settings)
    openai = with_value("ai_infra.provider", "openai")
    with pytest.raises(InvalidInputError, match="needs a base URL"):
        workspace.check_workspace(parse_config(openai), settings)


def test_save_refuses_bad_input_and_keeps_the_profile(db: Session, settings: Settings) -> None:
    seed_database(db, settings=settings)
    before = admin.show_profile(db, ALICE, name="default").config
    with pytest.raises(InvalidInputError, match="temperature"):
        admin.update_profile(
            db, ALICE, name="default", settings=settings, ai_infra={"llm_temperature": 7}
        )
    with pytest.raises(InvalidInputError, match="deck prompt 999999 does not exist"):
        admin.update_profile(
            db,
            ALICE,
            name="default",
            settings=settings,
            prompts={"selected_deck_prompt_id": 999999},
        )
    with pytest.raises(InvalidInputError, match="profile name"):
        admin.create_profile(db, ALICE, name="  ", settings=settings)
    assert admin.show_profile(db, ALICE, name="default").config == before


def test_data_source_connection_check(tmp_path) -> None:
    import sqlite3

    from slidegen.schemas.profile_config import DataSourceConfig

    path = tmp_path / "sales.db"
    with sqlite3.connect(path) as connection:
        connection.execute("CREATE TABLE revenue (month TEXT, amount REAL)")
    good = DataSourceConfig(name="sales", url=f"sqlite:///{path}")
    assert "revenue(month" in workspace.check_data_source(good)
    sample = DataSourceConfig(name="demo", url="sample:")
    assert "Tables:" in workspace.check_data_source(sample)
    with pytest.raises(InvalidInputError, match="'gone'"):
        workspace.check_data_source(DataSourceConfig(name="gone", url=f"sqlite:///{path}.nope"))
    with pytest.raises(InvalidInputError, match="SQLite or PostgreSQL"):
        parse_config(with_value("data_sources.0.url", "mysql://reader@db/sales"))
