"""The workspace's Google OAuth client uploaded by an admin, on SQLite and PostgreSQL.

Stored encrypted (the secret is in no column, no status, no log), admins only, no key -> off
and says how to make one, a rotated key -> upload again (never a crash), the uploaded client
before the environment's, the redirect URI rules, the doctor naming the source, and a whole
sign-in and export with the uploaded client through the real google-auth and
google-api-python-client against the fake Google (tests/fakes/google_server), which checks the
client id, secret and redirect URI as Google does.
"""

from __future__ import annotations

import json
import logging
import urllib.parse
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
import requests
from cryptography.fernet import Fernet
from sqlalchemy import text

from slidegen.config import Settings
from slidegen.db import migrate
from slidegen.db.base import utcnow
from slidegen.db.database import Database
from slidegen.errors import InvalidInputError, PermissionDeniedError
from slidegen.identity import User
from slidegen.services.doctor import run_doctor
from slidegen.services.exports import google_auth, google_client
from slidegen.services.exports import jobs as export
from slidegen.services.exports.google_client import GoogleNotConfiguredError
from slidegen.services.jobs.pool import JobRunner
from tests.conftest import DatabaseFactory
from tests.fakes.google_server import FakeGoogle
from tests.integration.test_google_slides_export import _deck, _store
from tests.unit.test_google_client_file import client_file, encode

ADMINS = "slidegen-admins"
ADA = User(name="ada@example.com", display_name="Ada", groups=(ADMINS,))
BOB = User(name="bob@example.com", display_name="Bob")
KEY = Fernet.generate_key().decode()
APP = "http://localhost:8501/"
UPLOADED_ID = "777-uploaded.apps.googleusercontent.com"
UPLOADED_SECRET = "GOCSPX-uploaded-s3cr3t-value"
ENV_ID, ENV_SECRET = "111-env.apps.googleusercontent.com", "GOCSPX-env-secret"
UNUSABLE_MLFLOW = "unusable-scheme://no-mlflow-in-this-test"


@pytest.fixture(scope="module")
def google() -> Iterator[FakeGoogle]:
    fake = FakeGoogle().start()
    fake.register_client(UPLOADED_ID, UPLOADED_SECRET, (APP,))
    fake.register_client(ENV_ID, ENV_SECRET, (APP,))
    yield fake
    fake.stop()


@pytest.fixture(scope="module")
def database(backend: str, databases: DatabaseFactory) -> Iterator[Database]:
    db = Database(Settings(DATABASE_URL=databases.url(backend)))
    migrate.upgrade(db.engine)
    yield db
    db.dispose()


@pytest.fixture(autouse=True)
def no_client_left(database: Database) -> Iterator[None]:
    """Each test starts without an uploaded client or anyone's Google tokens."""
    yield
    with database.scope() as session:
        session.execute(text("DELETE FROM google_global_credentials"))
        session.execute(text("DELETE FROM google_oauth_tokens"))


def settings_for(database: Database, google: FakeGoogle, **overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "DATABASE_URL": database.settings.database_url,
        "SLIDEGEN_ADMIN_GROUP": ADMINS,
        "SLIDEGEN_GOOGLE_TOKEN_KEY": KEY,
        "SLIDEGEN_GOOGLE_AUTH_URI": f"{google.base_url}/auth",
        "SLIDEGEN_GOOGLE_TOKEN_URI": f"{google.base_url}/token",
        "SLIDEGEN_GOOGLE_SLIDES_ENDPOINT": google.base_url,
        "MLFLOW_TRACKING_URI": UNUSABLE_MLFLOW,
    }
    values.update(overrides)
    return Settings(**{k: v for k, v in values.items() if v is not None})


def uploaded_file(kind: str = "web", **changes: Any) -> bytes:
    fields = {"client_id": UPLOADED_ID, "client_secret": UPLOADED_SECRET}
    if kind == "web":
        fields["redirect_uris"] = [APP, "https://slidegen.example.com/"]
    return encode(client_file(kind, **(fields | changes)))


def upload(
    database: Database, settings: Settings, content: bytes, user: User = ADA
) -> google_client.GoogleClientOut:
    with database.scope() as session:
        return google_client.upload_google_client(session, user, settings=settings, content=content)


def status(database: Database, settings: Settings) -> google_client.GoogleClientOut:
    with database.scope() as session:
        return google_client.google_client_status(session, ADA, settings=settings)


