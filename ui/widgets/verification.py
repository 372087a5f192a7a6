"""A slide's verification on the Chat page: its rating, the "Why" panel, Fix, and thumbs.

Finding texts quote slide text, data and model output: everything untrusted goes through
`plain` (decision 12).
"""

from __future__ import annotations

from functools import partial

import streamlit as st

from slidegen.config import get_settings
from slidegen.deck import Slide
from slidegen.schemas.decks import SessionDetail, SlideOut
from slidegen.schemas.verification import Finding
from slidegen.services.decks import hand_edits
from slidegen.services.generation import chat_requests as requests
from slidegen.services.verification.fixes import direct_fixes, fix_instruction
from slidegen.services.verification.service import rate_verification
from ui.callbacks import run_to_end
from ui.db import session_scope
from ui.errors import user_errors
from ui.jobs import submitter
from ui.text import plain, plain_label
from ui.user import current_user

BADGES = {
    "verified": ("Verified", "green", ":material/verified:"),
    "review": ("Review", "orange", ":material/help:"),
    "problem": ("Problem", "red", ":material/error:"),
    "unknown": ("Unknown", "gray", ":material/help_outline:"),
    None: ("Not checked", "gray", ":material/hourglass_empty:"),
}
MARKS = {"verified": "✅", "review": "🟠", "problem": "❌", "unknown": "❔"}


def badge(slide: SlideOut) -> None:
    """Show a slide's rating as a small coloured badge."""
    label, colour, icon = BADGES[slide.rating]
    st.badge(label, icon=icon, color=colour)


def slide_bar(detail: SessionDetail, slide_id: str, *, editable: bool) -> None:
    """Show the rating, the Why panel, Fix (when something is wrong) and thumbs for a slide."""
    slide = next((s for s in detail.slides if s.slide_id == slide_id), None)
    if slide is None:
        return
    cells = st.columns([2, 2, 2, 2, 2], vertical_alignment="center")
    with cells[0]:
        badge(slide)
    # Lazy, like History's menus: a slide's findings are built only while its panel is open
    # (with every panel built, the bar was most of a Chat page rerun).
    why_key = f"why-{slide_id}"
    with cells[1].popover(
        "Why", icon=":material/fact_check:", width="stretch", key=why_key, on_change="rerun"
    ) as panel:
        if panel.open:
            why(slide.findings)
    wrong = slide.rating in ("problem", "review")
    if editable and wrong:
        shown = Slide(slide_id=slide.slide_id, html=slide.html, charts=slide.charts)
        direct = direct_fixes(shown, slide.findings)
        # Every wrong number has one value in the data: correct it without the model.
        help_text = (
            "Correct " + ", ".join(f"{f.number} → {f.fix}" for f in direct) + " from the data"
            if direct
            else "Ask the model to fix this slide's findings"
        )
        if cells[2].button(
            "Fix", key=f"fix-{slide_id}", icon=":material/build:", help=plain_label(help_text)
        ):
            if direct:
                _fix_from_data(detail, slide)
            else:
                _fix(detail, slide)
    if slide.rating is not None:
        _thumbs(detail.session_id, slide_id, cells[3], cells[4])


def why(findings: list[Finding]) -> None:
    """List every finding: verdict, what was found, and where it came from."""
    if not findings:
        st.caption("No numbers and no layout findings on this slide.")
        return
    for finding in findings:
        how = f" · {plain(finding.match)}" if finding.match else ""
        mark = MARKS[finding.verdict]
        st.markdown(f"{mark} **{plain(finding.verdict)}** · {plain(finding.kind)}{how}")
        st.markdown(plain(finding.text))
        if finding.source:
            st.caption(plain(finding.source))


def _fix(detail: SessionDetail, slide: SlideOut) -> None:
    run = submitter()  # before the change: after it, Streamlit must not stop us midway
    with user_errors(), session_scope() as session:
        handle = requests.start_edit(
            session,
            current_user(),
            session_id=detail.session_id,
            instruction=fix_instruction(slide.findings),
            slide_ids=[slide.slide_id],
        )
    run_to_end(partial(run, handle.request_id))
    st.rerun()


def _fix_from_data(detail: SessionDetail, slide: SlideOut) -> None:
    with user_errors(), session_scope() as session:
        hand_edits.fix_from_data(
            session,
            current_user(),
            session_id=detail.session_id,
            slide_id=slide.slide_id,
            expected_version=detail.version,
        )
    st.toast("Corrected from the data. Undo it from Save points.")
    st.rerun()


def _thumbs(session_id: str, slide_id: str, up_cell: object, down_cell: object) -> None:
    # Each carries its name as text: an icon alone reads as "thumb_up icon" to a screen reader.
    if up_cell.button(
        "Right", icon=":material/thumb_up:", key=f"thumb-up-{slide_id}", help="Rating is right"
    ):  # type: ignore[attr-defined]
        _rate(session_id, slide_id, up=True)
    with down_cell.popover(  # type: ignore[attr-defined]
        "Wrong",
        icon=":material/thumb_down:",
        help="Rating is wrong",
        key=f"thumb-down-menu-{slide_id}",
        on_change="rerun",
    ) as menu:
        if not menu.open:
            return
        reason = st.text_input("Why is the rating wrong?", key=f"why-down-{slide_id}")
        if st.button("Send", key=f"thumb-down-{slide_id}"):
            if reason.strip():
                _rate(session_id, slide_id, up=False, reason=reason)
            else:
                st.warning("Say why the rating is wrong first.")


def _rate(session_id: str, slide_id: str, *, up: bool, reason: str = "") -> None:
    with user_errors(), session_scope() as session:
        rate_verification(
            session,
            current_user(),
            session_id=session_id,
            slide_id=slide_id,
            up=up,
            reason=reason,
            settings=get_settings(),  # logged on the request's MLflow trace too
        )
    st.toast("Thanks: your rating of the check was recorded.")
