"""Manage profiles: create, rename, duplicate, delete, defaults, edit configuration, restore.

Every change writes `config_history` in the caller's transaction (field-level old/new values
and a full snapshot), so a change that fails leaves no history behind.
"""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import exists, false, or_, select, text, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from slidegen import seed_content
from slidegen.config import Settings
from slidegen.databricks import checks as workspace
from slidegen.db.base import utcnow
from slidegen.db.models import ChatRequest, ConfigProfile, UserProfilePreference, UserSession
from slidegen.errors import ConflictError, InvalidInputError
from slidegen.identity import User
from slidegen.schemas.profiles import ProfileDetail, SaveResult
from slidegen.schemas.vocabulary import UNFINISHED
from slidegen.services.profiles import history, store
from slidegen.services.profiles.access import load_profile
from slidegen.services.profiles.queries import profile_snapshot

_NAME = re.compile(r"^[\w][\w .@()+-]{0,99}$")
_DEFAULT_LOCK = 0x51DE6E7  # PostgreSQL advisory lock serialising set-default


def check_name(name: str) -> str:
    """Return a clean profile name or raise a message saying what is allowed."""
    name = (name or "").strip()
    if not _NAME.match(name):
        raise InvalidInputError(
            "A profile name needs 1-100 characters: letters, digits, spaces and . @ ( ) + - _ "
            "(starting with a letter or digit)."
        )
    return name


def _name_free(session: Session, name: str, *, except_id: int | None = None) -> None:
    query = select(ConfigProfile.id).where(
        ConfigProfile.name == name, ConfigProfile.is_deleted == false()
    )
    if except_id is not None:
        query = query.where(ConfigProfile.id != except_id)
    if session.scalar(query) is not None:
        raise ConflictError(f"A profile named {name!r} already exists; choose another name.")


def _flush(session: Session, what: str) -> None:
    try:
        session.flush()
    except IntegrityError:
        message = f"{what} conflicts with a change made at the same time; retry."
        raise ConflictError(message) from None


def system_defaults(settings: Settings, user: User) -> dict[str, Any]:
    """Return the configuration of a new profile made from the system defaults."""
    from slidegen.services import seed  # seed imports profiles; import late

    ai = seed._default_ai_infra(settings)
    return {
        "description": None,
        "ai_infra": {"provider": ai.provider, "llm_endpoint": ai.llm_endpoint},
        "genie_spaces": [],
        "data_sources": [],
        "mlflow": {"experiment_name": seed.default_experiment_name(settings)},
        "prompts": {
            "system_prompt": seed_content.DEFAULT_SYSTEM_PROMPT,
            "slide_editing_instructions": seed_content.DEFAULT_SLIDE_EDITING_INSTRUCTIONS,
            "user_prompt_template": seed_content.DEFAULT_USER_PROMPT_TEMPLATE,
        },
    }


def create_profile(
    session: Session,
    user: User,
    *,
    name: str,
    description: str | None = None,
    copy_from: str | None = None,
    config: dict[str, Any] | None = None,
    settings: Settings,
    action: str = "create",
) -> ProfileDetail:
    """Create a profile from the system defaults, a copy of another profile, or `config`."""
    name = check_name(name)
    _name_free(session, name)
    if config is None:
        source = load_profile(session, user, copy_from) if copy_from else None
        config = store.config_of(source) if source else system_defaults(settings, user)
    if description is not None:
        config = {**config, "description": description}
    parsed = store.parse_config(config)
    store.check_references(session, parsed)
    profile = ConfigProfile(name=name, created_by=user.name, updated_by=user.name)
    store.apply_config(profile, parsed)
    session.add(profile)
    _flush(session, f"Creating profile {name!r}")
    snapshot = profile_snapshot(profile)
    changes = history.diff_snapshots({}, snapshot)
    history.record_changes(
        session, profile, user, action=action, changes=changes, snapshot=snapshot, domain="profile"
    )
    return store.detail(session, user, profile)


def duplicate_profile(
    session: Session, user: User, *, name: str, new_name: str, settings: Settings
) -> ProfileDetail:
    """Copy a profile's whole configuration under a new name (the copy is yours)."""
    return create_profile(session, user, name=new_name, copy_from=name, settings=settings)


def show_profile(session: Session, user: User, *, name: str) -> ProfileDetail:
    """Return a profile with all of its configuration."""
    return store.detail(session, user, load_profile(session, user, name))


