"""Edits by hand: move, duplicate, delete, HTML / notes / chart data, with version checks."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from slidegen.db.models import UserSession
from slidegen.deck import ChartSeries, ChartSpec, Deck, Slide
from slidegen.errors import ConflictError, InvalidInputError
from slidegen.identity import User
from slidegen.services.decks import hand_edits as slides
from slidegen.services.decks import store as decks
from tests.factories import make_session

OWNER = User(name="olga@example.com", display_name="Olga")
CHART = ChartSpec(
    chart_id="c1", type="bar", categories=["a", "b"], series=[ChartSeries(name="x", values=[1, 2])]
)


@pytest.fixture
def session_id(db: Session) -> str:
    row = make_session(OWNER.name, title="Deck")
    db.add(row)
    db.flush()
    deck = Deck(
        title="Deck",
        slides=[
            Slide(slide_id="s1", html='<section class="slide"><h1>One</h1></section>'),
            Slide(
                slide_id="s2",
                html='<section class="slide"><h1>Two</h1>'
                '<figure class="chart" data-chart-id="c1"></figure></section>',
                charts=[CHART],
                notes="Say two.",
            ),
            Slide(slide_id="s3", html='<section class="slide"><h1>Three</h1></section>'),
        ],
    )
    decks.store_deck(db, row, deck, user=OWNER, expected_version=0)
    return row.session_id


def order(detail: decks.SessionDetail) -> list[str]:
    return [s.slide_id for s in detail.slides]


def test_move_duplicate_delete_each_make_a_save_point(db: Session, session_id: str) -> None:
    moved = slides.move_slide(
        db, OWNER, session_id=session_id, slide_id="s1", offset=1, expected_version=1
    )
    assert (
        order(moved) == ["s2", "s1", "s3"]
        and moved.versions[0].description == "Moved slide 1 to position 2"
    )
    copied = slides.duplicate_slide(
        db, OWNER, session_id=session_id, slide_id="s2", expected_version=moved.version
    )
    assert len(copied.slides) == 4 and copied.slides[1].slide_id not in ("s1", "s2", "s3")
    assert copied.slides[1].charts[0].chart_id != "c1"  # the copy's chart is its own
    assert f'data-chart-id="{copied.slides[1].charts[0].chart_id}"' in copied.slides[1].html
    deleted = slides.delete_slide(
        db, OWNER, session_id=session_id, slide_id="s3", expected_version=copied.version
    )
    assert "s3" not in order(deleted)
    assert [v.description for v in deleted.versions] == [
        "Deleted slide 4",
        "Duplicated slide 1",
        "Moved slide 1 to position 2",
    ]


def test_a_stale_version_is_a_conflict(db: Session, session_id: str) -> None:
    slides.move_slide(db, OWNER, session_id=session_id, slide_id="s1", offset=1, expected_version=1)
    with pytest.raises(ConflictError, match="changed by someone else"):
        slides.delete_slide(db, OWNER, session_id=session_id, slide_id="s2", expected_version=1)


def test_edited_html_is_sanitised_and_keeps_referenced_charts(db: Session, session_id: str) -> None:
    hostile = (
        '<section class="slide"><h1 onclick="alert(1)">Two, revised</h1>'
        '<figure class="chart" data-chart-id="c1"></figure><script>alert(1)</script>'
        '<img src="https://evil.example/pixel.png"></section>'
    )
    detail = slides.update_slide(
        db, OWNER, session_id=session_id, slide_id="s2", expected_version=1, html=hostile
    )
    slide = detail.slides[1]
    assert "Two, revised" in slide.html
    for bad in ("onclick", "<script", "evil.example"):
        assert bad not in slide.html
    assert [c.chart_id for c in slide.charts] == ["c1"] and slide.notes == "Say two."


def test_notes_and_chart_data_change_without_touching_html(db: Session, session_id: str) -> None:
    new_chart = CHART.model_copy(
        update={"type": "line", "series": [ChartSeries(name="x", values=[5, 6])]}
    )
    detail = slides.update_slide(
        db,
        OWNER,
        session_id=session_id,
        slide_id="s2",
        expected_version=1,
        notes=" New notes ",
        charts=[new_chart],
    )
    slide = detail.slides[1]
    assert slide.notes == "New notes"
    assert (slide.charts[0].type, slide.charts[0].series[0].values) == ("line", [5.0, 6.0])


def test_the_last_slide_cannot_be_deleted_and_others_cannot_edit(
    db: Session, session_id: str
) -> None:
    version = 1
    for slide_id in ("s1", "s2"):
        version = slides.delete_slide(
            db, OWNER, session_id=session_id, slide_id=slide_id, expected_version=version
        ).version
    with pytest.raises(InvalidInputError, match="at least one slide"):
        slides.delete_slide(
            db, OWNER, session_id=session_id, slide_id="s3", expected_version=version
        )
    stranger = User(name="sam@example.com", display_name="Sam")
    with pytest.raises(Exception, match="does not exist or you don't have access"):
        slides.move_slide(
            db, stranger, session_id=session_id, slide_id="s3", offset=-1, expected_version=version
        )


def test_changes_by_hand_and_restores_are_told_in_the_chat_and_mark_the_deck_active(
    db: Session, session_id: str
) -> None:
    row = db.scalar(select(UserSession).where(UserSession.session_id == session_id))
    row.last_activity = datetime(2020, 1, 1, tzinfo=UTC)
    db.flush()
    moved = slides.move_slide(
        db, OWNER, session_id=session_id, slide_id="s1", offset=1, expected_version=1
    )
    gone = slides.delete_slide(
        db, OWNER, session_id=session_id, slide_id="s3", expected_version=moved.version
    )
    decks.restore_save_point(
        db, OWNER, session_id=session_id, version_number=gone.versions[1].version_number
    )
    chat = [
        (m.role, m.content, m.message_type)
        for m in decks.list_messages(db, OWNER, session_id=session_id)
    ]
    assert chat[-3:] == [
        ("assistant", "Moved slide 1 to position 2", "deck_change"),
        ("assistant", "Deleted slide 3", "deck_change"),
        ("assistant", f"Restored save point {gone.versions[1].version_number}", "deck_change"),
    ]
    db.expire(row)
    assert row.last_activity.year > 2020  # History orders decks by it
