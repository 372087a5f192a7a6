"""Chart specs render to static, safe inline SVG in the deck's colours (decision 2)."""

from __future__ import annotations

import json
import re

import pytest
from lxml import etree
from lxml import html as lxml_html

from slidegen.deck import CHART_TYPES, ChartSpec
from slidegen.errors import SlidegenError
from slidegen.render.charts import (
    DEFAULT_PALETTE,
    ChartPalette,
    ChartRenderError,
    _clean_svg,
    palette_from_css,
    parse_number_format,
    render_chart_fallback,
    render_chart_svg,
    to_vega_lite,
)
from slidegen.seed_content import SLIDE_STYLES

SVG = "{http://www.w3.org/2000/svg}"
STYLES = {style.name: style.style_content for style in SLIDE_STYLES}
PALETTE = palette_from_css(STYLES["Data Dense"])
MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun"]

SPECS: dict[str, ChartSpec] = {
    "bar": ChartSpec(
        type="bar",
        title="Cost by workspace, last 30 days",
        categories=["prod-analytics", "ml-training", "bi-serving", "etl-nightly", "Other"],
        series=[{"name": "Cost", "values": [48210, 36900, 21450, 18800, 3900]}],
        x_title="Cost (USD)",
        y_title="Workspace",
        number_format="$0,0",
    ),
    "column": ChartSpec(
        type="column",
        title="Monthly DBUs by SKU",
        categories=MONTHS,
        series=[
            {"name": "Jobs Compute", "values": [41200, 43900, 47850, 45100, 50300, 52650]},
            {"name": "SQL Serverless", "values": [12050, 15400, 21300, 24800, 26100, 31900]},
            {"name": "All-Purpose", "values": [18000, 17250, 16900, 15800, 14200, 13100]},
        ],
        x_title="Month",
        y_title="DBUs",
        number_format="0,0",
    ),
    "stacked": ChartSpec(
        type="stacked",
        title="Monthly cost by SKU",
        categories=MONTHS,
        series=[
            {"name": "Jobs", "values": [21000, 21900, 22800, 23500, 24400, 25100]},
            {"name": "SQL", "values": [9000, 9400, 9900, 10500, 11200, 11900]},
        ],
        x_title="Month",
        y_title="Cost",
        number_format="$0,0",
    ),
    "line": ChartSpec(
        type="line",
        title="Cluster utilisation",
        categories=MONTHS,
        series=[
            {"name": "CPU", "values": [0.41, 0.44, None, 0.52, 0.55, 0.58]},
            {"name": "Memory", "values": [0.55, 0.57, 0.56, 0.6, 0.62, 0.61]},
        ],
        x_title="Month",
        y_title="Utilisation",
        number_format="0.0%",
    ),
    "area": ChartSpec(
        type="area",
        title="Storage under management",
        categories=MONTHS,
        series=[
            {"name": "Delta tables", "values": [120, 134, 148, 162, 176, 190]},
            {"name": "Volumes", "values": [40, 46, 52, 58, 64, 70]},
        ],
        x_title="Month",
        y_title="TB",
        number_format="0,0",
    ),
    "pie": ChartSpec(
        type="pie",
        title="DBU share by workspace",
        categories=["prod-analytics", "ml-training", "bi-serving", "Other"],
        series=[{"name": "Share", "values": [0.4, 0.3, 0.2, 0.1]}],
        number_format="0.0%",
    ),
    "doughnut": ChartSpec(
        type="doughnut",
        title="Spend by SKU",
        categories=["Jobs", "SQL", "All-Purpose", "Serving"],
        series=[{"name": "Spend", "values": [250000, 125000, 75000, 50000]}],
        number_format="$0,0",
    ),
    "scatter": ChartSpec(
        type="scatter",
        title="Value versus effort",
        categories=[2, 3, 5, 8, 13, 21],
        series=[
            {"name": "Analytics", "values": [120, 90, 300, None, 410, None]},
            {"name": "ML", "values": [None, None, None, 260, None, 380]},
        ],
        x_title="Effort (person-weeks)",
        y_title="Value (k USD)",
        number_format="0,0",
    ),
}


def with_changes(spec: ChartSpec, **changes: object) -> ChartSpec:
    return ChartSpec.model_validate(spec.model_dump() | changes)


def parse(svg: str) -> etree._Element:
    root = etree.fromstring(svg.encode(), etree.XMLParser(resolve_entities=False, no_network=True))
    assert root.tag == f"{SVG}svg"
    return root


def texts(root: etree._Element) -> list[str]:
    return ["".join(node.itertext()).strip() for node in root.iter(f"{SVG}text")]


