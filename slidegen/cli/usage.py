"""`usage` and `feedback list`: the usage dashboard's figures and the feedback (admins only)."""

from __future__ import annotations

import argparse
from datetime import UTC, date, datetime, timedelta

from slidegen.cli.common import acting_user, print_json
from slidegen.db.database import Database
from slidegen.errors import InvalidInputError
from slidegen.schemas.usage import UsageReport
from slidegen.services.usage import dashboard

DEFAULT_DAYS = 30


def add_commands(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Register usage and feedback."""
    usage = commands.add_parser("usage", help="admins: the usage dashboard's figures")
    usage.add_argument("--since", metavar="DATE", help="first day, YYYY-MM-DD (default: 30 days)")
    usage.add_argument("--json", action="store_true", help="print the figures as JSON")
    usage.set_defaults(handler=_usage)
    feedback = commands.add_parser("feedback", help="admins: feedback with summaries")
    actions = feedback.add_subparsers(title="feedback commands", metavar="ACTION", required=True)
    listing = actions.add_parser("list", help="the newest feedback, with summaries")
    listing.add_argument("--category", choices=("bug", "quality", "idea", "praise"))
    listing.add_argument("--json", action="store_true", help="print the feedback as JSON")
    listing.set_defaults(handler=_feedback_list)


def _since(value: str | None, today: date) -> date:
    if value is None:
        return today - timedelta(days=DEFAULT_DAYS - 1)
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise InvalidInputError(f"--since takes a date as YYYY-MM-DD, not {value!r}.") from exc


def _usage(args: argparse.Namespace, db: Database) -> int:
    today = datetime.now(UTC).date()
    with db.scope() as session:
        report = dashboard.usage_report(
            session,
            acting_user(db),
            settings=db.settings,
            start=_since(args.since, today),
            end=today,
        )
    if args.json:
        return print_json(report.model_dump(mode="json") | {"error_rate": report.error_rate})
    _print_report(report)
    return 0


def _print_report(report: UsageReport) -> None:
    decks, edits = sum(d.decks for d in report.days), sum(d.edits for d in report.days)
    print(f"Usage since {report.since:%Y-%m-%d} (UTC)")
    print(f"  requests {report.requests}, decks {decks}, edits {edits}, ", end="")
    print(f"error rate {report.error_rate:.1%}, estimated cost {report.cost:.2f}")
    for week in report.weeks:
        print(f"  week of {week.week}: {week.active_users} active users")
    for entry in report.latency:
        print(
            f"  {entry.kind}: first slide p50 {entry.first_slide_p50_ms} ms, "
            f"p95 {entry.first_slide_p95_ms} ms; total p50 {entry.total_p50_ms} ms, "
            f"p95 {entry.total_p95_ms} ms ({entry.requests} requests)"
        )
    for error in report.errors:
        print(f"  errors {error.error_class}: {error.count} ({error.rate:.1%})")
    for tokens in report.tokens:
        print(
            f"  {tokens.model}: {tokens.input_tokens} in, {tokens.output_tokens} out, "
            f"cost {tokens.cost:.2f}"
        )
    for export in report.exports:
        print(f"  exports {export.format}: {export.count} ({export.errors} failed)")
    for check in report.verification:
        print(
            f"  slides rated {check.rating}: {check.slides} ({check.share:.0%}); "
            f"readers agreed {check.thumbs_up}, disagreed {check.thumbs_down}"
        )
    for week in report.nps:
        print(f"  NPS week of {week.week}: {week.nps:+.0f} ({week.responses} answers)")


def _feedback_list(args: argparse.Namespace, db: Database) -> int:
    with db.scope() as session:
        items = dashboard.list_feedback(
            session, acting_user(db), settings=db.settings, category=args.category
        )
    if args.json:
        return print_json(items)
    if not items:
        print("No feedback yet.")
    for item in items:
        deck = f" (deck {item.session_id})" if item.session_id else ""
        print(f"{item.created_at:%Y-%m-%d} {item.category}/{item.severity} {item.created_by}{deck}")
        print(f"  {item.summary}")
    return 0
