"""Lakebase: an OAuth token is injected as the password of each new connection and refreshed."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError

from slidegen.config import Settings
from slidegen.db.engine import IssuedToken, create_db_engine, databricks_token_provider
from tests.fakes.genie_server import FakeGenieServer

ROLE = "lakebase_app"
DATABASE = "lakebase_test"


class FakeTokenIssuer:
    """Stands in for databricks-sdk: issues the current token with a one-hour lifetime."""

    def __init__(self, clock: FakeClock) -> None:
        self.clock = clock
        self.current = "token-1"
        self.issued: list[str] = []

    def __call__(self) -> IssuedToken:
        self.issued.append(self.current)
        return IssuedToken(self.current, self.clock.now + timedelta(hours=1))


class FakeClock:
    def __init__(self) -> None:
        self.now = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture(scope="module")
def lakebase(pg_admin_url: str) -> Iterator[Settings]:
    """A role that must authenticate with a password, its database and its schema."""
    admin = create_engine(pg_admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)"))
        connection.execute(text(f"DROP ROLE IF EXISTS {ROLE}"))
        connection.execute(text(f"CREATE ROLE {ROLE} LOGIN PASSWORD 'token-1'"))
        connection.execute(text(f"CREATE DATABASE {DATABASE} OWNER {ROLE}"))
    url = make_url(pg_admin_url)
    yield Settings(
        PGHOST=url.host,
        PGPORT=url.port,
        PGUSER=ROLE,
        PGDATABASE=DATABASE,
        PGSSLMODE="disable",  # the throwaway server has no certificate
        LAKEBASE_SCHEMA="app_data",
    )
    with admin.connect() as connection:
        connection.execute(text(f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)"))
        connection.execute(text(f"DROP ROLE IF EXISTS {ROLE}"))
    admin.dispose()


def _set_password(pg_admin_url: str, password: str) -> None:
    admin = create_engine(pg_admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f"ALTER ROLE {ROLE} PASSWORD '{password}'"))
    admin.dispose()


def _whoami(engine) -> tuple[str, str]:  # type: ignore[no-untyped-def]
    engine.dispose()  # force a new connection, i.e. a new authentication
    with engine.connect() as connection:
        return connection.execute(text("SELECT current_user, current_setting('search_path')")).one()


def test_token_is_the_password_and_is_refreshed_before_expiry(
    lakebase: Settings, pg_admin_url: str
) -> None:
    clock = FakeClock()
    issuer = FakeTokenIssuer(clock)
    engine = create_db_engine(lakebase, token_provider=issuer, clock=clock)
    try:
        assert engine.url.password is None
        assert engine.url.query["sslmode"] == "disable"
        user, search_path = _whoami(engine)
        assert user == ROLE
        assert search_path.startswith("app_data")
        _whoami(engine)
        assert issuer.issued == ["token-1"]  # cached while valid

        # Five minutes before expiry the next connection fetches a new token first.
        _set_password(pg_admin_url, "token-2")
        issuer.current = "token-2"
        clock.now += timedelta(minutes=56)
        assert _whoami(engine)[0] == ROLE
        assert issuer.issued == ["token-1", "token-2"]
    finally:
        engine.dispose()
        _set_password(pg_admin_url, "token-1")


def test_a_rotated_credential_is_replaced_once_and_the_connection_retried(
    lakebase: Settings, pg_admin_url: str
) -> None:
    clock = FakeClock()
    issuer = FakeTokenIssuer(clock)
    engine = create_db_engine(lakebase, token_provider=issuer, clock=clock)
    try:
        _whoami(engine)
        # The workspace rotates the credential long before the cached token expires.
        _set_password(pg_admin_url, "token-2")
        issuer.current = "token-2"
        assert _whoami(engine)[0] == ROLE
        assert issuer.issued == ["token-1", "token-2"]

        # A fresh token that is refused too is reported, after exactly one more fetch.
        _set_password(pg_admin_url, "token-4")
        issuer.current = "token-3"
        with pytest.raises(OperationalError, match="password authentication failed"):
            _whoami(engine)
        assert issuer.issued == ["token-1", "token-2", "token-3"]
    finally:
        engine.dispose()
        _set_password(pg_admin_url, "token-1")


@pytest.fixture
def workspace(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeGenieServer]:
    """The fake Databricks workspace; databricks-sdk's unified auth finds it in the env."""
    with FakeGenieServer(token="dapi-lakebase") as server:
        for name in (
            "DATABRICKS_CLIENT_ID",
            "DATABRICKS_CLIENT_SECRET",
            "DATABRICKS_CONFIG_PROFILE",
        ):
            monkeypatch.delenv(name, raising=False)
        monkeypatch.setenv("DATABRICKS_HOST", server.url)
        monkeypatch.setenv("DATABRICKS_TOKEN", "dapi-lakebase")
        yield server


def test_the_sdk_mints_the_credential_over_http_and_its_expiry_is_parsed(
    lakebase: Settings, workspace: FakeGenieServer
) -> None:
    settings = lakebase.model_copy(update={"lakebase_instance": "slidegen-db"})
    workspace.database_token = "token-1"
    workspace.database_token_expiry = "2026-11-23T10:15:30.123456789Z"
    issued = databricks_token_provider(settings)()
    assert issued == IssuedToken("token-1", datetime(2026, 11, 23, 10, 15, 30, 123456, UTC))
    (call,) = workspace.credential_requests()
    assert call.method == "POST" and call.authorization == "Bearer dapi-lakebase"
    assert call.body["instance_names"] == ["slidegen-db"] and call.body["request_id"]


def test_the_real_token_path_connects_and_follows_a_rotation(
    lakebase: Settings, workspace: FakeGenieServer, pg_admin_url: str
) -> None:
    settings = lakebase.model_copy(update={"lakebase_instance": "slidegen-db"})
    workspace.database_token = "token-1"
    workspace.database_token_expiry = (datetime.now(UTC) + timedelta(hours=1)).isoformat()
    engine = create_db_engine(settings)  # no injected issuer: WorkspaceClient over HTTP
    try:
        assert _whoami(engine)[0] == ROLE
        _whoami(engine)
        assert len(workspace.credential_requests()) == 1  # cached until near its expiry

        _set_password(pg_admin_url, "token-2")
        workspace.database_token = "token-2"
        assert _whoami(engine)[0] == ROLE
        assert len(workspace.credential_requests()) == 2
    finally:
        engine.dispose()
        _set_password(pg_admin_url, "token-1")


def test_lakebase_is_chosen_over_database_url_and_needs_its_variables() -> None:
    settings = Settings(DATABASE_URL="sqlite:///x.db", PGHOST="lakebase.example", PGUSER="app")
    assert settings.uses_lakebase
    with pytest.raises(Exception, match="PGDATABASE"):
        create_db_engine(settings, token_provider=lambda: IssuedToken("t", datetime.now(UTC)))
