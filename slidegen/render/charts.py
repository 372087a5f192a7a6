"""Render chart specs (decision 2) to static inline SVG with vl-convert, offline.

Length policy: a series shorter than `categories` is padded with None (drawn as gaps);
a longer one is rejected, because its extra values have no category to sit on. Pie and
doughnut draw the first series only. Nothing here touches the network: the Vega-Lite spec
carries its data inline and vl-convert runs with no allowed base URL.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import html
import re
import threading
from dataclasses import dataclass
from typing import Any

from slidegen.deck import ChartSpec
from slidegen.errors import SlidegenError

Json = dict[str, Any]

DEFAULT_WIDTH = 1100
DEFAULT_HEIGHT = 460
VEGA_LITE_VERSION = "6.4"  # pinned: a vl-convert upgrade must not change drawings silently


class ChartRenderError(SlidegenError):
    """A chart spec cannot be drawn; the message says what to fix."""


@dataclass(frozen=True)
class ChartPalette:
    """Colours and font a chart takes from the deck's style."""

    series: tuple[str, ...]
    text: str
    grid: str
    font_family: str


DEFAULT_PALETTE = ChartPalette(
    series=("#14213d", "#ff4b1f", "#2f6fde", "#f2a900", "#2a9d8f", "#8d99ae"),
    text="#14213d",
    grid="#dbe1ec",
    font_family='"Inter", "Segoe UI", "Helvetica Neue", Arial, "Liberation Sans", sans-serif',
)

_COLOUR = re.compile(
    r"#(?:[0-9a-f]{3,4}|[0-9a-f]{6}|[0-9a-f]{8})|(?:rgb|hsl)a?\([\d.,%\s/deg]+\)", re.I
)
_FONT = re.compile(r"[\w\s\"',.-]+")
_SLIDE_RULE = re.compile(r"(?:^|[}\s,])\.slide\s*\{([^}]*)\}")
_DECLARATION = re.compile(r"(--[\w-]+|font-family)\s*:\s*([^;]+)")


def palette_from_css(css: str) -> ChartPalette:
    """Read the chart colours and font of a style from the `.slide` rule of its CSS."""
    props: dict[str, str] = {}
    for block in _SLIDE_RULE.findall(re.sub(r"/\*.*?\*/", "", css, flags=re.S)):
        props.update((name, value.strip()) for name, value in _DECLARATION.findall(block))

    def colour(name: str, default: str) -> str:
        value = props.get(name, "")
        return value if _COLOUR.fullmatch(value) else default

    font = props.get("font-family", "")
    if var := re.fullmatch(r"var\(\s*(--[\w-]+)\s*(?:,\s*(.+))?\)", font):
        font = props.get(var.group(1), var.group(2) or "")
    return ChartPalette(
        series=tuple(colour(f"--chart-{i}", c) for i, c in enumerate(DEFAULT_PALETTE.series, 1)),
        text=colour("--chart-text", DEFAULT_PALETTE.text),
        grid=colour("--chart-grid", DEFAULT_PALETTE.grid),
        font_family=font if _FONT.fullmatch(font) else DEFAULT_PALETTE.font_family,
    )


@dataclass(frozen=True)
class NumberFormat:
    """A number format understood by both d3 (the chart) and Python (the fallback table)."""

    prefix: str = ""  # currency symbol
    grouping: bool = True
    precision: int | None = None  # None: up to two decimals, trailing zeros trimmed
    kind: str = "f"  # f fixed, % percent of a fraction, s SI abbreviation (41.2k)

    def d3(self, *, trim: bool = False) -> str:
        """Return the d3-format string; `trim` drops trailing zeros (axis ticks)."""
        currency, group = "$" if self.prefix else "", "," if self.grouping else ""
        if self.kind == "s":
            return f"{currency}.3~s"
        tilde = "~" if trim or self.precision is None else ""
        precision = 2 if self.precision is None else self.precision
        return f"{currency}{group}.{precision}{tilde}{'%' if self.kind == '%' else 'f'}"

    def python(self, value: float) -> str:
        """Format a value as the chart's labels do."""
        percent = self.kind == "%"
        precision = 2 if self.precision is None else self.precision
        body = f"{abs(value) * (100 if percent else 1):{',' if self.grouping else ''}.{precision}f}"
        if self.precision is None and "." in body:
            body = body.rstrip("0").rstrip(".")
        return f"{'-' if value < 0 else ''}{self.prefix}{body}{'%' if percent else ''}"


