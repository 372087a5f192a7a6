"""Library images in slides (resolved to data URIs on render), the image tool, the preview."""

from __future__ import annotations

from sqlalchemy.orm import Session

from slidegen.deck import Deck, Slide
from slidegen.identity import User
from slidegen.render.document import deck_document, slide_document
from slidegen.render.images import embed_images, image_references
from slidegen.render.sample_deck import SAMPLE_LABELS, sample_slides, style_preview_shell
from slidegen.render.sanitize import sanitize_slide_html
from slidegen.seed_content.styles import SLIDE_STYLES
from slidegen.services.decks import store as decks
from slidegen.services.library import images
from slidegen.services.library.slide_styles import check_css
from slidegen.tools.images import ImageLibraryTool
from tests.factories import make_session
from tests.library_files import image_bytes

AUTHOR = User(name="ada@example.com", display_name="Ada")
SLIDE = (
    '<section class="slide"><h1>Logo</h1><img src="image:logo" alt="Our logo">'
    '<img src="image:gone" alt="Missing"></section>'
)


def test_references_survive_sanitising_and_resolve_only_to_raster_data_uris() -> None:
    html = sanitize_slide_html(SLIDE + '<img src="https://evil.example/x.png" alt="x">')
    assert image_references([html]) == {"logo", "gone"}
    uri = "data:image/png;base64,iVBORw0KGgo="
    out = embed_images(html, {"logo": uri, "gone": "javascript:alert(1)"})
    assert f'src="{uri}"' in out
    assert 'alt="Missing"' in out and "javascript" not in out and "image:" not in out
    assert "evil" not in out


def test_show_session_and_documents_embed_library_images(db: Session) -> None:
    logo = images.upload_image(db, AUTHOR, filename="logo.png", data=image_bytes())
    row = make_session(AUTHOR.name, title="Deck")
    db.add(row)
    db.flush()
    deck = Deck(title="Deck", slides=[Slide(slide_id="s1", html=sanitize_slide_html(SLIDE))])
    decks.store_deck(db, row, deck, user=AUTHOR, expected_version=0)

    detail = decks.show_session(db, AUTHOR, session_id=row.session_id)
    assert list(detail.images) == [logo.name]
    assert "images" not in detail.model_dump(mode="json")  # `show --json` stays compact
    assert 'src="image:logo"' in detail.slides[0].html  # stored by reference
    page = slide_document(Slide(slide_id="s1", html=detail.slides[0].html), "", detail.images)
    assert detail.images["logo"] in page and "image:" not in page
    whole = deck_document(Deck(title="Deck", slides=deck.slides, images=detail.images))
    assert detail.images["logo"] in whole


def test_the_image_tool_finds_images_by_words(db: Session) -> None:
    assert not images.has_images(db)
    images.upload_image(
        db,
        AUTHOR,
        filename="acme-logo.png",
        data=image_bytes(),
        description="ACME logo, blue",
        tags=["brand"],
    )
    images.upload_image(db, AUTHOR, filename="team.jpg", data=image_bytes("JPEG"))
    assert images.has_images(db)
    tool = ImageLibraryTool(
        lambda text, limit: images.search_images(db, AUTHOR, text=text, limit=limit)
    )
    result = tool.run({"query": "brand"})
    assert result.rows == [["image:acme-logo", "ACME logo, blue", "brand"]]
    assert "untrusted-data" in result.content and "image:acme-logo" in result.content
    assert tool.run({"query": "*"}).row_count == 2
    assert "No library image matches" in tool.run({"query": "zebra"}).content


def test_shipped_styles_pass_the_sanitiser_and_preview_every_building_block() -> None:
    assert len(sample_slides()) == len(SAMPLE_LABELS) == 6
    assert len(sample_slides()[3].charts) == 1
    for style in SLIDE_STYLES:
        css, removed = check_css(style.style_content)
        assert removed == [], style.name
        shell = style_preview_shell(css)
        assert shell.count('sandbox=""') == 6
        assert "<svg" in shell.replace("&lt;", "<")  # the chart is rendered server-side
