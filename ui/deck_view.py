"""The deck on the Chat page: slides in nested sandboxes, selection and per-slide actions."""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from slidegen.render.deck import Deck, Slide
from slidegen.render.document import deck_document, presentation_shell, sandboxed_slide
from slidegen.schemas.decks import SessionDetail, VersionOut
from ui import state

SlideAction = Callable[[str, str], None]  # (action, slide_id)


@st.cache_data(max_entries=2000, show_spinner=False)
def _shell(slide_json: str, css: str, label: str, images: tuple[tuple[str, str], ...]) -> str:
    # Rendered once per slide content: reruns reuse the HTML instead of re-rendering charts.
    slide = Slide.model_validate_json(slide_json)
    return sandboxed_slide(slide, css, label=label, images=dict(images))


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


def show_slide(slide: Slide, css: str, label: str, images: dict[str, str] | None = None) -> None:
    """Render one slide, scaled to the column, inside the nested sandbox (decision 3)."""
    used = {name: uri for name, uri in (images or {}).items() if f"image:{name}" in slide.html}
    shell = _shell(slide.model_dump_json(), css, label, tuple(sorted(used.items())))
    st.iframe(shell, height="content")


def show_deck(detail: SessionDetail, *, on_action: SlideAction | None, editable: bool) -> None:
    """Render every slide with its number, a selection box and its actions."""
    deck = to_deck(detail)
    selected = set(state.selected_slides(detail.session_id))
    chosen = []
    for number, slide in enumerate(deck.slides, 1):
        with st.container(border=True, key=f"slide-{slide.slide_id}"):
            head = st.columns([3, 1, 1, 1, 1, 1], vertical_alignment="center")
            ticked = head[0].checkbox(
                f"Slide {number}",
                value=slide.slide_id in selected,
                key=f"sel-{detail.session_id}-{slide.slide_id}",
                disabled=not editable,
            )
            if ticked:
                chosen.append(slide.slide_id)
            if editable and on_action:
                for column, (action, icon, tip) in zip(
                    head[1:],
                    (
                        ("edit", ":material/edit:", "Edit HTML, notes and chart data"),
                        ("up", ":material/arrow_upward:", "Move up"),
                        ("down", ":material/arrow_downward:", "Move down"),
                        ("duplicate", ":material/content_copy:", "Duplicate"),
                        ("delete", ":material/delete:", "Delete"),
                    ),
                    strict=True,
                ):
                    if column.button("", icon=icon, help=tip, key=f"{action}-{slide.slide_id}"):
                        on_action(action, slide.slide_id)
            show_slide(slide, deck.css, f"Slide {number}", deck.images)
            if slide.notes:
                with st.expander("Speaker notes"):
                    st.write(slide.notes)
    state.set_selected_slides(detail.session_id, chosen)


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
    st.iframe(presentation_shell(to_deck(detail)), height=640)


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
                f"**{version.version_number}.** {version.description} · "
                f"{version.slide_count} slides · {version.created_at:%Y-%m-%d %H:%M} UTC"
            )
            if row[1].button("Preview", key=f"preview-{version.version_number}"):
                on_preview(version.version_number)
            key = f"restore-{version.version_number}"
            if row[2].button("Restore", key=key, disabled=on_restore is None) and on_restore:
                on_restore(version.version_number)
