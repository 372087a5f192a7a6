"""What the offline engine finds in the consumption data: every figure is computed here.

Slides only format these numbers; nothing is estimated without the assumption saying how.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from slidegen.llm.offline_data import Row, Tables, number

ALL_PURPOSE = "All-Purpose Compute"
JOBS = "Jobs Compute"
RECURRING_MONTHS = 3  # a spike seen in this many months is a pattern, not an incident


@dataclass(frozen=True)
class Mover:
    """A SKU or workspace whose cost changed between two months."""

    name: str
    before: float
    after: float

    @property
    def change(self) -> float:
        """The change in dollars."""
        return self.after - self.before

    @property
    def ratio(self) -> float:
        """The relative change (0.1 is +10%)."""
        return self.change / self.before if self.before else 0.0


@dataclass(frozen=True)
class Episode:
    """Consecutive unusual days of one workspace and SKU."""

    workspace: str
    sku: str
    days: list[str]
    costs: list[float]
    baseline: float  # the daily average before the first day
    measured: float | None = None  # the excess as the data source computed it

    @property
    def excess(self) -> float:
        """Cost above the baseline over the episode."""
        if self.measured is not None:
            return self.measured
        return sum(self.costs) - self.baseline * len(self.days)


@dataclass(frozen=True)
class Optimisation:
    """The month a workspace's cost per DBU fell most, with before/after figures."""

    workspace: str
    month: str
    previous: str
    cost_before: float
    cost_after: float
    dbus_before: float
    dbus_after: float
    rate_before: float  # cost per DBU in the month before, as the data gives it
    rate_after: float  # cost per DBU in the month of the change
    moved_share: float  # share of its All-Purpose DBUs that left the SKU that month


@dataclass(frozen=True)
class Quarter:
    """A calendar quarter's totals as the data gives them."""

    name: str  # "Q3 2026"
    months: int  # months of the quarter in the data (3 when it is full)
    cost: float
    dbus: float
    rate: float  # cost per DBU


@dataclass(frozen=True)
class Saving:
    """A monthly savings estimate and the assumption behind it."""

    monthly: float
    dbus: float
    share: float
    price_from: float
    price_to: float
    month: str


@dataclass
class Findings:
    """Everything a storyline may say about the data."""

    months: list[str]
    monthly_cost: list[float]
    monthly_dbus: list[float]
    sku_cost: dict[str, float]
    workspace_cost: dict[str, float]
    sku_by_month: dict[str, dict[str, float]]
    workspace_by_month: dict[str, dict[str, float]]
    workspace_dbus_by_month: dict[str, dict[str, float]] = field(default_factory=dict)
    workspace_rate_by_month: dict[str, dict[str, float]] = field(default_factory=dict)
    all_purpose_by_month: dict[str, dict[str, float]] = field(default_factory=dict)
    owners: dict[str, tuple[str, str]] = field(default_factory=dict)
    quarters: list[Quarter] = field(default_factory=list)
    genai_by_month: dict[str, float] = field(default_factory=dict)  # Model Serving + Vector Search
    workspace_by_quarter: dict[str, dict[str, float]] = field(default_factory=dict)
    episodes: list[Episode] = field(default_factory=list)
    patterns: list[list[Episode]] = field(default_factory=list)
    optimisation: Optimisation | None = None
    saving: Saving | None = None

    @property
    def total_cost(self) -> float:
        """Cost over the whole period."""
        return sum(self.monthly_cost)

    @property
    def total_dbus(self) -> float:
        """DBUs over the whole period."""
        return sum(self.monthly_dbus)

    @property
    def mom(self) -> Mover:
        """The last month against the one before."""
        return Mover("Total", self.monthly_cost[-2], self.monthly_cost[-1])

    @property
    def over_period(self) -> Mover:
        """The last month against the first."""
        return Mover("Total", self.monthly_cost[0], self.monthly_cost[-1])

    def movers(self, kind: str, months: tuple[int, int] = (-2, -1)) -> list[Mover]:
        """Return SKUs or workspaces ranked by the size of their change between two months."""
        table = self.sku_by_month if kind == "sku" else self.workspace_by_month
        first, last = self.months[months[0]], self.months[months[1]]
        rows = [
            Mover(name, by_month.get(first, 0.0), by_month.get(last, 0.0))
            for name, by_month in table.items()
        ]
        return sorted(rows, key=lambda m: abs(m.change), reverse=True)

    def share(self, kind: str) -> list[tuple[str, float, float]]:
        """Return (name, cost, share of the total) ranked by cost."""
        costs = self.sku_cost if kind == "sku" else self.workspace_cost
        ranked = sorted(costs.items(), key=lambda item: item[1], reverse=True)
        return [(name, cost, cost / self.total_cost) for name, cost in ranked]

    def growth(self, start: int, end: int) -> float:
        """Compound monthly growth of the total cost between two month positions."""
        first, last = self.monthly_cost[start], self.monthly_cost[end]
        steps = end - start
        return (last / first) ** (1 / steps) - 1 if first > 0 and steps > 0 else 0.0


