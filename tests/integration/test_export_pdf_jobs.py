"""PDF export jobs end to end on SQLite and PostgreSQL: background run, notes, library images,
permissions, the CLI, and a machine without Pango (the CLI and the doctor name the fix).
"""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from pypdf import PdfReader

from slidegen.config import Settings
from slidegen.db import migrate
from slidegen.db.database import Database
from slidegen.deck import Deck, Slide
from slidegen.errors import InvalidInputError, NotFoundError
from slidegen.seed_content.css import MIDNIGHT_CSS
from slidegen.services.exports import jobs as export
from slidegen.services.jobs.pool import JobRunner
from slidegen.services.library import images
from tests.conftest import DatabaseFactory
from tests.export_corpus import corpus_deck
from tests.integration.test_cli import ROOT, assert_clean_failure, run_cli
from tests.integration.test_export_jobs import ALICE, BOB, _run, _store
from tests.library_files import image_bytes

PANGO = Path("/usr/lib/x86_64-linux-gnu/libpango-1.0.so.0")


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


def _pdf(db: Database, job_id: str) -> tuple[PdfReader, str, str]:
    with db.scope() as session:
        data, name, mime = export.export_file(session, ALICE, job_id=job_id)
    return PdfReader(io.BytesIO(data)), name, mime


def test_pdf_export_job_runs_in_the_background(database: Database, runner: JobRunner) -> None:
    deck = corpus_deck(MIDNIGHT_CSS, title="Q3 review: cost & usage")
    session_id = _store(database, deck)
    job = _run(database, runner, ALICE, session_id, "pdf")
    assert (job.status, job.format, job.progress, job.total_slides) == ("completed", "pdf", 18, 18)
    reader, name, mime = _pdf(database, job.job_id)
    assert (name, mime) == ("Q3-review-cost-usage.pdf", "application/pdf")
    assert len(reader.pages) == 18 and reader.metadata.title == deck.title
    assert "Consumption at a glance" in reader.pages[2].extract_text()
    with database.scope() as session, pytest.raises(NotFoundError):
        export.export_file(session, BOB, job_id=job.job_id)  # only its requester downloads it


def test_notes_placement_is_kept_with_the_job(database: Database, runner: JobRunner) -> None:
    deck = corpus_deck(MIDNIGHT_CSS)
    session_id = _store(database, deck)
    with database.scope() as session:
        job = export.start_export(
            session, ALICE, session_id=session_id, format="pdf", notes="pages"
        )
    runner.submit_export(job.job_id).result(timeout=120)
    reader, _, _ = _pdf(database, job.job_id)
    assert len(reader.pages) == 36
    assert deck.slides[0].notes in reader.pages[1].extract_text()
    with database.scope() as session, pytest.raises(InvalidInputError, match="notes"):
        export.start_export(session, ALICE, session_id=session_id, format="pdf", notes="margin")


def test_only_readers_can_export_a_pdf(database: Database) -> None:
    session_id = _store(database, corpus_deck(MIDNIGHT_CSS))
    with database.scope() as session, pytest.raises(NotFoundError, match="don't have access"):
        export.start_export(session, BOB, session_id=session_id, format="pdf")


def test_library_images_are_embedded(database: Database, runner: JobRunner) -> None:
    with database.scope() as session:
        images.upload_image(
            session, ALICE, filename="mark.png", data=image_bytes(size=(120, 60)), name="mark"
        )
    html = '<section class="slide"><h1>Our mark</h1><img src="image:mark" alt="Mark"></section>'
    session_id = _store(database, Deck(title="Brand", slides=[Slide(html=html)]))
    job = _run(database, runner, ALICE, session_id, "pdf")
    assert job.status == "completed", job.error_message
    reader, _, _ = _pdf(database, job.job_id)
    [picture] = reader.pages[0].images
    assert picture.image.size == (120, 60)


def test_hostile_stored_slide_is_inert(database: Database, runner: JobRunner) -> None:
    # Stored as model output is: through the sanitiser. The PDF has no way out of the deck.
    hostile = (
        '<section class="slide"><h1><a href="https://evil.example/x">Click</a></h1>'
        '<img src="https://evil.example/beacon.png" alt="b"></section>'
    )
    session_id = _store(database, Deck(title="Hostile", slides=[Slide(html=hostile)]))
    job = _run(database, runner, ALICE, session_id, "pdf")
    with database.scope() as session:
        data, _, _ = export.export_file(session, ALICE, job_id=job.job_id)
    assert b"/URI" not in data and b"/Annots" not in data and b"evil.example" not in data


def test_cli_exports_a_pdf_with_notes_in_an_appendix(database: Database, tmp_path: Path) -> None:
    deck = corpus_deck(MIDNIGHT_CSS)
    session_id = _store(database, deck)
    env = {
        "DATABASE_URL": database.settings.database_url,
        "SLIDEGEN_USER": ALICE.name,
    }
    out = tmp_path / "deck.pdf"
    args = ("export", session_id, "--format", "pdf", "--notes", "appendix", "--out", str(out))
    result = run_cli(*args, env=env)
    assert result.returncode == 0, result.stderr
    assert "Exported 18 slides" in result.stdout
    reader = PdfReader(str(out))
    assert len(reader.pages) == 19 and "speaker notes" in reader.pages[18].extract_text().lower()
    denied = run_cli(*args, env=env | {"SLIDEGEN_USER": BOB.name})
    assert_clean_failure(denied, "don't have access")


def _without_pango(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """Run the CLI in a mount namespace where the Pango library is an empty file."""
    script = f'mount --bind /dev/null {PANGO} && exec "$@"'
    command = ["unshare", "-m", "sh", "-c", script, "sh", sys.executable, "-m", "slidegen", *args]
    environment = {**os.environ, "PYTHONPATH": str(ROOT), **env}
    return subprocess.run(
        command, capture_output=True, text=True, env=environment, cwd=ROOT, timeout=120
    )


@pytest.mark.skipif(
    os.geteuid() != 0 or not shutil.which("unshare") or not PANGO.exists(),
    reason="hiding Pango needs root, unshare and Debian's libpango",
)
def test_without_pango_export_and_doctor_name_the_fix(database: Database, tmp_path) -> None:
    session_id = _store(database, corpus_deck(MIDNIGHT_CSS))
    env = {"DATABASE_URL": database.settings.database_url, "SLIDEGEN_USER": ALICE.name}
    out = tmp_path / "deck.pdf"
    result = _without_pango("export", session_id, "--format", "pdf", "--out", str(out), env=env)
    assert_clean_failure(result, "apt-get install -y libpango-1.0-0 libpangoft2-1.0-0")
    assert "PDF export is unavailable" in result.stderr and not out.exists()
    doctor = _without_pango("doctor", env=env | {"MLFLOW_TRACKING_URI": "sqlite:///:memory:"})
    assert doctor.returncode == 1
    assert "[FAIL] PDF export (WeasyPrint, Pango)" in doctor.stdout
    assert "fix: Install the Pango library" in doctor.stdout
