"""The Library page under AppTest: lists, editing, protected styles, the style preview."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from slidegen.config import Settings
from slidegen.db.database import Database
from slidegen.identity import User
from slidegen.services.library import images
from tests.app.conftest import APP_USER, shown
from tests.app.test_pages import run_page
from tests.library_files import image_bytes


def open_section(at: AppTest, name: str) -> AppTest:
    at.button_group(key="library-section").set_value(name).run()
    assert not at.exception, at.exception
    return at


def texts(at: AppTest, kind: str) -> str:
    return "\n".join(shown(el.value) for el in getattr(at, kind))


def test_deck_prompts_create_search_duplicate_and_validate(app_env: str) -> None:
    at = run_page("app_pages/library.py")
    frame = at.dataframe[0].value
    assert "Quarterly Business Review" in set(frame["Name"]) and len(frame) == 4

    at.selectbox(key="choose-library.prompt_id").set_value(-1).run()
    at.text_input(key="pn-new").set_value("Board Update")
    at.text_input(key="pc-new").set_value("Report")
    at.button(key="prompt-save").click().run()
    assert not at.exception, at.exception
    assert "Saved “Board Update”." in texts(at, "success")
    assert "Board Update" in set(at.dataframe[0].value["Name"])

    at.button(key="prompt-duplicate").click().run()
    assert "Created “Board Update (copy)”." in texts(at, "success")
    at.text_input(key="prompt-search").set_value("board").run()
    assert set(at.dataframe[0].value["Name"]) == {"Board Update", "Board Update (copy)"}

    names = [w for w in at.text_input if w.key and w.key.startswith("pn-")]
    names[0].set_value("Board Update")
    at.button(key="prompt-save").click().run()
    assert "already exists" in texts(at, "error")


def test_system_style_is_protected_and_preview_uses_the_sandbox(app_env: str) -> None:
    at = open_section(run_page("app_pages/library.py"), "Slide styles")
    frame = at.dataframe[0].value
    assert frame["Name"].iloc[0] == "System Default" and frame["Default"].iloc[0] == "★"
    chooser = at.selectbox(key="choose-library.style_id")
    system_id = next(o for o in chooser.options if "System Default" in str(o))
    chooser.select_index(chooser.options.index(system_id)).run()
    assert not at.exception, at.exception
    assert "System styles are protected" in texts(at, "info")
    assert at.button(key="style-save").disabled
    shells = [el for el in at.get("iframe")]
    assert shells and shells[0].proto.srcdoc.count('sandbox=""') == 6

    at.button(key="style-duplicate").click().run()
    assert "Created “System Default (copy)”, an editable copy." in texts(at, "success")
    assert not at.button(key="style-save").disabled


def test_images_show_thumbnails_and_search(app_env: str) -> None:
    database = Database(Settings(DATABASE_URL=app_env))
    with database.scope() as session:
        for n in range(30):
            images.upload_image(
                session,
                User(name=APP_USER, display_name="Pat"),
                filename=f"icon-{n:02}.png",
                data=image_bytes(size=(400, 300)),
                tags=["icon"] if n % 2 else ["photo"],
            )
    database.dispose()
    at = open_section(run_page("app_pages/library.py"), "Images")
    assert "30 images" in texts(at, "caption")
    thumbnails = at.get("image")
    assert len(thumbnails) == 24  # one page of thumbnails, not the full images
    assert all(
        t.proto.imgs[0].url.startswith("/media/") or "base64" in t.proto.imgs[0].url
        for t in thumbnails
    )
    at.text_input(key="image-search").set_value("photo").run()
    assert "15 images" in texts(at, "caption")


def test_upload_without_a_file_says_to_choose_one(app_env: str) -> None:
    at = open_section(run_page("app_pages/library.py"), "Images")
    upload = next(b for b in at.button if b.label == "Upload")
    upload.click().run()
    assert not at.exception, at.exception
    assert "Choose one or more images to upload first." in texts(at, "error")
