"""Export buttons: start a background export, show its progress, then offer the file.

`export_control(user, session_id, version)` works on any page (Chat, History): the job id is
kept per page, deck and format; a new deck version offers a fresh export.
"""

from __future__ import annotations

from functools import partial

import streamlit as st

from slidegen.config import get_settings
from slidegen.identity import User
from slidegen.schemas.exports import ExportJobOut
from slidegen.services.exports import jobs as export
from slidegen.services.jobs.pool import runner_for
from ui.callbacks import rerun, run_to_end
from ui.db import database, session_scope
from ui.errors import kept_for_the_page, user_errors
from ui.text import plain, plain_label

_JOB = "slidegen.export.{}.{}.{}"  # page key, session id, format -> (job id, deck version)
_FAILED = "{}.failed"  # why the last click could not start an export
POLL_SECONDS = 0.5
LABELS = {
    "pptx": ("Download PPTX", ":material/slideshow:"),
    "html": ("HTML", ":material/html:"),
    "pdf": ("PDF", ":material/picture_as_pdf:"),
    "gslides": ("Google Slides", ":material/add_to_drive:"),
}
NOTES = {
    "none": "PDF without notes",
    "pages": "Notes after each slide",
    "appendix": "Notes appendix",
}


def export_control(
    user: User,
    session_id: str,
    version: int | None = None,
    *,
    format: str = "pptx",
    key: str = "chat",
) -> None:
    """Render the export button, the progress bar of a running export, or the download.

    With the deck's `version`, an export of an older version is not offered again.
    """
    slot = job_slot(key, session_id, format)
    remembered = st.session_state.get(slot)
    if remembered and remembered[1] != version:
        remembered = None  # the deck changed since: offer a new export
    if not remembered:
        label, icon = LABELS[format]
        row = st.container(
            horizontal=True, vertical_alignment="center", width="content", wrap=False, gap="xsmall"
        )
        with row:
            if format == "pdf":
                _notes_choice(slot)  # beside the button
            # The export starts in the click's callback: Streamlit runs it once per click, so
            # a page run stopped by another message (a watcher, a second click) cannot lose it.
            st.button(
                label,
                icon=icon,
                key=f"{slot}.start",
                help=_help(format),
                on_click=_start,
                args=(user, session_id, format, slot, version),
            )
        if failed := st.session_state.pop(_FAILED.format(slot), None):
            st.error(plain(failed), icon=":material/error:")
        return
    _follow(user, slot, remembered[0])


def job_slot(key: str, session_id: str, format: str) -> str:
    """The session-state key remembering a page's export job of a deck and format."""
    return _JOB.format(key, session_id, format)


def _start(user: User, session_id: str, format: str, slot: str, version: int | None) -> None:
    """Queue the export and remember its job (a click's callback); a refusal (the deck is
    gone, Google Slides not connected...) is kept for the page's run to say in place."""
    notes = (st.session_state.get(f"{slot}.notes") or "none") if format == "pdf" else "none"
    # Looked up before the change: after it, Streamlit must not stop us midway.
    runner = runner_for(database(), get_settings())
    job = None
    report = partial(st.session_state.__setitem__, _FAILED.format(slot))
    with kept_for_the_page(report), session_scope() as session:
        job = export.start_export(
            session,
            user,
            session_id=session_id,
            format=format,
            notes=notes,
            settings=get_settings(),
        )
    if job is None:
        return
    run_to_end(
        partial(runner.submit_export, job.job_id),
        partial(st.session_state.__setitem__, slot, (job.job_id, version)),
    )


def _notes_choice(slot: str) -> None:
    """Where the PDF puts the speaker notes (kept per page and deck, read by `_start`)."""
    st.selectbox(
        "Speaker notes in the PDF",
        list(NOTES),
        format_func=NOTES.__getitem__,
        key=f"{slot}.notes",
        label_visibility="collapsed",
        width=172,
    )


def _help(format: str) -> str:
    if format == "pptx":
        return "Native, editable PowerPoint: text boxes, tables and charts you can edit."
    if format == "pdf":
        return "One 16:9 page per slide: selectable text, vector charts, fonts embedded."
    if format == "gslides":
        return (
            "A presentation in your Google account: native text boxes and tables, speaker "
            "notes; exporting again updates the same presentation."
        )
    return "One self-contained HTML file with keyboard navigation."


def _follow(user: User, slot: str, job_id: str) -> None:
    with user_errors(), session_scope() as session:
        job = export.get_export(session, user, job_id=job_id)
    if not job.done:
        _progress(user, job_id)
    elif job.status == "error":
        st.error(plain(job.error_message or "The export failed."), icon=":material/error:")
        if st.button("Try again", key=f"{slot}.retry"):
            st.session_state.pop(slot, None)
            st.rerun()
    elif job.format == "gslides":
        _exported(slot, job)
    else:
        _offer(user, slot, job)


@st.fragment(run_every=POLL_SECONDS)
def _progress(user: User, job_id: str) -> None:
    """Poll the job while it runs; when it ends, rerun the page to offer the file."""
    with user_errors(), session_scope() as session:
        job = export.get_export(session, user, job_id=job_id)
    if job.done:
        rerun()  # gives way to a click on another page
    st.progress(job.fraction, text=plain(progress_text(job)))


def progress_text(job: ExportJobOut) -> str:
    """ "Exporting… 3 of 9 slides"; once a file's every slide is done, that it is being written."""
    text = f"Exporting… {job.progress:d} of {job.total_slides:d} slides"
    if job.format in ("pdf", "pptx") and job.total_slides and job.progress >= job.total_slides:
        text += f", writing the {job.format.upper()} file"
    return text


def _exported(slot: str, job: ExportJobOut) -> None:
    """A finished Google Slides export: its warnings and a way to export again."""
    st.caption("Exported to Google Slides.")
    if st.button("Update Google Slides", icon=":material/sync:", key=f"{slot}.again"):
        st.session_state.pop(slot, None)
        st.rerun()
    _warnings(job)


def _offer(user: User, slot: str, job: ExportJobOut) -> None:
    with user_errors(), session_scope() as session:
        data, name, mime = export.export_file(session, user, job_id=job.job_id)
    st.download_button(
        f"Save {plain_label(job.format.upper())}",
        data=data,
        help=f"{plain(name)}: ready",
        file_name=name,
        mime=mime,
        icon=":material/download:",
        key=f"{slot}.save",
        on_click="ignore",
        type="primary",
    )
    _warnings(job)


def _warnings(job: ExportJobOut) -> None:
    if job.warnings:
        with st.expander(f"{len(job.warnings)} export warning(s)"):
            for warning in job.warnings:
                st.caption(plain(warning))