def analyse(tables: Tables) -> Findings:
    """Compute the findings from the query results."""
    monthly = tables.rows("monthly")
    findings = Findings(
        months=[r["month"] for r in monthly],
        monthly_cost=[number(r.get("cost_usd")) for r in monthly],
        monthly_dbus=[number(r.get("dbus")) for r in monthly],
        sku_cost=_totals(tables.rows("sku_month"), "sku"),
        workspace_cost=_totals(tables.rows("workspace_month"), "workspace"),
        sku_by_month=_by_month(tables.rows("sku_month"), "sku", "cost_usd"),
        workspace_by_month=_by_month(tables.rows("workspace_month"), "workspace", "cost_usd"),
    )
    findings.workspace_dbus_by_month = _by_month(
        tables.rows("workspace_month"), "workspace", "dbus"
    )
    findings.workspace_rate_by_month = _by_month(
        tables.rows("workspace_month"), "workspace", "usd_per_dbu"
    )
    findings.all_purpose_by_month = _by_month(tables.rows("all_purpose"), "workspace", "cost_usd")
    findings.owners = {
        r["workspace"]: (r.get("owner", ""), r.get("business_unit", ""))
        for r in tables.rows("workspaces")
    }
    findings.quarters = [
        Quarter(
            _quarter_name(r["quarter"]),
            int(number(r.get("months"))),
            number(r.get("cost_usd")),
            number(r.get("dbus")),
            number(r.get("usd_per_dbu")),
        )
        for r in tables.rows("quarterly")
    ]
    findings.workspace_by_quarter = {
        workspace: {_quarter_name(q): cost for q, cost in by_quarter.items()}
        for workspace, by_quarter in _by_key(
            tables.rows("workspace_quarter"), "workspace", "quarter", "cost_usd"
        ).items()
    }
    findings.genai_by_month = {
        r["month"]: number(r.get("cost_usd")) for r in tables.rows("genai_month")
    }
    findings.episodes, findings.patterns = _episodes(tables.rows("anomalies"))
    findings.optimisation = _optimisation(tables)
    findings.saving = _saving(tables, findings.optimisation)
    return findings


def _totals(rows: list[Row], key: str) -> dict[str, float]:
    totals: dict[str, float] = defaultdict(float)
    for row in rows:
        totals[row[key]] += number(row.get("cost_usd"))
    return dict(totals)


def _by_month(rows: list[Row], key: str, value: str) -> dict[str, dict[str, float]]:
    return _by_key(rows, key, "month", value)


def _by_key(rows: list[Row], key: str, period: str, value: str) -> dict[str, dict[str, float]]:
    table: dict[str, dict[str, float]] = defaultdict(dict)
    for row in rows:
        table[row[key]][row[period]] = number(row.get(value))
    return dict(table)


