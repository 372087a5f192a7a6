"""The Library in a real browser: every shipped style's preview, and editing CSS in ace."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from playwright.sync_api import FrameLocator, Page, expect

from slidegen.seed_content.styles import SLIDE_STYLES
from tests.e2e.waits import frames_loaded, painted, settled
from tests.library_files import image_bytes

TIMEOUT_MS = 20_000
SHOTS = Path("/tmp/library_e2e_shots")
PREVIEW = "iframe[data-testid='stIFrame']"


def wait_for_chart(page: Page) -> None:
    """Wait until the page has settled (no rerun left to swap the frame) and its one preview
    shows its chart."""
    settled(page)
    expect(page.locator(PREVIEW)).to_have_count(1, timeout=TIMEOUT_MS)  # the old one is gone
    expect(preview_slide(page, "Chart").locator("svg").first).to_be_visible(timeout=TIMEOUT_MS)


def preview_slide(page: Page, label: str, css: str = "") -> FrameLocator:
    """The sandboxed frame of one sample slide in the style preview (the one with this CSS).

    While Streamlit swaps a changed iframe, the old and the new one are briefly both there.
    """
    shell = f"{PREVIEW}[srcdoc*='{css}']" if css else PREVIEW
    return page.frame_locator(shell).frame_locator(f"iframe[title='Preview: {label}']")


def choose(page: Page, label: str, option: str) -> None:
    page.get_by_label(label).click()
    page.get_by_role("option", name=option, exact=True).click()


def shoot(page: Page, tmp_path: Path, name: str) -> None:
    frames_loaded(page)  # the preview shell scales its frames on load
    painted(page)
    path = tmp_path / f"{name}.png"
    page.locator(PREVIEW).screenshot(path=str(path))
    SHOTS.mkdir(parents=True, exist_ok=True)
    shutil.copy(path, SHOTS / path.name)


@pytest.mark.e2e
@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_style_previews_and_live_css_editing(page: Page, app_url: str, tmp_path: Path) -> None:
    page.set_viewport_size({"width": 1500, "height": 1300})
    page.goto(app_url)
    expect(page.get_by_role("heading", name="Chat", exact=True)).to_be_visible(timeout=TIMEOUT_MS)
    page.get_by_test_id("stSidebarNavItems").get_by_role("link", name="Library").click()
    expect(page.get_by_role("heading", name="Library", exact=True)).to_be_visible(
        timeout=TIMEOUT_MS
    )
    page.get_by_test_id("stButtonGroup").get_by_text("Slide styles", exact=True).click()
    for style in SLIDE_STYLES:
        choose(page, "Open a slide style", style.name)
        expect(page.get_by_role("heading", name=style.name, exact=True)).to_be_visible(
            timeout=TIMEOUT_MS
        )
        wait_for_chart(page)
        shoot(page, tmp_path, f"style-{style.name.lower().replace(' ', '-')}")

    # The shipped style is protected; its copy is editable.
    page.get_by_role("button", name="Duplicate").click()
    copy_name = f"{SLIDE_STYLES[-1].name} (copy)"
    expect(page.get_by_role("heading", name=copy_name, exact=True)).to_be_visible(
        timeout=TIMEOUT_MS
    )
    expect(page.locator(PREVIEW)).to_have_count(1, timeout=TIMEOUT_MS)
    title = preview_slide(page, "Bullets").locator("h1")
    expect(title).to_be_visible(timeout=TIMEOUT_MS)
    assert title.evaluate("e => getComputedStyle(e).color") != "rgb(255, 0, 0)"

    editor = page.frame_locator("iframe[title*='streamlit_ace']").locator(".ace_text-input")
    editor.focus()
    page.keyboard.press("Control+End")
    page.keyboard.insert_text("\n.slide h1 { color: rgb(255, 0, 0); position: fixed; }\n")
    page.keyboard.press("Control+Enter")
    red = "rgb(255, 0, 0)"
    edited = preview_slide(page, "Bullets", red).locator("h1")
    expect(edited).to_have_css("color", red, timeout=TIMEOUT_MS)
    expect(page.get_by_text("position: fixed escapes the slide")).to_be_visible()
    shoot(page, tmp_path, "style-edited")
    page.screenshot(path=str(SHOTS / "library-styles-page.png"), full_page=True)

    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text(f"Saved “{copy_name}”.")).to_be_visible(timeout=TIMEOUT_MS)
    expect(page.get_by_text("position: fixed escapes the slide")).to_be_visible()
    expect(preview_slide(page, "Bullets", red).locator("h1")).to_have_css("color", red)


@pytest.mark.e2e
@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_uploading_images_keeps_the_good_ones_and_explains_the_bad(
    page: Page, app_url: str, tmp_path: Path
) -> None:
    logo, fake = tmp_path / "company-logo.png", tmp_path / "notes.png"
    logo.write_bytes(image_bytes(size=(300, 150)))
    fake.write_bytes(b"this is text, not a PNG")
    page.set_viewport_size({"width": 1500, "height": 1100})
    page.goto(f"{app_url}/library")
    expect(page.get_by_role("heading", name="Library", exact=True)).to_be_visible(
        timeout=TIMEOUT_MS
    )
    page.get_by_test_id("stButtonGroup").get_by_text("Images", exact=True).click()
    page.get_by_text("Upload images").click()
    limit = page.get_by_test_id("stFileUploaderDropzoneInstructions")
    expect(limit).to_contain_text(re.compile(r"\b5\s?MB per file"), timeout=TIMEOUT_MS)
    expect(limit).not_to_contain_text("200")  # Streamlit's own default is not offered
    page.get_by_test_id("stFileUploaderDropzoneInput").set_input_files([str(logo), str(fake)])
    page.get_by_label("Description (helps the model choose)").fill("Our logo")
    submit = page.get_by_test_id("stBaseButton-primaryFormSubmit")
    expect(submit).to_be_enabled(timeout=TIMEOUT_MS)  # disabled while the files upload
    submit.click()
    expect(page.get_by_text("Uploaded image:company-logo.")).to_be_visible(timeout=TIMEOUT_MS)
    expect(page.get_by_text("notes.png").first).to_be_visible()  # the refused file is named
    expect(page.get_by_text('<img src="image:company-logo" alt="">')).to_be_visible()
    thumbnail = page.get_by_test_id("stImage").locator("img").first
    expect(thumbnail).to_have_attribute("src", re.compile(r"^data:image/png;base64,"))
    page.screenshot(path=str(tmp_path / "images.png"))
    SHOTS.mkdir(parents=True, exist_ok=True)
    shutil.copy(tmp_path / "images.png", SHOTS / "images.png")
