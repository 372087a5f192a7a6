"""The audit trail of profiles: field-level changes, snapshots, queries and comparisons."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from slidegen.db.models import ConfigHistory, ConfigProfile
from slidegen.errors import NotFoundError
from slidegen.identity import User
from slidegen.schemas.profiles import FieldChange, HistoryEntry, HistoryPage
from slidegen.services.profiles.access import load_profile, visible_filter

DOMAINS = ("profile", "ai_infra", "genie", "data_sources", "mlflow", "prompts", "sharing")
_SECTION_DOMAIN = {"genie_spaces": "genie"}
_KEYED_LISTS = {"genie_spaces": "space_id", "data_sources": "name"}


def flatten(snapshot: dict[str, Any]) -> dict[str, Any]:
    """Return `{dotted.field: value}` for a snapshot; list items are keyed by their id."""
    flat: dict[str, Any] = {}
    for section, value in snapshot.items():
        if section in _KEYED_LISTS:
            key = _KEYED_LISTS[section]
            for position, item in enumerate(value or [], start=1):
                rest = {k: v for k, v in item.items() if k != key}
                # A draft's new row may not have its id yet: name it by its place.
                flat[f"{section}.{item.get(key) or f'#{position}'}"] = rest
        elif isinstance(value, dict):
            for field, item in value.items():
                flat[f"{section}.{field}"] = item
        elif value is not None:
            flat[section] = value
    return flat


def diff_snapshots(old: dict[str, Any], new: dict[str, Any]) -> list[FieldChange]:
    """Return the fields that differ between two snapshots, in a stable order."""
    before, after = flatten(old), flatten(new)
    fields = sorted(set(before) | set(after))
    return [
        FieldChange(field=f, old=before.get(f), new=after.get(f))
        for f in fields
        if before.get(f) != after.get(f)
    ]


def domain_of(field: str) -> str:
    """Return the configuration domain a dotted field belongs to."""
    section = field.split(".", 1)[0]
    return _SECTION_DOMAIN.get(section, section)


def record_changes(
    session: Session,
    profile: ConfigProfile,
    user: User,
    *,
    action: str,
    changes: list[FieldChange],
    snapshot: dict[str, Any],
    domain: str | None = None,
) -> None:
    """Write history rows in the caller's transaction: one per changed domain, or `domain`."""
    groups: dict[str, dict[str, Any]] = {}
    for change in changes:
        target = domain or domain_of(change.field)
        groups.setdefault(target, {})[change.field] = {"old": change.old, "new": change.new}
    if not groups and domain:
        groups[domain] = {}
    for target, fields in groups.items():
        session.add(
            ConfigHistory(
                profile_id=profile.id,
                domain=target,
                action=action,
                changed_by=user.name,
                changes=fields,
                snapshot=snapshot,
            )
        )
    session.flush()


def list_history(
    session: Session,
    user: User,
    *,
    profile_name: str | None = None,
    domain: str | None = None,
    changed_by: str | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    offset: int = 0,
    limit: int = 50,
) -> HistoryPage:
    """Return a page of changes to the profiles the user can see, newest first."""
    conditions = [visible_filter(user)]
    if profile_name:
        conditions.append(ConfigProfile.id == load_profile(session, user, profile_name).id)
    if domain:
        conditions.append(ConfigHistory.domain == domain)
    if changed_by:
        conditions.append(ConfigHistory.changed_by == changed_by)
    if since:
        conditions.append(ConfigHistory.timestamp >= since)
    if until:
        conditions.append(ConfigHistory.timestamp <= until)
    base = select(ConfigHistory, ConfigProfile.name).join(ConfigProfile).where(*conditions)
    total = session.scalar(select(func.count()).select_from(base.subquery())) or 0
    rows = session.execute(
        base.order_by(ConfigHistory.timestamp.desc(), ConfigHistory.id.desc())
        .offset(max(offset, 0))
        .limit(max(min(limit, 500), 1))
    ).all()
    entries = [_entry(row, name) for row, name in rows]
    return HistoryPage(entries=entries, total=total, offset=offset, limit=limit)


def _entry(row: ConfigHistory, profile_name: str) -> HistoryEntry:
    changes = [
        FieldChange(field=field, old=value.get("old"), new=value.get("new"))
        for field, value in (row.changes or {}).items()
        if isinstance(value, dict)
    ]
    return HistoryEntry(
        id=row.id,
        profile_id=row.profile_id,
        profile_name=profile_name,
        domain=row.domain,
        action=row.action,
        changed_by=row.changed_by,
        timestamp=row.timestamp,
        changes=changes,
    )


def history_snapshot(
    session: Session, user: User, *, profile: ConfigProfile, history_id: int
) -> dict[str, Any]:
    """Return the snapshot recorded by one history entry of this profile."""
    row = session.get(ConfigHistory, history_id)
    if row is None or row.profile_id != profile.id or not row.snapshot:
        raise NotFoundError(
            f"History entry {history_id} does not belong to profile {profile.name!r} "
            "or has no snapshot; see `profiles history NAME`."
        )
    return row.snapshot