def save_configuration(
    session: Session,
    user: User,
    *,
    name: str,
    config: dict[str, Any],
    settings: Settings,
    new_name: str | None = None,
    action: str = "update",
    domain: str | None = None,
    user_token: str | None = None,
) -> SaveResult:
    """Validate and save a profile's configuration (and name); record what changed.

    `user_token` (the proxy's forwarded token) checks new Genie spaces as the user sees them.
    """
    profile = load_profile(session, user, name, need="CAN_EDIT", for_update=True)
    before = profile_snapshot(profile)
    parsed = store.parse_config(config)
    store.check_references(session, parsed)
    warnings = workspace.check_workspace(
        parsed, settings, previous=store.config_of(profile), user_token=user_token
    )
    if new_name is not None and new_name != profile.name:
        new_name = check_name(new_name)
        _name_free(session, new_name, except_id=profile.id)
        profile.name = new_name
    store.apply_config(profile, parsed)
    profile.updated_by = user.name
    _flush(session, f"Saving profile {name!r}")
    after = profile_snapshot(profile)
    changes = history.diff_snapshots(before, after)
    if changes:
        profile.updated_at = utcnow()
        history.record_changes(
            session, profile, user, action=action, changes=changes, snapshot=after, domain=domain
        )
    return SaveResult(
        profile=store.detail(session, user, profile), changes=changes, warnings=warnings
    )


def update_profile(
    session: Session,
    user: User,
    *,
    name: str,
    settings: Settings,
    new_name: str | None = None,
    **fields: Any,
) -> SaveResult:
    """Change some fields: `description=...` or `ai_infra={...}`, `prompts={...}`, ..."""
    profile = load_profile(session, user, name, need="CAN_EDIT")
    config = store.config_of(profile)
    for key, value in fields.items():
        if isinstance(value, dict) and isinstance(config.get(key), dict):
            config[key] = {**config[key], **value}
        else:
            config[key] = value
    return save_configuration(
        session, user, name=name, config=config, settings=settings, new_name=new_name
    )


def restore_profile(
    session: Session,
    user: User,
    *,
    name: str,
    history_id: int,
    settings: Settings,
    user_token: str | None = None,
) -> SaveResult:
    """Bring a profile back to the snapshot of one history entry (recorded as a change)."""
    profile = load_profile(session, user, name, need="CAN_EDIT")
    snapshot = history.history_snapshot(session, user, profile=profile, history_id=history_id)
    config = {key: value for key, value in snapshot.items() if key != "profile"}
    config["description"] = (snapshot.get("profile") or {}).get("description")
    return save_configuration(
        session,
        user,
        name=name,
        config=config,
        settings=settings,
        action="restore",
        domain="profile",
        user_token=user_token,
    )


def delete_profile(session: Session, user: User, *, name: str) -> None:
    """Soft-delete a profile; refused for the default and while a session using it runs."""
    profile = load_profile(session, user, name, need="CAN_MANAGE", for_update=True)
    if profile.is_default:
        raise ConflictError(
            f"{name!r} is the default profile; make another profile the default first."
        )
    # The deck's lock sits on the session holding the deck, so a contributor's thread using
    # this profile is busy through its own unfinished request, not its lock flag.
    unfinished = exists().where(
        ChatRequest.session_id == UserSession.id, ChatRequest.status.in_(sorted(UNFINISHED))
    )
    busy = session.scalar(
        select(
            exists().where(
                UserSession.profile_id == profile.id, or_(UserSession.is_processing, unfinished)
            )
        )
    )
    if busy:
        raise ConflictError(f"A generation using {name!r} is running; delete it when it ends.")
    before = profile_snapshot(profile)
    profile.is_deleted, profile.deleted_at, profile.updated_by = True, utcnow(), user.name
    session.execute(
        update(UserProfilePreference)
        .where(UserProfilePreference.default_profile_id == profile.id)
        .values(default_profile_id=None)
    )
    history.record_changes(
        session,
        profile,
        user,
        action="delete",
        changes=[history.FieldChange(field="profile.deleted", old=False, new=True)],
        snapshot=before,
        domain="profile",
    )


def set_default_profile(session: Session, user: User, *, name: str) -> ProfileDetail:
    """Make a profile the system default, atomically unsetting the previous one."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _DEFAULT_LOCK})
    profile = load_profile(session, user, name, need="CAN_MANAGE")
    if profile.is_default:
        return store.detail(session, user, profile)
    previous = session.scalar(select(ConfigProfile.name).where(ConfigProfile.is_default))
    session.execute(
        update(ConfigProfile)
        .where(ConfigProfile.is_default, ConfigProfile.id != profile.id)
        .values(is_default=False)
    )
    profile.is_default = True
    _flush(session, "Setting the default profile")
    history.record_changes(
        session,
        profile,
        user,
        action="set_default",
        changes=[history.FieldChange(field="profile.default", old=previous, new=profile.name)],
        snapshot=profile_snapshot(profile),
        domain="profile",
    )
    return store.detail(session, user, profile)


def set_my_default_profile(session: Session, user: User, *, name: str | None) -> None:
    """Set (or with None, clear) the current user's personal default profile."""
    profile_id = load_profile(session, user, name).id if name else None
    row = session.scalar(
        select(UserProfilePreference).where(UserProfilePreference.user_name == user.name)
    )
    if row is None:
        session.add(UserProfilePreference(user_name=user.name, default_profile_id=profile_id))
    else:
        row.default_profile_id = profile_id
    session.flush()
