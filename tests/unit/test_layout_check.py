"""Layout checks: slides laid out by WeasyPrint (the Pango library), boxes walked for faults."""

from __future__ import annotations

import pytest

from slidegen.deck import Slide
from slidegen.render.layout_check import LayoutIssue, available, check_layout
from slidegen.seed_content.css.system_default import CSS

BODY = "<p>Spend is steady across the year, with a small rise in the last quarter.</p>" * 3


def checks(*bodies: str) -> list[list[LayoutIssue]]:
    slides = [Slide(html=f'<section class="slide"><h1>Title</h1>{b}</section>') for b in bodies]
    result = check_layout(CSS, slides)
    assert result is not None
    return result


def kinds(issues: list[LayoutIssue]) -> set[tuple[str, str]]:
    return {(i.check, i.severity) for i in issues}


def test_weasyprint_and_pango_are_available_here() -> None:
    assert available()


def test_a_well_laid_out_slide_has_no_issue() -> None:
    assert checks(BODY) == [[]]


@pytest.mark.parametrize(
    ("body", "expected", "fragment"),
    [
        ("<p>" + "Too much text for one slide. " * 120 + "</p>", "outside-canvas", "outside"),
        (
            '<div style="height:60px;overflow:hidden"><p>one<br>two<br>three<br>four</p></div>'
            + BODY,
            "clipped",
            "is clipped by",
        ),
        (  # a table clips nothing itself, but the box holding it does
            '<div style="height:60px;overflow:hidden"><table style="overflow:hidden">'
            + "<tr><td>one</td></tr><tr><td>two</td></tr><tr><td>three</td></tr></table></div>"
            + BODY,
            "clipped",
            "is clipped by",
        ),
        (
            '<div style="height:60px"><p>one<br>two<br>three<br>four</p></div>' + BODY,
            "overflow",
            "overflows its box by",
        ),
        (
            '<p style="position:absolute;top:60px;left:96px">Floating note over the title</p>'
            + BODY,
            "overlap",
            "overlaps",
        ),
    ],
)
def test_broken_layouts_are_problems(body: str, expected: str, fragment: str) -> None:
    [issues] = checks(body)
    found = [i for i in issues if i.check == expected]
    assert found and found[0].severity == "problem", issues
    assert fragment in found[0].text


def test_overflow_names_the_element_and_by_how_much() -> None:
    [issues] = checks("<p>" + "Too much text for one slide. " * 120 + "</p>")
    outside = next(i for i in issues if i.check == "outside-canvas")
    assert outside.element.startswith('p "Too much text for one slide.')
    pixels = int(outside.text.split(" runs ")[1].split(" px")[0])
    assert pixels > 100


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ('<p style="font-size:10px">Fine print</p>' + BODY, "small-text"),
        ('<p style="color:#bbbbbb">Pale grey on white</p>' + BODY, "contrast"),
        ('<p style="color:#ffffff;background:#ffdd00">White on yellow</p>' + BODY, "contrast"),
        ("", "empty"),
    ],
)
def test_hard_to_read_or_empty_slides_need_review(body: str, expected: str) -> None:
    [issues] = checks(body)
    assert (expected, "review") in kinds(issues), issues


def test_readable_colours_on_a_dark_panel_pass() -> None:
    [issues] = checks('<p style="color:#ffffff;background:#14213d">White on navy</p>' + BODY)
    assert issues == []


def test_each_slide_gets_its_own_issues() -> None:
    result = checks(BODY, '<p style="font-size:9px">tiny</p>' + BODY, BODY)
    assert [kinds(issues) for issues in result] == [set(), {("small-text", "review")}, set()]


def test_a_table_that_grows_with_its_rows_in_a_flex_column_is_not_clipped() -> None:
    # WeasyPrint sizes a table's wrapper before the rows wrap; a browser grows the table.
    rows = "".join(
        f"<tr><td>workspace-with-a-long-name-{i}</td><td>Business unit {i}</td></tr>"
        for i in range(6)
    )
    table = f'<table style="overflow:hidden"><tbody>{rows}</tbody></table>'
    body = (
        '<div class="columns" style="display:flex">'
        f'<div class="column" style="flex:1 1 0;display:flex;flex-direction:column">{table}</div>'
        '<div class="column" style="flex:2 1 0"><p>Beside it.</p></div></div>'
    )
    [issues] = checks(body)
    assert [i for i in issues if i.check in ("clipped", "overflow")] == []


def test_a_title_over_a_large_picture_is_not_an_empty_slide() -> None:
    picture = (
        '<img alt="" style="width:1000px;height:480px" src="data:image/png;base64,'
        'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==">'
    )
    [alone, pictured] = checks("", picture)
    assert ("empty", "review") in kinds(alone)  # a title alone: mostly empty
    assert ("empty", "review") not in kinds(pictured), pictured


def test_columns_the_print_layout_places_are_not_taken_for_positioned_text() -> None:
    """The print layout places a slide's columns absolutely (one layout pass each); text in
    them is still flow text, as in the style's own grid: a card pulled over another by a
    negative margin is not an overlap of positioned text (it was flagged before the mark)."""
    from slidegen.render.layout_check import PLACED, _head, _print_plan
    from slidegen.render.placed_columns import place_columns

    html = (
        '<section class="slide"><h1>Overlap</h1><div class="columns"><div class="column">'
        '<div class="card"><p>First card text here</p></div>'
        '<div class="card" style="margin-top:-85px"><p>Second card pulled up</p></div></div>'
        '<div class="column"><div class="card"><p>Other</p></div></div></div></section>'
    )
    assert PLACED in place_columns(html, _print_plan(_head(CSS))[1])  # it is placed
    in_flow = html.replace('<div class="columns">', '<div class="columns" style="gap: 36px">')
    assert PLACED not in place_columns(in_flow, _print_plan(_head(CSS))[1])  # it is not
    assert check_layout(CSS, [Slide(html=html)]) == check_layout(CSS, [Slide(html=in_flow)])
    assert check_layout(CSS, [Slide(html=html)]) == [[]]