_NUMERAL = re.compile(r"([$€£¥]?)[0#]+(,[0#]+)?(?:\.([0#]+))?(%|a)?")
_D3 = re.compile(r"(\$?)(,?)(?:\.(\d{1,2}))?~?([fdrgs%])")


def parse_number_format(text: str | None) -> NumberFormat:
    """Map the prompt's formats ("0,0", "0.0%", "$0,0", "0.0a") or a d3 format; else default."""
    text = (text or "").strip()
    if m := _NUMERAL.fullmatch(text):
        kind = {"%": "%", "a": "s"}.get(m.group(4) or "", "f")
        precision = None if kind == "s" else len(m.group(3) or "")
        return NumberFormat(m.group(1), bool(m.group(2)) or kind == "s", precision, kind)
    if m := _D3.fullmatch(text):
        precision = 0 if m.group(4) == "d" else int(m.group(3)) if m.group(3) else None
        kind = m.group(4) if m.group(4) in "%s" else "f"
        return NumberFormat(m.group(1), bool(m.group(2)), precision, kind)
    return NumberFormat()


def _label(category: str | float) -> str:
    integral = isinstance(category, float) and category.is_integer()
    return str(int(category)) if integral else str(category)


def _rows(spec: ChartSpec) -> tuple[list[str], list[str], list[Json]]:
    """Check the spec; return category labels, unique series names and long-form rows."""
    n, what = len(spec.categories), f"Chart '{spec.title or spec.type}'"
    if n == 0:
        raise ChartRenderError(f"{what} has no categories to plot.")
    names: list[str] = []
    rows: list[Json] = []
    drawn = spec.series[:1] if spec.type in ("pie", "doughnut") else spec.series
    for si, series in enumerate(drawn):
        if len(series.values) > n:
            raise ChartRenderError(
                f"{what}: series '{series.name}' has {len(series.values)} values for {n} "
                "categories; give every series exactly one value per category."
            )
        name = series.name.strip() or f"Series {si + 1}"
        names.append(name if name not in names else f"{name} ({si + 1})")
        values = [*series.values, *[None] * (n - len(series.values))]
        for ci, (category, value) in enumerate(zip(spec.categories, values, strict=True)):
            rows.append({"c": _label(category), "s": names[-1], "si": si, "ci": ci, "v": value})
    if spec.type == "scatter":
        try:
            for row in rows:
                row["c"] = float(row["c"])
        except ValueError:
            raise ChartRenderError(f"{what}: scatter categories must be numbers.") from None
    if all(row["v"] is None for row in rows):
        raise ChartRenderError(f"{what} has no values to plot.")
    if spec.type in ("pie", "doughnut") and any((row["v"] or 0) < 0 for row in rows):
        raise ChartRenderError(f"{what}: a pie or doughnut chart cannot show negative values.")
    return [_label(c) for c in spec.categories], names, rows


