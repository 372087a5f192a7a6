"""The Chat page's Download PPTX: start the export, follow its progress, save the file."""

from __future__ import annotations

import io
import time

from pptx import Presentation
from sqlalchemy import select
from streamlit.testing.v1 import AppTest

from slidegen.config import Settings
from slidegen.db.database import Database
from slidegen.db.models import ExportFile, ExportJob
from tests.app.test_chat_page import APP, detail, generate, open_chat


def _wait_for_export(url: str, session_id: str) -> tuple[str, bytes | None, ExportJob]:
    """Wait for the session's export job to end; return its status, file and row."""
    database = Database(Settings(DATABASE_URL=url))
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        with database.scope() as session:
            job = session.scalars(select(ExportJob).where(ExportJob.session_id == session_id)).one()
            status = job.status
            data = session.scalar(
                select(ExportFile.content).where(ExportFile.export_job_id == job.id)
            )
        if status in ("completed", "error"):
            break
        time.sleep(0.1)
    database.dispose()
    return status, data, job


def test_download_pptx_exports_in_the_background_and_offers_the_file(app_env: str) -> None:
    session_id = generate(app_env)
    at = open_chat(session_id)
    at.button(key=f"slidegen.export.chat.{session_id}.pptx.start").click().run()
    assert not at.exception, at.exception
    status, data, job = _wait_for_export(app_env, session_id)
    assert status == "completed"
    at.run()
    assert not at.exception, at.exception
    saves = [el for el in at.get("download_button") if el.proto.label.startswith("Save ")]
    assert [el.proto.label for el in saves] == ["Save PPTX"]
    assert saves[0].proto.help.endswith(".pptx: ready")
    slides = len(detail(app_env, session_id).slides)
    assert job.total_slides == slides
    assert len(Presentation(io.BytesIO(data)).slides) == slides


def test_history_exports_any_deck_the_user_can_read(app_env: str) -> None:
    session_id = generate(app_env)
    at = AppTest.from_file(APP, default_timeout=60)
    at.switch_page("app_pages/history.py").run()
    assert not at.exception, at.exception
    at.session_state[f"more-{session_id}"] = True  # open the card's menu (its content is lazy)
    at.run()
    at.button(key=f"slidegen.export.history.{session_id}.pptx.start").click().run()
    assert not at.exception, at.exception
    assert _wait_for_export(app_env, session_id)[0] == "completed"
    at.run()
    saves = [el for el in at.get("download_button") if el.proto.label.startswith("Save ")]
    assert [el.proto.label for el in saves] == ["Save PPTX"]
