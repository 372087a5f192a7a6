"""Run Alembic from code: upgrade, downgrade, current revision and drift check."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from alembic.util.exc import CommandError
from sqlalchemy import Engine, text

import slidegen.db.models  # noqa: F401  (registers every table on the metadata)
from slidegen.db.base import Base
from slidegen.errors import SlidegenError

MIGRATIONS_DIR = Path(__file__).resolve().parents[2] / "migrations"


def alembic_config(engine: Engine | None = None) -> tuple[Config, Any]:
    """Return an Alembic config for our migrations and the connection it should use."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    connection = engine.connect() if engine is not None else None
    config.attributes["connection"] = connection
    return config, connection


def _run(engine: Engine, action: str, revision: str) -> None:
    config, connection = alembic_config(engine)
    try:
        with connection.begin():
            getattr(command, action)(config, revision)
    except CommandError as exc:
        raise SlidegenError(f"Migration {action} to {revision!r} failed: {exc}.") from exc
    finally:
        connection.close()


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Migrate the database up to a revision (default: the newest)."""
    _run(engine, "upgrade", revision)


def downgrade(engine: Engine, revision: str) -> None:
    """Migrate the database down to a revision ('base' removes every table)."""
    _run(engine, "downgrade", revision)
    if revision == "base":
        with engine.begin() as connection:
            connection.execute(text("DROP TABLE IF EXISTS alembic_version"))


def current_revision(engine: Engine) -> str | None:
    """Return the revision the database is at, or None when it was never migrated."""
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def head_revision() -> str | None:
    """Return the newest revision in migrations/."""
    config, _ = alembic_config()
    return ScriptDirectory.from_config(config).get_current_head()


def schema_drift(engine: Engine) -> list[Any]:
    """Return the differences autogenerate finds between the database and the models."""
    with engine.connect() as connection:
        context = MigrationContext.configure(
            connection,
            opts={
                "compare_type": True,
                "render_as_batch": connection.dialect.name == "sqlite",
            },
        )
        return compare_metadata(context, Base.metadata)
