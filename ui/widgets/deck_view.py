"""The deck on the Chat page: slides in nested sandboxes, selection and per-slide actions."""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import partial

import streamlit as st

from slidegen.deck import Deck, Slide
from slidegen.render import charts
from slidegen.render.document import deck_document, presentation_shell, sandboxed_slide
from slidegen.schemas.decks import SessionDetail, VersionOut
from ui.chat import state
from ui.text import plain, plain_label
from ui.widgets import deck_nav, verification

SlideAction = Callable[[str, str], None]  # (action, slide_id)
THUMBNAIL_HEIGHT = 96  # px: a 16:9 slide fits in a grid column of the deck's width


@st.cache_resource(show_spinner=False)
def warm_up_charts() -> bool:
    """Start the chart engine once per process, in the background (its first chart is slow)."""
    charts.warm_up()
    return True


@st.cache_data(max_entries=2000, show_spinner=False)
def _shell(
    slide_json: str,
    css: str,
    label: str,
    images: tuple[tuple[str, str], ...],
    thumbnail: bool = False,
) -> str:
    # Rendered once per slide content: reruns reuse the HTML instead of re-rendering charts.
    slide = Slide.model_validate_json(slide_json)
    return sandboxed_slide(slide, css, label=label, images=dict(images), fill_frame=thumbnail)


def to_deck(detail: SessionDetail) -> Deck:
    """Return the deck model of a session detail."""
    return Deck(
        title=detail.title,
        css=detail.css,
        images=detail.images,
        slides=[
            Slide(slide_id=s.slide_id, html=s.html, notes=s.notes, charts=s.charts)
            for s in detail.slides
        ],
    )


def show_slide(
    slide: Slide,
    css: str,
    label: str,
    images: dict[str, str] | None = None,
    *,
    thumbnail_height: int | None = None,
) -> None:
    """Render one slide inside the nested sandbox (decision 3): scaled to the column, or as a
    thumbnail fitted into a frame of the given height."""
    used = {name: uri for name, uri in (images or {}).items() if f"image:{name}" in slide.html}
    images_key = tuple(sorted(used.items()))
    if thumbnail_height:
        shell = _shell(slide.model_dump_json(), css, label, images_key, True)
        st.iframe(shell, height=thumbnail_height)
    else:
        st.iframe(_shell(slide.model_dump_json(), css, label, images_key), height="content")


def show_deck(detail: SessionDetail, *, on_action: SlideAction | None, editable: bool) -> None:
    """Render the deck: a page of full-size slides with their actions, or the thumbnail grid."""
    deck = to_deck(detail)
    sid = detail.session_id
    ids = [slide.slide_id for slide in deck.slides]
    selected = [i for i in state.selected_slides(sid) if i in ids]  # deleted slides drop out
    state.set_selected_slides(sid, selected)
    view = deck_nav.choose_view(sid, len(deck.slides))

    def tick(slide: Slide, number: int) -> None:
        key = f"sel-{sid}-{slide.slide_id}"
        st.checkbox(
            f"Slide {number:d}",
            value=slide.slide_id in selected,
            key=key,
            disabled=not editable,
            on_change=_toggle,
            args=(sid, slide.slide_id, key, ids),
        )

    if view == deck_nav.GRID:

        def thumbnail(slide: Slide, index: int) -> None:
            label = f"Slide {index + 1}"
            show_slide(slide, deck.css, label, deck.images, thumbnail_height=THUMBNAIL_HEIGHT)
            verification.badge(detail.slides[index])

        deck_nav.show_grid(sid, deck, thumbnail)
    else:
        deck_nav.pager(sid, len(deck.slides), key="pager-top")
        for index in deck_nav.page_slice(sid, len(deck.slides)):
            bar = partial(verification.slide_bar, detail, editable=editable)
            _slide_card(deck, index, tick, on_action if editable else None, bar)
        deck_nav.pager(sid, len(deck.slides), key="pager-bottom")
        _bring_into_view(sid, deck)


