"""Google Slides export on SQLite and PostgreSQL, through the real google-auth and
google-api-python-client over HTTP against a fake Google on 127.0.0.1 (tests/fakes/google_server).

Connecting (state bound to the user, one use), tokens encrypted at rest, the export job's
batchUpdate requests (slides, text, a native table, a linked Sheets chart, speaker notes),
re-export into the same presentation, expired and revoked tokens, a missing or rotated key,
an API error, permissions, and hostile slide text staying inert.
"""

from __future__ import annotations

import json
import urllib.parse
from collections.abc import Iterator
from typing import Any

import pytest
from cryptography.fernet import Fernet
from sqlalchemy import select

from slidegen.config import Settings
from slidegen.db import migrate
from slidegen.db.database import Database
from slidegen.db.models import GoogleOAuthState, GoogleOAuthToken
from slidegen.deck import Deck, Slide, chart_figure
from slidegen.errors import InvalidInputError, NotFoundError, SlidegenError
from slidegen.identity import User
from slidegen.render.parse import parse_deck
from slidegen.seed_content.css import MIDNIGHT_CSS
from slidegen.services.decks import store as decks
from slidegen.services.exports import google_auth, google_slides
from slidegen.services.exports import jobs as export
from slidegen.services.jobs.pool import JobRunner
from tests.conftest import DatabaseFactory
from tests.factories import make_session
from tests.fakes.google_server import FakeGoogle

ALICE = User(name="alice@example.com", display_name="Alice")
BOB = User(name="bob@example.com", display_name="Bob")
KEY = Fernet.generate_key().decode()
CHART = {
    "type": "bar",
    "title": "Cost by month",
    "categories": ["Jan", "Feb", "Mar"],
    "series": [{"name": "Cost", "values": [1200, 1350.5, 990]}],
}
DECK_HTML = f"""
<div class="slide"><h1>Quarterly review</h1>
<ul><li>Revenue grew 12%</li><li>Costs flat</li></ul>
<aside class="notes">Open with the revenue story.</aside></div>
<div class="slide"><h2>Top SKUs</h2>
<table><thead><tr><th>SKU</th><th>Cost</th></tr></thead>
<tbody><tr><td>Jobs Compute</td><td>$42,000</td></tr>
<tr><td>SQL Warehouse</td><td>$31,500</td></tr></tbody>
</table></div>
<div class="slide"><h2>Trend</h2>{chart_figure(CHART)}
<aside class="notes">The March dip is seasonal.</aside></div>
"""


@pytest.fixture(scope="module")
def google() -> Iterator[FakeGoogle]:
    fake = FakeGoogle().start()
    yield fake
    fake.stop()


def _settings(url: str, google: FakeGoogle, **overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "DATABASE_URL": url,
        "SLIDEGEN_GOOGLE_CLIENT_ID": "client-123.apps.googleusercontent.com",
        "SLIDEGEN_GOOGLE_CLIENT_SECRET": "client-secret",
        "SLIDEGEN_GOOGLE_REDIRECT_URI": "http://localhost:8501/",
        "SLIDEGEN_GOOGLE_TOKEN_KEY": KEY,
        "SLIDEGEN_GOOGLE_AUTH_URI": f"{google.base_url}/auth",
        "SLIDEGEN_GOOGLE_TOKEN_URI": f"{google.base_url}/token",
        "SLIDEGEN_GOOGLE_SLIDES_ENDPOINT": google.base_url,
        "SLIDEGEN_GOOGLE_SHEETS_ENDPOINT": google.base_url,
    }
    values.update(overrides)
    return Settings(**{k: v for k, v in values.items() if v is not None})


@pytest.fixture(scope="module")
def database(backend: str, databases: DatabaseFactory, google: FakeGoogle) -> Iterator[Database]:
    db = Database(_settings(databases.url(backend), google))
    migrate.upgrade(db.engine)
    yield db
    db.dispose()


@pytest.fixture(scope="module")
def runner(database: Database) -> Iterator[JobRunner]:
    job_runner = JobRunner(database, database.settings, max_workers=1)
    yield job_runner
    job_runner.shutdown()


