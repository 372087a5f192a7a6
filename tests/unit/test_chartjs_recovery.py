"""Chart.js charts of a predecessor-style deck come through as chart data, streamed or not.

The decks here are written in the predecessor's style: slides first, then one `<script>` in
which each chart looks its canvas up into a variable, takes the 2D context into another and
passes it to `new Chart(ctx, {...})`, with tick callbacks among the options.
"""

from __future__ import annotations

from slidegen.render.chartjs import recover_charts
from slidegen.render.parse import parse_deck
from slidegen.render.stream import SlideStream

SLIDES = """<title>Platform review</title>
<div class="slide"><h1>Review</h1><p>Q1 to Q4</p></div>
<div class="slide"><h1>Revenue</h1>
<div class="chart-container"><canvas id="revenueChart"></canvas></div></div>
<div class="slide"><h1>Mix</h1><canvas id="mixChart" width="400"></canvas></div>
<div class="slide"><h1>Trend</h1>
<canvas id="trendChart"></canvas><canvas id="shareChart"></canvas></div>
<div class="slide"><h1>Regions</h1><canvas id="regionChart"></canvas></div>
<div class="slide"><h1>Skills</h1>
<canvas id="radarChart"></canvas><canvas id="liveChart"></canvas></div>
<div class="slide"><h1>Thanks</h1></div>
"""
SCRIPT = """<script>
// Revenue by quarter, two datasets, a tick callback with nested braces
const revenueCanvas = document.getElementById('revenueChart');
const revenueCtx = revenueCanvas.getContext('2d');
new Chart(revenueCtx, {
  type: 'bar',
  data: {
    labels: ['Q1', 'Q2', 'Q3', 'Q4'],
    datasets: [
      { label: 'Revenue ($M)', data: [12.5, 14.1, 15.8, 17.2], backgroundColor: '#1f77b4' },
      { label: "Costs ($M)", data: [8, 8.4, 9.1, 9.6], backgroundColor: '#ff7f0e', },
    ]
  },
  options: {
    responsive: true,
    plugins: { title: { display: true, text: 'Revenue and costs' },
               tooltip: { callbacks: { label: function(ctx) {
                 if (ctx.raw) { return '$' + ctx.raw + 'M'; } return ''; } } } },
    scales: { y: { beginAtZero: true,
                   ticks: { callback: function(value) { return '$' + value + 'M'; } } } }
  }
});

var mixCanvas = document.getElementById("mixChart");
var mixCtx = mixCanvas.getContext("2d");
var mixChart = new Chart(mixCtx, {
  type: 'bar',
  data: { labels: ['Jobs', 'SQL', 'ML'], datasets: [
    { label: '2024', data: [40, 30, 10] }, { label: '2025', data: [42, 45, 18] } ] },
  options: { scales: { x: { stacked: true },
                       y: { stacked: true, ticks: { callback: v => v + '%' } } } }
});

const trendCanvas = document.getElementById('trendChart');
const trendCtx = trendCanvas.getContext('2d');
new Chart(trendCtx, {
  type: 'line',
  data: { labels: ['Jan', 'Feb', 'Mar'],
          datasets: [{ label: 'DBUs', data: [100, 120, 150], fill: true, tension: 0.3 }] },
  options: { plugins: { legend: { display: false } } }
});
new Chart(document.getElementById('shareChart').getContext('2d'), {
  type: 'pie',
  data: { labels: ['EMEA', 'AMER', 'APAC'],
          datasets: [{ data: [30, 50, 20], backgroundColor: ['#111111', '#222222', '#333333'] }] }
});

const regionCanvas = document.getElementById('regionChart');
const regionCtx = regionCanvas.getContext('2d');
new Chart(regionCtx, { type: 'doughnut', data: { labels: ['North', 'South'],
  datasets: [{ label: 'Share', data: [55, 45] }] }, options: { cutout: '60%' } });

const radarCtx = document.getElementById('radarChart').getContext('2d');
new Chart(radarCtx, { type: 'radar', data: { labels: ['A', 'B', 'C'],
  datasets: [{ label: 'Team', data: [1, 2, 3] }] } });

const liveData = [1, 2, 3];
const liveCtx = document.getElementById('liveChart').getContext('2d');
new Chart(liveCtx, { type: 'line', data: { labels: ['a', 'b', 'c'],
  datasets: [{ label: 'Live', data: liveData }] } });
</script>
"""
DECK = SLIDES + SCRIPT
RECOVERED = {"revenueChart", "mixChart", "trendChart", "shareChart", "regionChart"}


