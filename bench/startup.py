"""Startup: `python -m slidegen --help`, the app frame's imports, and the app's time to healthy.

Baseline in the same run: `python -c "import streamlit"`. Also lists which heavy libraries
(mlflow, databricks-sdk, openai, vl-convert) the app frame imports before any page needs them.
Run: `python -m bench.startup`.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from tests.e2e.app_server import ROOT, run_app

RUNS = 5
HEAVY = ("mlflow", "databricks.sdk", "openai", "vl_convert")
FRAME = "import ui.user, ui.status_panel, ui.chat.trace_link, ui.jobs"


def _median_seconds(argv: list[str], env: dict[str, str]) -> float:
    times = []
    for _ in range(RUNS):
        start = time.perf_counter()
        subprocess.run(argv, cwd=ROOT, env=env, check=True, capture_output=True)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def _heavy_in_frame(env: dict[str, str]) -> list[str]:
    code = f"{FRAME}; import sys; print(','.join(m for m in {HEAVY!r} if m in sys.modules))"
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, check=True, capture_output=True, text=True
    )
    return [name for name in out.stdout.strip().split(",") if name]


def _time_to_healthy(env: dict[str, str], tmp: Path) -> float:
    times = []
    for n in range(3):
        start = time.perf_counter()
        with run_app(env, tmp / f"app{n}.log"):
            times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        env = dict(os.environ)
        env |= {"DATABASE_URL": f"sqlite:///{tmp}/bench.db", "HOME": tmp}
        python = sys.executable
        rows = [
            (
                "import streamlit (baseline)",
                _median_seconds([python, "-c", "import streamlit"], env),
            ),
            (
                "python -m slidegen --help",
                _median_seconds([python, "-m", "slidegen", "--help"], env),
            ),
            ("app frame imports", _median_seconds([python, "-c", FRAME], env)),
            ("streamlit run app.py to healthy", _time_to_healthy(env, Path(tmp))),
        ]
        heavy = _heavy_in_frame(env)
    base = rows[0][1]
    print(f"{'what':34}{'median s':>10}{'x baseline':>12}")
    for name, seconds in rows:
        print(f"{name:34}{seconds:10.2f}{seconds / base:12.1f}")
    print(f"heavy libraries imported by the app frame: {', '.join(heavy) or 'none'}")


if __name__ == "__main__":
    main()