def paints(root: etree._Element) -> set[str]:
    return {
        value.lower()
        for node in root.iter()
        for key in ("fill", "stroke")
        if (value := node.get(key))
    }


def marks(root: etree._Element, kind: str) -> list[etree._Element]:
    groups = root.xpath(f"//*[contains(@class, 'mark-{kind} role-mark')]")
    return [child for group in groups for child in group if isinstance(child.tag, str)]


def assert_static_and_self_contained(svg: str) -> None:
    assert not svg.lstrip().startswith("<?xml")
    root = parse(svg)
    for node in root.iter():
        assert isinstance(node.tag, str), "no comments or processing instructions"
        assert etree.QName(node).localname not in {"script", "foreignObject", "image", "a"}
        for name, value in node.attrib.items():
            local = etree.QName(name).localname
            assert not local.startswith("on"), f"event handler {name}"
            if local == "href":
                assert value.startswith("#")
            for target in re.findall(r"url\(([^)]*)\)", value):
                assert target.startswith("#")
            assert "http" not in value.lower()
    without_namespaces = re.sub(r'\sxmlns(?::\w+)?="[^"]*"', "", svg)
    assert "http" not in without_namespaces
    assert "<script" not in svg.lower()


@pytest.mark.parametrize("chart_type", CHART_TYPES)
def test_every_chart_type_renders_safe_svg_with_titles_and_style_colours(chart_type: str) -> None:
    spec = SPECS[chart_type]
    svg = render_chart_svg(spec, PALETTE)

    assert_static_and_self_contained(svg)
    root = parse(svg)
    assert root.get("role") == "img"
    assert spec.title and spec.title in root.get("aria-label", "")
    assert root.get("viewBox") == "0 0 1100 460" and root.get("width") is None
    labels = texts(root)
    assert spec.title in labels
    for axis_title in (spec.x_title, spec.y_title):
        if axis_title:
            assert axis_title in labels
    keys = spec.categories if chart_type in ("pie", "doughnut") else spec.series
    expected = set(PALETTE.series[: len(keys)])
    assert expected <= paints(root), f"{expected - paints(root)} missing"
    assert all(node.get("fill") == PALETTE.text for node in root.iter(f"{SVG}text"))


@pytest.mark.parametrize("chart_type", ["column", "stacked", "line", "area", "scatter"])
def test_several_series_get_a_legend_with_their_names(chart_type: str) -> None:
    root = parse(render_chart_svg(SPECS[chart_type], PALETTE))
    legend = root.xpath("//*[contains(@class, 'role-legend-label')]//text()")
    assert [series.name for series in SPECS[chart_type].series] == legend


def test_single_series_bars_have_value_labels_and_no_legend() -> None:
    root = parse(render_chart_svg(SPECS["bar"], PALETTE))
    assert not root.xpath("//*[contains(@class, 'role-legend')]")
    assert {"$48,210", "$3,900"} <= set(texts(root))
    assert len(marks(root, "rect")) == 5


def test_pie_and_doughnut_show_percentages_and_a_legend_of_categories() -> None:
    shares = {"pie": {"40%", "30%", "20%", "10%"}, "doughnut": {"50%", "25%", "15%", "10%"}}
    for chart_type, expected in shares.items():
        spec = SPECS[chart_type]
        root = parse(render_chart_svg(spec, PALETTE))
        assert expected <= set(texts(root))
        legend = root.xpath("//*[contains(@class, 'role-legend-label')]//text()")
        assert legend == spec.categories
        assert len(marks(root, "arc")) == 4


@pytest.mark.parametrize(
    ("chart_type", "pattern"),
    [
        ("line", r"^\d+%$"),  # "0.0%" of fractions: ticks read 40%, 50% ...
        ("bar", r"^\$\d{1,3}(,\d{3})*$"),  # "$0,0"
        ("stacked", r"^\$\d{1,3}(,\d{3})+$"),
        ("column", r"^\d{1,3}(,\d{3})+$"),  # "0,0": thousands separators
    ],
)
def test_number_format_shows_in_ticks_and_labels(chart_type: str, pattern: str) -> None:
    labels = texts(parse(render_chart_svg(SPECS[chart_type], PALETTE)))
    assert len([label for label in labels if re.match(pattern, label)]) >= 3, labels


