"""`sessions list|share|unshare|visibility|rename|duplicate|delete`: History from the shell.

The acting user is SLIDEGEN_USER (or the proxy's user); every command goes through the same
permission service as the app.
"""

from __future__ import annotations

import argparse
import json
from typing import get_args

from slidegen.cli.common import acting_user
from slidegen.db.database import Database
from slidegen.errors import SlidegenError
from slidegen.schemas.sessions import SessionSummary, SharingOut
from slidegen.schemas.vocabulary import Visibility
from slidegen.services.sessions import actions as session_actions
from slidegen.services.sessions import queries as sessions
from slidegen.services.sessions import sharing


def add_commands(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Register the `sessions` command group."""
    group = commands.add_parser("sessions", help="list, share, rename, duplicate, delete decks")
    actions = group.add_subparsers(title="sessions commands", metavar="ACTION", required=True)
    listing = actions.add_parser("list", help="list the decks you can see")
    listing.add_argument("--scope", choices=sessions.SCOPES, default="all")
    listing.add_argument("--search", help="only titles containing this text")
    listing.add_argument("--limit", type=int, default=sessions.DEFAULT_PAGE_SIZE)
    listing.add_argument("--offset", type=int, default=0)
    listing.add_argument("--json", action="store_true", help="print JSON")
    listing.set_defaults(handler=_list)
    for name, what in (("share", "grant read or edit"), ("unshare", "remove a grant")):
        parser = actions.add_parser(name, help=f"{what} to a user or a group")
        parser.add_argument("session_id", metavar="SESSION")
        who = parser.add_mutually_exclusive_group(required=True)
        who.add_argument("--user", metavar="EMAIL")
        who.add_argument("--group", metavar="NAME")
        if name == "share":
            parser.add_argument("--permission", choices=("read", "edit"), required=True)
        parser.set_defaults(handler=_share if name == "share" else _unshare)
    visibility = actions.add_parser("visibility", help="private, shared or workspace")
    visibility.add_argument("session_id", metavar="SESSION")
    visibility.add_argument("visibility", choices=get_args(Visibility))
    visibility.set_defaults(handler=_visibility)
    rename = actions.add_parser("rename", help="give a deck a new title")
    rename.add_argument("session_id", metavar="SESSION")
    rename.add_argument("title", metavar="TITLE")
    rename.set_defaults(handler=_rename)
    duplicate = actions.add_parser("duplicate", help="copy a deck into a new private session")
    duplicate.add_argument("session_id", metavar="SESSION")
    duplicate.add_argument("--version", type=int, help="copy this save point instead")
    duplicate.add_argument("--title", help="title of the copy")
    duplicate.set_defaults(handler=_duplicate)
    delete = actions.add_parser("delete", help="delete a deck you own")
    delete.add_argument("session_id", metavar="SESSION")
    delete.add_argument("--yes", action="store_true", help="confirm the deletion")
    delete.set_defaults(handler=_delete)


def _list(args: argparse.Namespace, db: Database) -> int:
    with db.scope() as session:
        page = sessions.list_sessions(
            session,
            acting_user(db),
            scope=args.scope,
            search=args.search,
            limit=args.limit,
            offset=args.offset,
        )
    if args.json:
        print(json.dumps(page.model_dump(mode="json"), indent=2))
        return 0
    if not page.items:
        print("No decks to show.")
        return 0
    for item in page.items:
        _print_summary(item)
    shown = page.offset + len(page.items)
    print(f"{page.offset + 1}-{shown} of {page.total}")
    return 0


def _print_summary(item: SessionSummary) -> None:
    when = item.last_activity.strftime("%Y-%m-%d %H:%M")
    owner = item.created_by or "(legacy)"
    print(
        f"{item.session_id}  {when}  {item.visibility:<9}  {item.slide_count:>3} slides  "
        f"{owner:<28} {item.title}"
    )


def _principal(args: argparse.Namespace) -> tuple[str, str]:
    return ("user", args.user) if args.user else ("group", args.group)


def _share(args: argparse.Namespace, db: Database) -> int:
    kind, name = _principal(args)
    with db.scope() as session:
        out = sharing.share_session(
            session,
            acting_user(db),
            session_id=args.session_id,
            principal_type=kind,  # type: ignore[arg-type]
            principal_id=name,
            permission=args.permission,
        )
    return _print_sharing(out)


def _unshare(args: argparse.Namespace, db: Database) -> int:
    kind, name = _principal(args)
    with db.scope() as session:
        out = sharing.unshare_session(
            session,
            acting_user(db),
            session_id=args.session_id,
            principal_type=kind,  # type: ignore[arg-type]
            principal_id=name,
        )
    return _print_sharing(out)


def _visibility(args: argparse.Namespace, db: Database) -> int:
    with db.scope() as session:
        out = sharing.set_visibility(
            session, acting_user(db), session_id=args.session_id, visibility=args.visibility
        )
    return _print_sharing(out)


def _print_sharing(out: SharingOut) -> int:
    print(f"Deck {out.session_id}: {out.visibility}, owner {out.owner or '(legacy)'}")
    for grant in out.grants:
        print(f"  {grant.principal_type:<5} {grant.principal_id:<32} {grant.permission}")
    return 0


def _rename(args: argparse.Namespace, db: Database) -> int:
    with db.scope() as session:
        item = session_actions.rename_session(
            session, acting_user(db), session_id=args.session_id, title=args.title
        )
    print(f"Renamed deck {item.session_id} to {item.title!r}.")
    return 0


def _duplicate(args: argparse.Namespace, db: Database) -> int:
    with db.scope() as session:
        item = session_actions.duplicate_session(
            session,
            acting_user(db),
            session_id=args.session_id,
            version_number=args.version,
            title=args.title,
        )
    print(f"Copied into new private deck {item.session_id} ({item.title!r}).")
    return 0


def _delete(args: argparse.Namespace, db: Database) -> int:
    if not args.yes:
        raise SlidegenError("Deleting a deck cannot be undone; add --yes to confirm.")
    with db.scope() as session:
        title = session_actions.delete_session(session, acting_user(db), session_id=args.session_id)
    print(f"Deleted deck {args.session_id} ({title!r}).")
    return 0
