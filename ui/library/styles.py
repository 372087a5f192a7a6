"""Library page, Slide styles tab: CSS in streamlit-ace with a live preview of a sample deck."""

from __future__ import annotations

import streamlit as st
from streamlit_ace import st_ace

from slidegen.identity import User
from slidegen.render.sample_deck import style_preview_shell
from slidegen.schemas.library import CssRemovalOut, SlideStyleDetail
from slidegen.services.library import slide_styles
from ui.db import session_scope
from ui.errors import user_errors
from ui.library.common import (
    NEW,
    chooser,
    confirm_delete,
    flash,
    item_fields,
    item_table,
    open_item,
    show_flash,
)
from ui.text import plain

_SELECTED = "library.style_id"
TEMPLATE = ".slide {\n  font-family: 'Liberation Sans', sans-serif;\n  color: #1b2733;\n}\n"


@st.cache_data(max_entries=64, show_spinner=False)
def preview(css: str) -> tuple[str, list[CssRemovalOut]]:
    """Return the preview shell of the sample deck and the rules the sanitiser strips."""
    safe, removed = slide_styles.check_css(css)
    return style_preview_shell(safe), removed


def styles_tab(user: User) -> None:
    """Render the styles list and the editor of the chosen style."""
    show_flash("styles")
    text = st.text_input("Search slide styles", key="style-search", placeholder="name…")
    with user_errors(), session_scope() as session:
        rows = slide_styles.search_slide_styles(session, user, text=text)
    item_table(rows, "style-table", lead=lambda r: {"Default": "★" if r.is_default else ""})
    chosen = chooser("slide style", {r.id: r.name for r in rows}, _SELECTED)
    if chosen is None:
        return
    if chosen == NEW:
        _editor(user, None)
        return
    with user_errors(), session_scope() as session:
        detail = slide_styles.get_slide_style(session, user, style_id=chosen)
    _editor(user, detail)


def _editor(user: User, style: SlideStyleDetail | None) -> None:
    key = f"{style.id}-{style.updated_at.timestamp()}" if style else "new"
    locked = bool(style and style.is_system)
    with st.container(border=True):
        st.subheader(plain(style.name) if style else "New slide style")
        if style:
            flags = " · ".join(
                f for f, on in (("default style", style.is_default), ("system", locked)) if on
            )
            used = ", ".join(style.used_by) or "no profile"
            st.caption(f"{plain(flags) + ' · ' if flags else ''}Used by {plain(used)}.")
        if locked:
            st.info("System styles are protected: duplicate this one to change it.")
        fields = _fields(style, key, locked)
        edit, show = st.columns([2, 3])
        with edit:
            st.caption("CSS (Ctrl/Cmd+Enter or Apply updates the preview)")
            css = st_ace(
                value=style.style_content if style else TEMPLATE,
                language="css",
                theme="chrome",
                height=560,
                wrap=True,
                readonly=locked,
                auto_update=True,
                key=f"sace-{key}",
            )
        with show:
            shell, removed = preview(css or "")
            st.iframe(shell, height="content")
            _removed_notice(removed)
        _actions(user, style, {**fields, "style_content": css or ""}, locked)


def _fields(style: SlideStyleDetail | None, key: str, locked: bool) -> dict[str, object]:
    fields = item_fields(style, "s", key, locked=locked)
    guidelines = st.text_area(
        "Image guidelines (what images suit this style; shown to the model)",
        value=(style.image_guidelines or "") if style else "",
        key=f"sg-{key}",
        height=90,
        disabled=locked,
    )
    return {**fields, "image_guidelines": guidelines}


def _removed_notice(removed: list[CssRemovalOut]) -> None:
    if removed:
        st.warning(
            "The sanitiser will remove these rules when you save:\n"
            + "\n".join(f"- {plain(describe(r))}" for r in removed),
            icon=":material/warning:",
        )


def describe(removal: CssRemovalOut) -> str:
    """Return `where { declaration }: reason` for one removed rule."""
    what = f"{removal.where} {{ {removal.declaration} }}" if removal.declaration else removal.where
    return f"`{what.strip()[:120]}`: {removal.reason}"


def _actions(
    user: User, style: SlideStyleDetail | None, fields: dict[str, object], locked: bool
) -> None:
    save, copy, default, delete = st.columns(4)
    if save.button(
        "Save", type="primary", icon=":material/save:", key="style-save", disabled=locked
    ):
        with user_errors(), session_scope() as session:
            if style is None:
                saved = slide_styles.create_slide_style(session, user, **fields)  # type: ignore[arg-type]
            else:
                saved = slide_styles.update_slide_style(
                    session,
                    user,
                    style_id=style.id,
                    **fields,  # type: ignore[arg-type]
                )
        open_item(_SELECTED, saved.style.id)
        removed = [describe(r) for r in saved.removed]
        flash("styles", f"Saved “{saved.style.name}”.", warnings=removed)
        st.rerun()
    if style is None:
        return
    if copy.button("Duplicate", icon=":material/content_copy:", key="style-duplicate"):
        with user_errors(), session_scope() as session:
            copied = slide_styles.duplicate_slide_style(session, user, style_id=style.id)
        open_item(_SELECTED, copied.id)
        flash("styles", f"Created “{copied.name}”, an editable copy.")
        st.rerun()
    if default.button(
        "Make default", icon=":material/star:", key="style-default", disabled=style.is_default
    ):
        with user_errors(), session_scope() as session:
            slide_styles.set_default_slide_style(session, user, style_id=style.id)
        flash("styles", f"“{style.name}” is now the organisation's default style.")
        st.rerun()
    if not locked and not style.is_default:
        with delete:
            if confirm_delete(style.name, style.used_by, "the default style", key="style-delete"):
                with user_errors(), session_scope() as session:
                    slide_styles.delete_slide_style(session, user, style_id=style.id)
                open_item(_SELECTED, None)
                flash("styles", f"Deleted “{style.name}”.")
                st.rerun()
