"""Library services on both backends: prompts, styles, images, import and export."""

from __future__ import annotations

import base64
import json

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from slidegen.db.models import ConfigPrompts, SlideStyle
from slidegen.errors import ConflictError, InvalidInputError, NotFoundError, PermissionDeniedError
from slidegen.identity import User
from slidegen.services.library import deck_prompts, images, slide_styles
from slidegen.services.library import transfer as library_io
from tests.factories import make_profile, make_slide_style
from tests.library_files import SVG, image_bytes

AUTHOR = User(name="ada@example.com", display_name="Ada")


def test_deck_prompt_lifecycle_and_validation(db: Session) -> None:
    made = deck_prompts.create_deck_prompt(
        db,
        AUTHOR,
        name="  Board  update ",
        prompt_content="Five slides for the board.",
        category="Report",
    )
    assert made.name == "Board update" and made.category == "Report"
    with pytest.raises(ConflictError, match="already exists"):
        deck_prompts.create_deck_prompt(db, AUTHOR, name="board UPDATE", prompt_content="x")
    with pytest.raises(InvalidInputError, match="cannot be empty"):
        deck_prompts.create_deck_prompt(db, AUTHOR, name="Other", prompt_content="  \n ")
    with pytest.raises(InvalidInputError, match="name"):
        deck_prompts.update_deck_prompt(db, AUTHOR, prompt_id=made.id, name=" ")

    copy = deck_prompts.duplicate_deck_prompt(db, AUTHOR, prompt_id=made.id)
    again = deck_prompts.duplicate_deck_prompt(db, AUTHOR, prompt_id=made.id)
    assert (copy.name, again.name) == ("Board update (copy)", "Board update (copy 2)")
    deck_prompts.update_deck_prompt(db, AUTHOR, prompt_id=copy.id, is_active=False)

    found = deck_prompts.search_deck_prompts(db, AUTHOR, text="BOARD", category="Report")
    assert {p.name for p in found} == {
        "Board update",
        "Board update (copy)",
        "Board update (copy 2)",
    }
    active = deck_prompts.search_deck_prompts(db, AUTHOR, text="board", active_only=True)
    assert "Board update (copy)" not in [p.name for p in active]
    assert "Report" in deck_prompts.deck_prompt_categories(db, AUTHOR)
    by_content = deck_prompts.search_deck_prompts(db, AUTHOR, text="for the board")
    assert {p.name for p in by_content} >= {"Board update"}


def test_deleting_a_selected_prompt_or_style_falls_back_cleanly(db: Session) -> None:
    prompt = deck_prompts.create_deck_prompt(db, AUTHOR, name="Doomed", prompt_content="x")
    style = slide_styles.create_slide_style(
        db, AUTHOR, name="Doomed style", style_content=".slide{color:#123}"
    ).style
    profile = make_profile("uses-doomed")
    profile.prompts.selected_deck_prompt_id = prompt.id
    profile.prompts.selected_slide_style_id = style.id
    db.add(profile)
    db.flush()
    assert deck_prompts.get_deck_prompt(db, AUTHOR, prompt_id=prompt.id).used_by == ["uses-doomed"]

    assert deck_prompts.delete_deck_prompt(db, AUTHOR, prompt_id=prompt.id) == ["uses-doomed"]
    assert slide_styles.delete_slide_style(db, AUTHOR, style_id=style.id) == ["uses-doomed"]
    prompts_row = db.scalar(select(ConfigPrompts).where(ConfigPrompts.profile_id == profile.id))
    assert (prompts_row.selected_deck_prompt_id, prompts_row.selected_slide_style_id) == (
        None,
        None,
    )
    with pytest.raises(NotFoundError):
        deck_prompts.get_deck_prompt(db, AUTHOR, prompt_id=prompt.id)


