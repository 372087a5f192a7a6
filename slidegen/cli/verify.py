"""`verify`: each slide's rating and findings (exit 0 whatever the ratings)."""

from __future__ import annotations

import argparse

from slidegen.cli.common import acting_user, print_json
from slidegen.db.database import Database
from slidegen.schemas.verification import DeckVerification
from slidegen.services.verification.service import verify_session

_MARKS = {"verified": "ok", "review": "review", "problem": "PROBLEM", "unknown": "unknown"}


def add_commands(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Register verify."""
    verify = commands.add_parser("verify", help="check each slide's numbers and layout")
    verify.add_argument("session_id", metavar="SESSION_ID")
    verify.add_argument("--json", action="store_true", help="print JSON")
    verify.set_defaults(handler=_verify)


def _verify(args: argparse.Namespace, db: Database) -> int:
    with db.scope() as session:
        result = verify_session(session, acting_user(db), session_id=args.session_id)
    if args.json:
        return print_json(result.contract())
    _print(result)
    return 0


def _print(result: DeckVerification) -> None:
    print(f"Session {result.session_id}, version {result.version}")
    for number, slide in enumerate(result.slides, 1):
        print(f"  {number:>2}. {_MARKS[slide.rating]:<8} {slide.slide_id}")
        for finding in slide.findings:
            if finding.verdict != "verified":
                print(f"        {finding.verdict}: {finding.text}")
                if finding.source:
                    print(f"          source: {finding.source}")