def _toggle(session_id: str, slide_id: str, key: str, deck_order: list[str]) -> None:
    # A callback: runs before the page, so the request box above the deck names the new
    # selection in the same run. Ticks on other pages of the deck are kept.
    chosen = set(state.selected_slides(session_id)) - {slide_id}
    if st.session_state.get(key):
        chosen.add(slide_id)
    state.set_selected_slides(session_id, [i for i in deck_order if i in chosen])


def _slide_card(
    deck: Deck,
    index: int,
    tick: Callable[[Slide, int], None],
    on_action: SlideAction | None,
    bar: Callable[[str], None],
) -> None:
    slide, number = deck.slides[index], index + 1
    with st.container(border=True, key=f"slide-{slide.slide_id}"):
        head = st.columns([3, 1, 1, 1, 1, 1], vertical_alignment="center")
        with head[0]:
            tick(slide, number)
        if on_action:
            for column, (action, icon, tip) in zip(head[1:], _ACTIONS, strict=True):
                if column.button(
                    "", icon=icon, help=plain_label(tip), key=f"{action}-{slide.slide_id}"
                ):
                    on_action(action, slide.slide_id)
        bar(slide.slide_id)  # rating, Why, Fix, thumbs
        show_slide(slide, deck.css, f"Slide {number}", deck.images)
        if slide.notes:
            with st.expander("Speaker notes"):
                st.write(plain(slide.notes))


_ACTIONS = (
    ("edit", ":material/edit:", "Edit HTML, notes and chart data"),
    ("up", ":material/arrow_upward:", "Move up"),
    ("down", ":material/arrow_downward:", "Move down"),
    ("duplicate", ":material/content_copy:", "Duplicate"),
    ("delete", ":material/delete:", "Delete"),
)


def _bring_into_view(session_id: str, deck: Deck) -> None:
    # Our own one-line script (no slide content) scrolls the app to the slide opened from the
    # grid; Streamlit's iframes share the app's origin, so it can reach the app's document.
    index = state.pop_focused_slide(session_id)
    if index is None or index >= len(deck.slides):
        return
    target = json.dumps(f".st-key-slide-{deck.slides[index].slide_id}")
    # Slides above it settle their heights as they load: scroll again while they do.
    st.iframe(
        f"<script>function go(){{var e=parent.document.querySelector({target});"
        "if(e)e.scrollIntoView({block:'start'});}[0,300,800,1500,2500].forEach("
        "function(t){setTimeout(go,t);});</script>",
        height=1,
    )


def download_html(detail: SessionDetail) -> None:
    """Offer the deck as one self-contained HTML file."""
    st.download_button(
        "Download HTML",
        data=deck_document(to_deck(detail)),
        file_name=f"{_file_name(detail.title)}.html",
        mime="text/html",
        icon=":material/download:",
        key="download-html",
    )


def _file_name(title: str) -> str:
    safe = "".join(c if c.isalnum() or c in " -_" else " " for c in title).strip()
    return "-".join(safe.split())[:60] or "deck"


def present(detail: SessionDetail) -> None:
    """Show the presentation view: one slide at a time, arrow keys or clicks to move."""
    st.iframe(presentation_shell(to_deck(detail)), height=520)


def show_save_points(
    versions: list[VersionOut],
    *,
    on_restore: Callable[[int], None] | None,
    on_preview: Callable[[int], None],
) -> None:
    """List the save points, newest first, each with Preview and Restore buttons."""
    if not versions:
        return
    with st.expander(f"Save points ({len(versions)})"):
        for version in versions:
            row = st.columns([5, 2, 2], vertical_alignment="center")
            row[0].caption(
                f"**{version.version_number:d}.** {plain(version.description)} · "
                f"{version.slide_count:d} slides · {version.created_at:%Y-%m-%d %H:%M} UTC"
            )
            if row[1].button("Preview", key=f"preview-{version.version_number}"):
                on_preview(version.version_number)
            key = f"restore-{version.version_number}"
            if row[2].button("Restore", key=key, disabled=on_restore is None) and on_restore:
                on_restore(version.version_number)
