"""The deck on the Chat page: slides in nested sandboxes, selection and per-slide actions."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

import streamlit as st

from slidegen.deck import Deck, Slide
from slidegen.render import charts
from slidegen.render.document import deck_document, presentation_shell, sandboxed_slide
from slidegen.schemas.decks import SessionDetail, VersionOut
from ui.chat import state
from ui.text import plain
from ui.widgets import deck_nav, verification
from ui.widgets.slots import slot

SlideAction = Callable[[str, str], None]  # (action, slide_id)
THUMBNAIL_HEIGHT = 96  # px: a 16:9 slide fits in a grid column of the deck's width
STRIP_HEIGHT = 62  # px: a 16:9 slide in one of the strip's six columns


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
    # The view switch and Focus's Previous / Slide N of M / Next share one row.
    head = st.columns([2, 3], vertical_alignment="center")
    with head[0]:
        view = deck_nav.choose_view(sid, len(deck.slides))
    with head[1]:
        focus_nav = slot(view == deck_nav.FOCUS, key="deck-focus-nav")

    def tick(slide: Slide, number: int, *, collapsed: bool = False) -> None:
        key = state.tick_key(sid, slide.slide_id)
        st.checkbox(
            f"Slide {number:d}",
            value=slide.slide_id in selected,
            key=key,
            disabled=not editable,
            label_visibility="collapsed" if collapsed else "visible",
            help=None if not collapsed else f"Tick slide {number:d} for the next request",
        )

    def thumbnail(slide: Slide, index: int, height: int = THUMBNAIL_HEIGHT) -> None:
        label = f"Slide {index + 1}"
        show_slide(slide, deck.css, label, deck.images, thumbnail_height=height)
        verification.badge(detail.slides[index])

    bar = partial(verification.slide_bar, detail, editable=editable)

    actions = on_action if editable else None
    # Each view has a place of its own (ui/widgets/slots.py): switching views clears the
    # others at once, so no control of the old view lingers next to the new one.
    if focus := slot(view == deck_nav.FOCUS, key="deck-focus-view"):
        with focus:
            if focus_nav:
                with focus_nav:
                    deck_nav.focus_bar(sid, len(deck.slides))
            index = deck_nav.focused_index(sid, len(deck.slides))
            _slide_card(deck, index, None, actions, bar, focused=True)
            deck_nav.show_strip(
                sid,
                deck,
                lambda slide, index: thumbnail(slide, index, STRIP_HEIGHT),
                lambda slide, number: tick(slide, number, collapsed=True),
            )
    if pages := slot(view == deck_nav.SLIDES, key="deck-all-view"):
        with pages:
            deck_nav.pager(sid, len(deck.slides), key="pager-top")
            for index in deck_nav.page_slice(sid, len(deck.slides)):
                _slide_card(deck, index, tick, actions, bar)
            deck_nav.pager(sid, len(deck.slides), key="pager-bottom")
    if grid := slot(view == deck_nav.GRID, key="deck-grid-view"):
        with grid:
            deck_nav.show_grid(sid, deck, thumbnail)


def _slide_card(
    deck: Deck,
    index: int,
    tick: Callable[[Slide, int], None] | None,
    on_action: SlideAction | None,
    bar: Callable[[str], None],
    *,
    focused: bool = False,
) -> None:
    slide, number = deck.slides[index], index + 1
    # The focused card shows another slide when you move through the deck: its buttons are
    # keyed by place, not by slide, so the new slide's buttons replace the old ones in place.
    prefix = "focused" if focused else None
    with st.container(border=True, key=f"slide-{slide.slide_id}"):
        with st.container(horizontal=True, vertical_alignment="center", gap="small"):
            if tick:
                tick(slide, number)
            else:
                st.markdown(f"**Slide {number:d}**")
            st.space("stretch")
            # Each button carries its name as text: an icon alone reads as "edit icon".
            for action, icon, name in _ACTIONS if on_action else ():
                key = f"{prefix}-{action}" if prefix else f"{action}-{slide.slide_id}"
                # In the click's callback: Streamlit runs it once per click, while a page
                # run stopped by the browser's next message would lose the click.
                st.button(
                    name,
                    icon=icon,
                    key=key,
                    type="tertiary",
                    on_click=on_action,
                    args=(action, slide.slide_id),
                )
        # Above the slide, not under it: a slide frame takes its height when it loads, and a
        # control under it would move meanwhile (a click aimed at it lands on the slide).
        bar(slide.slide_id)  # rating, Why, Fix, thumbs
        show_slide(slide, deck.css, f"Slide {number}", deck.images)
        if slide.notes:
            with st.expander("Speaker notes"):
                st.write(plain(slide.notes))


_ACTIONS = (
    ("edit", ":material/edit:", "Edit"),
    ("up", ":material/arrow_upward:", "Up"),
    ("down", ":material/arrow_downward:", "Down"),
    ("duplicate", ":material/content_copy:", "Duplicate"),
    ("delete", ":material/delete:", "Delete"),
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
    # Keyed: the expander's open state is kept by its key, so it stays open when the count in
    # its label changes (a restore or an edit adds a save point).
    with st.expander(f"Save points ({len(versions)})", key="save-points"):
        for version in versions:
            row = st.columns([5, 2, 2], vertical_alignment="center")
            row[0].caption(
                f"**{version.version_number:d}.** {plain(version.description)} · "
                f"{version.slide_count:d} slides · {version.created_at:%Y-%m-%d %H:%M} UTC"
            )
            if row[1].button("Preview", key=f"preview-{version.version_number}"):
                on_preview(version.version_number)
            key = f"restore-{version.version_number}"
            row[2].button(
                "Restore",
                key=key,
                disabled=on_restore is None,
                on_click=on_restore,
                args=(version.version_number,),
            )
