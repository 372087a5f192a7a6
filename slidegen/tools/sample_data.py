"""A deterministic sample dataset of Databricks consumption, for demos without credentials.

`workspace_consumption` holds one row per day, workspace and SKU for the twelve months
2025-11-01 .. 2026-10-31 (a fixed window, so every build is byte-identical), and `workspaces`
describes the six workspaces. Prices are list-like $/DBU: Jobs Compute 0.15, All-Purpose
Compute 0.55, SQL Serverless 0.70, DLT 0.36, Model Serving 0.07, Vector Search 0.28.

The story a Consumption Review should find in it (6,661 rows, about $711k for the year):
- Spend grows from about $46k in November 2025 to $71k in October 2026. prod-analytics is the
  largest workspace ($246k), then data-platform ($158k) and prod-ml ($149k); marketing-data
  grows fastest among the established workspaces (5% a month).
- Weekly rhythm: interactive and SQL usage falls at weekends while jobs keep running; a
  holiday dip from 22 December to 1 January makes December the cheapest month.
- finance-bi's SQL Serverless spikes in the last three days of each month (month-end close),
  more at quarter ends.
- GenAI ramp in prod-ml: Model Serving launches on 2026-02-01 and ramps up over three months,
  Vector Search starts on 2026-05-01; together about $11k a month by October, so prod-ml's
  monthly cost is 3.6 times November's.
- Anomaly: dev-sandbox All-Purpose Compute jumps from about 170 to 1,550 DBUs a day from
  2026-03-13 to 2026-03-22 (a large cluster left running without auto-termination), about
  $7.6k of waste; with the quarter-end close it makes March a visible spike.
- Optimisation: from 2026-07-01 prod-analytics moves scheduled notebooks from All-Purpose to
  Jobs Compute: its monthly cost falls from $23.3k (June) to $19.1k (July) although its DBUs
  keep rising, because Jobs Compute costs $0.15/DBU against $0.55.
"""

from __future__ import annotations

import contextlib
import os
import random
import sqlite3
import tempfile
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import REAL, Column, Date, Engine, Index, MetaData, Table, Text, create_engine
from sqlalchemy.dialects.postgresql import DOUBLE_PRECISION

DATASET_VERSION = 1  # stored as PRAGMA user_version; bump it when the data changes
FIRST_DAY = date(2025, 11, 1)
LAST_DAY = date(2026, 10, 31)
SEED = 20261031
BATCH = 1000

PRICE_PER_DBU = {
    "Jobs Compute": 0.15,
    "All-Purpose Compute": 0.55,
    "SQL Serverless": 0.70,
    "DLT": 0.36,
    "Model Serving": 0.07,
    "Vector Search": 0.28,
}
WORKSPACES = [
    ("prod-analytics", "Analytics", "us-east-1", "ana.lopez@example.com"),
    ("prod-ml", "Data Science", "us-west-2", "raj.patel@example.com"),
    ("dev-sandbox", "Engineering", "us-east-1", "sam.kim@example.com"),
    ("finance-bi", "Finance", "eu-west-1", "claire.martin@example.com"),
    ("marketing-data", "Marketing", "eu-west-1", "tom.becker@example.com"),
    ("data-platform", "Platform Engineering", "us-east-1", "lena.ivanova@example.com"),
]
# Weekday DBUs per day at the start of the window, and monthly growth per workspace.
BASELINE = {
    "prod-analytics": {
        "Jobs Compute": 900,
        "All-Purpose Compute": 700,
        "SQL Serverless": 260,
        "DLT": 180,
    },
    "prod-ml": {
        "Jobs Compute": 380,
        "All-Purpose Compute": 300,
        "Model Serving": 0,
        "Vector Search": 0,
    },
    "dev-sandbox": {"All-Purpose Compute": 160, "Jobs Compute": 60, "SQL Serverless": 30},
    "finance-bi": {"SQL Serverless": 190, "Jobs Compute": 110},
    "marketing-data": {"SQL Serverless": 120, "Jobs Compute": 140, "All-Purpose Compute": 70},
    "data-platform": {"Jobs Compute": 1100, "DLT": 520, "SQL Serverless": 60},
}
MONTHLY_GROWTH = {
    "prod-analytics": 0.025,
    "prod-ml": 0.04,
    "dev-sandbox": 0.01,
    "finance-bi": 0.015,
    "marketing-data": 0.05,
    "data-platform": 0.03,
}
INTERACTIVE = {"All-Purpose Compute", "SQL Serverless"}
SERVING_LAUNCH = date(2026, 2, 1)
VECTOR_LAUNCH = date(2026, 5, 1)
ANOMALY = (date(2026, 3, 13), date(2026, 3, 22))
OPTIMISATION = date(2026, 7, 1)

# REAL is 8 bytes in SQLite but 4 in PostgreSQL, where cents would drift: use a double there.
MONEY_REAL = REAL().with_variant(DOUBLE_PRECISION(), "postgresql")