def connection(
    database: Database, settings: Settings, user: User = BOB
) -> google_auth.GoogleConnectionOut:
    with database.scope() as session:
        return google_auth.google_connection(session, user, settings=settings)


def consent_url(database: Database, settings: Settings, user: User = BOB) -> str:
    with database.scope() as session:
        return google_auth.start_google_connect(session, user, settings=settings)


def query_of(url: str) -> dict[str, str]:
    return dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(url).query))


def sign_in(database: Database, settings: Settings, user: User = BOB) -> None:
    """Open the consent URL as the browser does and come back where Google redirects."""
    answer = requests.get(consent_url(database, settings, user), allow_redirects=False, timeout=10)
    assert answer.status_code == 302, answer.text
    back = answer.headers["Location"]
    assert back.startswith(APP)
    returned = query_of(back)
    with database.scope() as session:
        google_auth.complete_google_connect(
            session, user, settings=settings, state=returned["state"], code=returned["code"]
        )


def test_an_upload_is_stored_encrypted_and_shown_without_its_secret(
    database: Database, google: FakeGoogle, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    settings = settings_for(database, google)
    content = uploaded_file()
    stored = upload(database, settings, content)
    assert (stored.source, stored.client_id, stored.client_type) == ("uploaded", UPLOADED_ID, "web")
    assert stored.uploaded_by == ADA.name and stored.usable and stored.key_ready
    assert utcnow() - timedelta(minutes=1) < stored.uploaded_at <= utcnow()
    assert stored.redirect_uri == APP  # the first of the web client's redirect URIs
    assert UPLOADED_SECRET not in stored.model_dump_json()

    with database.scope() as session:
        [row] = session.execute(text("SELECT * FROM google_global_credentials")).mappings().all()
    cells = b"".join(
        bytes(value) if isinstance(value, bytes | memoryview) else str(value).encode()
        for value in row.values()
    )
    assert UPLOADED_SECRET.encode() not in cells  # not in any column, encrypted or not
    assert b"client_secret" not in cells  # the file itself is not stored readable
    assert Fernet(KEY.encode()).decrypt(bytes(row["encrypted_client"])) == content
    assert (row["client_id"], row["client_type"], row["uploaded_by"]) == (
        UPLOADED_ID,
        "web",
        ADA.name,
    )

    with database.scope() as session:
        client = google_client.oauth_client(session, settings=settings)
    assert UPLOADED_SECRET not in repr(client)
    sign_in(database, settings)  # the secret goes to the token endpoint, and nowhere else
    assert google.token_requests[-1].body["client_secret"] == UPLOADED_SECRET
    assert UPLOADED_SECRET not in caplog.text


def test_the_sign_in_uses_the_uploaded_client_and_the_export_works(
    database: Database, google: FakeGoogle
) -> None:
    settings = settings_for(database, google)
    assert not connection(database, settings).configured  # nothing to sign in with yet
    upload(database, settings, uploaded_file())
    assert connection(database, settings).configured
    consent = query_of(consent_url(database, settings))
    assert (consent["client_id"], consent["redirect_uri"]) == (UPLOADED_ID, APP)

    sign_in(database, settings)
    exchange = google.token_requests[-1].body
    assert exchange["grant_type"] == "authorization_code"
    assert (exchange["client_id"], exchange["redirect_uri"]) == (UPLOADED_ID, APP)
    assert connection(database, settings).connected

    # An export in the background: the expired access token is refreshed with the same client.
    database_for_jobs = Database(settings)
    runner = JobRunner(database_for_jobs, settings, max_workers=1)
    try:
        session_id = _store(database_for_jobs, _deck(), owner=BOB)
        google.expire_access_tokens()
        with database.scope() as session:
            job = export.start_export(
                session, BOB, session_id=session_id, format="gslides", settings=settings
            )
        runner.submit_export(job.job_id).result(timeout=60)
        with database.scope() as session:
            done = export.get_export(session, BOB, job_id=job.job_id)
    finally:
        runner.shutdown()
        database_for_jobs.dispose()
    assert done.status == "completed", done.error_message
    refresh = google.token_requests[-1].body
    assert refresh["grant_type"] == "refresh_token" and refresh["client_id"] == UPLOADED_ID


def test_the_fake_google_refuses_a_client_it_does_not_know(
    database: Database, google: FakeGoogle
) -> None:
    """The flow test above proves something: a wrong secret or redirect URI fails here."""
    settings = settings_for(database, google)
    upload(database, settings, uploaded_file(client_secret="GOCSPX-wrong"))
    with pytest.raises(google_auth.GoogleApiError, match="HTTP 401"):
        sign_in(database, settings)
    elsewhere = settings_for(database, google, SLIDEGEN_GOOGLE_REDIRECT_URI="http://elsewhere/")
    answer = requests.get(consent_url(database, elsewhere), allow_redirects=False, timeout=10)
    assert answer.status_code == 400 and "redirect_uri_mismatch" in answer.text


def test_only_admins_upload_see_or_remove_the_client(
    database: Database, google: FakeGoogle
) -> None:
    settings = settings_for(database, google)
    with database.scope() as session:
        for call in (
            lambda: google_client.upload_google_client(
                session, BOB, settings=settings, content=uploaded_file()
            ),
            lambda: google_client.google_client_status(session, BOB, settings=settings),
            lambda: google_client.remove_google_client(session, BOB, settings=settings),
        ):
            with pytest.raises(PermissionDeniedError, match=f"Only members of {ADMINS}"):
                call()
    assert status(database, settings).source == "none"  # Bob stored nothing
    upload(database, settings, uploaded_file())
    with database.scope() as session, pytest.raises(PermissionDeniedError):
        google_client.remove_google_client(session, BOB, settings=settings)
    assert status(database, settings).source == "uploaded"  # and removed nothing
    in_an_app = settings_for(database, google, SLIDEGEN_ADMIN_GROUP=None, DATABRICKS_APP_NAME="sg")
    with database.scope() as session, pytest.raises(PermissionDeniedError, match="Only admins"):
        google_client.google_client_status(session, ADA, settings=in_an_app)


def test_a_refused_file_changes_nothing(database: Database, google: FakeGoogle) -> None:
    settings = settings_for(database, google)
    upload(database, settings, uploaded_file())
    with pytest.raises(InvalidInputError, match="has no client_secret"):
        upload(database, settings, uploaded_file(client_id="999-other", client_secret=None))
    kept = status(database, settings)
    assert (kept.client_id, kept.usable) == (UPLOADED_ID, True)


def test_without_the_key_the_feature_is_off_and_says_how_to_make_one(
    database: Database, google: FakeGoogle
) -> None:
    keyless = settings_for(database, google, SLIDEGEN_GOOGLE_TOKEN_KEY=None)
    with pytest.raises(GoogleNotConfiguredError, match="SLIDEGEN_GOOGLE_TOKEN_KEY") as caught:
        upload(database, keyless, uploaded_file())
    assert "Fernet.generate_key()" in caught.value.user_message
    off = status(database, keyless)
    assert not off.key_ready and not off.usable and "generate_key" in off.message
    user_view = connection(database, keyless)
    assert not user_view.configured and "SLIDEGEN_GOOGLE_TOKEN_KEY" in user_view.message
    with pytest.raises(GoogleNotConfiguredError):
        consent_url(database, keyless)


def test_a_rotated_key_asks_for_the_file_again_and_never_crashes(
    database: Database, google: FakeGoogle
) -> None:
    settings = settings_for(database, google)
    upload(database, settings, uploaded_file())
    rotated = settings_for(
        database,
        google,
        SLIDEGEN_GOOGLE_TOKEN_KEY=Fernet.generate_key().decode(),
        SLIDEGEN_GOOGLE_CLIENT_ID=ENV_ID,  # no silent fallback to the environment's client
        SLIDEGEN_GOOGLE_CLIENT_SECRET=ENV_SECRET,
    )
    unreadable = status(database, rotated)
    assert unreadable.source == "uploaded" and not unreadable.usable
    assert unreadable.client_id == UPLOADED_ID and unreadable.uploaded_by == ADA.name
    assert "must upload credentials.json again" in unreadable.message
    user_view = connection(database, rotated)
    assert not user_view.configured and "upload credentials.json again" in user_view.message
    with pytest.raises(GoogleNotConfiguredError, match="can no longer be read"):
        consent_url(database, rotated)
    again = upload(database, rotated, uploaded_file())  # the admin uploads it again
    assert again.usable and connection(database, rotated).configured


def test_the_uploaded_client_comes_before_the_environments(
    database: Database, google: FakeGoogle
) -> None:
    settings = settings_for(
        database,
        google,
        SLIDEGEN_GOOGLE_CLIENT_ID=ENV_ID,
        SLIDEGEN_GOOGLE_CLIENT_SECRET=ENV_SECRET,
        SLIDEGEN_GOOGLE_REDIRECT_URI=APP,
    )
    from_env = status(database, settings)
    assert (from_env.source, from_env.client_id, from_env.usable) == ("env", ENV_ID, True)
    assert query_of(consent_url(database, settings))["client_id"] == ENV_ID
    sign_in(database, settings)  # Bob connects with the environment's client

    upload(database, settings, uploaded_file())
    assert status(database, settings).source == "uploaded"
    assert query_of(consent_url(database, settings))["client_id"] == UPLOADED_ID
    # Google granted Bob's tokens to the other client: he is asked to connect again.
    moved = connection(database, settings)
    assert moved.configured and not moved.connected and "client changed" in moved.message
    sign_in(database, settings)
    assert google.token_requests[-1].body["client_id"] == UPLOADED_ID

    with database.scope() as session:
        assert google_client.remove_google_client(session, ADA, settings=settings)
        assert not google_client.remove_google_client(session, ADA, settings=settings)
    assert status(database, settings).source == "env"
    assert query_of(consent_url(database, settings))["client_id"] == ENV_ID


def test_the_redirect_uri_rules(database: Database, google: FakeGoogle) -> None:
    settings = settings_for(database, google)
    pinned = settings_for(database, google, SLIDEGEN_GOOGLE_REDIRECT_URI="https://pinned.example/")
    upload(database, settings, uploaded_file())
    assert status(database, pinned).redirect_uri == "https://pinned.example/"  # env wins

    upload(database, settings, uploaded_file(redirect_uris=None))
    bare = status(database, settings)
    assert not bare.usable and "lists no redirect URI" in bare.message
    assert status(database, pinned).usable

    upload(database, settings, uploaded_file("installed"))
    desktop = status(database, settings)
    assert desktop.client_type == "installed" and not desktop.usable
    assert "loopback" in desktop.message and "SLIDEGEN_GOOGLE_REDIRECT_URI" in desktop.message
    local = settings_for(database, google, SLIDEGEN_GOOGLE_REDIRECT_URI=APP)
    laptop = status(database, local)
    assert laptop.usable and laptop.redirect_uri == APP and not laptop.notes
    deployed = status(database, pinned)
    assert deployed.usable and "Web application" in deployed.notes[0]


def test_the_doctor_names_the_clients_source(database: Database, google: FakeGoogle) -> None:
    def google_check(settings: Settings):
        [check] = [c for c in run_doctor(database, settings).checks if c.name.startswith("Google")]
        return check

    off = google_check(settings_for(database, google, SLIDEGEN_GOOGLE_TOKEN_KEY=None))
    assert off.ok and "source: none" in off.detail and "off" in off.detail
    missing = google_check(settings_for(database, google))
    assert not missing.ok and "source: none" in missing.detail and "upload" in missing.fix
    env = settings_for(
        database,
        google,
        SLIDEGEN_GOOGLE_CLIENT_ID=ENV_ID,
        SLIDEGEN_GOOGLE_CLIENT_SECRET=ENV_SECRET,
        SLIDEGEN_GOOGLE_REDIRECT_URI=APP,
    )
    from_env = google_check(env)
    assert from_env.ok and f"source: env, client {ENV_ID}" in from_env.detail
    upload(database, env, uploaded_file())
    uploaded = google_check(env)
    assert uploaded.ok and f"source: uploaded, client {UPLOADED_ID} (web)" in uploaded.detail
    assert f"uploaded by {ADA.name}" in uploaded.detail and UPLOADED_SECRET not in uploaded.detail
    rotated = google_check(
        settings_for(database, google, SLIDEGEN_GOOGLE_TOKEN_KEY=Fernet.generate_key().decode())
    )
    assert not rotated.ok and "upload credentials.json again" in rotated.fix


def test_the_file_is_kept_as_uploaded(database: Database, google: FakeGoogle) -> None:
    """Replacing keeps one row: the newest file, its facts and its uploader."""
    settings = settings_for(database, google)
    upload(database, settings, uploaded_file())
    other = User(name="olga@example.com", display_name="Olga", groups=(ADMINS,))
    replaced = upload(database, settings, uploaded_file(client_id="888-next"), user=other)
    assert (replaced.client_id, replaced.uploaded_by) == ("888-next", other.name)
    with database.scope() as session:
        rows = session.execute(
            text("SELECT client_id, encrypted_client FROM google_global_credentials")
        ).all()
    assert [r[0] for r in rows] == ["888-next"]
    kept = json.loads(Fernet(KEY.encode()).decrypt(bytes(rows[0][1])))
    assert kept["web"]["client_id"] == "888-next"