def _config(palette: ChartPalette, fmt: NumberFormat) -> Json:
    """Style the chart like the deck: transparent background, the style's text and grid."""
    text, grid = palette.text, palette.grid
    ink = {"labelColor": text, "titleColor": text, "labelFontSize": 14, "titleFontSize": 15}
    lines = {"gridColor": grid, "domainColor": grid, "tickColor": grid, "labelLimit": 220}
    legend = {"labelColor": text, "labelFontSize": 14, "symbolSize": 150, "symbolOpacity": 1}
    currency = {"decimal": ".", "thousands": ",", "grouping": [3], "currency": [fmt.prefix, ""]}
    return {
        "background": "transparent",
        "font": palette.font_family,
        "view": {"stroke": None},
        "axis": ink | lines | {"titleFontWeight": 600, "labelPadding": 6, "titlePadding": 12},
        "axisBand": {"grid": False, "ticks": False},
        "legend": legend | {"labelLimit": 260, "columnPadding": 22, "rowPadding": 6},
        "title": {
            "color": text,
            "fontSize": 20,
            "fontWeight": 600,
            "anchor": "start",
            "offset": 12,
        },
        "scale": {"bandPaddingInner": 0.3, "offsetBandPaddingInner": 0.06},
        "text": {"fontSize": 14, "fontWeight": 600},
        "locale": {"number": currency},
    }


def to_vega_lite(spec: ChartSpec, palette: ChartPalette, *, width: int, height: int) -> Json:
    """Translate a chart spec into a self-contained Vega-Lite spec (inline data, no URLs)."""
    labels, names, rows = _rows(spec)
    pie = spec.type in ("pie", "doughnut")
    keys, own = (labels if pie else names), spec.colors or []
    fill = [palette.series[i % len(palette.series)] for i in range(len(keys))]
    color: Json = {"field": "c" if pie else "s", "type": "nominal", "title": None}
    color |= {"scale": {"domain": keys, "range": (own + fill[len(own) :])[: len(keys)]}}
    vl: Json = {"width": width, "height": height, "padding": 8, "data": {"values": rows}}
    vl["autosize"] = {"type": "fit", "contains": "padding"}
    vl["config"] = _config(palette, parse_number_format(spec.number_format))
    color["legend"] = {"orient": "right" if pie else "top"} if pie or len(names) > 1 else None
    if spec.title:
        vl["title"] = spec.title
    if pie:
        return vl | _pie(spec, color, palette.text)
    return vl | _cartesian(spec, labels, rows, color, palette.text, width)


def _pie(spec: ChartSpec, color: Json, text: str) -> Json:
    outer = "min(width, height) / 2 - 30"
    inner = f"({outer}) * 0.56" if spec.type == "doughnut" else "0"
    arc = {"type": "arc", "outerRadius": {"expr": outer}, "innerRadius": {"expr": inner}}
    theta = {"field": "v", "type": "quantitative", "stack": True}
    label = {"type": "text", "radius": {"expr": f"{outer} + 20"}}
    return {
        "transform": [
            {"filter": "isValid(datum.v) && datum.v > 0"},
            {"joinaggregate": [{"op": "sum", "field": "v", "as": "total"}]},
            {"calculate": "datum.v / datum.total", "as": "share"},
        ],
        "encoding": {"theta": theta, "order": {"field": "ci"}},
        "layer": [
            {"mark": arc | {"padAngle": 0.012}, "encoding": {"color": color}},
            {
                "mark": label,
                "transform": [{"filter": "datum.share >= 0.02"}],  # no labels on slivers
                "encoding": {"text": {"field": "share", "format": ".0%"}, "color": {"value": text}},
            },
        ],
    }


