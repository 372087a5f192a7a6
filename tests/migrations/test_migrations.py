"""Alembic owns the schema: upgrade, no drift from the models, clean downgrade, both engines."""

from __future__ import annotations

from sqlalchemy import inspect

from slidegen.config import Settings
from slidegen.db import migrate
from slidegen.db.base import Base
from slidegen.db.database import Database
from tests.conftest import DatabaseFactory


def _empty_database(backend: str, databases: DatabaseFactory) -> Database:
    return Database(Settings(DATABASE_URL=databases.url(backend)))


def test_upgrade_creates_every_model_table(backend: str, databases: DatabaseFactory) -> None:
    database = _empty_database(backend, databases)
    try:
        assert migrate.current_revision(database.engine) is None
        migrate.upgrade(database.engine)
        tables = set(inspect(database.engine).get_table_names())
        assert set(Base.metadata.tables) <= tables
        assert migrate.current_revision(database.engine) == migrate.head_revision()
    finally:
        database.dispose()


def test_autogenerate_finds_no_difference(backend: str, databases: DatabaseFactory) -> None:
    database = _empty_database(backend, databases)
    try:
        migrate.upgrade(database.engine)
        assert migrate.schema_drift(database.engine) == []
    finally:
        database.dispose()


def test_drift_is_detected_when_schema_differs(backend: str, databases: DatabaseFactory) -> None:
    """The drift check itself works: a missing table is reported."""
    database = _empty_database(backend, databases)
    try:
        migrate.upgrade(database.engine)
        with database.engine.begin() as connection:
            connection.exec_driver_sql("DROP TABLE request_logs")
        drift = migrate.schema_drift(database.engine)
        assert ("add_table", "request_logs") in [
            (d[0], d[1].name) for d in drift if d[0] == "add_table"
        ]
    finally:
        database.dispose()


def test_downgrade_to_base_leaves_no_tables(backend: str, databases: DatabaseFactory) -> None:
    database = _empty_database(backend, databases)
    try:
        migrate.upgrade(database.engine)
        migrate.downgrade(database.engine, "base")
        assert inspect(database.engine).get_table_names() == []
        migrate.upgrade(database.engine)  # and it can come back
        assert migrate.schema_drift(database.engine) == []
    finally:
        database.dispose()
