"""The offline engine's decks and edits through the real services, on SQLite and PostgreSQL.

Each deck prompt is chosen for the new session as the Chat start screen does; the default
profile's sample data source answers the engine's queries. Expected numbers are computed
here from `sample_rows()`.
"""

from __future__ import annotations

import re
from collections import defaultdict

import pytest
from sqlalchemy import select

from slidegen import seed_content
from slidegen.db.models import SlideDeckPrompt
from slidegen.schemas.decks import SessionDetail
from slidegen.services.decks.store import slide_title
from slidegen.tools.sample_data import sample_rows
from tests.integration.test_generation import (
    ALICE,
    Workspace,
    generate,
    messages,
    request_row,
    run_job,
    show,
    start_edit,
    titles,
    workspace_fixture,  # noqa: F401  (the `ws` fixture)
)

PLACEHOLDER = re.compile(r"\bTBD\b|\bTODO\b|lorem|placeholder", re.I)
MONTHS = ",".join(
    f"{m} {y}"
    for y, ms in (("2025", "Nov Dec"), ("2026", "Jan Feb Mar Apr May Jun Jul Aug Sep Oct"))
    for m in ms.split()
)
TITLES = {
    "Consumption Review": "Consumption review of Databricks workspaces",
    "Quarterly Business Review": "Quarterly business review of data platform",
    "Executive Summary": "Executive summary of platform spend",
    "Use Case Analysis": "Use case analysis of data and AI workloads",
}


def prompt_id(ws: Workspace, name: str) -> int:
    with ws.db.scope() as session:
        return session.scalar(select(SlideDeckPrompt.id).where(SlideDeckPrompt.name == name))


def deck_for(ws: Workspace, name: str, request: str | None = None) -> SessionDetail:
    """Generate a deck with this deck prompt chosen for the new session."""
    prompt = request or seed_content.starter_request(name)
    handle = generate(ws, prompt=prompt, deck_prompt_id=prompt_id(ws, name))
    assert request_row(ws, handle.request_id).status == "completed"
    return show(ws, handle.session_id)


