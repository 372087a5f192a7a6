"""`export`: a deck to PowerPoint, HTML or PDF from the command line, through the export job."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from slidegen.cli.common import acting_user
from slidegen.db.database import Database
from slidegen.errors import InvalidInputError, SlidegenError
from slidegen.services.exports import jobs as export
from slidegen.services.jobs.pool import runner_for

POLL_SECONDS = 0.1


def add_commands(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Register export."""
    parser = commands.add_parser("export", help="export a deck to PowerPoint, HTML or PDF")
    parser.add_argument("session_id", metavar="SESSION_ID")
    parser.add_argument("--format", choices=("pptx", "html", "pdf"), default="pptx")
    parser.add_argument(
        "--notes",
        choices=("none", "pages", "appendix"),
        default="none",
        help="PDF: speaker notes on a page after each slide, in an appendix, or not at all",
    )
    parser.add_argument("--out", metavar="FILE", help="output file (default: from the title)")
    parser.set_defaults(handler=_export)


def _export(args: argparse.Namespace, db: Database) -> int:
    user = acting_user(db)
    out = Path(args.out) if args.out else None
    if out is not None and out.is_dir():
        raise InvalidInputError(f"--out {out} is a directory; give a file name.")
    with db.scope() as session:
        job = export.start_export(
            session, user, session_id=args.session_id, format=args.format, notes=args.notes
        )
    future = runner_for(db, db.settings).submit_export(job.job_id)
    shown = -1
    while True:
        with db.scope() as session:
            job = export.get_export(session, user, job_id=job.job_id)
        if job.progress != shown and sys.stderr.isatty():
            print(f"… {job.progress}/{job.total_slides} slides", file=sys.stderr)
            shown = job.progress
        if job.done and future.done():
            break
        time.sleep(POLL_SECONDS)
    if job.status == "error":
        raise SlidegenError(job.error_message or "The export failed.")
    with db.scope() as session:
        data, name, _ = export.export_file(session, user, job_id=job.job_id)
    target = out or Path(name)
    try:
        target.write_bytes(data)
    except OSError as exc:
        raise InvalidInputError(f"Cannot write {target}: {exc.strerror or exc}.") from exc
    for warning in job.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    print(f"Exported {job.total_slides} slides to {target} ({len(data) / 1024:.0f} KB).")
    return 0