@pytest.mark.parametrize(
    ("text", "d3", "sample", "shown"),
    [
        ("0,0", ",.0f", 48210.4, "48,210"),
        ("0.0%", ".1%", 0.237, "23.7%"),
        ("0%", ".0%", 0.5, "50%"),
        ("$0,0", "$,.0f", -1200, "-$1,200"),
        ("$0,0.00", "$,.2f", 1234.5, "$1,234.50"),
        ("€0,0", "$,.0f", 900, "€900"),
        ("0.0a", ".3~s", 41200, "41,200"),
        (",.1f", ",.1f", 1234.56, "1,234.6"),
        (None, ",.2~f", 1234.5, "1,234.5"),
        ("bogus format", ",.2~f", 0.25, "0.25"),
    ],
)
def test_number_formats_map_to_d3_and_python(
    text: str | None, d3: str, sample: float, shown: str
) -> None:
    fmt = parse_number_format(text)
    assert fmt.d3() == d3
    assert fmt.python(sample) == shown


def test_currency_symbol_other_than_dollar_reaches_the_svg() -> None:
    spec = with_changes(SPECS["bar"], number_format="€0,0")
    assert "€48,210" in texts(parse(render_chart_svg(spec, PALETTE)))


def test_missing_values_leave_gaps_without_crashing() -> None:
    root = parse(render_chart_svg(SPECS["line"], PALETTE))
    paths = [node.get("d", "") for node in marks(root, "line")]
    assert sorted(d.count("M") for d in paths) == [1, 2], "the CPU line breaks at the gap"

    column = SPECS["column"].model_copy(deep=True)
    column.series[2].values[3] = None
    assert len(marks(parse(render_chart_svg(column, PALETTE)), "rect")) == 17


def test_short_series_are_padded_with_gaps_and_long_ones_rejected() -> None:
    short = ChartSpec(
        type="column",
        title="Tickets",
        categories=["Q1", "Q2", "Q3", "Q4"],
        series=[{"name": "Tickets", "values": [12, 15, 9]}],
    )
    root = parse(render_chart_svg(short, PALETTE))
    assert len(marks(root, "rect")) == 3
    assert "Q4" in texts(root)

    long = with_changes(short, series=[{"name": "Tickets", "values": [1, 2, 3, 4, 5]}])
    with pytest.raises(ChartRenderError) as caught:
        render_chart_svg(long, PALETTE)
    assert isinstance(caught.value, SlidegenError)
    assert "5 values for 4 categories" in caught.value.user_message
    table = lxml_html.fromstring(render_chart_fallback(long))
    assert len(table.xpath("//tbody/tr")) == 5


@pytest.mark.parametrize(
    ("update", "message"),
    [
        ({"categories": []}, "no categories"),
        ({"series": [{"name": "Cost", "values": [None] * 5}]}, "no values"),
        ({"type": "scatter"}, "must be numbers"),
        ({"type": "pie", "series": [{"name": "Cost", "values": [1, -2, 3, 4, 5]}]}, "negative"),
    ],
)
def test_specs_that_cannot_be_drawn_raise_a_typed_error(update: dict, message: str) -> None:
    spec = with_changes(SPECS["bar"], **update)
    with pytest.raises(ChartRenderError, match=message):
        render_chart_svg(spec, PALETTE)


def test_spec_colours_come_first_then_the_palette() -> None:
    spec = with_changes(SPECS["column"], colors=["#123456"])
    found = paints(parse(render_chart_svg(spec, PALETTE)))
    assert {"#123456", PALETTE.series[1], PALETTE.series[2]} <= found
    assert PALETTE.series[0] not in found


def test_dark_style_has_a_transparent_background_and_light_text() -> None:
    midnight = palette_from_css(STYLES["Midnight"])
    root = parse(render_chart_svg(SPECS["column"], midnight))
    assert {"white", "#fff", "#ffffff"}.isdisjoint(paints(root))
    assert {node.get("fill") for node in root.iter(f"{SVG}text")} == {"#cfd5e4"}
    assert "rgba(255, 255, 255, 0.12)" in paints(root), "grid lines in the style's grid colour"


@pytest.mark.parametrize("style_name", list(STYLES))
def test_palette_from_css_reads_each_seeded_style(style_name: str) -> None:
    css = STYLES[style_name]
    palette = palette_from_css(css)
    declared = [re.search(rf"--chart-{i}:\s*([^;]+);", css).group(1) for i in range(1, 7)]
    assert list(palette.series) == declared
    assert palette.text == re.search(r"--chart-text:\s*([^;]+);", css).group(1)
    assert palette.grid == re.search(r"--chart-grid:\s*([^;]+);", css).group(1)
    assert palette.font_family == re.search(r"--font:\s*([^;]+);", css).group(1)
    svg = render_chart_svg(SPECS["column"], palette)
    assert {node.get("font-family") for node in parse(svg).iter(f"{SVG}text")} == {
        palette.font_family
    }


