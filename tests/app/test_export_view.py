"""The Chat page's Download PPTX: start the export, follow its progress, save the file."""

from __future__ import annotations

import io
import time

from pptx import Presentation
from sqlalchemy import select

from slidegen.config import Settings
from slidegen.db.database import Database
from slidegen.db.models import ExportJob
from tests.app.test_chat_page import detail, generate, open_chat


def test_download_pptx_exports_in_the_background_and_offers_the_file(app_env: str) -> None:
    session_id = generate(app_env)
    at = open_chat(session_id)
    at.button(key=f"slidegen.export.chat.{session_id}.pptx.start").click().run()
    assert not at.exception, at.exception
    database = Database(Settings(DATABASE_URL=app_env))
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        with database.scope() as session:
            job = session.scalars(select(ExportJob).where(ExportJob.session_id == session_id)).one()
            status, path = job.status, job.output_path
        if status in ("completed", "error"):
            break
        time.sleep(0.1)
    database.dispose()
    assert status == "completed"
    at.run()
    assert not at.exception, at.exception
    saves = [el for el in at.get("download_button") if el.proto.label.startswith("Save ")]
    assert [el.proto.label for el in saves] == ["Save PPTX"]
    assert saves[0].proto.help.endswith(".pptx: ready")
    slides = len(detail(app_env, session_id).slides)
    assert job.total_slides == slides
    with open(path, "rb") as handle:
        assert len(Presentation(io.BytesIO(handle.read())).slides) == slides
