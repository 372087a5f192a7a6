"""`profiles ...`: list, show, create, update, defaults, history, diff, restore, import/export."""

from __future__ import annotations

import argparse
import json
import sys
from datetime import datetime
from pathlib import Path
from typing import Any

from slidegen.cli.common import acting_user, print_json
from slidegen.db.database import Database
from slidegen.errors import InvalidInputError
from slidegen.schemas.profiles import FieldChange
from slidegen.services.profiles import admin
from slidegen.services.profiles import history as profile_history
from slidegen.services.profiles import queries as profiles
from slidegen.services.profiles import transfer as profile_io

_UPDATES = {  # option -> (section, field)
    "provider": ("ai_infra", "provider"),
    "endpoint": ("ai_infra", "llm_endpoint"),
    "base_url": ("ai_infra", "base_url"),
    "temperature": ("ai_infra", "llm_temperature"),
    "max_tokens": ("ai_infra", "llm_max_tokens"),
    "timeout": ("ai_infra", "llm_timeout_s"),
    "experiment": ("mlflow", "experiment_name"),
    "user_prompt_template": ("prompts", "user_prompt_template"),
}


def add_commands(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Register `profiles` and its actions."""
    group = commands.add_parser("profiles", help="configuration profiles")
    actions = group.add_subparsers(title="profiles commands", metavar="ACTION", required=True)

    def action(name: str, handler: Any, help_text: str, *names: str) -> argparse.ArgumentParser:
        parser = actions.add_parser(name, help=help_text)
        for positional in names:
            parser.add_argument(positional)
        parser.add_argument("--json", action="store_true", help="print JSON")
        parser.set_defaults(handler=handler)
        return parser

    action("list", _list, "list the profiles you can see, the default marked")
    action("show", _show, "print a profile's whole configuration", "name")
    create = action("create", _create, "create a profile from the defaults or a copy", "name")
    create.add_argument("--description")
    create.add_argument("--copy-from", metavar="PROFILE")
    _update_parser(action("update", _update, "change a profile's settings", "name"))
    default = action("set-default", _set_default, "make a profile the default", "name")
    default.add_argument("--mine", action="store_true", help="only your personal default")
    action("duplicate", _duplicate, "copy a profile under a new name", "name", "new_name")
    delete = action("delete", _delete, "delete a profile", "name")
    delete.add_argument("--yes", action="store_true", help="confirm")
    history = action("history", _history, "changes, newest first")
    history.add_argument("name", nargs="?")
    history.add_argument("--domain", choices=profile_history.DOMAINS)
    history.add_argument("--user", dest="changed_by")
    history.add_argument("--since", type=datetime.fromisoformat, metavar="ISO-TIME")
    history.add_argument("--until", type=datetime.fromisoformat, metavar="ISO-TIME")
    history.add_argument("--limit", type=int, default=50)
    history.add_argument("--offset", type=int, default=0)
    diff = action("diff", _diff, "compare two profiles, or a profile with a snapshot", "left")
    diff.add_argument("right", nargs="?")
    diff.add_argument("--history", type=int, metavar="HISTORY_ID")
    restore = action("restore", _restore, "restore a profile to a history entry", "name")
    restore.add_argument("--to", type=int, required=True, metavar="HISTORY_ID")
    export = action("export", _export, "print a profile as JSON (no secrets)", "name")
    export.add_argument("--out", type=Path)
    action("import", _import, "create a profile from an exported JSON file", "file")


def _update_parser(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--name", dest="new_name", help="rename")
    parser.add_argument("--description")
    parser.add_argument("--provider", choices=("databricks", "openai", "offline"))
    parser.add_argument("--endpoint", help="serving endpoint or model name")
    parser.add_argument("--base-url")
    parser.add_argument("--temperature", type=float)
    parser.add_argument("--max-tokens", type=int)
    parser.add_argument("--timeout", type=int, help="seconds")
    parser.add_argument("--experiment", help="MLflow experiment name")
    parser.add_argument("--user-prompt-template")
    parser.add_argument("--system-prompt-file", type=Path)
    parser.add_argument("--editing-instructions-file", type=Path)
    parser.add_argument("--add-genie", action="append", default=[], metavar="SPACE_ID=NAME")
    parser.add_argument("--remove-genie", action="append", default=[], metavar="SPACE_ID")


def _list(args: argparse.Namespace, db: Database) -> int:
    with db.scope() as session:
        rows = profiles.list_profiles(session, acting_user(db))
    if args.json:
        return print_json(rows)
    for row in rows:
        marker = "*" if row.is_default else ("+" if row.is_my_default else " ")
        print(f"{marker} {row.name:<24} {row.provider:<10} {row.llm_endpoint}")
    return 0


def _show(args: argparse.Namespace, db: Database) -> int:
    with db.scope() as session:
        detail = admin.show_profile(session, acting_user(db), name=args.name)
    if args.json:
        return print_json(detail)
    print(f"{detail.name}{' (default)' if detail.is_default else ''}")
    print(json.dumps(detail.config, indent=2, default=str))
    return 0


def _create(args: argparse.Namespace, db: Database) -> int:
    with db.scope() as session:
        detail = admin.create_profile(
            session,
            acting_user(db),
            name=args.name,
            description=args.description,
            copy_from=args.copy_from,
            settings=db.settings,
        )
    return print_json(detail) if args.json else _say(f"Created profile {detail.name!r}.")


def _update(args: argparse.Namespace, db: Database) -> int:
    user = acting_user(db)
    with db.scope() as session:
        config = admin.show_profile(session, user, name=args.name).config
        _apply_options(args, config)
        result = admin.save_configuration(
            session,
            user,
            name=args.name,
            config=config,
            settings=db.settings,
            new_name=args.new_name,
        )
    for warning in result.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    if args.json:
        return print_json(result)
    if not result.changes:
        return _say("Nothing changed.")
    print(f"Saved profile {result.profile.name!r}:")
    return _print_changes(result.changes)


def _apply_options(args: argparse.Namespace, config: dict[str, Any]) -> None:
    if args.description is not None:
        config["description"] = args.description
    for option, (section, field) in _UPDATES.items():
        value = getattr(args, option)
        if value is not None:
            config[section][field] = value
    for option, field in (
        ("system_prompt_file", "system_prompt"),
        ("editing_instructions_file", "slide_editing_instructions"),
    ):
        path = getattr(args, option)
        if path is not None:
            config["prompts"][field] = _read(path)
    spaces = [s for s in config["genie_spaces"] if s["space_id"] not in args.remove_genie]
    for item in args.add_genie:
        space_id, _, name = item.partition("=")
        spaces.append({"space_id": space_id, "space_name": name or space_id})
    config["genie_spaces"] = spaces


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InvalidInputError(f"Cannot read {path}: {exc.__class__.__name__}.") from None


def _set_default(args: argparse.Namespace, db: Database) -> int:
    with db.scope() as session:
        if args.mine:
            admin.set_my_default_profile(session, acting_user(db), name=args.name)
            return _say(f"{args.name!r} is now your default profile.")
        admin.set_default_profile(session, acting_user(db), name=args.name)
    return _say(f"{args.name!r} is now the default profile.")


def _duplicate(args: argparse.Namespace, db: Database) -> int:
    with db.scope() as session:
        detail = admin.duplicate_profile(
            session, acting_user(db), name=args.name, new_name=args.new_name, settings=db.settings
        )
    return print_json(detail) if args.json else _say(f"Created profile {detail.name!r}.")


def _delete(args: argparse.Namespace, db: Database) -> int:
    if not args.yes:
        raise InvalidInputError(f"Deleting profile {args.name!r} needs --yes to confirm.")
    with db.scope() as session:
        admin.delete_profile(session, acting_user(db), name=args.name)
    return _say(f"Deleted profile {args.name!r}.")


def _history(args: argparse.Namespace, db: Database) -> int:
    with db.scope() as session:
        page = profile_history.list_history(
            session,
            acting_user(db),
            profile_name=args.name,
            domain=args.domain,
            changed_by=args.changed_by,
            since=args.since,
            until=args.until,
            offset=args.offset,
            limit=args.limit,
        )
    if args.json:
        return print_json(page)
    for entry in page.entries:
        fields = ", ".join(change.field for change in entry.changes)
        print(
            f"{entry.id:>6}  {entry.timestamp:%Y-%m-%d %H:%M:%S}  {entry.profile_name:<20} "
            f"{entry.domain:<12} {entry.action:<11} {entry.changed_by:<24} {fields}"
        )
    shown = page.offset + len(page.entries)
    print(f"({shown} of {page.total}; --offset {shown} for more)" if shown < page.total else "")
    return 0


def _diff(args: argparse.Namespace, db: Database) -> int:
    with db.scope() as session:
        changes = profile_io.compare_profiles(
            session,
            acting_user(db),
            left=args.left,
            right=args.right,
            right_history_id=args.history,
        )
    if args.json:
        return print_json(changes)
    return _print_changes(changes) if changes else _say("No differences.")


def _restore(args: argparse.Namespace, db: Database) -> int:
    with db.scope() as session:
        result = admin.restore_profile(
            session, acting_user(db), name=args.name, history_id=args.to, settings=db.settings
        )
    if args.json:
        return print_json(result)
    print(f"Restored profile {args.name!r} to history entry {args.to}:")
    return _print_changes(result.changes)


def _export(args: argparse.Namespace, db: Database) -> int:
    with db.scope() as session:
        document = profile_io.export_profile(session, acting_user(db), name=args.name)
    text = json.dumps(document, indent=2, ensure_ascii=False)
    if args.out:
        args.out.write_text(text + "\n", encoding="utf-8")
        return _say(f"Wrote {args.out}.")
    print(text)
    return 0


def _import(args: argparse.Namespace, db: Database) -> int:
    document = _read(Path(args.file))
    with db.scope() as session:
        detail = profile_io.import_profile(
            session, acting_user(db), document=document, settings=db.settings
        )
    return print_json(detail) if args.json else _say(f"Imported profile {detail.name!r}.")


def _print_changes(changes: list[FieldChange]) -> int:
    for change in changes:
        print(f"  {change.field}: {_short(change.old)} -> {_short(change.new)}")
    return 0


def _short(value: Any, limit: int = 60) -> str:
    text = json.dumps(value, default=str, ensure_ascii=False)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _say(message: str) -> int:
    print(message)
    return 0