def test_each_literal_chart_is_recovered_with_its_kind_and_data() -> None:
    recovery = recover_charts(SCRIPT)
    assert set(recovery.charts) == RECOVERED
    revenue = recovery.charts["revenueChart"]
    assert (revenue.type, revenue.title, revenue.categories) == (
        "column",
        "Revenue and costs",
        ["Q1", "Q2", "Q3", "Q4"],
    )
    assert [(s.name, s.values) for s in revenue.series] == [
        ("Revenue ($M)", [12.5, 14.1, 15.8, 17.2]),
        ("Costs ($M)", [8, 8.4, 9.1, 9.6]),
    ]
    assert revenue.colors == ["#1f77b4", "#ff7f0e"]
    kinds = {canvas: spec.type for canvas, spec in recovery.charts.items()}
    assert kinds == {
        "revenueChart": "column",
        "mixChart": "stacked",
        "trendChart": "area",
        "shareChart": "pie",
        "regionChart": "doughnut",
    }
    assert recovery.charts["shareChart"].colors == ["#111111", "#222222", "#333333"]


def test_charts_that_cannot_be_recovered_are_reported_with_the_reason() -> None:
    recovery = recover_charts(SCRIPT)
    assert recovery.failures == [
        "canvas 'radarChart' (Chart.js type 'radar' has no equivalent here)",
        "canvas 'liveChart' (the data of dataset 1 is not literal)",
    ]
    assert recovery.summary() == (
        "Recovered 5 of 7 Chart.js charts as chart data; not recovered: "
        "canvas 'radarChart' (Chart.js type 'radar' has no equivalent here); "
        "canvas 'liveChart' (the data of dataset 1 is not literal)."
    )


def _charts_by_title(slides: list) -> dict[str, list[str]]:
    titles = {}
    for slide in slides:
        title = slide.html.split("<h1>")[1].split("</h1>")[0]
        titles[title] = [chart.type for chart in slide.charts]
    return titles


EXPECTED = {
    "Review": [],
    "Revenue": ["column"],
    "Mix": ["stacked"],
    "Trend": ["area", "pie"],
    "Regions": ["doughnut"],
    "Skills": [],
    "Thanks": [],
}


def test_a_whole_deck_attaches_each_chart_to_the_slide_holding_its_canvas() -> None:
    deck = parse_deck(DECK)
    assert _charts_by_title(deck.slides) == EXPECTED
    assert all("<canvas" not in s.html and "<script" not in s.html for s in deck.slides)
    assert deck.chart_report and deck.chart_report.startswith("Recovered 5 of 7")
    placeholders = deck.slides[3].html.count('class="chart"')
    assert placeholders == 2


def test_a_streamed_deck_keeps_the_charts_its_trailing_script_declares() -> None:
    """Generation streams slides: the script arrives after every slide it draws on."""
    stream, slides, first_seen = SlideStream(), [], {}
    for position in range(0, len(DECK), 97):
        for slide in stream.feed(DECK[position : position + 97]):
            first_seen.setdefault(len(slides), position)
            slides.append(slide)
    slides += list(stream.finish())
    assert _charts_by_title(slides) == EXPECTED
    assert first_seen[0] < DECK.index("<script>")  # slides before any canvas still stream
    reports = [w for s in slides for w in s.warnings if w.startswith("Recovered")]
    assert reports == [recover_charts(SCRIPT).summary()]
