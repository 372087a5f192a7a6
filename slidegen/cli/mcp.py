"""`mcp`: the deck tools for agents, served over stdio (see slidegen/agents/mcp_server.py)."""

from __future__ import annotations

import argparse

from slidegen.cli.common import acting_user
from slidegen.db.database import Database
from slidegen.tracing import exporter

TRACE_EXPORT_WAIT_SECONDS = 15.0


def add_commands(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Register mcp."""
    parser = commands.add_parser(
        "mcp", help="serve the deck tools to agents over MCP (stdio), as SLIDEGEN_USER"
    )
    parser.set_defaults(handler=_serve)


def _serve(args: argparse.Namespace, db: Database) -> int:
    from slidegen.agents.mcp_server import serve  # the MCP SDK loads only for this command

    serve(db, acting_user(db))
    exporter().wait(TRACE_EXPORT_WAIT_SECONDS)  # the process ends next; let traces out
    return 0
