"""The process's database handle and a unit of work per user action."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import streamlit as st

from slidegen.config import Settings, get_settings
from slidegen.db.database import Database, Session
from slidegen.db.errors import database_label


@st.cache_resource(show_spinner=False)
def _database(label: str, _settings: Settings) -> Database:
    # Keyed by the database label so tests that point elsewhere get their own engine.
    return Database(_settings)


def database() -> Database:
    """Return the engine and session factory shared by every rerun of this process."""
    settings = get_settings()
    return _database(database_label(settings), settings)


@contextmanager
def session_scope() -> Iterator[Session]:
    """Yield a session for one user action: committed on success, rolled back on error."""
    with database().scope() as session:
        yield session


@contextmanager
def snapshot_scope() -> Iterator[Session]:
    """Yield a unit of work whose reads all see one moment (Database.snapshot)."""
    with database().snapshot() as session:
        yield session
