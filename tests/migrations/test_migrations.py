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


def test_shipped_styles_nobody_edited_get_the_contrast_fixes(
    backend: str, databases: DatabaseFactory
) -> None:
    """0007 fixes Minimal's and Data Dense's failing rules in unedited rows, and undoes it."""
    from sqlalchemy import select, update

    from slidegen.db.models import SlideStyle
    from slidegen.seed_content.css import DATA_DENSE_CSS, MINIMAL_CSS
    from slidegen.services.seed import seed_database

    old_minimal = MINIMAL_CSS.replace(
        "color: var(--muted); /* --faint is for rules and bullets: 2.4:1 fails AA */",
        "color: var(--faint);",
    ).replace(
        "(.subtitle) { font-size: 15px; color: var(--muted);",
        "(.subtitle) { font-size: 15px; color: var(--faint);",
    )
    old_dense = DATA_DENSE_CSS.replace(
        "--muted: #5b6b80; /* 4.6:1 on the strongest surface (AA) */", "--muted: #64748b;"
    ).replace(
        "font-family: var(--mono);\n  font-size: 12px;",
        "font-family: var(--mono);\n  font-size: 11px;",
    )
    assert "var(--faint);" in old_minimal and "11px" in old_dense
    database = _empty_database(backend, databases)
    try:
        migrate.upgrade(database.engine, "0007")
        with database.scope() as session:
            seed_database(session, settings=database.settings)
            for name, css, editor in (
                ("Minimal", old_minimal, "system"),
                ("Data Dense", old_dense, "ann"),
            ):
                session.execute(
                    update(SlideStyle)
                    .where(SlideStyle.name == name)
                    .values(style_content=css, updated_by=editor)
                )

        def stored() -> dict[str, str]:
            with database.scope() as session:
                return dict(
                    session.execute(select(SlideStyle.name, SlideStyle.style_content)).all()
                )

        migrate.upgrade(database.engine)
        assert stored()["Minimal"] == MINIMAL_CSS
        assert stored()["Data Dense"] == old_dense  # a person edited it: left alone
        migrate.downgrade(database.engine, "0007")
        assert stored()["Minimal"] == old_minimal
    finally:
        database.dispose()
