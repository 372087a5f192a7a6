"""`python -m slidegen doctor`: check every configured dependency and print the fixes."""

from __future__ import annotations

import argparse
import json

from slidegen.db.database import Database


def add_commands(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Register doctor."""
    doctor = commands.add_parser(
        "doctor", help="check the database, model endpoint, Genie spaces, SQL warehouses and MLflow"
    )
    doctor.add_argument("--json", action="store_true", help="print the checks as JSON")
    doctor.set_defaults(handler=_doctor)


def _doctor(args: argparse.Namespace, db: Database) -> int:
    from slidegen.services.doctor import run_doctor  # pulls in the LLM and Genie clients

    report = run_doctor(db, db.settings)
    if args.json:
        print(json.dumps({"ok": report.ok, "checks": report.model_dump()["checks"]}, indent=2))
    else:
        for check in report.checks:
            print(f"[{'ok' if check.ok else 'FAIL'}] {check.name}: {check.detail}")
            if check.fix:
                print(f"       fix: {check.fix}")
        failed = sum(not check.ok for check in report.checks)
        print("All checks passed." if not failed else f"{failed} check(s) failed.")
    return 0 if report.ok else 1