def visible_text(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def money_k(value: float) -> str:
    return f"${value / 1000:.1f}K" if value < 100_000 else f"${value / 1000:.0f}K"


@pytest.mark.parametrize("name", list(TITLES))
def test_each_deck_prompt_gives_a_full_deck_of_real_content(ws: Workspace, name: str) -> None:
    detail = deck_for(ws, name)
    assert detail.title == TITLES[name]
    assert 6 <= len(detail.slides) <= 12
    layouts = set()
    for slide in detail.slides:
        text = visible_text(slide.html)
        assert not PLACEHOLDER.search(text), text
        assert slide.notes.strip(), f"no speaker notes on {slide_title(slide.html)}"
        assert "_" not in " ".join(re.findall(r"<th[^>]*>(.*?)</th>", slide.html))
        for cls in ("kpis", "figure", "<table", "card", "title-slide"):
            if cls in slide.html:
                layouts.add(cls)
        for chart in slide.charts:
            if chart.categories and str(chart.categories[0]).endswith("2025"):
                assert ",".join(map(str, chart.categories)) == MONTHS  # time runs left to right
                assert chart.type in ("column", "stacked", "line")
    assert {"kpis", "figure", "card", "title-slide"} <= layouts


def test_the_consumption_review_states_the_data_numbers(ws: Workspace) -> None:
    detail = deck_for(ws, "Consumption Review")
    rows = sample_rows()[1]
    total = sum(r["cost_usd"] for r in rows)
    october = sum(r["cost_usd"] for r in rows if r["usage_date"].strftime("%Y-%m") == "2026-10")
    september = sum(r["cost_usd"] for r in rows if r["usage_date"].strftime("%Y-%m") == "2026-09")
    summary = visible_text(detail.slides[1].html)
    assert f"${total / 1000:.0f}K" in summary  # $711K
    assert money_k(october) in summary  # $70.8K
    assert f"{october / september - 1:+.1%}" in summary
    deck = " ".join(visible_text(s.html) for s in detail.slides)
    assert "Source: workspace_consumption, Nov 2025 to Oct 2026" in deck
    assert "13 Mar 2026 to 22 Mar 2026" in deck  # the incident
    assert "Owner: sam.kim@example.com (Engineering)" in deck  # owners from the data
    assert re.search(r"Assumes others move \d+\.\d% of All-Purpose Compute", deck)


def test_titles_come_from_the_subject_and_are_never_cut(ws: Workspace) -> None:
    detail = deck_for(
        ws,
        "Executive Summary",
        "Executive summary of our cloud spend for the CFO — keep it short, use € not $",
    )
    assert detail.title == "Executive summary of cloud spend"
    assert len(detail.slides) <= 6
    assert "stays in USD" in detail.slides[0].notes
    long_request = "Please review " + "the SKU and team costs in detail, " * 100 + "and finish."
    assert len(long_request) > 3200
    detail = deck_for(ws, "Consumption Review", long_request)
    assert detail.title == "Review the SKU and team costs in detail"  # its first clause
    assert not {"SKU", "Team", "Finish"} & set(titles(detail))
    assert all(len(t) < 90 and not t.endswith("…") for t in titles(detail))
    run_on = "Tell the story of " + " ".join(["platform cost and usage growth"] * 110)
    assert len(run_on) > 3200
    assert deck_for(ws, "Consumption Review", run_on).title == "Consumption review"


# -- edits ---------------------------------------------------------------------------------------


def numbered(detail: SessionDetail, pattern: str) -> int:
    """The 1-based number of the first slide whose title matches."""
    return next(n for n, t in enumerate(titles(detail), 1) if re.search(pattern, t))


def edit(
    ws: Workspace, detail: SessionDetail, instruction: str, **options: object
) -> SessionDetail:
    handle = start_edit(ws, session_id=detail.session_id, instruction=instruction, **options)
    row = run_job(ws, handle)
    assert (row.status, row.error_message) == ("completed", None)
    return show(ws, detail.session_id)


def refused(ws: Workspace, detail: SessionDetail, instruction: str, **options: object) -> str:
    """Run an edit the engine cannot do; check nothing changed; return its one sentence."""
    handle = start_edit(ws, session_id=detail.session_id, instruction=instruction, **options)
    row = run_job(ws, handle)
    after = show(ws, detail.session_id)
    assert row.status == "error"
    assert (after.version, after.slides) == (detail.version, detail.slides)
    chat = messages(ws, detail.session_id)
    assert (chat[-1].role, chat[-1].message_type) == ("assistant", "error")
    assert chat[-1].content == row.error_message
    assert instruction not in " ".join(s.html for s in after.slides)
    assert row.error_message.count(". ") == 0 and row.error_message.endswith(".")
    return row.error_message


def test_chart_type_edits_keep_time_along_the_x_axis(ws: Workspace) -> None:
    deck = deck_for(ws, "Consumption Review")
    trend = numbered(deck, r"^Growth")
    edited = edit(ws, deck, f"make slide {trend} a bar chart")
    chart = edited.slides[trend - 1].charts[0]
    assert (chart.type, chart.categories) == ("column", deck.slides[trend - 1].charts[0].categories)
    assert messages(ws, deck.session_id)[-1].content == f"Edited slide {trend}"
    shares = numbered(edited, r"accounts for")
    pie = edit(ws, edited, "make it a pie chart", slide_numbers=[shares])
    assert [c.type for c in pie.slides[shares - 1].charts] == ["pie"]
    summary = numbered(pie, r"^Spend reached")
    sentence = refused(ws, pie, "make it a pie chart", slide_numbers=[summary])
    assert (
        sentence == "A single time series cannot be a pie chart; a pie shows shares of one total."
    )


def test_concise_split_swap_remove_and_add_about(ws: Workspace) -> None:
    deck = deck_for(ws, "Consumption Review")
    plan = numbered(deck, r"^Three actions")
    shorter = edit(ws, deck, "make this more concise", slide_numbers=[plan])
    before, after = (d.slides[plan - 1].html.count("<li>") for d in (deck, shorter))
    assert after < before
    assert "concise" not in shorter.slides[plan - 1].html

    split = edit(ws, shorter, "split this slide", slide_numbers=[plan])
    assert len(split.slides) == len(deck.slides) + 1
    assert titles(split)[plan] == titles(split)[plan - 1] + " (continued)"

    swapped = edit(ws, split, "swap slides 3 and 4")
    assert titles(swapped)[2:4] == [titles(split)[3], titles(split)[2]]

    table = numbered(swapped, r"largest mover")
    no_table = edit(ws, swapped, "remove the table", slide_numbers=[table])
    assert "<table" in swapped.slides[table - 1].html
    assert "<table" not in no_table.slides[table - 1].html

    added = edit(ws, no_table, "add a slide about prod-ml", slide_numbers=[2])
    new = added.slides[2]
    cost = defaultdict(float)
    for row in sample_rows()[1]:
        cost[row["workspace"]] += row["cost_usd"]
    assert slide_title(new.html).startswith(f"prod-ml: ${cost['prod-ml'] / 1000:.0f}K")
    assert new.notes and [c.type for c in new.charts] == ["column"]


def test_what_the_engine_cannot_do_it_says_in_one_sentence(ws: Workspace) -> None:
    deck = deck_for(ws, "Executive Summary")
    sentence = refused(ws, deck, "write this as a sonnet", slide_numbers=[2])
    assert sentence.startswith("The offline demo engine cannot do that without a model")
    title_slide = 1
    assert "table" in refused(ws, deck, "remove the table", slide_numbers=[title_slide])
    assert "SKUs or workspaces" in refused(ws, deck, "add a slide about the weather")
    assert ALICE.name  # the edits ran as the deck's owner
