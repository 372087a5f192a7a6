"""Library images (`image:NAME`) resolve in every preview, as they do in the deck (issue 22)."""

from __future__ import annotations

from slidegen.config import Settings
from slidegen.db.database import Database
from slidegen.services.decks import hand_edits
from slidegen.services.library import images
from tests.app.test_chat_page import USER, detail, generate, open_chat, slide_frames
from tests.library_files import image_bytes

LOGO = '<img src="image:preview-logo" alt="Logo">'


def add_logo_to_first_slide(url: str, session_id: str) -> int:
    """Upload a library image, name it on slide 1 by hand; return the new save point's number."""
    current = detail(url, session_id)
    first = current.slides[0]
    database = Database(Settings(DATABASE_URL=url))
    with database.scope() as session:
        images.upload_image(
            session, USER, filename="preview-logo.png", data=image_bytes(), name="preview-logo"
        )
        hand_edits.update_slide(
            session,
            USER,
            session_id=session_id,
            slide_id=first.slide_id,
            expected_version=current.version,
            html=first.html.replace("</h1>", f"</h1>{LOGO}", 1),
        )
    database.dispose()
    return detail(url, session_id).versions[0].version_number


def resolved(frame: str) -> bool:
    return "data:image/png;base64," in frame and "image:preview-logo" not in frame


def test_save_point_and_editor_previews_show_library_images(app_env: str) -> None:
    session_id = generate(app_env)
    version = add_logo_to_first_slide(app_env, session_id)
    at = open_chat(session_id)
    assert resolved(slide_frames(at)[0])  # the deck itself (Focus: slide 1 large)

    at.button(key=f"preview-{version}").click().run()
    assert not at.exception, at.exception
    previews = [f for f in slide_frames(at) if "Save point slide 1" in f]
    assert len(previews) == 1 and resolved(previews[0])

    at = open_chat(session_id)
    at.button(key="focused-edit").click().run()
    assert not at.exception, at.exception
    editor = [f for f in slide_frames(at) if 'title="Preview"' in f]
    assert len(editor) == 1 and resolved(editor[0])
