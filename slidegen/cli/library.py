"""`library ...`: deck prompts and slide styles from the command line."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from slidegen.cli.common import acting_user, print_json
from slidegen.db.database import Database
from slidegen.errors import InvalidInputError
from slidegen.identity import User
from slidegen.services.library import deck_prompts, slide_styles
from slidegen.services.library import transfer as library_io

KINDS = ("prompt", "style")


def add_commands(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Register `library list|show|create|update|delete|export|import`."""
    group = commands.add_parser("library", help="deck prompts and slide styles")
    actions = group.add_subparsers(title="library commands", metavar="ACTION", required=True)
    listing = actions.add_parser("list", help="list deck prompts and slide styles")
    listing.add_argument("--json", action="store_true", help="print JSON")
    listing.set_defaults(handler=_list)

    show = actions.add_parser("show", help="print one deck prompt or slide style")
    _kind_and_name(show)
    show.add_argument("--json", action="store_true", help="print JSON")
    show.set_defaults(handler=_show)

    create = actions.add_parser("create", help="add a deck prompt or slide style")
    _kind_and_name(create)
    _content_options(create)
    create.set_defaults(handler=_create)

    change = actions.add_parser("update", help="change a deck prompt or slide style")
    _kind_and_name(change)
    change.add_argument("--rename", metavar="NEW_NAME", help="give it a new name")
    _content_options(change)
    change.add_argument("--active", choices=("yes", "no"), help="activate or deactivate")
    change.add_argument("--set-default", action="store_true", help="style: make it the default")
    change.set_defaults(handler=_update)

    remove = actions.add_parser("delete", help="delete a deck prompt or slide style")
    _kind_and_name(remove)
    remove.set_defaults(handler=_delete)

    export = actions.add_parser("export", help="write prompts and styles to a JSON file")
    export.add_argument("--prompts", help="comma-separated prompt names (default: all)")
    export.add_argument("--styles", help="comma-separated style names (default: all)")
    export.add_argument("--out", help="file to write (default: standard output)")
    export.set_defaults(handler=_export)

    load = actions.add_parser("import", help="read prompts and styles from a JSON export")
    load.add_argument("file", metavar="FILE")
    load.add_argument("--on-conflict", choices=("skip", "rename", "overwrite"), default="skip")
    load.add_argument("--json", action="store_true", help="print JSON")
    load.set_defaults(handler=_import)