metadata = MetaData()
workspaces_table = Table(
    "workspaces",
    metadata,
    Column("workspace", Text, primary_key=True),
    Column("business_unit", Text, nullable=False),
    Column("region", Text, nullable=False),
    Column("owner", Text, nullable=False),
)
consumption_table = Table(
    "workspace_consumption",
    metadata,
    Column("usage_date", Date, nullable=False),
    Column("workspace", Text, nullable=False),
    Column("sku", Text, nullable=False),
    Column("dbus", MONEY_REAL, nullable=False),
    Column("cost_usd", MONEY_REAL, nullable=False),
    Index("ix_workspace_consumption_usage_date", "usage_date"),
)


def _days() -> Iterator[date]:
    day = FIRST_DAY
    while day <= LAST_DAY:
        yield day
        day += timedelta(days=1)


def _month_index(day: date) -> int:
    return (day.year - FIRST_DAY.year) * 12 + day.month - FIRST_DAY.month


def _is_month_end(day: date) -> bool:
    return (day + timedelta(days=3)).month != day.month


def _daily_dbus(workspace: str, sku: str, day: date) -> float:
    """Expected DBUs before noise: baseline x growth x calendar effects x the story's events."""
    base = float(BASELINE[workspace][sku])
    if sku == "Model Serving":  # launched in February, ramping up over three months
        ramp = (day - SERVING_LAUNCH).days / 90
        base = 0.0 if ramp < 0 else 2400 * min(1.0, ramp)
    if sku == "Vector Search":
        base = 0.0 if day < VECTOR_LAUNCH else 80 + 140 * min(1.0, (day - VECTOR_LAUNCH).days / 150)
    dbus = base * (1 + MONTHLY_GROWTH[workspace]) ** _month_index(day)
    weekend = day.weekday() >= 5
    if weekend:
        dbus *= 0.35 if sku in INTERACTIVE else 0.85 if sku != "Model Serving" else 1.0
    holidays = (day.month == 12 and day.day >= 22) or (day.month == 1 and day.day == 1)
    if holidays and sku not in ("Model Serving", "Vector Search"):
        dbus *= 0.55
    if workspace == "finance-bi" and sku == "SQL Serverless" and _is_month_end(day):
        dbus *= 3.2 if day.month in (3, 6, 9, 12) else 2.4
    if workspace == "prod-analytics" and day >= OPTIMISATION:
        moved = BASELINE[workspace]["All-Purpose Compute"] * 0.7
        growth = (1 + MONTHLY_GROWTH[workspace]) ** _month_index(day)
        if sku == "All-Purpose Compute":
            dbus -= moved * growth * (0.35 if weekend else 1.0)
        elif sku == "Jobs Compute":
            dbus += moved * growth * 0.9 * (0.85 if weekend else 1.0)
    in_anomaly = ANOMALY[0] <= day <= ANOMALY[1]
    if workspace == "dev-sandbox" and sku == "All-Purpose Compute" and in_anomaly:
        dbus += 1400  # the cluster runs around the clock, weekends included
    return dbus


def sample_rows() -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Return the sample rows: (workspaces, workspace_consumption), in a fixed order."""
    rng = random.Random(SEED)
    workspaces = [
        {"workspace": w, "business_unit": bu, "region": region, "owner": owner}
        for w, bu, region, owner in WORKSPACES
    ]
    consumption: list[dict[str, Any]] = []
    for day in _days():
        for workspace, _bu, _region, _owner in WORKSPACES:
            for sku in BASELINE[workspace]:
                expected = _daily_dbus(workspace, sku, day)
                noise = rng.gauss(1.0, 0.06)  # drawn for every row so the sequence never shifts
                if expected <= 0:
                    continue
                dbus = round(max(0.0, expected * noise), 2)
                cost = round(dbus * PRICE_PER_DBU[sku], 2)
                consumption.append(
                    {
                        "usage_date": day,
                        "workspace": workspace,
                        "sku": sku,
                        "dbus": dbus,
                        "cost_usd": cost,
                    }
                )
    return workspaces, consumption


def load_sample_data(engine: Engine) -> None:
    """Create the sample tables in any SQLAlchemy database and fill them."""
    metadata.create_all(engine)
    workspaces, consumption = sample_rows()
    with engine.begin() as connection:
        connection.execute(workspaces_table.insert(), workspaces)
        for start in range(0, len(consumption), BATCH):
            connection.execute(consumption_table.insert(), consumption[start : start + BATCH])


def _current_version(path: Path) -> int | None:
    """Return the dataset version stored in an existing file, or None if unusable."""
    try:
        with contextlib.closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as db:
            return int(db.execute("PRAGMA user_version").fetchone()[0])
    except sqlite3.Error:
        return None


def ensure_sample_database(path: Path) -> str:
    """Build the sample SQLite database at `path` unless it is current; return its URL."""
    path = Path(path).resolve()
    url = f"sqlite:///{path}"
    if path.exists() and _current_version(path) == DATASET_VERSION:
        return url
    path.parent.mkdir(parents=True, exist_ok=True)
    # Build beside the target and rename: readers never see a half-built file, and two
    # processes racing here each rename a complete, identical database.
    handle, temp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(handle)
    temp = Path(temp_name)
    try:
        engine = create_engine(f"sqlite:///{temp}")
        try:
            load_sample_data(engine)
            with engine.begin() as connection:
                connection.exec_driver_sql(f"PRAGMA user_version = {DATASET_VERSION}")
        finally:
            engine.dispose()
        os.replace(temp, path)
    finally:
        temp.unlink(missing_ok=True)
    return url
