"""The offline engine's queries and the tables they return, parsed back into numbers.

The queries are written for the sample consumption data (`workspace_consumption`,
`workspaces`) in SQL that SQLite and PostgreSQL both run, so the engine works on the built-in
sample file and on a copy of the sample tables in any supported database.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

_MONTH = "substr(CAST(usage_date AS TEXT), 1, 7)"
_COST = "ROUND(CAST(SUM(cost_usd) AS NUMERIC), 2) AS cost_usd"
_DBUS = "ROUND(CAST(SUM(dbus) AS NUMERIC), 2) AS dbus"
# The price paid per DBU is asked of the data, so every rate on a slide is a value it returned.
_RATE = "ROUND(CAST(SUM(cost_usd) / NULLIF(SUM(dbus), 0) AS NUMERIC), 4) AS usd_per_dbu"
_TABLE = "workspace_consumption"
# "2026-Q3": quarters are asked of the data too, so a quarter's total is a value it returned.
_QUARTER = (
    "substr(CAST(usage_date AS TEXT), 1, 4) || '-Q' || "
    "CAST((CAST(substr(CAST(usage_date AS TEXT), 6, 2) AS INTEGER) + 2) / 3 AS TEXT)"
)
# A day is unusual when it costs more than twice its own average over the 28 days before
# (with at least 14 days of history) and by more than $100.
_ANOMALIES = f"""WITH daily AS (
  SELECT usage_date, workspace, sku, SUM(cost_usd) AS cost FROM {_TABLE}
  GROUP BY usage_date, workspace, sku),
history AS (
  SELECT usage_date, workspace, sku, cost,
    AVG(cost) OVER w AS baseline, COUNT(*) OVER w AS days
  FROM daily
  WINDOW w AS (PARTITION BY workspace, sku ORDER BY usage_date
               ROWS BETWEEN 28 PRECEDING AND 1 PRECEDING))
SELECT CAST(usage_date AS TEXT) AS day, workspace, sku,
  ROUND(CAST(cost AS NUMERIC), 2) AS cost_usd, ROUND(CAST(baseline AS NUMERIC), 2) AS baseline_usd
FROM history WHERE days >= 14 AND cost > 2 * baseline AND cost - baseline > 100
ORDER BY workspace, sku, day"""

QUERIES: dict[str, str] = {
    "monthly": (
        f"SELECT {_MONTH} AS month, {_COST}, {_DBUS}, {_RATE} FROM {_TABLE} GROUP BY 1 ORDER BY 1"
    ),
    "sku_month": (
        f"SELECT {_MONTH} AS month, sku, {_COST}, {_DBUS}, {_RATE} FROM {_TABLE} "
        "GROUP BY 1, 2 ORDER BY 1, 2"
    ),
    "workspace_month": (
        f"SELECT {_MONTH} AS month, workspace, {_COST}, {_DBUS}, {_RATE} FROM {_TABLE} "
        "GROUP BY 1, 2 ORDER BY 1, 2"
    ),
    "quarterly": (
        f"SELECT {_QUARTER} AS quarter, COUNT(DISTINCT {_MONTH}) AS months, {_COST}, {_DBUS}, "
        f"{_RATE} FROM {_TABLE} GROUP BY 1 ORDER BY 1"
    ),
    "workspace_quarter": (
        f"SELECT {_QUARTER} AS quarter, workspace, {_COST} FROM {_TABLE} "
        "GROUP BY 1, 2 ORDER BY 1, 2"
    ),
    "genai_month": (
        f"SELECT {_MONTH} AS month, {_COST} FROM {_TABLE} "
        "WHERE sku IN ('Model Serving', 'Vector Search') GROUP BY 1 ORDER BY 1"
    ),
    "all_purpose": (
        f"SELECT {_MONTH} AS month, workspace, {_COST}, {_DBUS} FROM {_TABLE} "
        "WHERE sku = 'All-Purpose Compute' GROUP BY 1, 2 ORDER BY 1, 2"
    ),
    "anomalies": _ANOMALIES,
    "workspaces": "SELECT workspace, business_unit, owner FROM workspaces ORDER BY workspace",
}

Row = dict[str, str]


@dataclass
class Tables:
    """The rows each query returned (empty when it failed or was not run)."""

    by_query: dict[str, list[Row]] = field(default_factory=dict)

    def rows(self, key: str) -> list[Row]:
        """Return the rows of one query."""
        return self.by_query.get(key, [])

    @property
    def complete(self) -> bool:
        """Whether every query the storylines need returned rows."""
        return all(self.rows(key) for key in ("monthly", "sku_month", "workspace_month"))


def parse_table(content: str) -> list[Row]:
    """Read the pipe table inside a tool result back into rows (header -> cell)."""
    lines = [line for line in content.splitlines() if line.startswith("|")]
    if len(lines) < 2:
        return []
    header = _cells(lines[0])
    return [dict(zip(header, _cells(line), strict=False)) for line in lines[2:]]


def _cells(line: str) -> list[str]:
    return [c.strip().replace("\\|", "|") for c in re.split(r"(?<!\\)\|", line.strip())[1:-1]]


def number(value: str | None) -> float:
    """Return a cell as a number (0 when it is not one)."""
    try:
        return float((value or "").replace(",", ""))
    except ValueError:
        return 0.0