def test_system_styles_are_protected_and_there_is_one_default(db: Session) -> None:
    system = make_slide_style("Sys", is_system=True)
    db.add(system)
    db.flush()
    with pytest.raises(PermissionDeniedError, match="system style"):
        slide_styles.update_slide_style(db, AUTHOR, style_id=system.id, style_content=".a{}")
    with pytest.raises(PermissionDeniedError):
        slide_styles.delete_slide_style(db, AUTHOR, style_id=system.id)
    copy = slide_styles.duplicate_slide_style(db, AUTHOR, style_id=system.id)
    assert (copy.name, copy.is_system, copy.is_default) == ("Sys (copy)", False, False)

    slide_styles.set_default_slide_style(db, AUTHOR, style_id=system.id)
    slide_styles.set_default_slide_style(db, AUTHOR, style_id=copy.id)
    defaults = db.scalars(select(SlideStyle.name).where(SlideStyle.is_default.is_(True))).all()
    assert defaults == ["Sys (copy)"]
    with pytest.raises(ConflictError, match="default style cannot be deleted"):
        slide_styles.delete_slide_style(db, AUTHOR, style_id=copy.id)
    with pytest.raises(ConflictError, match="cannot be deactivated"):
        slide_styles.update_slide_style(db, AUTHOR, style_id=copy.id, is_active=False)


def test_stripped_css_is_reported_with_the_rule_and_reason(db: Session) -> None:
    css = (
        ".slide { color: #222; position: fixed; }\n"
        "@import url(https://evil.example/x.css);\n"
        "h1 { background: url(https://evil.example/t.png); font-size: 40px }"
    )
    saved = slide_styles.create_slide_style(db, AUTHOR, name="Leaky", style_content=css)
    reasons = {(r.where, r.reason.split(" ")[0]) for r in saved.removed}
    assert (".slide", "position:") in reasons
    assert any(r.where.startswith("@import") for r in saved.removed)
    assert any(r.where == "h1" and "url()" in r.reason for r in saved.removed)
    stored = saved.style.style_content
    assert "evil" not in stored and "fixed" not in stored
    assert "color: #222" in stored and "font-size: 40px" in stored
    with pytest.raises(InvalidInputError, match="None of this CSS"):
        slide_styles.update_slide_style(
            db, AUTHOR, style_id=saved.style.id, style_content="@import 'x.css';"
        )


@pytest.mark.parametrize("kind", ["PNG", "JPEG", "GIF", "WEBP"])
def test_raster_uploads_get_thumbnails_and_data_uris(db: Session, kind: str) -> None:
    data = image_bytes(kind, size=(900, 600))
    saved = images.upload_image(
        db,
        AUTHOR,
        filename=f"Company Logo.{kind.lower()}",
        data=data,
        description="Our logo",
        category="Brand",
        tags=["Logo", " logo ", "blue"],
    )
    assert saved.name == "company-logo" and saved.tags == ["logo", "blue"]
    assert saved.mime_type == f"image/{kind.lower()}"
    thumb = base64.b64decode(saved.thumbnail_base64 or "")
    assert thumb.startswith(b"\x89PNG") and len(thumb) < len(data) + 1000
    second = images.upload_image(db, AUTHOR, filename="company logo.png", data=image_bytes())
    assert second.name == "company-logo-2"
    uris = images.image_data_uris(db, ["company-logo", "missing"])
    assert list(uris) == ["company-logo"]
    assert base64.b64decode(uris["company-logo"].split(",", 1)[1]) == data


def test_bad_uploads_are_refused_with_clear_messages(db: Session) -> None:
    with pytest.raises(InvalidInputError, match="at most 5 MB"):
        images.upload_image(db, AUTHOR, filename="big.png", data=b"\x89PNG" + b"0" * (6 << 20))
    with pytest.raises(InvalidInputError, match="not a readable PNG"):
        images.upload_image(db, AUTHOR, filename="notes.png", data=b"just some text")
    with pytest.raises(InvalidInputError, match="is a BMP image"):
        images.upload_image(db, AUTHOR, filename="old.bmp", data=image_bytes("BMP"))
    with pytest.raises(InvalidInputError, match="not a readable|is damaged"):
        images.upload_image(db, AUTHOR, filename="cut.jpg", data=image_bytes("JPEG")[:200])
    with pytest.raises(InvalidInputError, match="is empty"):
        images.upload_image(db, AUTHOR, filename="empty.png", data=b"")
    evil = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
    with pytest.raises(InvalidInputError, match="no scripts"):
        images.upload_image(db, AUTHOR, filename="evil.svg", data=evil)
    remote = b'<svg xmlns="http://www.w3.org/2000/svg"><image href="file:///etc/passwd"/></svg>'
    with pytest.raises(InvalidInputError, match="only draw"):
        images.upload_image(db, AUTHOR, filename="remote.svg", data=remote)


