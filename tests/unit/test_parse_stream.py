"""Parsing what models really emit, and slides streaming out as they close."""

from __future__ import annotations

from slidegen.render.parse import parse_deck
from slidegen.render.stream import SlideStream

CHART = (
    '{"type": "line", "categories": ["Jan", "Feb"], "series": [{"name": "Cost", "values": [1, 2]}]}'
)


def _slide(n: int) -> str:
    return (
        f'<section class="slide"><h1>Slide {n}</h1>'
        f'<div class="card"><p>Body {n}</p></div></section>'
    )


def test_fences_preamble_and_document_wrapper_are_tolerated() -> None:
    text = (
        "Here is the deck you asked for:\n```html\n<!DOCTYPE html><html><head><title>Q3</title>"
        f"</head><body>{_slide(1)}{_slide(2)}</body></html>\n```\nLet me know!"
    )
    deck = parse_deck(text)
    assert deck.title == "Q3"
    assert [s.html.count("Body") for s in deck.slides] == [1, 1]


def test_chart_specs_become_placeholders_and_notes_are_extracted() -> None:
    deck = parse_deck(
        '<section class="slide"><h1>Trend</h1>'
        f"<figure class=\"chart\" data-chart='{CHART}'></figure>"
        '<aside class="notes">Say the trend is up.</aside></section>'
    )
    slide = deck.slides[0]
    assert slide.charts[0].type == "line" and slide.charts[0].series[0].values == [1.0, 2.0]
    assert f'data-chart-id="{slide.charts[0].chart_id}"' in slide.html
    assert "data-chart=" not in slide.html and "notes" not in slide.html
    assert slide.notes == "Say the trend is up."


def test_bad_chart_json_is_dropped_with_a_warning() -> None:
    deck = parse_deck(
        '<section class="slide"><h1>x</h1>'
        "<figure class=\"chart\" data-chart='{nope'></figure></section>"
    )
    assert deck.slides[0].charts == [] and "chart could not be read" in deck.slides[0].warnings[0]


def test_predecessor_chartjs_slides_keep_the_chart_as_data() -> None:
    deck = parse_deck(
        '<div class="slide"><h1>Old</h1><canvas id="c1"></canvas></div><script>'
        "const ctx = document.getElementById('c1');"
        "new Chart(ctx, {type: 'bar', data: {labels: ['A', 'B'],"
        " datasets: [{label: 'DBUs', data: [3, 4],}]},"
        " options: {plugins: {title: {text: 'Usage'}}, scales: {x: {stacked: true}}}});</script>"
    )
    slide = deck.slides[0]
    assert slide.html.startswith('<section class="slide">')
    assert "<script" not in slide.html and "<canvas" not in slide.html
    assert (slide.charts[0].type, slide.charts[0].title, slide.charts[0].categories) == (
        "stacked",
        "Usage",
        ["A", "B"],
    )


def test_unclosed_tags_and_scripts_are_repaired_and_removed() -> None:
    deck = parse_deck('<section class="slide"><h1>Open<ul><li>one<li>two<script>alert(1)</script>')
    assert len(deck.slides) == 1
    assert "<script" not in deck.slides[0].html and "two" in deck.slides[0].html


def test_no_slides_in_prose() -> None:
    assert parse_deck("I cannot help with that.").slides == []


def test_each_slide_is_emitted_as_soon_as_it_closes() -> None:
    text = "<title>T</title>" + "".join(_slide(n) for n in range(1, 4))
    stream, emitted_at = SlideStream(), []
    for position in range(0, len(text), 5):
        for slide in stream.feed(text[position : position + 5]):
            emitted_at.append((position + 5, slide))
    assert [slide.html.count(f"Slide {n}") for n, (_, slide) in enumerate(emitted_at, 1)] == [
        1,
        1,
        1,
    ]
    first_end = text.index("</section>") + len("</section>")
    assert emitted_at[0][0] < first_end + 5  # the first slide did not wait for the rest
    assert stream.title == "T"
    assert list(stream.finish()) == []


def test_nested_divs_in_old_format_slides_stream_correctly() -> None:
    text = (
        '<div class="slide"><h1>A</h1><div class="card"><div>x</div></div></div>'
        '<div class="slide"><h1>B</h1></div>'
    )
    stream = SlideStream()
    slides = [s for i in range(0, len(text), 3) for s in stream.feed(text[i : i + 3])]
    assert [("<h1>A</h1>" in s.html, "<h1>B</h1>" in s.html) for s in slides] == [
        (True, False),
        (False, True),
    ]


def test_a_cut_off_last_slide_is_kept_with_a_warning() -> None:
    stream = SlideStream()
    assert list(stream.feed(_slide(1) + '<section class="slide"><h1>Half')) != []
    rest = list(stream.finish())
    assert len(rest) == 1 and "Half" in rest[0].html and "cut off" in rest[0].warnings[0]