def test_palette_from_css_rejects_unsafe_values_and_falls_back_per_value() -> None:
    css = """
    .slide .card { --chart-3: #000000; }
    .slide {
      --chart-1: url(https://example.com/x.svg);
      --chart-2: rgb(10, 20, 30);
      --chart-4: red;
      --chart-text: #f0f0f0;
      font-family: "Evil", url(https://example.com/font.woff);
    }
    """
    palette = palette_from_css(css)
    fallback = DEFAULT_PALETTE.series
    assert palette.series == (fallback[0], "rgb(10, 20, 30)", *fallback[2:])
    assert palette.text == "#f0f0f0" and palette.grid == DEFAULT_PALETTE.grid
    assert palette.font_family == DEFAULT_PALETTE.font_family
    assert palette_from_css("") == DEFAULT_PALETTE


def test_vega_lite_spec_is_pure_data_with_nothing_to_fetch() -> None:
    for chart_type, spec in SPECS.items():
        vl = to_vega_lite(spec, PALETTE, width=800, height=400)
        dumped = json.dumps(vl)
        assert '"url"' not in dumped and "http" not in dumped, chart_type
        assert vl["config"]["background"] == "transparent"
        assert vl["width"] == 800 and vl["data"]["values"]
    bar = to_vega_lite(SPECS["bar"], PALETTE, width=800, height=400)
    assert bar["encoding"]["y"]["field"] == "c", "bar charts are horizontal"
    stacked = to_vega_lite(SPECS["stacked"], PALETTE, width=800, height=400)
    assert stacked["encoding"]["y"]["stack"] == "zero"
    column = to_vega_lite(SPECS["column"], PALETTE, width=800, height=400)
    assert column["encoding"]["xOffset"]["field"] == "s", "several columns are grouped"


def test_size_sets_the_viewbox() -> None:
    root = parse(render_chart_svg(SPECS["area"], PALETTE, width=540, height=300))
    assert root.get("viewBox") == "0 0 540 300"


def test_cleaning_strips_scripts_external_references_and_namespaces_ids() -> None:
    hostile = """<?xml version="1.0"?>
    <svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink"
         width="10" height="10" viewBox="0 0 10 10" onload="alert(1)">
      <!-- comment --><script>alert(1)</script><style>@import url(https://x.test/a.css);</style>
      <defs><clipPath id="clip1"><rect width="5" height="5"/></clipPath></defs>
      <a href="https://x.test"><text>link</text></a>
      <image xlink:href="https://x.test/i.png"/><foreignObject><div>x</div></foreignObject>
      <use href="#clip1"/><rect fill="url(https://x.test/p)" clip-path="url(#clip1)"/>
      <linearGradient xlink:href="https://x.test/g"/><textPath href="//x.test/t"/>
      <text onclick="steal()">kept</text>
    </svg>"""
    cleaned = _clean_svg(hostile, "Test chart", "cabc")
    assert_static_and_self_contained(cleaned)
    root = parse(cleaned)
    assert root.get("aria-label") == "Test chart" and root.get("width") is None
    assert root.xpath("//@id") == ["cabc-clip1"]
    assert root.xpath("//@clip-path") == ["url(#cabc-clip1)"]
    assert texts(root) == ["kept"]


def test_fallback_table_is_accessible_and_escaped() -> None:
    spec = with_changes(SPECS["line"], title="Use <b>rate</b>")
    table = lxml_html.fromstring(render_chart_fallback(spec))
    assert table.tag == "table"
    assert table.xpath("string(caption)") == "Use <b>rate</b>"
    assert table.xpath("thead/tr/th/text()") == ["Month", "CPU", "Memory"]
    assert table.xpath("tbody/tr[1]/th/@scope") == ["row"]
    assert table.xpath("tbody/tr[1]/td/text()") == ["41.0%", "55.0%"]
    assert table.xpath("tbody/tr[3]/td[1]/text()") == []  # the gap stays empty


def test_cache_returns_the_same_markup_for_an_unchanged_chart() -> None:
    spec = SPECS["column"]
    first = render_chart_svg(spec, PALETTE)
    same_chart_new_id = spec.model_copy(update={"chart_id": "c-other"})
    assert render_chart_svg(same_chart_new_id, PALETTE) is first
    other_palette = ChartPalette(("#000000",) * 6, "#111111", "#222222", "sans-serif")
    assert render_chart_svg(spec, other_palette) != first