def _deck(html: str = DECK_HTML, title: str = "Q3 review") -> Deck:
    parsed = parse_deck(html)
    slides = [Slide(html=s.html, charts=s.charts, notes=s.notes) for s in parsed.slides]
    return Deck(title=title, css=MIDNIGHT_CSS, slides=slides)


def _store(db: Database, deck: Deck, owner: User = ALICE) -> str:
    with db.scope() as session:
        row = make_session(owner.name, title=deck.title)
        session.add(row)
        session.flush()
        decks.store_deck(session, row, deck, user=owner, expected_version=0)
        return row.session_id


def _connect(db: Database, google: FakeGoogle, user: User) -> str:
    """Go through consent as Google would: the state from the URL comes back with a code."""
    with db.scope() as session:
        url = google_auth.start_google_connect(session, user, settings=db.settings)
    state = urllib.parse.parse_qs(urllib.parse.urlsplit(url).query)["state"][0]
    with db.scope() as session:
        google_auth.complete_google_connect(
            session, user, settings=db.settings, state=state, code=google.issue_code()
        )
    return state


def _export(db: Database, runner: JobRunner, user: User, session_id: str):
    with db.scope() as session:
        job = export.start_export(
            session, user, session_id=session_id, format="gslides", settings=db.settings
        )
    runner.submit_export(job.job_id).result(timeout=60)
    with db.scope() as session:
        return export.get_export(session, user, job_id=job.job_id)


def _requests(recorded: list[Any]) -> list[dict[str, Any]]:
    return [r for call in recorded for r in call.body["requests"]]


def test_connecting_checks_the_state_and_stores_tokens_encrypted(
    database: Database, google: FakeGoogle
) -> None:
    with database.scope() as session:
        url = google_auth.start_google_connect(session, ALICE, settings=database.settings)
    query = urllib.parse.parse_qs(urllib.parse.urlsplit(url).query)
    assert url.startswith(f"{google.base_url}/auth?")
    assert query["scope"] == [" ".join(google_auth.SCOPES)] and query["access_type"] == ["offline"]
    assert query["redirect_uri"] == ["http://localhost:8501/"]
    state = query["state"][0]
    exchanges = len(google.token_requests)
    with database.scope() as session, pytest.raises(InvalidInputError, match="not started here"):
        google_auth.complete_google_connect(
            session, ALICE, settings=database.settings, state="forged", code=google.issue_code()
        )
    with database.scope() as session, pytest.raises(InvalidInputError, match="not started here"):
        google_auth.complete_google_connect(  # Alice's state on Bob's return is refused
            session, BOB, settings=database.settings, state=state, code=google.issue_code()
        )
    assert len(google.token_requests) == exchanges  # refused before asking Google
    with database.scope() as session:
        google_auth.complete_google_connect(
            session, ALICE, settings=database.settings, state=state, code=google.issue_code()
        )
    exchange = google.token_requests[-1].body
    assert exchange["grant_type"] == "authorization_code"
    assert exchange["client_secret"] == "client-secret"
    with database.scope() as session, pytest.raises(InvalidInputError, match="already used"):
        google_auth.complete_google_connect(  # a used state never works twice
            session, ALICE, settings=database.settings, state=state, code=google.issue_code()
        )
    with database.scope() as session:
        stored = session.scalar(
            select(GoogleOAuthToken.encrypted_tokens).where(
                GoogleOAuthToken.user_name == ALICE.name
            )
        )
        assert (
            session.scalar(select(GoogleOAuthState).where(GoogleOAuthState.state == state)) is None
        )
        status = google_auth.google_connection(session, ALICE, settings=database.settings)
        assert status.connected and status.configured
        assert not google_auth.google_connection(session, BOB, settings=database.settings).connected
    raw = bytes(stored)
    assert b"refresh-" not in raw and b"access-" not in raw  # not plaintext
    assert json.loads(Fernet(KEY.encode()).decrypt(raw))["refresh_token"].startswith("refresh-")