def test_svg_is_rasterised_and_search_pages(db: Session) -> None:
    svg = images.upload_image(db, AUTHOR, filename="badge.svg", data=SVG, tags=["icon"])
    assert (svg.mime_type, svg.original_filename) == ("image/png", "badge.svg")
    assert images.image_data_uris(db, ["badge"])["badge"].startswith("data:image/png;base64,")
    for n in range(5):
        images.upload_image(
            db,
            AUTHOR,
            filename=f"team-{n}.jpg",
            data=image_bytes("JPEG"),
            description="Team photo",
            category="People",
        )
    page = images.search_images(db, AUTHOR, text="team photo", offset=2, limit=2)
    assert page.total == 5 and [i.name for i in page.images] == ["team-2", "team-3"]
    assert [i.name for i in images.search_images(db, AUTHOR, text="ICON").images] == ["badge"]
    assert images.search_images(db, AUTHOR, category="People").total == 5
    images.update_image(db, AUTHOR, image_id=svg.id, tags=["shield"], description="Badge")
    assert images.search_images(db, AUTHOR, text="shield").total == 1
    images.delete_image(db, AUTHOR, image_id=svg.id)
    assert images.image_data_uris(db, ["badge"]) == {}


def test_export_and_import_with_each_conflict_choice(db: Session) -> None:
    deck_prompts.create_deck_prompt(db, AUTHOR, name="Ops review", prompt_content="Ops.")
    slide_styles.create_slide_style(
        db, AUTHOR, name="Ops style", style_content=".slide{color:#111}"
    )
    text = library_io.export_library(
        db, AUTHOR, prompt_names=["ops REVIEW"], style_names=["Ops style"]
    )
    data = json.loads(text)
    assert data["format"] == "slidegen-library"
    assert [p["name"] for p in data["deck_prompts"]] == ["Ops review"]
    data["deck_prompts"][0]["prompt_content"] = "Ops, revised."
    data["deck_prompts"].append({"name": "Brand new", "prompt_content": "New."})
    changed = json.dumps(data)

    skipped = library_io.import_library(db, AUTHOR, text=changed, on_conflict="skip")
    assert (skipped.created, skipped.skipped) == (["Brand new"], ["Ops review", "Ops style"])
    renamed = library_io.import_library(db, AUTHOR, text=changed, on_conflict="rename")
    assert "Ops review → Ops review (copy)" in renamed.renamed
    over = library_io.import_library(db, AUTHOR, text=changed, on_conflict="overwrite")
    assert "Ops review" in over.overwritten
    assert (
        deck_prompts.find_deck_prompt(db, AUTHOR, name="ops review").prompt_content
        == "Ops, revised.\n"
    )

    with pytest.raises(InvalidInputError, match="not valid JSON"):
        library_io.import_library(db, AUTHOR, text="{nope")
    with pytest.raises(InvalidInputError, match="not a Slidegen library export"):
        library_io.import_library(db, AUTHOR, text='{"deck_prompts": []}')
    with pytest.raises(InvalidInputError, match="deck_prompts.0.prompt_content"):
        library_io.import_library(
            db, AUTHOR, text='{"format": "slidegen-library", "deck_prompts": [{"name": "x"}]}'
        )
    with pytest.raises(InvalidInputError, match="No slide style is named nope"):
        library_io.export_library(db, AUTHOR, style_names=["nope"])
