"""Export jobs end to end on SQLite and PostgreSQL: permissions, background run, file, reaping.

Decks are stored as the engine stores them; the JobRunner runs the export as the app does;
the CLI runs in a subprocess as users run it.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from pptx import Presentation
from pptx.enum.shapes import MSO_SHAPE_TYPE
from pypdf import PdfReader
from sqlalchemy import select, update

from slidegen.config import Settings
from slidegen.db import migrate
from slidegen.db.base import utcnow
from slidegen.db.database import Database
from slidegen.db.models import ExportFile, ExportJob
from slidegen.deck import Deck, Slide
from slidegen.errors import InvalidInputError, NotFoundError
from slidegen.identity import User
from slidegen.seed_content.css import MIDNIGHT_CSS
from slidegen.services.decks import store as decks
from slidegen.services.exports import jobs as export
from slidegen.services.jobs.pool import JobRunner
from slidegen.services.library import images
from slidegen.services.sessions.actions import rename_session
from tests.conftest import DatabaseFactory
from tests.export_corpus import corpus_deck
from tests.factories import make_session
from tests.integration.test_cli import assert_clean_failure, run_cli
from tests.library_files import image_bytes

ALICE = User(name="alice@example.com", display_name="Alice")
BOB = User(name="bob@example.com", display_name="Bob")


@pytest.fixture(scope="module")
def database(backend: str, databases: DatabaseFactory) -> Iterator[Database]:
    settings = Settings(DATABASE_URL=databases.url(backend))
    db = Database(settings)
    migrate.upgrade(db.engine)
    yield db
    db.dispose()


@pytest.fixture(scope="module")
def runner(database: Database) -> Iterator[JobRunner]:
    job_runner = JobRunner(database, database.settings, max_workers=1)
    yield job_runner
    job_runner.shutdown()


def _store(db: Database, deck: Deck, owner: User = ALICE) -> str:
    with db.scope() as session:
        row = make_session(owner.name, title=deck.title)
        session.add(row)
        session.flush()
        if deck.slides:
            decks.store_deck(session, row, deck, user=owner, expected_version=0)
        return row.session_id


def _run(db: Database, runner: JobRunner, user: User, session_id: str, fmt: str = "pptx"):
    with db.scope() as session:
        job = export.start_export(session, user, session_id=session_id, format=fmt)
    assert job.status == "pending" and job.fraction == 0.0
    runner.submit_export(job.job_id).result(timeout=60)
    with db.scope() as session:
        return export.get_export(session, user, job_id=job.job_id)


def test_pptx_export_job_runs_in_the_background(database: Database, runner: JobRunner) -> None:
    deck = corpus_deck(MIDNIGHT_CSS, title="Q3 review: cost & usage")
    session_id = _store(database, deck)
    job = _run(database, runner, ALICE, session_id)
    assert (job.status, job.progress, job.total_slides) == ("completed", 18, 18)
    assert job.warnings == [] and job.fraction == 1.0 and job.completed_at is not None
    with database.scope() as session:
        data, name, mime = export.export_file(session, ALICE, job_id=job.job_id)
    assert name == "Q3-review-cost-usage.pptx" and "presentationml" in mime
    prs = Presentation(io.BytesIO(data))
    assert len(prs.slides) == 18 and prs.core_properties.title == deck.title
    # Somebody else can neither follow nor download it.
    with database.scope() as session, pytest.raises(NotFoundError):
        export.export_file(session, BOB, job_id=job.job_id)


def test_html_export_is_the_self_contained_document(database: Database, runner) -> None:
    session_id = _store(database, corpus_deck(MIDNIGHT_CSS))
    job = _run(database, runner, ALICE, session_id, "html")
    with database.scope() as session:
        data, name, mime = export.export_file(session, ALICE, job_id=job.job_id)
    page = data.decode()
    assert mime == "text/html" and name.endswith(".html")
    assert page.count('class="frame"') == 18 and "<svg" in page
    assert not re.search(r"(src|href)\s*=\s*[\"']?\s*https?:|url\(\s*['\"]?https?:", page)


def test_a_renamed_deck_exports_under_its_new_title(database: Database, runner) -> None:
    session_id = _store(database, corpus_deck(MIDNIGHT_CSS, title="Old name"))
    with database.scope() as session:
        rename_session(session, ALICE, session_id=session_id, title="Board pack: final")
    found = {}
    for fmt in ("pptx", "html", "pdf"):
        job = _run(database, runner, ALICE, session_id, fmt)
        with database.scope() as session:
            found[fmt] = export.export_file(session, ALICE, job_id=job.job_id)[:2]
    assert {fmt: name for fmt, (_, name) in found.items()} == {
        fmt: f"Board-pack-final.{fmt}" for fmt in ("pptx", "html", "pdf")
    }
    pptx_data, html_data, pdf_data = (found[fmt][0] for fmt in ("pptx", "html", "pdf"))
    assert Presentation(io.BytesIO(pptx_data)).core_properties.title == "Board pack: final"
    assert "<title>Board pack: final</title>" in html_data.decode()
    assert PdfReader(io.BytesIO(pdf_data)).metadata.title == "Board pack: final"


def test_only_readers_can_export_and_empty_decks_are_refused(database: Database) -> None:
    session_id = _store(database, corpus_deck(MIDNIGHT_CSS))
    empty = _store(database, Deck(title="Empty"))
    with database.scope() as session:
        with pytest.raises(NotFoundError, match="don't have access"):
            export.start_export(session, BOB, session_id=session_id, format="pptx")
        with pytest.raises(InvalidInputError, match="no slides"):
            export.start_export(session, ALICE, session_id=empty, format="pptx")
        with pytest.raises(InvalidInputError, match="format"):
            export.start_export(session, ALICE, session_id=session_id, format="docx")


def test_a_job_whose_worker_died_is_reaped(database: Database) -> None:
    session_id = _store(database, corpus_deck(MIDNIGHT_CSS))
    with database.scope() as session:
        job = export.start_export(session, ALICE, session_id=session_id, format="pptx")
        session.execute(
            update(ExportJob)
            .where(ExportJob.job_id == job.job_id)
            .values(status="running", heartbeat_at=utcnow() - timedelta(minutes=10))
        )
    with database.scope() as session:
        assert export.reap_stale_exports(session) >= 1
    with database.scope() as session:
        reaped = export.get_export(session, ALICE, job_id=job.job_id)
        assert reaped.status == "error" and "export again" in (reaped.error_message or "")
        with pytest.raises(InvalidInputError, match="not finished"):
            export.export_file(session, ALICE, job_id=job.job_id)


def test_an_export_is_downloaded_through_another_replica_until_it_expires(
    database: Database,
) -> None:
    session_id = _store(database, corpus_deck(MIDNIGHT_CSS))
    first = JobRunner(database, database.settings, max_workers=1)
    try:
        job = _run(database, first, ALICE, session_id, "html")
    finally:
        first.shutdown()  # the replica that made the file is gone
    other = Database(Settings(DATABASE_URL=database.settings.database_url))
    try:
        with other.scope() as session:
            data, name, mime = export.export_file(session, ALICE, job_id=job.job_id)
        assert mime == "text/html" and data.decode().count('class="frame"') == 18
        with other.scope() as session:
            session.execute(
                update(ExportFile)
                .where(
                    ExportFile.export_job_id
                    == select(ExportJob.id).where(ExportJob.job_id == job.job_id).scalar_subquery()
                )
                .values(created_at=utcnow() - timedelta(hours=25))
            )
        with other.scope() as session:
            assert export.prune_export_files(session, other.settings) == 1  # a day by default
        with other.scope() as session:
            assert export.get_export(session, ALICE, job_id=job.job_id).status == "completed"
            with pytest.raises(NotFoundError, match="no longer kept.*export again"):
                export.export_file(session, ALICE, job_id=job.job_id)
    finally:
        other.dispose()


def test_cli_export_writes_the_file(database: Database, tmp_path: Path) -> None:
    session_id = _store(database, corpus_deck(MIDNIGHT_CSS))
    env = {
        "DATABASE_URL": database.settings.database_url,
        "SLIDEGEN_USER": ALICE.name,
    }
    out = tmp_path / "deck.pptx"
    result = run_cli("export", session_id, "--format", "pptx", "--out", str(out), env=env)
    assert result.returncode == 0, result.stderr
    assert "Exported 18 slides" in result.stdout
    assert len(Presentation(str(out)).slides) == 18
    denied = run_cli("export", session_id, "--out", str(out), env=env | {"SLIDEGEN_USER": BOB.name})
    assert_clean_failure(denied, "don't have access")


def test_library_images_are_exported_as_pictures(database: Database, runner: JobRunner) -> None:
    with database.scope() as session:
        images.upload_image(
            session, ALICE, filename="logo.png", data=image_bytes(size=(200, 100)), name="logo"
        )
    html = (
        '<section class="slide"><h1>Our logo</h1>'
        '<img src="image:logo" alt="The company logo"></section>'
    )
    session_id = _store(database, Deck(title="Brand", slides=[Slide(html=html)]))
    job = _run(database, runner, ALICE, session_id)
    assert job.status == "completed" and job.warnings == []
    with database.scope() as session:
        data, _, _ = export.export_file(session, ALICE, job_id=job.job_id)
    shapes = Presentation(io.BytesIO(data)).slides[0].shapes
    pictures = [shape for shape in shapes if shape.shape_type == MSO_SHAPE_TYPE.PICTURE]
    assert len(pictures) == 1
    assert pictures[0].image.content_type == "image/png"
    assert pictures[0].width / pictures[0].height == pytest.approx(2.0, rel=0.02)