def test_export_builds_native_elements_and_reexport_keeps_the_presentation(
    database: Database, runner: JobRunner, google: FakeGoogle
) -> None:
    _connect(database, google, ALICE)
    session_id = _store(database, _deck())
    before = len(google.requests)
    job = _export(database, runner, ALICE, session_id)
    assert job.status == "completed", job.error_message
    calls = google.requests[before:]
    creates = [c for c in calls if c.path == "/v1/presentations"]
    assert len(creates) == 1 and creates[0].body["title"] == "Q3 review"
    updates = [c for c in calls if c.path.startswith("/v1/") and c.path.endswith(":batchUpdate")]
    assert len(updates) == 2  # slides and elements in one call, notes in a second
    requests = _requests(updates)
    kinds = [next(iter(r)) for r in requests]
    assert kinds.count("createSlide") == 3
    texts = [r["insertText"]["text"] for r in requests if "insertText" in r]
    assert "Quarterly review" in texts and "Revenue grew 12%\nCosts flat" in texts
    tables = [r["createTable"] for r in requests if "createTable" in r]
    assert [(t["rows"], t["columns"]) for t in tables] == [(3, 2)]  # the table; the chart is:
    (linked,) = [r["createSheetsChart"] for r in requests if "createSheetsChart" in r]
    assert linked["linkingMode"] == "LINKED"
    assert linked["spreadsheetId"] in google.sheets.spreadsheets
    cells = {
        (r["insertText"]["objectId"], r["insertText"]["cellLocation"]["rowIndex"],
         r["insertText"]["cellLocation"]["columnIndex"]): r["insertText"]["text"]
        for r in requests if "cellLocation" in r.get("insertText", {})
    }  # fmt: skip
    assert cells[(tables[0]["objectId"], 1, 0)] == "Jobs Compute"
    assert cells[(tables[0]["objectId"], 2, 1)] == "$31,500"
    assert any(r["createParagraphBullets"]["bulletPreset"].startswith("BULLET") for r in requests
               if "createParagraphBullets" in r)  # fmt: skip
    # The speaker notes go into each slide's notes shape.
    pid = creates[0].body and job.result_url.split("/d/")[1].split("/")[0]
    pres = google.presentations[pid]
    assert [s.notes_text for s in pres.slides] == [
        "Open with the revenue story.",
        "",
        "The March dip is seasonal.",
    ]
    assert job.result_url == f"https://docs.google.com/presentation/d/{pid}/edit"
    assert not job.warnings
    with database.scope() as session:
        link = google_slides.google_slides_link(session, ALICE, session_id=session_id)
    assert link == job.result_url

    # Re-export: the same presentation, its slides replaced, no new presentation.
    first_slides = {s.object_id for s in pres.slides}
    before = len(google.requests)
    again = _export(database, runner, ALICE, session_id)
    assert again.status == "completed" and again.result_url == job.result_url
    calls = google.requests[before:]
    assert not [c for c in calls if c.path == "/v1/presentations"]
    deletes = [r["deleteObject"]["objectId"] for r in _requests(
        [c for c in calls if c.path.startswith("/v1/") and c.path.endswith(":batchUpdate")])
        if "deleteObject" in r]  # fmt: skip
    assert set(deletes) == first_slides
    assert len(pres.slides) == 3 and not first_slides & {s.object_id for s in pres.slides}
    assert pres.slides[2].notes_text == "The March dip is seasonal."


def test_an_expired_access_token_is_refreshed_and_kept(
    database: Database, runner: JobRunner, google: FakeGoogle
) -> None:
    _connect(database, google, ALICE)
    session_id = _store(database, _deck())
    google.expire_access_tokens()
    refreshes = len([r for r in google.token_requests if r.body["grant_type"] == "refresh_token"])
    job = _export(database, runner, ALICE, session_id)
    assert job.status == "completed", job.error_message
    grants = [r.body["grant_type"] for r in google.token_requests]
    assert grants.count("refresh_token") == refreshes + 1
    with database.scope() as session:
        credentials = google_auth.user_credentials(session, ALICE.name, settings=database.settings)
    assert google._authorised(f"Bearer {credentials.token}") is not None  # the new one is kept


def test_a_revoked_grant_asks_to_reconnect(
    database: Database, runner: JobRunner, google: FakeGoogle
) -> None:
    _connect(database, google, BOB)
    session_id = _store(database, _deck(), owner=BOB)
    with database.scope() as session:
        refresh = google_auth.user_credentials(session, BOB.name, settings=database.settings)
    google.revoke(refresh.refresh_token)
    job = _export(database, runner, BOB, session_id)
    assert job.status == "error"
    assert "connect your Google account again" in (job.error_message or "")
    assert "Traceback" not in (job.error_message or "")
    with database.scope() as session:
        status = google_auth.google_connection(session, BOB, settings=database.settings)
        assert not status.connected and "Connect your Google account" in status.message
        with pytest.raises(SlidegenError, match="Connect your Google account first"):
            export.start_export(
                session, BOB, session_id=session_id, format="gslides", settings=database.settings
            )