def _quarter_name(key: str) -> str:
    """ "2026-Q3" as "Q3 2026"."""
    year, _, quarter = key.partition("-")
    return f"{quarter} {year}"


def _episodes(rows: list[Row]) -> tuple[list[Episode], list[list[Episode]]]:
    """Group unusual days into episodes; split one-off incidents from recurring patterns."""
    episodes: list[Episode] = []
    for row in rows:
        last = episodes[-1] if episodes else None
        day = row["day"]
        if (
            last
            and (last.workspace, last.sku) == (row["workspace"], row["sku"])
            and (date.fromisoformat(day) - date.fromisoformat(last.days[-1])).days == 1
        ):
            last.days.append(day)
            last.costs.append(number(row["cost_usd"]))
            continue
        episodes.append(
            Episode(
                row["workspace"],
                row["sku"],
                [day],
                [number(row["cost_usd"])],
                number(row["baseline_usd"]),
            )
        )
    groups: dict[tuple[str, str], list[Episode]] = defaultdict(list)
    for episode in episodes:
        groups[(episode.workspace, episode.sku)].append(episode)
    patterns = [g for g in groups.values() if len({e.days[0][:7] for e in g}) >= RECURRING_MONTHS]
    recurring = {id(e) for g in patterns for e in g}
    incidents = sorted(
        (e for e in episodes if id(e) not in recurring), key=lambda e: e.excess, reverse=True
    )
    return incidents, patterns


def _optimisation(tables: Tables) -> Optimisation | None:
    """Find the month where a workspace's cost per DBU fell most while its DBUs grew."""
    table = defaultdict(dict)
    for row in tables.rows("workspace_month"):
        table[row["workspace"]][row["month"]] = (
            number(row["cost_usd"]),
            number(row["dbus"]),
            number(row.get("usd_per_dbu")),
        )
    best: tuple[float, Optimisation] | None = None
    for workspace, by_month in table.items():
        months = sorted(by_month)
        for previous, month in zip(months, months[1:], strict=False):
            (cost0, dbus0, rate0), (cost1, dbus1, rate1) = by_month[previous], by_month[month]
            if min(dbus0, dbus1, rate0, rate1) <= 0 or dbus1 < dbus0 or cost1 >= cost0:
                continue
            drop = 1 - rate1 / rate0
            if best is None or drop > best[0]:
                moved = _moved_share(tables, workspace, previous, month)
                change = Optimisation(
                    workspace, month, previous, cost0, cost1, dbus0, dbus1, rate0, rate1, moved
                )
                best = (drop, change)
    return best[1] if best else None


def _moved_share(tables: Tables, workspace: str, previous: str, month: str) -> float:
    dbus = {
        r["month"]: number(r["dbus"])
        for r in tables.rows("all_purpose")
        if r["workspace"] == workspace
    }
    before, after = dbus.get(previous, 0.0), dbus.get(month, 0.0)
    return max(0.0, 1 - after / before) if before else 0.0


def _saving(tables: Tables, change: Optimisation | None) -> Saving | None:
    """Estimate what the other workspaces save by doing what the optimised one did."""
    if change is None or change.moved_share <= 0:
        return None
    month = max(r["month"] for r in tables.rows("sku_month"))
    prices = {
        r["sku"]: number(r.get("usd_per_dbu"))
        for r in tables.rows("sku_month")
        if r["month"] == month and number(r.get("usd_per_dbu")) > 0
    }
    if ALL_PURPOSE not in prices or JOBS not in prices:
        return None
    others = sum(
        number(r["dbus"])
        for r in tables.rows("all_purpose")
        if r["month"] == month and r["workspace"] != change.workspace
    )
    moved = others * change.moved_share
    monthly = moved * (prices[ALL_PURPOSE] - prices[JOBS])
    return Saving(monthly, others, change.moved_share, prices[ALL_PURPOSE], prices[JOBS], month)
