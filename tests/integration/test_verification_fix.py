"""A direct fix: wrong numbers the data settles are corrected without the LLM, as a save point.

Runs on SQLite and PostgreSQL, on a deck a scripted model built from the sample data.
"""

from __future__ import annotations

import pytest

from slidegen.errors import InvalidInputError, NotFoundError
from slidegen.services.decks import hand_edits
from slidegen.services.decks.store import restore_save_point
from tests.integration.test_generation import (
    ALICE,
    BOB,
    FakeLLM,
    Workspace,
    fake_llm_fixture,  # noqa: F401  (the `llm` fixture)
    show,
    workspace_fixture,  # noqa: F401  (the `ws` fixture)
)
from tests.integration.test_verification import scripted_deck

WRONG_CHART = (
    '<figure class="chart" data-chart=\'{"type": "bar", "categories": ["Jobs Compute", '
    '"DLT"], "series": [{"name": "cost", "values": [174619, 99000]}]}\'></figure>'
)


def fix(ws: Workspace, session_id: str, slide_id: str, user=ALICE):  # noqa: ANN001, ANN201
    with ws.db.scope() as session:
        return hand_edits.fix_from_data(
            session,
            user,
            session_id=session_id,
            slide_id=slide_id,
            expected_version=show(ws, session_id).version,
        )


def test_a_swapped_table_value_and_a_wrong_chart_value_are_corrected_and_can_be_undone(
    ws: Workspace, llm: FakeLLM
) -> None:
    session_id = scripted_deck(ws, llm)
    planted = show(ws, session_id).slides[1]
    # An invented number has no value to fix to: the direct fix refuses the whole slide.
    with pytest.raises(InvalidInputError, match="use Fix to ask the model"):
        fix(ws, session_id, planted.slide_id)
    html = planted.html.replace("<p>Savings of $95,000 expected.</p>", WRONG_CHART)
    with ws.db.scope() as session:
        hand_edits.update_slide(
            session,
            ALICE,
            session_id=session_id,
            slide_id=planted.slide_id,
            expected_version=show(ws, session_id).version,
            html=html,
        )
    wrong = show(ws, session_id).slides[1]
    assert wrong.rating == "problem"
    assert {f.number: f.fix for f in wrong.findings if f.verdict != "verified"} == {
        "164,234": "174,619",
        "99000": "102002",
    }
    with pytest.raises(NotFoundError):  # someone the deck is not shared with
        fix(ws, session_id, planted.slide_id, user=BOB)
    fixed_detail = fix(ws, session_id, planted.slide_id)
    fixed = fixed_detail.slides[1]
    assert fixed.rating == "verified"
    assert "174,619" in fixed.html and "164,234" not in fixed.html
    assert fixed.charts[0].series[0].values == [174619, 102002]
    assert fixed_detail.versions[0].description == (
        "Fixed slide 2 from the data: 164,234 → 174,619, 99000 → 102002"
    )
    with ws.db.scope() as session:  # undo: back to the save point before the fix
        restore_save_point(
            session,
            ALICE,
            session_id=session_id,
            version_number=fixed_detail.versions[1].version_number,
        )
    undone = show(ws, session_id).slides[1]
    assert "164,234" in undone.html and undone.rating == "problem"