def test_an_api_error_fails_the_job_with_a_clear_message(
    database: Database, runner: JobRunner, google: FakeGoogle
) -> None:
    _connect(database, google, ALICE)
    session_id = _store(database, _deck())
    google.fail_batch_update_with = 500
    try:
        job = _export(database, runner, ALICE, session_id)
    finally:
        google.fail_batch_update_with = None
    assert job.status == "error"
    assert job.error_message == "Google Slides refused the export (HTTP 500); try again later."


def test_without_the_key_the_feature_says_it_is_not_configured(
    database: Database, google: FakeGoogle
) -> None:
    bare = _settings(database.settings.database_url, google, SLIDEGEN_GOOGLE_TOKEN_KEY=None)
    session_id = _store(database, _deck())
    with database.scope() as session:
        status = google_auth.google_connection(session, ALICE, settings=bare)
        assert not status.configured and "SLIDEGEN_GOOGLE_TOKEN_KEY" in status.message
        with pytest.raises(google_auth.GoogleNotConfiguredError, match="not configured"):
            google_auth.start_google_connect(session, ALICE, settings=bare)
        with pytest.raises(SlidegenError, match="SLIDEGEN_GOOGLE_TOKEN_KEY"):
            export.start_export(session, ALICE, session_id=session_id, format="gslides",
                                settings=bare)  # fmt: skip
    broken = _settings(database.settings.database_url, google, SLIDEGEN_GOOGLE_TOKEN_KEY="nope")
    with database.scope() as session:
        status = google_auth.google_connection(session, ALICE, settings=broken)
        assert not status.configured and "not a Fernet key" in status.message
        with pytest.raises(SlidegenError, match="not a Fernet key"):
            google_auth.start_google_connect(session, ALICE, settings=broken)


def test_a_rotated_key_asks_to_connect_again(database: Database, google: FakeGoogle) -> None:
    _connect(database, google, ALICE)
    rotated = _settings(
        database.settings.database_url,
        google,
        SLIDEGEN_GOOGLE_TOKEN_KEY=Fernet.generate_key().decode(),
    )
    with database.scope() as session:
        status = google_auth.google_connection(session, ALICE, settings=rotated)
    assert status.configured and not status.connected and "key changed" in status.message


def test_only_readers_export_and_only_with_their_own_tokens(
    database: Database, google: FakeGoogle
) -> None:
    _connect(database, google, ALICE)
    session_id = _store(database, _deck())
    carol = User(name="carol@example.com", display_name="Carol")
    with database.scope() as session:
        with pytest.raises(NotFoundError):
            export.start_export(
                session, BOB, session_id=session_id, format="gslides", settings=database.settings
            )
        with pytest.raises(NotFoundError):
            google_slides.google_slides_link(session, BOB, session_id=session_id)
    with database.scope() as session:
        carol_id = _store(database, _deck(), owner=carol)
        with pytest.raises(SlidegenError, match="Connect your Google account first"):
            export.start_export(  # Alice is connected; Carol's export never uses her tokens
                session, carol, session_id=carol_id, format="gslides", settings=database.settings
            )


def test_hostile_slide_content_stays_inert(
    database: Database, runner: JobRunner, google: FakeGoogle
) -> None:
    _connect(database, google, ALICE)
    hostile = (
        '<div class="slide"><h1>Click <a href="https://evil.example/x">here</a></h1>'
        '<p>javascript:alert(1) \x07 <img src="https://evil.example/p.png"></p></div>'
    )
    session_id = _store(database, _deck(hostile))
    before = len(google.requests)
    job = _export(database, runner, ALICE, session_id)
    assert job.status == "completed", job.error_message
    sent = json.dumps([c.body for c in google.requests[before:] if c.body])
    assert "evil.example" not in sent and '"link"' not in sent and '"createImage"' not in sent
    assert "Click here" in sent  # the text itself is kept, as plain text
