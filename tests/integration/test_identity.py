"""Identity from the Databricks Apps proxy headers, workspace groups through the real
databricks-sdk against the fake server's SCIM API, and the app_identities record."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from slidegen.config import Settings
from slidegen.databricks.workspace import workspace_client
from slidegen.db.models import AppIdentity
from slidegen.identity import (
    GroupDirectory,
    UnidentifiedRequestError,
    User,
    forwarded_token,
    resolve_user,
    with_groups,
)
from slidegen.services.identities import known_identities, principal_type, record_identity
from tests.fakes.genie_server import FakeGenieServer

APP_TOKEN = "dapi-app"
ALICE_TOKEN = "dapi-alice"


def local(**env: str) -> Settings:
    return Settings(DATABASE_URL="sqlite:///unused.db", SLIDEGEN_USER="dev@example.com", **env)


def in_app(host: str | None = None, **env: str) -> Settings:
    return local(
        DATABRICKS_APP_NAME="slidegen", DATABRICKS_HOST=host or "http://127.0.0.1:9", **env
    )


def test_proxy_headers_name_the_user_and_a_request_without_them_is_refused_in_an_app() -> None:
    headers = {
        "X-Forwarded-Email": "alice@example.com",
        "X-Forwarded-Preferred-Username": "Alice Liddell",
        "X-Forwarded-User": "1234@5678",
        "X-Forwarded-Access-Token": ALICE_TOKEN,
    }
    user = resolve_user(headers, in_app())
    assert (user.name, user.display_name, user.from_proxy) == (
        "alice@example.com",
        "Alice Liddell",
        True,
    )
    assert forwarded_token(headers) == ALICE_TOKEN
    # Without an email the next header names the user; header names are case-insensitive.
    assert resolve_user({"x-forwarded-user": "1234@5678"}, in_app()).name == "1234@5678"
    for bare in ({}, {"X-Forwarded-Email": "  "}, {"Host": "app.example.com"}):
        with pytest.raises(UnidentifiedRequestError, match="no user identity"):
            resolve_user(bare, in_app())
    assert forwarded_token({}) is None


def test_local_development_uses_slidegen_user_and_its_configured_groups() -> None:
    user = resolve_user({}, local(SLIDEGEN_USER_GROUPS="admins, analysts,,"))
    assert user == User(
        name="dev@example.com", display_name="dev@example.com", groups=("admins", "analysts")
    )
    assert local(SLIDEGEN_DEV_MODE="1").developer_switcher
    assert not in_app().model_copy(update={"dev_mode": True}).developer_switcher


def test_groups_come_from_the_workspace_with_the_user_token_or_as_the_app_and_are_cached(
    monkeypatch: pytest.MonkeyPatch, tmp_path
) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))  # no ~/.databrickscfg
    for name in ("DATABRICKS_HOST", "DATABRICKS_CLIENT_ID", "DATABRICKS_CLIENT_SECRET"):
        monkeypatch.delenv(name, raising=False)
    with FakeGenieServer(token=APP_TOKEN) as server:
        server.add_user(ALICE_TOKEN, "alice@example.com", ["analysts", "finance"])
        server.add_user("dapi-bob", "bob@example.com", ["engineers"])
        settings = in_app(server.url, DATABRICKS_TOKEN=APP_TOKEN)
        directory = GroupDirectory(lambda token: workspace_client(settings, token))
        alice = resolve_user({"X-Forwarded-Email": "alice@example.com"}, settings)
        assert with_groups(alice, settings, directory, ALICE_TOKEN).groups == (
            "analysts",
            "finance",
        )
        me = [r for r in server.requests if r.path.endswith("/scim/v2/Me")]
        assert [r.authorization for r in me] == [f"Bearer {ALICE_TOKEN}"]
        # Cached: a second lookup asks nothing.
        count = len(server.requests)
        assert directory.groups_of("alice@example.com", ALICE_TOKEN) == ("analysts", "finance")
        assert len(server.requests) == count
        # Without a forwarded token the app looks the user up through SCIM as itself.
        assert directory.groups_of("bob@example.com") == ("engineers",)
        assert server.requests[-1].authorization == f"Bearer {APP_TOKEN}"
        assert directory.groups_of("nobody@example.com") == ()
        # A rejected token: no groups rather than an error (the user keeps their own grants).
        assert directory.groups_of("carol@example.com", "dapi-expired") == ()
        # ... and the failed lookup is not repeated on every page run, only after a while.
        count = len(server.requests)
        assert directory.groups_of("carol@example.com", "dapi-expired") == ()
        assert len(server.requests) == count


def test_users_and_groups_seen_are_recorded_once_and_refreshed(db: Session) -> None:
    alice = User(name="alice@example.com", display_name="Alice", groups=("analysts",))
    assert record_identity(db, alice) == ["user:alice@example.com", "group:analysts"]
    first = {r.identity_id: r.last_seen_at for r in db.scalars(select(AppIdentity))}
    record_identity(db, alice.model_copy(update={"display_name": "Alice L."}))
    rows = {r.identity_id: r for r in db.scalars(select(AppIdentity))}
    assert set(rows) == {"user:alice@example.com", "group:analysts"}
    assert (rows["user:alice@example.com"].identity_type, rows["group:analysts"].identity_type) == (
        "USER",
        "GROUP",
    )
    assert rows["user:alice@example.com"].display_name == "Alice L."
    assert rows["user:alice@example.com"].last_seen_at >= first["user:alice@example.com"]


def test_identities_seen_are_offered_to_share_with_most_recent_first(db: Session) -> None:
    alice = User(name="alice@example.com", display_name="Alice", groups=("analysts",))
    bob = User(name="bob@example.com", display_name="Bob", groups=("engineers",))
    record_identity(db, alice)
    record_identity(db, bob)
    offered = known_identities(db, alice)
    assert set(offered) == {"bob@example.com", "engineers", "analysts"}  # not herself
    assert offered.index("bob@example.com") < offered.index("analysts")
    assert [principal_type(name) for name in ("bob@example.com", "engineers")] == [
        "user",
        "group",
    ]
