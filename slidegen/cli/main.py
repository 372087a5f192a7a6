"""The `python -m slidegen` command line: one clear sentence on stderr for every error."""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Callable, Sequence

from pydantic import ValidationError as PydanticError
from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError

from slidegen.cli import decks as cli_decks
from slidegen.cli import doctor as cli_doctor
from slidegen.cli import export as cli_export
from slidegen.cli import library as cli_library
from slidegen.cli import mcp as cli_mcp
from slidegen.cli import profiles as cli_profiles
from slidegen.cli import sessions as cli_sessions
from slidegen.cli import usage as cli_usage
from slidegen.cli import verify as cli_verify
from slidegen.config import reload_settings
from slidegen.db import migrate
from slidegen.db.database import Database
from slidegen.db.errors import translate_db_error
from slidegen.errors import SlidegenError
from slidegen.services import seed

Handler = Callable[[argparse.Namespace, Database], int]


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command and return its exit status."""
    logging.basicConfig(level=logging.ERROR)  # background warnings must not clutter stderr
    parser = _build_parser()
    args = parser.parse_args(argv)
    if not hasattr(args, "handler"):
        parser.print_help(sys.stderr)
        return 2
    try:
        settings = reload_settings()
    except PydanticError as exc:
        return _fail(f"Invalid environment: {_first_error(exc, with_field=False)}.")
    try:
        database = Database(settings)
        try:
            return args.handler(args, database)
        finally:
            database.dispose()
    except SlidegenError as exc:
        return _fail(exc.user_message)
    except PydanticError as exc:  # input a command validated (a file, an option)
        return _fail(f"Invalid input: {_first_error(exc)}.")
    except SQLAlchemyError as exc:
        return _fail(translate_db_error(exc, settings).user_message)
    except KeyboardInterrupt:
        return _fail("Interrupted.", status=130)
    except Exception as exc:  # the contract: never a traceback
        return _fail(f"Unexpected error ({type(exc).__name__}): {exc}")


def _first_error(exc: PydanticError, *, with_field: bool = True) -> str:
    error = exc.errors()[0] if exc.errors() else {}
    where = ".".join(str(part) for part in error.get("loc", ())) if with_field else ""
    message = str(error.get("msg", exc)).removeprefix("Value error, ")
    return f"{where}: {message}" if where else message


def _fail(message: str, status: int = 1) -> int:
    print(f"error: {message}", file=sys.stderr)
    return status


def _build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m slidegen",
        description="Slidegen: AI slide generator for data teams.",
    )
    commands = parser.add_subparsers(title="commands", metavar="COMMAND")

    db = commands.add_parser("db", help="migrate, inspect and seed the database")
    db_commands = db.add_subparsers(title="db commands", metavar="ACTION", required=True)
    db_commands.add_parser("upgrade", help="migrate to the newest schema").set_defaults(
        handler=_db_upgrade
    )
    downgrade = db_commands.add_parser("downgrade", help="migrate down to REV ('base': empty)")
    downgrade.add_argument("revision", metavar="REV")
    downgrade.set_defaults(handler=_db_downgrade)
    db_commands.add_parser("current", help="print the schema revision").set_defaults(
        handler=_db_current
    )
    db_commands.add_parser("seed", help="add the default profile, prompts and styles").set_defaults(
        handler=_db_seed
    )
    reset = db_commands.add_parser("reset", help="drop everything, migrate and seed again")
    reset.add_argument("--yes", action="store_true", help="confirm that all data is deleted")
    reset.set_defaults(handler=_db_reset)

    cli_decks.add_commands(commands)
    cli_export.add_commands(commands)
    cli_library.add_commands(commands)
    cli_profiles.add_commands(commands)
    cli_sessions.add_commands(commands)
    cli_usage.add_commands(commands)
    cli_verify.add_commands(commands)
    cli_doctor.add_commands(commands)
    cli_mcp.add_commands(commands)
    return parser


def _db_upgrade(args: argparse.Namespace, db: Database) -> int:
    migrate.upgrade(db.engine)
    print(f"Database at revision {migrate.current_revision(db.engine)} (head).")
    return 0


def _db_downgrade(args: argparse.Namespace, db: Database) -> int:
    migrate.downgrade(db.engine, args.revision)
    print(f"Database at revision {migrate.current_revision(db.engine) or 'base'}.")
    return 0


def _db_current(args: argparse.Namespace, db: Database) -> int:
    current, head = migrate.current_revision(db.engine), migrate.head_revision()
    state = "up to date" if current == head else f"behind head {head}; run `db upgrade`"
    print(f"{current or 'base (not migrated)'} ({state})")
    return 0


def _db_seed(args: argparse.Namespace, db: Database) -> int:
    _require_migrated(db.engine)
    with db.scope() as session:
        report = seed.seed_database(session, settings=db.settings)
    if not report.changed:
        print("Seed data already present; nothing to add.")
        return 0
    for label, names in (
        ("profiles", report.profiles),
        ("deck prompts", report.deck_prompts),
        ("slide styles", report.slide_styles),
    ):
        if names:
            print(f"Added {label}: {', '.join(names)}")
    return 0


def _db_reset(args: argparse.Namespace, db: Database) -> int:
    if not args.yes:
        raise SlidegenError("db reset deletes every table and all data; add --yes to confirm.")
    migrate.downgrade(db.engine, "base")
    migrate.upgrade(db.engine)
    print("Database emptied and migrated.")
    return _db_seed(args, db)


def _require_migrated(engine: Engine) -> None:
    if migrate.current_revision(engine) != migrate.head_revision():
        raise SlidegenError(
            "The database is not at the newest schema; run `python -m slidegen db upgrade` first."
        )
