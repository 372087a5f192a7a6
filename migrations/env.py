"""Alembic environment: the URL comes from Slidegen's settings, never from alembic.ini."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection, text

import slidegen.db.models  # noqa: F401  (registers every table on the metadata)
from slidegen.config import get_settings
from slidegen.db.base import Base
from slidegen.db.engine import create_db_engine

target_metadata = Base.metadata


def _configure_and_run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    """Run migrations on the caller's connection, or on a new engine from the settings."""
    connection = context.config.attributes.get("connection")
    if connection is not None:
        _configure_and_run(connection)
        return
    settings = get_settings()
    engine = create_db_engine(settings)
    try:
        with engine.connect() as connection:
            if settings.uses_lakebase and settings.lakebase_schema:
                connection.execute(
                    text(f'CREATE SCHEMA IF NOT EXISTS "{settings.lakebase_schema}"')
                )
                connection.commit()
            _configure_and_run(connection)
            connection.commit()
    finally:
        engine.dispose()


if context.is_offline_mode():
    raise SystemExit("Offline (--sql) migrations are not supported; run against a database.")
run_migrations_online()
