"""The Chat page's and History's PDF export: notes choice, background job, Save PDF."""

from __future__ import annotations

from io import BytesIO

from pypdf import PdfReader
from streamlit.testing.v1 import AppTest

from tests.app.test_chat_page import APP, detail, generate, open_chat
from tests.app.test_export_view import _wait_for_export


def test_chat_exports_a_pdf_with_the_chosen_notes(app_env: str) -> None:
    session_id = generate(app_env)
    at = open_chat(session_id)
    slot = f"slidegen.export.chat.{session_id}.pdf"
    at.selectbox(key=f"{slot}.notes").set_value("appendix").run()
    at.button(key=f"{slot}.start").click().run()
    assert not at.exception, at.exception
    status, data, job = _wait_for_export(app_env, session_id)
    assert (status, job.format, job.notes_placement) == ("completed", "pdf", "appendix")
    at.run()
    assert not at.exception, at.exception
    saves = [el for el in at.get("download_button") if el.proto.label == "Save PDF"]
    assert len(saves) == 1 and saves[0].proto.help.endswith(".pdf: ready")
    slides = detail(app_env, session_id).slides
    reader = PdfReader(BytesIO(data))  # the file as stored in the database
    with_notes = [s for s in slides if s.notes.strip()]
    assert with_notes and len(reader.pages) > len(slides)  # one page a slide, then the appendix
    appendix = " ".join(" ".join(p.extract_text() for p in reader.pages[len(slides) :]).split())
    for slide in with_notes:  # each slide's notes, in words, are in the appendix
        assert " ".join(slide.notes.split()[:4]) in appendix


def test_history_exports_a_pdf(app_env: str) -> None:
    session_id = generate(app_env)
    at = AppTest.from_file(APP, default_timeout=60)
    at.switch_page("app_pages/history.py").run()
    at.session_state[f"more-{session_id}"] = True  # open the card's menu (its content is lazy)
    at.run()
    at.button(key=f"slidegen.export.history.{session_id}.pdf.start").click().run()
    assert not at.exception, at.exception
    assert _wait_for_export(app_env, session_id)[0] == "completed"
    at.run()
    saves = [el for el in at.get("download_button") if el.proto.label.startswith("Save ")]
    assert [el.proto.label for el in saves] == ["Save PDF"]
