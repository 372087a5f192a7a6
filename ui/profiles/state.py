"""What the Profiles page remembers between reruns: the selection, the unsaved draft, and a
message to show after an action reran the page.

Only the open section of the page runs, and Streamlit forgets the state of widgets that were
not drawn. So the draft lives in session state of its own: each section's widgets start from
it and write back to it, and edits survive a visit to another section (or another profile).
"""

from __future__ import annotations

import copy
from typing import Any

import streamlit as st

from slidegen.schemas.profiles import ProfileDetail
from ui.text import plain

SELECTED = "pf.selected"
_NEXT = "pf.select_next"
_GEN = "pf.gen.{}"
_FLASH = "pf.flash"
_DRAFT = "pf.draft.{}.{}"
_START = "pf.start"  # widget key -> (the section it was drawn in, its start value)
SECTION = "pf.section"  # the section control's key


def apply_pending_selection(names: list[str]) -> None:
    """Before the selector renders: switch to a profile an action asked for, or a valid one."""
    wanted = st.session_state.pop(_NEXT, None)
    if wanted is None and SELECTED not in st.session_state:  # first visit: honour ?profile=
        wanted = st.query_params.get("profile")
    if wanted in names and st.session_state.get(SELECTED) != wanted:
        st.session_state[SELECTED] = wanted
    if st.session_state.get(SELECTED) not in names and names:
        st.session_state[SELECTED] = names[0]


def select_next(name: str) -> None:
    """Select this profile on the next rerun."""
    st.session_state[_NEXT] = name
    st.query_params["profile"] = name


def key(profile_id: int, field: str) -> str:
    """Return the widget key of one draft field (a new key after a reset)."""
    return f"pf.{profile_id}.{st.session_state.get(_GEN.format(profile_id), 0)}.{field}"


def reset_draft(profile_id: int) -> None:
    """Forget unsaved edits: the widgets start again from the stored profile."""
    name = _GEN.format(profile_id)
    generation = st.session_state.get(name, 0)
    st.session_state.pop(_DRAFT.format(profile_id, generation), None)
    st.session_state[name] = generation + 1


def stored_values(profile: ProfileDetail) -> dict[str, Any]:
    """Return what the page edits, as stored: the description and the configuration."""
    return {"description": profile.description or None, **copy.deepcopy(profile.config)}


def draft_of(profile: ProfileDetail) -> tuple[dict[str, Any], bool]:
    """Return this profile's draft, which the sections edit in place, and whether it was just
    rebased because somebody saved the profile while it held unsaved edits."""
    generation = st.session_state.get(_GEN.format(profile.id), 0)
    name = _DRAFT.format(profile.id, generation)
    stored = stored_values(profile)
    entry = st.session_state.get(name)
    if entry is None:
        entry = st.session_state[name] = {"origin": stored, "values": copy.deepcopy(stored)}
        return entry["values"], False
    if entry["origin"] == stored:
        return entry["values"], False
    # Saved elsewhere meanwhile: keep the fields edited here, take the rest as now stored, and
    # draw the widgets afresh (new keys) from the result.
    edited = entry["values"] != entry["origin"]
    values = _rebase(entry["origin"], entry["values"], stored)
    reset_draft(profile.id)
    st.session_state[_DRAFT.format(profile.id, generation + 1)] = {
        "origin": stored,
        "values": values,
    }
    return values, edited


def _rebase(origin: dict[str, Any], mine: dict[str, Any], stored: dict[str, Any]) -> dict[str, Any]:
    """Apply the edits (origin -> mine) on top of `stored`, field by field."""
    merged: dict[str, Any] = {}
    for field in stored.keys() | mine.keys():
        base, edited, theirs = origin.get(field), mine.get(field), stored.get(field)
        if all(isinstance(v, dict) for v in (base, edited, theirs)):
            merged[field] = {
                k: edited.get(k) if edited.get(k) != base.get(k) else theirs.get(k)
                for k in theirs.keys() | edited.keys()
            }
        else:
            merged[field] = copy.deepcopy(edited if edited != base else theirs)
    return merged


def start_value(widget_key: str, value: Any) -> Any:
    """Return the value an editor widget starts from.

    That is the draft's value when the widget appears, and the same value for as long as it
    stays on the page: a data editor or a code editor given a new start value starts over and
    loses the edit under way.
    """
    starts = st.session_state.setdefault(_START, {})
    if widget_key not in st.session_state or widget_key not in starts:
        starts[widget_key] = (st.session_state.get(SECTION), copy.deepcopy(value))
    return starts[widget_key][1]


def forget_starts_outside(section: str | None) -> None:
    """At the top of the page's run: editors of other sections start from the draft again.

    Streamlit forgets a widget that was not drawn only when a run ends; a run stopped by the
    next click (the user switched back at once) leaves the editor's state behind, and the
    editor, drawn anew in the browser, would show the start value it had before the edit.
    """
    starts = st.session_state.setdefault(_START, {})
    for widget_key in [k for k, (shown_in, _) in starts.items() if shown_in != section]:
        del starts[widget_key]


def flash(kind: str, message: str, details: list[str] | None = None) -> None:
    """Keep a message for the next rerun (kind: success, warning, error)."""
    st.session_state[_FLASH] = (kind, message, details or [])


def show_flash() -> None:
    """Show (once) the message an action left."""
    stored = st.session_state.pop(_FLASH, None)
    if not stored:
        return
    kind, message, details = stored
    body = plain(message) + "".join(f"\n- {plain(line)}" for line in details)
    getattr(st, kind)(body, icon=":material/info:" if kind != "error" else ":material/error:")
