"""The slide editor shows slide HTML laid out, one block a line; only whitespace changes."""

from __future__ import annotations

from slidegen.render.pretty import pretty_html
from tests.e2e.test_chat_in_browser import REVIEW_SLIDES


def test_each_block_gets_a_line_and_only_whitespace_changes() -> None:
    for html in REVIEW_SLIDES:
        one_line = " ".join(html.split())
        laid_out = pretty_html(one_line)
        assert "".join(laid_out.split()) == "".join(one_line.split())
        assert laid_out.count("\n") >= one_line.count("<h1") + one_line.count("<li") + 2
    kpi = pretty_html(" ".join(REVIEW_SLIDES[1].split())).splitlines()
    assert kpi[0] == '<section class="slide">'
    assert kpi[1] == "  <h1>Spend grew 18% while Jobs usage stayed flat</h1>"
    assert "    <li><strong>SQL Serverless</strong> accounts for most of the increase</li>" in kpi


def test_preformatted_text_is_left_alone() -> None:
    html = '<section class="slide"><h1>Code</h1><pre>a\n  b</pre></section>'
    assert pretty_html(html) == html
