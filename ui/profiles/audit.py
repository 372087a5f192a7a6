"""History (with readable diffs and Restore), Compare and Sharing tabs of the Profiles page."""

from __future__ import annotations

import difflib
import json
import math
from datetime import UTC, datetime, time
from typing import Any

import pandas as pd
import streamlit as st

from slidegen.config import get_settings
from slidegen.schemas.profile_config import field_label
from slidegen.schemas.profiles import FieldChange, ProfileDetail
from slidegen.services.identities import principal_type
from slidegen.services.profiles import admin
from slidegen.services.profiles import history as profile_history
from slidegen.services.profiles import sharing as profile_sharing
from slidegen.services.profiles import transfer as profile_io
from slidegen.services.profiles.access import LEVELS
from ui.db import session_scope
from ui.profiles.state import reset_draft
from ui.profiles.toolbar import run_action
from ui.text import plain, plain_label
from ui.user import current_user, user_token
from ui.widgets.sharing_picker import share_with_picker

PAGE_SIZE = 20
SNAPSHOT_CHOICES = 100


def history_tab(profile: ProfileDetail) -> None:
    """A filtered, paginated table of changes; a readable diff of one; Restore to it."""
    user = current_user()
    domain_col, who_col, when_col, page_col = st.columns([1, 1.3, 1.5, 0.7])
    domain = domain_col.selectbox("Domain", ["(all)", *profile_history.DOMAINS], key="pf.h.domain")
    who = who_col.text_input("Changed by", key="pf.h.user", placeholder="anyone")
    since, until = _period(
        when_col.date_input("Changed between (UTC)", value=(), key="pf.h.when", format="YYYY-MM-DD")
    )
    page_no = int(page_col.number_input("Page", 1, 100_000, 1, key="pf.h.page"))
    with session_scope() as session:
        page = profile_history.list_history(
            session,
            user,
            profile_name=profile.name,
            domain=None if domain == "(all)" else domain,
            changed_by=who.strip() or None,
            since=since,
            until=until,
            offset=(page_no - 1) * PAGE_SIZE,
            limit=PAGE_SIZE,
        )
    if not page.entries:
        pages = math.ceil(page.total / PAGE_SIZE)
        if page.total:
            st.info(
                f"Page {page_no:d} is past the end: {page.total:d} changes fill {pages:d} pages."
            )
        else:
            st.info("No changes match.")
        return
    st.dataframe(
        [
            {
                "id": e.id,
                "when (UTC)": f"{e.timestamp:%Y-%m-%d %H:%M:%S}",
                "domain": e.domain,
                "action": e.action,
                "by": e.changed_by,
                "fields": ", ".join(field_label(c.field) for c in e.changes),
            }
            for e in page.entries
        ],
        hide_index=True,
        width="stretch",
    )
    last = page.offset + len(page.entries)
    pages = math.ceil(page.total / PAGE_SIZE)
    st.caption(
        f"Changes {page.offset + 1}–{last} of {page.total:d}, newest first "
        f"(page {page_no:d} of {pages:d})."
    )
    by_id = {e.id: e for e in page.entries}
    chosen = st.selectbox(
        "Show change",
        list(by_id),
        key=f"pf.h.entry.{page.entries[0].id}",  # a new change selects itself
        format_func=lambda i: f"#{i} {by_id[i].action} {by_id[i].domain} by {by_id[i].changed_by}",
    )
    render_changes(by_id[chosen].changes)
    _restore(profile, chosen)


def _period(chosen: Any) -> tuple[datetime | None, datetime | None]:
    """Turn the date picker's range (none, one day, or two days) into timestamps."""
    days = [d for d in (chosen if isinstance(chosen, (list, tuple)) else [chosen]) if d]
    if not days:
        return None, None
    first, last = days[0], days[-1]
    return datetime.combine(first, time.min, UTC), datetime.combine(last, time.max, UTC)


def render_changes(changes: list[FieldChange]) -> None:
    """Show field changes: short values inline, long texts as a unified diff."""
    for change in changes:
        old, new = change.old, change.new
        if isinstance(old, str) and isinstance(new, str) and (len(old) + len(new) > 120):
            diff = difflib.unified_diff(
                old.splitlines(), new.splitlines(), "before", "after", lineterm=""
            )
            st.markdown(f"**{plain(field_label(change.field))}**")
            st.code("\n".join(diff), language="diff")
        else:
            st.markdown(
                f"**{plain(field_label(change.field))}**: "
                f"{plain(_short_json(old))} → {plain(_short_json(new))}"
            )


def _short_json(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False, default=str)
    return (text if len(text) <= 200 else text[:199] + "…").replace("`", "'")


