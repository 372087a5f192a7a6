"""MCP server startup: spawn `python -m slidegen mcp` and list its tools through the SDK's client.

Goal: the tool list in under 1.5 s. Baselines in the same run: `python -m slidegen --help`
(the CLI's own start) and `python -c "import mcp.server.mcpserver"` (the SDK's import).
Each figure is the median of RUNS fresh processes. Run: `python -m bench.mcp_startup`.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import anyio
from mcp import ClientSession, StdioServerParameters, stdio_client

ROOT = Path(__file__).resolve().parents[1]
RUNS = 7
GOAL_S = 1.5


async def _list_tools_once(env: dict[str, str]) -> tuple[float, float, int]:
    """Seconds to the initialize answer and to the tool list, and the number of tools."""
    server = StdioServerParameters(
        command=sys.executable, args=["-m", "slidegen", "mcp"], env=env, cwd=ROOT
    )
    start = time.perf_counter()
    async with stdio_client(server) as (read, write), ClientSession(read, write) as client:
        await client.initialize()
        initialized = time.perf_counter() - start
        tools = (await client.list_tools()).tools
        listed = time.perf_counter() - start
    return initialized, listed, len(tools)


def _median_process(argv: list[str], env: dict[str, str]) -> float:
    times = []
    for _ in range(RUNS):
        start = time.perf_counter()
        subprocess.run(argv, cwd=ROOT, env=env, check=True, capture_output=True)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        env = {
            "PATH": os.environ.get("PATH", ""),
            "HOME": tmp,
            "PYTHONPATH": str(ROOT),
            "DATABASE_URL": f"sqlite:///{tmp}/bench.db",
            "SLIDEGEN_USER": "bench@example.com",
        }
        python = sys.executable
        for step in (["db", "upgrade"], ["db", "seed"]):
            subprocess.run([python, "-m", "slidegen", *step], env=env, cwd=ROOT, check=True)
        help_s = _median_process([python, "-m", "slidegen", "--help"], env)
        sdk_s = _median_process([python, "-c", "import mcp.server.mcpserver"], env)
        runs = [anyio.run(_list_tools_once, env) for _ in range(RUNS)]
    initialized = statistics.median(r[0] for r in runs)
    listed = statistics.median(r[1] for r in runs)
    print(f"{'what (median of ' + str(RUNS) + ')':44}{'s':>8}{'x --help':>10}")
    for name, seconds in (
        ("python -m slidegen --help (baseline)", help_s),
        ('python -c "import mcp.server.mcpserver"', sdk_s),
        ("mcp: spawn to initialize answer", initialized),
        (f"mcp: spawn to tool list ({runs[0][2]} tools)", listed),
    ):
        print(f"{name:44}{seconds:8.2f}{seconds / help_s:10.2f}")
    verdict = "met" if listed < GOAL_S else "not met"
    print(f"goal: tool list under {GOAL_S} s: {verdict}")


if __name__ == "__main__":
    main()
