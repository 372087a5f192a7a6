"""What every command shares: the acting user and machine-readable output (`--json`)."""

from __future__ import annotations

import json
from typing import Any

from pydantic import BaseModel

from slidegen.db.database import Database
from slidegen.identity import User, resolve_user


def acting_user(db: Database) -> User:
    """Return who the command acts as: SLIDEGEN_USER (or the OS user), as in the app locally."""
    return resolve_user({}, db.settings)


def print_json(payload: Any) -> int:
    """Print models, dicts and lists as indented JSON; return the exit status 0."""
    print(json.dumps(_plain(payload), indent=2, default=str))
    return 0


def _plain(value: Any) -> Any:
    if isinstance(value, BaseModel):
        return value.model_dump(mode="json")
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_plain(item) for item in value]
    return value
