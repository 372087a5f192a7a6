"""The offline engine's estimates, computed by the data source from the stated assumption.

A savings estimate or an incident's excess cost is arithmetic on queried numbers; asking the
data source to do it (a second round of queries, after the findings name the workspace, the
month and the assumption) puts the result among the request's tool results, so verification
matches it to a query whose SQL states the assumption instead of to a look-alike value.
"""

from __future__ import annotations

from dataclasses import replace

from slidegen.llm.offline_data import Tables, number
from slidegen.llm.offline_findings import ALL_PURPOSE, Findings

ESTIMATES = ("saving", "incident")
_MONTH = "substr(CAST(usage_date AS TEXT), 1, 7)"
_TABLE = "workspace_consumption"


def estimate_queries(f: Findings) -> dict[str, str]:
    """Return the SQL of each estimate the findings need (by estimate name)."""
    queries = {}
    if f.saving and f.optimisation:
        s = f.saving
        queries["saving"] = (
            f"SELECT ROUND(CAST(SUM(dbus) AS NUMERIC), 2) AS base_dbus, "
            f"ROUND(CAST(SUM(dbus) * {s.share:.6f} * ({s.price_from:.4f} - {s.price_to:.4f}) "
            f"AS NUMERIC), 2) AS monthly_saving_usd FROM {_TABLE} "
            f"WHERE sku = {_quote(ALL_PURPOSE)} AND {_MONTH} = {_quote(s.month)} "
            f"AND workspace <> {_quote(f.optimisation.workspace)}"
        )
    if f.episodes:
        e = f.episodes[0]
        queries["incident"] = (
            f"SELECT COUNT(*) AS days, ROUND(CAST(SUM(cost) AS NUMERIC), 2) AS cost_usd, "
            f"ROUND(CAST(SUM(cost) - COUNT(*) * {e.baseline:.2f} AS NUMERIC), 2) AS excess_usd "
            f"FROM (SELECT usage_date, SUM(cost_usd) AS cost FROM {_TABLE} "
            f"WHERE workspace = {_quote(e.workspace)} AND sku = {_quote(e.sku)} "
            f"AND CAST(usage_date AS TEXT) BETWEEN {_quote(e.days[0])} AND {_quote(e.days[-1])} "
            "GROUP BY usage_date) AS episode"
        )
    return queries


def apply_estimates(f: Findings, tables: Tables) -> Findings:
    """Take the estimates from the data source's answers, where it gave them."""
    saving = tables.rows("saving")
    if f.saving and saving and saving[0].get("monthly_saving_usd"):
        f.saving = replace(
            f.saving,
            monthly=number(saving[0]["monthly_saving_usd"]),
            dbus=number(saving[0]["base_dbus"]),
        )
    incident = tables.rows("incident")
    if f.episodes and incident and incident[0].get("excess_usd"):
        f.episodes[0] = replace(f.episodes[0], measured=number(incident[0]["excess_usd"]))
    return f


def _quote(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"
