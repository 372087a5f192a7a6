"""Native PowerPoint charts from chart specs (decision 2); a picture when that is impossible."""

from __future__ import annotations

import io

from pptx.chart.data import CategoryChartData, XyChartData
from pptx.dml.color import RGBColor
from pptx.enum.chart import (
    XL_CHART_TYPE,
    XL_DATA_LABEL_POSITION,
    XL_LEGEND_POSITION,
    XL_MARKER_STYLE,
)
from pptx.oxml.ns import qn
from pptx.util import Emu, Pt

from slidegen.deck import ChartSpec
from slidegen.export.css import parse_colour
from slidegen.render.charts import (
    ChartPalette,
    NumberFormat,
    parse_number_format,
    to_vega_lite,
)

NATIVE_TYPES = {
    "bar": XL_CHART_TYPE.BAR_CLUSTERED,
    "column": XL_CHART_TYPE.COLUMN_CLUSTERED,
    "stacked": XL_CHART_TYPE.COLUMN_STACKED,
    "line": XL_CHART_TYPE.LINE_MARKERS,
    "area": XL_CHART_TYPE.AREA,
    "pie": XL_CHART_TYPE.PIE,
    "doughnut": XL_CHART_TYPE.DOUGHNUT,
    "scatter": XL_CHART_TYPE.XY_SCATTER,
}
PX = 9525


def excel_format(fmt: NumberFormat, *, integral: bool = True) -> str:
    """Return the Excel number format that shows values as the slide does."""
    decimals = (0 if integral else 2) if fmt.precision is None else fmt.precision
    body = ("#,##0" if fmt.grouping else "0") + ("." + "0" * decimals if decimals else "")
    if fmt.kind == "%":
        return body.replace("#,##", "") + "%"
    if fmt.kind == "s":
        return '#,##0.0,"K"'
    return f'"{fmt.prefix}"{body}' if fmt.prefix else body


def _label(value: str | float) -> str:
    return str(int(value)) if isinstance(value, float) and value.is_integer() else str(value)


def _chart_data(spec: ChartSpec, number_format: str) -> tuple[object, list[str]]:
    """Build the chart's data; return it with warnings for values that had to be dropped."""
    n, warnings = len(spec.categories), []
    if n == 0:
        raise ValueError("the chart has no categories")
    series = spec.series[:1] if spec.type in ("pie", "doughnut") else spec.series
    if len(series) < len(spec.series):
        warnings.append("only the first series of a pie or doughnut chart is shown")
    if spec.type == "scatter":
        xy = XyChartData(number_format=number_format)
        xs = [float(c) for c in spec.categories]
        for i, s in enumerate(series):
            points = xy.add_series(s.name or f"Series {i + 1}")
            for x, y in zip(xs, s.values, strict=False):
                if y is not None:
                    points.add_data_point(x, y)
        return xy, warnings
    data = CategoryChartData(number_format=number_format)
    data.categories = [_label(c) for c in spec.categories]
    for i, s in enumerate(series):
        if len(s.values) > n:
            warnings.append(f"series '{s.name}' has more values than categories; extra cut")
        values = [*s.values[:n], *[None] * (n - len(s.values))]
        data.add_series(s.name or f"Series {i + 1}", values)
    return data, warnings


def add_native_chart(
    slide: object,
    spec: ChartSpec,
    palette: ChartPalette,
    box: tuple[float, float, float, float],
    over: tuple[int, int, int] = (255, 255, 255),
) -> list[str]:
    """Add the chart as a native, editable chart; return warnings. Raise if it cannot be."""
    fmt = parse_number_format(spec.number_format)
    integral = all(v is None or float(v).is_integer() for s in spec.series for v in s.values)
    number_format = excel_format(fmt, integral=integral)
    data, warnings = _chart_data(spec, number_format)
    x, y, w, h = (Emu(round(v * PX)) for v in box)
    frame = slide.shapes.add_chart(NATIVE_TYPES[spec.type], x, y, w, h, data)  # type: ignore[attr-defined]
    chart = frame.chart
    text = RGBColor.from_string(parse_colour(palette.text, over) or "333333")
    chart.font.size, chart.font.color.rgb = Pt(11), text
    colours = [c.lstrip("#")[:6].upper() for c in (spec.colors or [])]
    colours += [parse_colour(c) or "4472C4" for c in palette.series]
    pie = spec.type in ("pie", "doughnut")
    _title(chart, spec, text)
    chart.has_legend = pie or len(spec.series) > 1
    if chart.has_legend:
        chart.legend.position = XL_LEGEND_POSITION.RIGHT if pie else XL_LEGEND_POSITION.TOP
        chart.legend.include_in_layout = False
        chart.legend.font.color.rgb = text
    if pie:
        _pie(chart.plots[0], colours)
        return warnings
    _series(chart.plots[0], spec, colours, number_format, text)
    _axes(chart, spec, RGBColor.from_string(parse_colour(palette.grid, over) or "D9D9D9"), text)
    return warnings