def _restore(profile: ProfileDetail, history_id: int) -> None:
    sure = st.checkbox(
        f"Restore {plain_label(profile.name)} to the settings saved by change #{history_id:d}",
        key="pf.h.sure",
    )
    if st.button("Restore", key="pf.h.restore", disabled=not sure, type="primary"):
        reset_draft(profile.id)
        run_action(
            lambda s: [
                f"{field_label(c.field)}"
                for c in admin.restore_profile(
                    s,
                    current_user(),
                    name=profile.name,
                    history_id=history_id,
                    settings=get_settings(),
                    user_token=user_token(),
                ).changes
            ],
            f"Restored {profile.name!r} to change #{history_id}; changed:",
        )


def compare_tab(profile: ProfileDetail, names: list[str]) -> None:
    """Two profiles (or this profile and a snapshot) side by side, differences highlighted."""
    others = [n for n in names if n != profile.name]
    mode = st.radio(
        "Compare with", ["another profile", "a snapshot"], horizontal=True, key="pf.c.mode"
    )
    user = current_user()
    with session_scope() as session:
        if mode == "another profile":
            if not others:
                st.info("There is no other profile to compare with.")
                return
            other = st.selectbox("Profile", others, key="pf.c.other")
            changes = profile_io.compare_profiles(session, user, left=profile.name, right=other)
            label = other
        else:
            recent = profile_history.list_history(
                session, user, profile_name=profile.name, limit=SNAPSHOT_CHOICES
            ).entries
            by_id = {e.id: e for e in recent}
            history_id = st.selectbox(
                "Snapshot (the profile as saved by a change)",
                list(by_id),
                # The newest snapshot is the profile as it is now: offer the one before it.
                index=1 if len(by_id) > 1 else 0,
                key="pf.c.hid",
                format_func=lambda i: (
                    f"#{i} · {by_id[i].timestamp:%Y-%m-%d %H:%M} · {by_id[i].action} "
                    f"{by_id[i].domain} by {by_id[i].changed_by}"
                ),
                help=f"The {SNAPSHOT_CHOICES} most recent changes; older ones: "
                "`python -m slidegen profiles diff NAME --history ID`.",
            )
            changes = profile_io.compare_profiles(
                session, user, left=profile.name, right_history_id=int(history_id)
            )
            label = f"change #{history_id}"
    if not changes:
        st.success("No differences.")
        return
    frame = pd.DataFrame(
        [
            {
                "field": field_label(c.field),
                profile.name: _short_json(c.old),
                label: _short_json(c.new),
            }
            for c in changes
        ]
    )
    st.dataframe(
        frame.style.apply(lambda _: ["background-color: #fff3cd"] * 3, axis=1),
        hide_index=True,
        width="stretch",
    )
    count = (
        f"{len(changes)} field differs" if len(changes) == 1 else f"{len(changes)} fields differ"
    )
    st.caption(f"{count} (equal fields are not listed).")


def sharing_tab(profile: ProfileDetail) -> None:
    """Contributors and everyone's access; only managers change them."""
    user = current_user()
    with session_scope() as session:
        people = profile_sharing.list_contributors(session, user, name=profile.name)
    st.caption(
        f"Created by {plain(profile.created_by or 'the system')} (manages it). "
        f"Your access: {plain(profile.my_permission)}."
    )
    if people:
        st.dataframe([p.model_dump() for p in people], hide_index=True)
    if profile.my_permission != "CAN_MANAGE":
        return
    who, level, go = st.columns([3, 1.3, 0.8], vertical_alignment="bottom")
    identity = share_with_picker(who, key="pf.s.who")
    permission = level.selectbox("Permission", LEVELS, key="pf.s.level")
    if go.button("Share", key="pf.s.go", disabled=not identity):
        run_action(
            lambda s: profile_sharing.grant_access(
                s,
                user,
                name=profile.name,
                identity_type=principal_type(identity).upper(),
                identity_id=identity,
                permission_level=permission,
            ),
            f"Shared {profile.name!r} with {identity.strip()}.",
        )
    if people:
        gone = st.selectbox("Remove access of", [p.identity_id for p in people], key="pf.s.rm")
        if st.button("Remove", key="pf.s.rm.go"):
            run_action(
                lambda s: profile_sharing.revoke_access(
                    s, user, name=profile.name, identity_id=gone
                ),
                f"Removed {gone}.",
            )
    everyone = ["nobody else", *LEVELS]
    current = profile.global_permission or "nobody else"
    chosen = st.selectbox(
        "Everyone in the workspace", everyone, everyone.index(current), key="pf.s.all"
    )
    if chosen != current and st.button("Apply", key="pf.s.all.go"):
        run_action(
            lambda s: profile_sharing.set_everyone_access(
                s,
                user,
                name=profile.name,
                permission_level=None if chosen == "nobody else" else chosen,
            ),
            "Updated everyone's access.",
        )
