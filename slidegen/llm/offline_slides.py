"""The offline engine's slide layouts and number formats (HTML in the slide contract).

Every layout fills the 1280x720 canvas: rows of KPI tiles sit above commentary cards,
charts and tables share the slide with a takeaway, cards stretch to their column's height.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import dataclass

from slidegen.deck import chart_figure

MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
# A card that stretches to its column's height, its text a little larger so it is not empty.
FILL = ' style="flex: 1 1 auto; font-size: 1.15em"'


def esc(text: str) -> str:
    """Escape text for HTML."""
    return html.escape(text, quote=False)


def money(value: float) -> str:
    """Format dollars compactly: $711K, $70.8K, $7.6K, $1.2M, $0.55."""
    sign, size = ("-" if value < 0 else ""), abs(value)
    if size >= 1e6:
        return f"{sign}${size / 1e6:.1f}M"
    if size >= 100_000:
        return f"{sign}${size / 1000:.0f}K"
    if size >= 1000:
        return f"{sign}${size / 1000:.1f}K"
    return f"{sign}${size:.2f}" if size < 10 else f"{sign}${size:,.0f}"


def signed_money(value: float) -> str:
    """Format a change in dollars with its sign."""
    return ("+" if value >= 0 else "") + money(value)


def pct(value: float, *, signed: bool = False) -> str:
    """Format a fraction as a percentage (0.123 -> 12.3%)."""
    return f"{value:+.1%}" if signed else f"{value:.1%}"


def units(value: float) -> str:
    """Format a DBU count: 2.85M, 70.4K, 950."""
    if abs(value) >= 1e6:
        return f"{value / 1e6:.2f}M"
    if abs(value) >= 1000:
        return f"{value / 1000:.1f}K"
    return f"{value:,.0f}"


def month_name(month: str) -> str:
    """Turn 2026-10 into Oct 2026."""
    year, number = month.split("-")
    return f"{MONTHS[int(number) - 1]} {year}"


def day_name(day: str) -> str:
    """Turn 2026-03-13 into 13 Mar 2026."""
    year, number, dom = day.split("-")
    return f"{int(dom)} {MONTHS[int(number) - 1]} {year}"


@dataclass(frozen=True)
class Kpi:
    """One KPI tile: value, label and an optional delta (good: favourable)."""

    value: str
    label: str
    delta: str = ""
    good: bool | None = None


@dataclass(frozen=True)
class Card:
    """A card: a bold lead line and bullets (or one paragraph)."""

    lead: str
    points: Sequence[str] = ()
    text: str = ""


def _notes(notes: str) -> str:
    return f'<aside class="notes">{esc(notes)}</aside>'


def _footer(source: str) -> str:
    return f'<footer class="slide-footer">{esc(source)}</footer>' if source else ""


def _section(kind: str, title: str, body: str, source: str, notes: str, subtitle: str = "") -> str:
    classes = f"slide {kind}".strip()
    sub = f'<p class="subtitle">{esc(subtitle)}</p>' if subtitle else ""
    return (
        f'<section class="{classes}"><h1>{esc(title)}</h1>{sub}{body}'
        f"{_footer(source)}{_notes(notes)}</section>"
    )


def card_html(card: Card, *, fill: bool = False, larger: bool = True) -> str:
    """Return one card; a filling card stretches to its column's height."""
    items = "".join(f"<li>{esc(p)}</li>" for p in card.points)
    body = f"<ul>{items}</ul>" if items else f"<p>{esc(card.text)}</p>" if card.text else ""
    style = (FILL if larger else ' style="flex: 1 1 auto"') if fill else ""
    return f'<div class="card"{style}><p><strong>{esc(card.lead)}</strong></p>{body}</div>'


def kpis_html(kpis: Sequence[Kpi]) -> str:
    """Return a row of KPI tiles."""
    tiles = []
    for kpi in kpis:
        delta = ""
        if kpi.delta:
            state = "" if kpi.good is None else " up" if kpi.good else " down"
            delta = f'<span class="kpi-delta{state}">{esc(kpi.delta)}</span>'
        tiles.append(
            f'<div class="kpi"><span class="kpi-value">{esc(kpi.value)}</span>'
            f'<span class="kpi-label">{esc(kpi.label)}</span>{delta}</div>'
        )
    return f'<div class="kpis">{"".join(tiles)}</div>'


def columns_html(*columns: str) -> str:
    """Return side-by-side columns holding the given HTML."""
    return (
        '<div class="columns">'
        + "".join(f'<div class="column">{c}</div>' for c in columns)
        + "</div>"
    )