def _cartesian(
    spec: ChartSpec, labels: list[str], rows: list[Json], color: Json, text: str, width: int
) -> Json:
    kind, horizontal, grouped = spec.type, spec.type == "bar", len(color["scale"]["domain"]) > 1
    fmt = parse_number_format(spec.number_format)
    value: Json = {"field": "v", "type": "quantitative", "title": spec.y_title}
    value["axis"] = {"format": fmt.d3(trim=True), "tickCount": 6}
    if kind == "scatter":
        x = {"field": "c", "type": "quantitative", "title": spec.x_title, "axis": {"tickCount": 8}}
        x["scale"] = {"zero": False, "nice": True, "padding": 24}
        y = value | {"scale": {"zero": False, "nice": True, "padding": 16}}
        mark = {"type": "point", "filled": True, "size": 130, "opacity": 0.9}
        return {"mark": mark, "encoding": {"x": x, "y": y, "color": color}}
    tilt = not horizontal and max(map(len, labels)) * 8 > (width - 100) / len(labels)
    axis = {"labelAngle": -35 if tilt else 0, "labelOverlap": True}
    category: Json = {"field": "c", "type": "nominal", "sort": labels, "axis": axis}
    category["title"] = spec.x_title
    encoding: Json = {}
    if kind in ("line", "area"):
        category["scale"] = {"type": "point", "padding": 0.3}
        point = {"size": 70, "filled": True} if kind == "line" else False
        mark: Json = {"type": kind, "point": point, "strokeWidth": 3, "interpolate": "monotone"}
        if kind == "area":
            mark |= {"opacity": 0.28, "line": {"strokeWidth": 2.5}}
        value["stack"] = None  # overlapping areas: each series reads off the axis directly
    else:
        mark = {"type": "bar", "cornerRadiusEnd": 3}
        value["stack"] = "zero" if kind == "stacked" else None
        if kind != "stacked" and grouped:
            offset = {"field": "s", "sort": color["scale"]["domain"]}
            encoding["yOffset" if horizontal else "xOffset"] = offset
        encoding["order"] = {"field": "si", "type": "quantitative"}
    if horizontal:
        category["title"], value["title"] = spec.y_title, spec.x_title
        encoding |= {"y": category, "x": value}
    else:
        encoding |= {"x": category, "y": value}
    if kind not in ("bar", "column") or grouped or len(labels) > 12:
        return {"mark": mark, "encoding": encoding | {"color": color}}
    top = max(row["v"] for row in rows if row["v"] is not None)
    if top > 0:
        value["scale"] = {"domainMax": top * (1.16 if horizontal else 1.08)}  # room for labels
    where = {"align": "left", "dx": 6} if horizontal else {"baseline": "bottom", "dy": -6}
    numbers = {"text": {"field": "v", "format": fmt.d3()}, "color": {"value": text}}
    label = {"mark": {"type": "text"} | where, "encoding": numbers}
    return {"encoding": encoding, "layer": [{"mark": mark, "encoding": {"color": color}}, label]}


_UNSAFE_TAGS = {"script", "foreignObject", "style", "image", "iframe", "a", "use"}


def _clean_svg(svg: str, label: str, prefix: str) -> str:
    """Make vl-convert's SVG safe inline: no scripts or external refs, unique ids, scalable."""
    from lxml import etree

    parser = etree.XMLParser(resolve_entities=False, no_network=True)
    root = etree.fromstring(svg.encode(), parser)
    for element in list(root.iter()):  # comments and processing instructions have no str tag
        if not isinstance(element.tag, str) or etree.QName(element).localname in _UNSAFE_TAGS:
            element.getparent().remove(element)
            continue
        for name, value in list(element.attrib.items()):
            local, low = etree.QName(name).localname, value.strip().lower()
            external = "url(" in low.replace("url(#", "") or "http" in low or "javascript:" in low
            if local.startswith("on") or (local == "href" and not low.startswith("#")) or external:
                del element.attrib[name]
            elif local == "id":  # ids must not clash with other charts in the same document
                element.set(name, f"{prefix}-{value}")
            elif "url(#" in value:
                element.set(name, value.replace("url(#", f"url(#{prefix}-"))
    for name in ("width", "height"):
        root.attrib.pop(name, None)  # the viewBox alone lets the SVG fill its container
    root.set("role", "img")
    root.set("aria-label", label)
    etree.cleanup_namespaces(root)
    return etree.tostring(root, encoding="unicode")


def _aria_label(spec: ChartSpec) -> str:
    kind = {"bar": "Bar", "stacked": "Stacked column"}.get(spec.type, spec.type.capitalize())
    names = ", ".join(s.name for s in spec.series if s.name)
    title = f": {spec.title}" if spec.title else ""
    return f"{kind} chart{title}" + (f" ({names})" if names else "")


