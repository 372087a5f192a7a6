"""Alembic owns the schema: upgrade, no drift from the models, clean downgrade, both engines."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

from sqlalchemy import delete, insert, inspect, select

from slidegen.config import Settings
from slidegen.db import migrate
from slidegen.db.base import Base
from slidegen.db.database import Database
from slidegen.db.models import RequestLog, UsageDay, UsageDayUser, UsageLatency
from slidegen.services.usage.rollups import roll_up_logs
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


def test_the_usage_rollups_revision_rolls_up_stored_logs_as_the_app_does(
    backend: str, databases: DatabaseFactory
) -> None:
    database = _empty_database(backend, databases)
    rng = random.Random(7)
    start = datetime(2026, 3, 1, 22, tzinfo=UTC)
    logs = [
        {
            "finished_at": start + timedelta(hours=rng.randrange(24 * 20)),
            "user_name": f"user{rng.randrange(5)}@example.com",
            "profile_name": rng.choice(["default", "finance", None]),
            "provider": "openai",
            "model": rng.choice(["gpt", None]),
            "kind": rng.choice(["generate", "edit", "export:pptx"]),
            "status": rng.choice(["completed", "completed", "error"]),
            "error_class": rng.choice(["LLMTimeoutError", None]),
            "first_slide_ms": rng.choice([None, rng.randrange(3000)]),
            "total_ms": rng.randrange(90_000),
            "input_tokens": rng.randrange(5000),
            "output_tokens": rng.randrange(900),
            "tool_calls": 0,
            "slides": 3,
        }
        for _ in range(400)
    ]
    try:
        migrate.upgrade(database.engine, "0008")
        with database.engine.begin() as connection:
            connection.execute(insert(RequestLog.__table__), logs)
        migrate.upgrade(database.engine, "0009")
        backfilled = _rollups(database)
        with database.scope() as session:
            for model in ROLLUPS:
                session.execute(delete(model))
            roll_up_logs(session, logs)
        assert backfilled == _rollups(database)
        assert len(backfilled[UsageLatency]) > 20  # the comparison compared something
    finally:
        database.dispose()


ROLLUPS = (UsageDay, UsageDayUser, UsageLatency)


def _rollups(database: Database) -> dict[type, list[tuple[object, ...]]]:
    found = {}
    with database.scope() as session:
        for model in ROLLUPS:
            columns = [c for c in model.__table__.columns if c.name != "id"]
            found[model] = sorted(tuple(row) for row in session.execute(select(*columns)))
    return found