def title_slide(title: str, subtitle: str, line: str, notes: str) -> str:
    """Return the title slide."""
    return _section("title-slide", title, f"<p>{esc(line)}</p>", "", notes, subtitle)


def kpi_slide(
    title: str, kpis: Sequence[Kpi], cards: Sequence[Card], source: str, notes: str
) -> str:
    """Return KPI tiles above commentary cards that fill the rest of the slide."""
    body = kpis_html(kpis) + columns_html(*(card_html(c, fill=True) for c in cards))
    return _section("", title, body, source, notes)


def kpi_chart_slide(
    title: str,
    kpis: Sequence[Kpi],
    spec: dict[str, object],
    cards: Sequence[Card],
    source: str,
    notes: str,
) -> str:
    """Return KPI tiles above a chart with commentary cards beside it."""
    chart = f'<div class="column" style="flex: 3 2 0">{chart_figure(spec)}</div>'
    side = f'<div class="column" style="flex: 2 3 0">{"".join(card_html(c) for c in cards)}</div>'
    body = kpis_html(kpis) + f'<div class="columns" style="display: flex">{chart}{side}</div>'
    return _section("", title, body, source, notes)


def chart_slide(
    title: str, spec: dict[str, object], takeaway: Card, source: str, notes: str, subtitle: str = ""
) -> str:
    """Return a chart beside a takeaway card (the chart gets two thirds of the width)."""
    chart = f'<div class="column" style="flex: 2 1 0">{chart_figure(spec)}</div>'
    side = f'<div class="column" style="flex: 1 1 0">{card_html(takeaway, fill=True)}</div>'
    body = f'<div class="columns" style="display: flex">{chart}{side}</div>'
    return _section("", title, body, source, notes, subtitle)


def table_html(headers: Sequence[str], rows: Sequence[Sequence[str]], highlight: set[int]) -> str:
    """Return a table; numeric columns align right, highlighted rows are bold."""
    numeric = [all(_looks_numeric(r[i]) for r in rows) for i in range(len(headers))]
    head = "".join(
        f'<th class="num">{esc(h)}</th>' if numeric[i] else f"<th>{esc(h)}</th>"
        for i, h in enumerate(headers)
    )
    body = []
    for index, row in enumerate(rows):
        cells = []
        for i, value in enumerate(row):
            text = f"<strong>{esc(value)}</strong>" if index in highlight else esc(value)
            cells.append(f'<td class="num">{text}</td>' if numeric[i] else f"<td>{text}</td>")
        body.append(f"<tr>{''.join(cells)}</tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"


def table_slide(
    title: str,
    table: str,
    highlights: Card,
    source: str,
    notes: str,
    subtitle: str = "",
) -> str:
    """Return a table with a card of highlights beside it."""
    left = f'<div class="column" style="flex: 2 1 0">{table}</div>'
    right = f'<div class="column" style="flex: 1 1 0">{card_html(highlights, fill=True)}</div>'
    body = f'<div class="columns" style="display: flex">{left}{right}</div>'
    return _section("", title, body, source, notes, subtitle)


def comparison_slide(
    title: str,
    left: tuple[Kpi, Card],
    right: tuple[Kpi, Card],
    source: str,
    notes: str,
    spec: dict[str, object] | None = None,
) -> str:
    """Return two columns, each a headline number above its explanation, and a chart beside."""
    columns = [
        kpis_html([kpi]) + card_html(card, fill=True, larger=spec is None)
        for kpi, card in (left, right)
    ]
    if spec is None:
        return _section("", title, columns_html(*columns), source, notes)
    cells = "".join(f'<div class="column" style="flex: 1 1 0">{c}</div>' for c in columns)
    chart = f'<div class="column" style="flex: 2 1 0">{chart_figure(spec)}</div>'
    body = f'<div class="columns" style="display: flex">{cells}{chart}</div>'
    return _section("", title, body, source, notes)


def cards_slide(
    title: str,
    cards: Sequence[Card],
    source: str,
    notes: str,
    subtitle: str = "",
    kpis: Sequence[Kpi] = (),
) -> str:
    """Return a row of cards filling the slide (options, opportunities, recommendations)."""
    cells = (card_html(c, fill=True, larger=not kpis) for c in cards)
    body = (kpis_html(kpis) if kpis else "") + columns_html(*cells)
    return _section("", title, body, source, notes, subtitle)


def _looks_numeric(value: str) -> bool:
    text = value.replace(",", "").replace("$", "").replace("%", "").replace("+", "")
    text = text.replace("K", "").replace("M", "").replace("-", "").replace("×", "").strip()
    return text.replace(".", "", 1).isdigit()