@functools.lru_cache(maxsize=256)
def _render_cached(spec_json: str, palette: ChartPalette, width: int, height: int) -> str:
    import vl_convert as vlc  # lazy: loading the JavaScript engine costs time

    spec = ChartSpec.model_validate_json(spec_json)
    vl = to_vega_lite(spec, palette, width=width, height=height)
    try:
        svg = vlc.vegalite_to_svg(vl, vl_version=VEGA_LITE_VERSION, allowed_base_urls=[])
    except ValueError as exc:
        raise ChartRenderError(f"Chart '{spec.title or spec.type}' could not be drawn.") from exc
    prefix = "c" + hashlib.sha1(spec_json.encode()).hexdigest()[:8]
    return _clean_svg(svg, _aria_label(spec), prefix)


def render_chart_svg(
    spec: ChartSpec,
    palette: ChartPalette = DEFAULT_PALETTE,
    *,
    width: int = DEFAULT_WIDTH,
    height: int = DEFAULT_HEIGHT,
) -> str:
    """Render a chart spec to inline SVG markup; raise ChartRenderError if it cannot be drawn."""
    spec_json = spec.model_dump_json(exclude={"chart_id"})  # the id never changes the drawing
    return _render_cached(spec_json, palette, width, height)


def chart_box_svg(
    spec: ChartSpec,
    palette: ChartPalette = DEFAULT_PALETTE,
    *,
    width: int = DEFAULT_WIDTH,
    height: int = DEFAULT_HEIGHT,
) -> str:
    """Return an empty SVG that a layout engine sizes exactly as the chart's drawing.

    Layout checks need only a chart's box, and drawing it costs ~0.25 s in vl-convert. The
    drawing's root carries no width or height and a viewBox of `0 0 width height` (autosize
    `fit` with the padding inside), so its box comes from that viewBox alone; this root has
    the same attributes and no marks. A spec the drawing would reject raises the same error,
    so the caller still shows the fallback table in its place.
    """
    to_vega_lite(spec, palette, width=width, height=height)  # the drawing's own checks
    label = html.escape(_aria_label(spec), quote=True)
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" version="1.1" class="marks" '
        f'viewBox="0 0 {width} {height}" role="img" aria-label="{label}"></svg>'
    )


def render_chart_fallback(spec: ChartSpec) -> str:
    """Return the chart's data as a small accessible HTML table."""
    fmt, e = parse_number_format(spec.number_format), html.escape
    n_rows = max([len(spec.categories), *(len(s.values) for s in spec.series)])
    head = "".join(f'<th scope="col">{e(s.name)}</th>' for s in spec.series)
    body = []
    for i in range(n_rows):
        label = e(_label(spec.categories[i])) if i < len(spec.categories) else ""
        cells = [s.values[i] if i < len(s.values) else None for s in spec.series]
        tds = "".join(f"<td>{'' if v is None else e(fmt.python(v))}</td>" for v in cells)
        body.append(f'<tr><th scope="row">{label}</th>{tds}</tr>')
    caption = f"<caption>{e(spec.title)}</caption>" if spec.title else ""
    corner = f'<th scope="col">{e(spec.x_title or "")}</th>'
    head = f"<thead><tr>{corner}{head}</tr></thead>"
    return f'<table class="chart-fallback">{caption}{head}<tbody>{"".join(body)}</tbody></table>'


def warm_up() -> None:
    """Start the chart engine in the background, so the first deck a user opens draws fast."""

    def draw_one() -> None:
        spec = ChartSpec(type="bar", categories=["a"], series=[{"name": "warm-up", "values": [1]}])
        with contextlib.suppress(Exception):  # a failed warm-up only costs the first chart time
            render_chart_svg(spec)

    threading.Thread(target=draw_one, name="chart-warm-up", daemon=True).start()