def _pie(plot: object, colours: list[str]) -> None:
    for i, point in enumerate(plot.series[0].points):  # type: ignore[attr-defined]
        point.format.fill.solid()
        point.format.fill.fore_color.rgb = RGBColor.from_string(colours[i % len(colours)])
    plot.has_data_labels = True  # type: ignore[attr-defined]
    labels = plot.data_labels  # type: ignore[attr-defined]
    labels.number_format, labels.number_format_is_linked = "0%", False
    labels.show_percentage, labels.show_value = True, False


def _series(
    plot: object, spec: ChartSpec, colours: list[str], number_format: str, text: RGBColor
) -> None:
    """Colour each series as the slide does; value labels on single-series bar charts."""
    for i, series in enumerate(plot.series):  # type: ignore[attr-defined]
        colour = RGBColor.from_string(colours[i % len(colours)])
        if spec.type in ("line", "scatter"):
            if spec.type == "line":
                series.format.line.color.rgb = colour
            else:  # points only, as on the slide
                series.format.line.fill.background()
            series.marker.format.fill.solid()
            series.marker.format.fill.fore_color.rgb = colour
            series.smooth = spec.type == "line"  # the slide draws monotone curves
            series.marker.style = XL_MARKER_STYLE.CIRCLE
            series.marker.format.line.color.rgb = colour
        else:
            series.format.fill.solid()
            series.format.fill.fore_color.rgb = colour
    if spec.type in ("bar", "column") and len(spec.series) == 1 and len(spec.categories) <= 12:
        plot.has_data_labels = True  # type: ignore[attr-defined]
        labels = plot.data_labels  # type: ignore[attr-defined]
        labels.number_format, labels.number_format_is_linked = number_format, False
        labels.position = XL_DATA_LABEL_POSITION.OUTSIDE_END
        labels.font.color.rgb, labels.font.bold = text, True
    if spec.type in ("bar", "column", "stacked"):
        plot.gap_width = 45  # type: ignore[attr-defined]
        plot.overlap = 100 if spec.type == "stacked" else 0  # type: ignore[attr-defined]


def _title(chart: object, spec: ChartSpec, colour: RGBColor) -> None:
    chart.has_title = bool(spec.title)  # type: ignore[attr-defined]
    if spec.title:
        frame = chart.chart_title.text_frame  # type: ignore[attr-defined]
        frame.text = spec.title
        font = frame.paragraphs[0].font
        font.size, font.bold, font.color.rgb = Pt(15), True, colour


def _axes(chart: object, spec: ChartSpec, grid: RGBColor, text: RGBColor) -> None:
    value_axis, category_axis = chart.value_axis, chart.category_axis  # type: ignore[attr-defined]
    value_axis.has_major_gridlines = True
    value_axis.tick_labels.number_format = excel_format(parse_number_format(spec.number_format))
    value_axis.tick_labels.number_format_is_linked = False
    if spec.type == "bar":  # PowerPoint draws the first category at the bottom
        category_axis.reverse_order = True
        crosses = value_axis._element.find(qn("c:crosses"))  # value axis stays at the bottom
        if crosses is not None:
            crosses.set("val", "max")
    value_axis.major_gridlines.format.line.color.rgb = grid
    for axis, title in ((category_axis, spec.x_title), (value_axis, spec.y_title)):
        axis.format.line.color.rgb = grid
        axis.tick_labels.font.color.rgb = text
        if spec.type == "bar":  # horizontal: the value axis runs along x
            title = spec.y_title if axis is category_axis else spec.x_title
        if title:
            axis.has_title = True
            axis.axis_title.text_frame.text = title


def chart_picture(spec: ChartSpec, palette: ChartPalette, w: float, h: float) -> io.BytesIO:
    """Render the chart spec to PNG with vl-convert (no network), for the fallback."""
    import vl_convert as vlc

    from slidegen.render.charts import VEGA_LITE_VERSION

    vl = to_vega_lite(spec, palette, width=max(int(w), 200), height=max(int(h), 150))
    png = vlc.vegalite_to_png(vl, vl_version=VEGA_LITE_VERSION, allowed_base_urls=[], scale=2)
    return io.BytesIO(png)
