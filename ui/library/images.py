"""Library page, Images tab: upload with validation, search, thumbnails, edit and delete."""

from __future__ import annotations

from functools import partial

import streamlit as st

from slidegen.errors import SlidegenError
from slidegen.identity import User
from slidegen.schemas.library import ImageSummary
from slidegen.services.library import images
from ui.callbacks import run_to_end
from ui.db import session_scope
from ui.errors import user_errors
from ui.library.common import confirm_delete, flash, show_flash
from ui.text import plain

PAGE_SIZE = 24
COLUMNS = 4
_PAGE = "library.image_page"
_FILES, _DESCRIPTION = "library.upload.files", "library.upload.description"
_CATEGORY, _TAGS = "library.upload.category", "library.upload.tags"
_PROBLEMS = "library.upload.problems"  # why the last upload stored nothing


def images_tab(user: User) -> None:
    """Render the upload form and the searchable, paged thumbnail grid."""
    show_flash("images")
    _upload(user)
    left, right = st.columns([3, 2])
    text = left.text_input(
        "Search images", key="image-search", placeholder="name, tag, description…"
    )
    with user_errors(), session_scope() as session:
        categories = images.image_categories(session, user)
        category = right.selectbox("Category", ["All", *categories], key="image-category")
        wanted = None if category == "All" else category
        total = images.search_images(session, user, text=text, category=wanted, limit=0).total
        pages = max(1, (total - 1) // PAGE_SIZE + 1)
        page = min(int(st.session_state.get(_PAGE, 1)), pages)
        found = images.search_images(
            session,
            user,
            text=text,
            category=wanted,
            offset=(page - 1) * PAGE_SIZE,
            limit=PAGE_SIZE,
        )
    if not total:
        st.info("No images found. Upload logos, icons or photos; slides place them by reference.")
        return
    if pages > 1:
        st.number_input(f"Page (of {pages})", 1, pages, page, key=_PAGE)
    noun = "image" if total == 1 else "images"
    st.caption(f'{total:d} {noun}. Slides use an image with `<img src="image:NAME">`.')
    shown = found.images
    for start in range(0, len(shown), COLUMNS):
        for column, image in zip(st.columns(COLUMNS), shown[start : start + COLUMNS], strict=False):
            with column:
                _card(user, image)


def _upload(user: User) -> None:
    with st.expander("Upload images", icon=":material/upload:"):
        with st.form("image-upload", clear_on_submit=True):
            st.file_uploader(
                f"PNG, JPEG, GIF, WebP or SVG, up to {images.MAX_UPLOAD_BYTES // 1048576} MB each",
                type=["png", "jpg", "jpeg", "gif", "webp", "svg"],
                accept_multiple_files=True,
                # The uploader states and enforces our limit, not Streamlit's 200 MB default.
                max_upload_size=images.MAX_UPLOAD_BYTES // 1048576,
                key=_FILES,
            )
            st.text_input("Description (helps the model choose)", key=_DESCRIPTION)
            st.text_input("Category", key=_CATEGORY)
            st.text_input("Tags, comma-separated", key=_TAGS)
            # Stored in the click's callback: Streamlit runs it once per click, while the
            # page's run after it can be stopped by the browser's next message and lose it.
            st.form_submit_button("Upload", type="primary", on_click=_store, args=(user,))
        for problem in st.session_state.pop(_PROBLEMS, []):
            st.error(plain(problem), icon=":material/error:")


def _store(user: User) -> None:
    """The Upload button's callback: store each good file, name each refused one."""
    files = list(st.session_state.get(_FILES) or [])
    description = str(st.session_state.get(_DESCRIPTION) or "")
    category = str(st.session_state.get(_CATEGORY) or "")
    tags = str(st.session_state.get(_TAGS) or "").split(",")
    if not files:
        st.session_state[_PROBLEMS] = ["Choose one or more images to upload first."]
        return
    added, problems = [], []
    for file in files:
        try:
            with session_scope() as session:
                saved = images.upload_image(
                    session,
                    user,
                    filename=file.name,
                    data=file.getvalue(),
                    description=description,
                    category=category,
                    tags=tags,
                )
            added.append(f"image:{saved.name}")
        except SlidegenError as exc:  # one bad file must not lose the others
            problems.append(exc.user_message)
    if added:
        run_to_end(partial(flash, "images", f"Uploaded {', '.join(added)}.", warnings=problems))
    else:
        run_to_end(partial(st.session_state.__setitem__, _PROBLEMS, problems))


def _card(user: User, image: ImageSummary) -> None:
    with st.container(border=True):
        if image.thumbnail_base64:
            st.image(f"data:image/png;base64,{image.thumbnail_base64}", width="stretch")
        st.markdown(f"**{plain(image.name)}**")
        st.caption(
            f"{plain(image.description or 'No description')} · "
            f"{max(image.size_bytes / 1024, 0.1):.1f} KB"
            + (f" · {plain(', '.join(image.tags))}" if image.tags else "")
        )
        st.code(f'<img src="image:{image.name}" alt="">', language="html")
        with st.popover("Edit", icon=":material/edit:"):
            description = st.text_input(
                "Description", image.description or "", key=f"idesc-{image.id}"
            )
            category = st.text_input("Category", image.category or "", key=f"icat-{image.id}")
            tags = st.text_input("Tags", ", ".join(image.tags), key=f"itags-{image.id}")
            if st.button("Save", key=f"isave-{image.id}"):
                with user_errors(), session_scope() as session:
                    images.update_image(
                        session,
                        user,
                        image_id=image.id,
                        description=description,
                        category=category,
                        tags=tags.split(","),
                    )
                flash("images", f"Saved image:{image.name}.")
                st.rerun()
        if confirm_delete(f"image:{image.name}", [], "", key=f"idel-{image.id}"):
            with user_errors(), session_scope() as session:
                images.delete_image(session, user, image_id=image.id)
            flash("images", f"Deleted image:{image.name}; slides using it show its alt text.")
            st.rerun()
