"""Widgets the Library tabs share: the list, the chooser, the common fields, delete confirmation,
one-shot messages."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import streamlit as st

from ui.text import plain, plain_label

NEW = -1
_FLASH = "library.flash.{}"


def chooser(what: str, options: dict[int, str], state_key: str) -> int | None:
    """Let the user open one item of the list or start a new one; return its id or NEW."""
    ids = [None, NEW, *options]
    widget_key = f"choose-{state_key}"
    pending = st.session_state.pop(f"{state_key}.pending", None)
    if pending is not None:  # an action chose the item; widgets take it before they render
        st.session_state[widget_key] = None if pending == _CLOSED else pending
    if st.session_state.get(widget_key) not in ids:  # deleted, or filtered out by a search
        st.session_state[widget_key] = None
    return st.selectbox(
        plain_label(f"Open a {what}"),
        ids,
        # Options of a selectbox are plain text (not Markdown): names are shown as they are.
        format_func=lambda i: "—" if i is None else (f"➕ New {what}" if i == NEW else options[i]),
        key=widget_key,
    )


def open_item(state_key: str, item_id: int | None) -> None:
    """Open this item on the next rerun (None closes the editor)."""
    st.session_state[f"{state_key}.pending"] = item_id if item_id is not None else _CLOSED


_CLOSED = -2


def confirm_delete(name: str, used_by: list[str], fallback: str, *, key: str) -> bool:
    """Show a Delete popover that names the profiles affected; True once confirmed."""
    with st.popover("Delete", icon=":material/delete:"):
        if used_by:
            st.warning(
                f"Used by {plain(', '.join(used_by))}: they will use {plain(fallback)} instead."
            )
        st.write(f"Delete “{plain(name)}” for everyone? This cannot be undone.")
        return st.button("Delete for good", type="primary", key=key)


def flash(tab: str, message: str, *, warnings: list[str] | None = None) -> None:
    """Keep a message to show once after the rerun."""
    st.session_state[_FLASH.format(tab)] = (message, warnings or [])


def show_flash(tab: str) -> None:
    """Show the message kept by `flash`, once."""
    kept = st.session_state.pop(_FLASH.format(tab), None)
    if kept:
        message, warnings = kept
        st.success(plain(message), icon=":material/check:")
        if warnings:
            st.warning("\n".join(f"- {plain(w)}" for w in warnings), icon=":material/warning:")


def item_table(
    rows: Sequence[Any], key: str, *, lead: Callable[[Any], dict[str, Any]] | None = None
) -> None:
    """Show library items as a table: `lead` columns first, then name, category, description."""
    table = [
        {
            **(lead(row) if lead else {}),
            "Name": row.name,
            "Category": row.category or "",
            "Description": row.description or "",
            **({"System": "yes" if row.is_system else ""} if hasattr(row, "is_system") else {}),
            "Active": row.is_active,
        }
        for row in rows
    ]
    height = min(36 * len(rows) + 40, 300)
    st.dataframe(table, hide_index=True, width="stretch", height=height, key=key)


def item_fields(item: Any | None, prefix: str, key: str, *, locked: bool = False) -> dict[str, Any]:
    """Edit the fields every library item has; return them as the `...In` schema names them."""
    name_col, category_col, active_col = st.columns([3, 2, 1], vertical_alignment="bottom")
    name = name_col.text_input(
        "Name", value=item.name if item else "", key=f"{prefix}n-{key}", disabled=locked
    )
    category = category_col.text_input(
        "Category",
        value=(item.category or "") if item else "",
        key=f"{prefix}c-{key}",
        disabled=locked,
    )
    active = active_col.checkbox(
        "Active", value=item.is_active if item else True, key=f"{prefix}a-{key}", disabled=locked
    )
    description = st.text_input(
        "Description",
        value=(item.description or "") if item else "",
        key=f"{prefix}d-{key}",
        disabled=locked,
    )
    return {"name": name, "category": category, "is_active": active, "description": description}
