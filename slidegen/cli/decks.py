"""`generate`, `edit` and `show`: the engine from the command line."""

from __future__ import annotations

import argparse
import json
import sys
import time

from sqlalchemy import select

from slidegen.cli.common import acting_user
from slidegen.db.database import Database
from slidegen.db.models import ChatRequest
from slidegen.errors import InvalidInputError, SlidegenError
from slidegen.identity import User
from slidegen.schemas.decks import SessionDetail
from slidegen.services.decks import store as decks
from slidegen.services.generation import chat_requests as requests
from slidegen.services.jobs.pool import runner_for
from slidegen.services.verification.service import verify_session
from slidegen.tracing import exporter

POLL_SECONDS = 0.2
TRACE_EXPORT_WAIT_SECONDS = 15.0


def add_commands(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Register generate, edit and show."""
    generate = commands.add_parser("generate", help="generate a deck from a prompt")
    generate.add_argument("prompt", metavar="PROMPT")
    generate.add_argument("--profile", help="profile name (default: your default profile)")
    generate.add_argument("--session", help="regenerate the deck of this session")
    generate.add_argument("--json", action="store_true", help="print the deck as JSON")
    generate.set_defaults(handler=_generate)
    edit = commands.add_parser("edit", help="edit slides of a deck by instruction")
    edit.add_argument("session_id", metavar="SESSION_ID")
    edit.add_argument("instruction", metavar="INSTRUCTION")
    edit.add_argument("--slides", help="slide numbers to edit, e.g. 2,5 (default: named ones)")
    edit.add_argument("--json", action="store_true", help="print the deck as JSON")
    edit.set_defaults(handler=_edit)
    show = commands.add_parser("show", help="print a deck, its slides and save points")
    show.add_argument("session_id", metavar="SESSION_ID")
    show.add_argument("--json", action="store_true", help="print JSON")
    show.set_defaults(handler=_show)


def _generate(args: argparse.Namespace, db: Database) -> int:
    user = acting_user(db)
    with db.scope() as session:
        handle = requests.start_generation(
            session, user, prompt=args.prompt, session_id=args.session, profile_name=args.profile
        )
    return _run_and_report(db, user, handle, args.json)


def _edit(args: argparse.Namespace, db: Database) -> int:
    user = acting_user(db)
    numbers = _slide_numbers(args.slides) if args.slides else None
    with db.scope() as session:
        handle = requests.start_edit(
            session,
            user,
            session_id=args.session_id,
            instruction=args.instruction,
            slide_numbers=numbers,
        )
    return _run_and_report(db, user, handle, args.json)


def _slide_numbers(text: str) -> list[int]:
    try:
        return [int(part) for part in text.replace(" ", "").split(",") if part]
    except ValueError as exc:
        raise InvalidInputError(
            f"--slides takes numbers separated by commas, e.g. 2,5 (got {text!r})."
        ) from exc


def _run_and_report(db: Database, user: User, handle: requests.RequestHandle, as_json: bool) -> int:
    future = runner_for(db, db.settings).submit(handle.request_id)
    last = None
    while True:
        with db.scope() as session:
            request = session.scalars(
                select(ChatRequest).where(ChatRequest.request_id == handle.request_id)
            ).one()
            status, progress, error = (
                request.status,
                request.progress_message,
                request.error_message,
            )
            engine = (request.result_json or {}).get("engine")
        if progress != last and not as_json and sys.stderr.isatty():
            print(f"… {progress}", file=sys.stderr)
            last = progress
        if status in ("completed", "error") and future.done():
            break
        time.sleep(POLL_SECONDS)
    future.result()
    exporter().wait(TRACE_EXPORT_WAIT_SECONDS)  # the process ends next; let the trace out
    if status == "error":
        raise SlidegenError(error or "The request failed.")
    with db.scope() as session:
        detail = decks.show_session(session, user, session_id=handle.session_id)
    if engine == "offline":
        print(
            "note: made by the offline demo engine, not an LLM; configure Databricks model "
            "serving or an OpenAI-compatible server in the profile for real decks.",
            file=sys.stderr,
        )
    _print_detail(detail, as_json)
    return 0


def _show(args: argparse.Namespace, db: Database) -> int:
    user = acting_user(db)
    with db.scope() as session:
        # Rate slides changed since the last check (hand edits), so every slide has a rating.
        verify_session(session, user, session_id=args.session_id)
        detail = decks.show_session(session, user, session_id=args.session_id)
    _print_detail(detail, args.json)
    return 0


def _print_detail(detail: SessionDetail, as_json: bool) -> None:
    if as_json:
        print(json.dumps(detail.model_dump(mode="json"), indent=2))
        return
    print(f"{detail.title}  (session {detail.session_id}, version {detail.version})")
    for number, slide in enumerate(detail.slides, 1):
        charts = f"  [{len(slide.charts)} chart(s)]" if slide.charts else ""
        print(f"  {number:>2}. {decks.slide_title(slide.html)}{charts}")
    if detail.versions:
        latest = detail.versions[0]
        print(f"Save points: {len(detail.versions)} (latest: {latest.description})")