def _kind_and_name(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("kind", choices=KINDS, help="prompt (deck prompt) or style (slide style)")
    parser.add_argument("name", metavar="NAME")


def _content_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--file", help="read the prompt text or the style's CSS from this file")
    parser.add_argument("--content", help="the prompt text or the style's CSS")
    parser.add_argument("--description")
    parser.add_argument("--category")
    parser.add_argument("--guidelines", help="style: image guidelines")


def _list(args: argparse.Namespace, db: Database) -> int:
    user = acting_user(db)
    with db.scope() as session:
        prompts = deck_prompts.search_deck_prompts(session, user)
        styles = slide_styles.search_slide_styles(session, user)
    if args.json:
        return print_json({"deck_prompts": prompts, "slide_styles": styles})
    print("Deck prompts:")
    for prompt in prompts:
        print(f"  {prompt.name:<32} {prompt.category or '':<10} {prompt.description or ''}")
    print("Slide styles:")
    for style in styles:
        flags = ", ".join(
            f for f, on in (("default", style.is_default), ("system", style.is_system)) if on
        )
        print(f"  {style.name:<32} {style.category or '':<10} {flags}")
    return 0


def _show(args: argparse.Namespace, db: Database) -> int:
    with db.scope() as session:
        item = _find(session, acting_user(db), args.kind, args.name)
    if args.json:
        return print_json(item)
    body = item.prompt_content if args.kind == "prompt" else item.style_content  # type: ignore[union-attr]
    state = "active" if item.is_active else "inactive"
    print(f"{item.name}  [{item.category or 'no category'}]  {state}")
    if item.description:
        print(item.description)
    print(f"Used by profiles: {', '.join(item.used_by) or 'none'}\n")
    print(body)
    return 0


def _find(session: Any, user: User, kind: str, name: str) -> Any:
    if kind == "prompt":
        return deck_prompts.find_deck_prompt(session, user, name=name)
    return slide_styles.find_slide_style(session, user, name=name)


def _content(args: argparse.Namespace) -> str | None:
    if args.file and args.content is not None:
        raise InvalidInputError("Give either --file or --content, not both.")
    if args.file:
        try:
            return Path(args.file).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise InvalidInputError(f"Cannot read {args.file}: {exc.__class__.__name__}.") from exc
    return args.content


def _create(args: argparse.Namespace, db: Database) -> int:
    content = _content(args) or ""
    user = acting_user(db)
    common = {"description": args.description, "category": args.category}
    with db.scope() as session:
        if args.kind == "prompt":
            created = deck_prompts.create_deck_prompt(
                session, user, name=args.name, prompt_content=content, **common
            )
            removed = []
        else:
            saved = slide_styles.create_slide_style(
                session,
                user,
                name=args.name,
                style_content=content,
                image_guidelines=args.guidelines,
                **common,
            )
            created, removed = saved.style, saved.removed
    _report_removed(removed)
    print(f"Created {args.kind} “{created.name}”.")
    return 0


def _update(args: argparse.Namespace, db: Database) -> int:
    user = acting_user(db)
    active = None if args.active is None else args.active == "yes"
    changes = {
        "name": args.rename,
        "description": args.description,
        "category": args.category,
        "is_active": active,
    }
    removed = []
    with db.scope() as session:
        item = _find(session, user, args.kind, args.name)
        if args.kind == "prompt":
            if args.set_default:
                raise InvalidInputError("--set-default applies to slide styles only.")
            deck_prompts.update_deck_prompt(
                session, user, prompt_id=item.id, prompt_content=_content(args), **changes
            )
        else:
            if args.set_default:
                slide_styles.set_default_slide_style(session, user, style_id=item.id)
            if any(v is not None for v in (*changes.values(), args.guidelines, _content(args))):
                removed = slide_styles.update_slide_style(
                    session,
                    user,
                    style_id=item.id,
                    style_content=_content(args),
                    image_guidelines=args.guidelines,
                    **changes,
                ).removed
    _report_removed(removed)
    print(f"Updated {args.kind} “{args.rename or item.name}”.")
    return 0


def _delete(args: argparse.Namespace, db: Database) -> int:
    user = acting_user(db)
    with db.scope() as session:
        item = _find(session, user, args.kind, args.name)
        if args.kind == "prompt":
            used = deck_prompts.delete_deck_prompt(session, user, prompt_id=item.id)
        else:
            used = slide_styles.delete_slide_style(session, user, style_id=item.id)
    print(f"Deleted {args.kind} “{item.name}”.")
    if used:
        fallback = "no deck prompt" if args.kind == "prompt" else "the default style"
        print(f"Profiles that used it now use {fallback}: {', '.join(used)}")
    return 0


def _export(args: argparse.Namespace, db: Database) -> int:
    def names(value: str | None) -> list[str] | None:
        return None if value is None else [n for n in value.split(",") if n.strip()]

    prompts, styles = names(args.prompts), names(args.styles)
    if (prompts is None) != (styles is None):  # naming one kind exports only that kind
        prompts, styles = prompts or [], styles or []
    with db.scope() as session:
        text = library_io.export_library(
            session, acting_user(db), prompt_names=prompts, style_names=styles
        )
    if args.out:
        Path(args.out).write_text(text + "\n", encoding="utf-8")
        count = json.loads(text)
        print(
            f"Wrote {len(count['deck_prompts'])} deck prompts and "
            f"{len(count['slide_styles'])} slide styles to {args.out}."
        )
    else:
        print(text)
    return 0


def _import(args: argparse.Namespace, db: Database) -> int:
    try:
        text = Path(args.file).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InvalidInputError(f"Cannot read {args.file}: {exc.__class__.__name__}.") from exc
    with db.scope() as session:
        report = library_io.import_library(
            session, acting_user(db), text=text, on_conflict=args.on_conflict
        )
    if args.json:
        return print_json(report)
    for label, names in report.model_dump().items():
        if names:
            print(f"{label.capitalize()}: {', '.join(names)}")
    return 0


def _report_removed(removed: list[Any]) -> None:
    for item in removed:
        what = f"{item.where} {{ {item.declaration} }}" if item.declaration else item.where
        print(f"warning: removed {what}: {item.reason}", file=sys.stderr)
