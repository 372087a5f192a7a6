"""Ratings on the Chat page: badges, the Why panel (plain text only), Fix, thumbs."""

from __future__ import annotations

from sqlalchemy import select

from slidegen.config import Settings
from slidegen.db.database import Database
from slidegen.db.models import SessionMessage
from slidegen.services.decks import hand_edits
from tests.app.test_chat_page import USER, detail, generate, open_chat

HOSTILE = "![x](http://evil.example/x.png) *bold* <b>tag</b>"


def plant(url: str, session_id: str) -> str:
    """Add numbers no data gives, next to hostile text, to the first slide with verified
    numbers; return its id."""
    current = detail(url, session_id)
    kpi = next(s for s in current.slides if any(f.verdict == "verified" for f in s.findings))
    html = kpi.html.replace(
        "</h1>", f"</h1><p>{HOSTILE.replace('<', '&lt;')} $811K and 4,444,444</p>", 1
    )
    database = Database(Settings(DATABASE_URL=url))
    with database.scope() as session:
        hand_edits.update_slide(
            session,
            USER,
            session_id=session_id,
            slide_id=kpi.slide_id,
            expected_version=current.version,
            html=html,
        )
    database.dispose()
    return kpi.slide_id


def open_on(url: str, session_id: str, slide_id: str):  # noqa: ANN201
    """Open the deck in Focus with this slide large (as the strip's Open button does)."""
    at = open_chat(session_id)
    index = [s.slide_id for s in detail(url, session_id).slides].index(slide_id)
    at.session_state[f"deck-focus-{session_id}"] = index
    at.run()
    return at


def texts(at) -> list[str]:  # noqa: ANN001
    return [str(m.value) for m in at.markdown] + [str(c.value) for c in at.caption]


def test_each_slide_shows_its_rating_and_why_lists_findings_as_plain_text(app_env: str) -> None:
    session_id = generate(app_env)
    slide_id = plant(app_env, session_id)
    ratings = {s.slide_id: s.rating for s in detail(app_env, session_id).slides}
    assert ratings[slide_id] in ("review", "problem")
    at = open_on(app_env, session_id, slide_id)
    assert not [t for t in texts(at) if "811K" in t]  # a closed panel builds nothing
    at.session_state[f"why-{slide_id}"] = True  # open the focused slide's Why (it is lazy)
    at.run()
    assert not at.exception, at.exception
    shown = texts(at)
    badges = [t for t in shown if "badge[" in t]
    assert len(badges) == len(ratings) + 1  # the strip's badges and the focused slide's
    for rating in ("review", "problem"):
        strip = sum(rating.capitalize() in b for b in badges[-len(ratings) :])
        assert strip == sum(r == rating for r in ratings.values())
    # The planted number and the hostile context appear escaped, never as Markdown.
    planted = [t for t in shown if "811K" in t]
    assert planted and all("\\$811K" in t for t in planted)
    hostile = [t for t in shown if "evil" in t]
    assert hostile and all("\\!\\[x\\]" in t and "![x]" not in t for t in hostile)
    assert any("SELECT" in t for t in shown)  # a verified number names its query


def test_fix_starts_an_edit_of_that_slide_listing_its_findings(app_env: str) -> None:
    session_id = generate(app_env)
    slide_id = plant(app_env, session_id)
    at = open_on(app_env, session_id, slide_id)
    at.button(key=f"fix-{slide_id}").click().run()
    assert not at.exception, at.exception
    database = Database(Settings(DATABASE_URL=app_env))
    with database.scope() as session:
        last = session.scalars(
            select(SessionMessage)
            .where(SessionMessage.role == "user")
            .order_by(SessionMessage.id.desc())
        ).first()
        instruction, meta = last.content, last.metadata_json
    database.dispose()
    assert instruction.startswith("Fix these findings")
    assert "$811K" in instruction and "4,444,444" in instruction
    assert meta["mode"] == "edit" and meta["slide_ids"] == [slide_id]


def test_thumbs_up_is_stored_with_the_slides_result(app_env: str) -> None:
    session_id = generate(app_env)
    first = detail(app_env, session_id).slides[0].slide_id
    at = open_chat(session_id)
    at.button(key=f"thumb-up-{first}").click().run()
    assert not at.exception, at.exception
    assert any("rating of the check was recorded" in str(t.value) for t in at.toast)


def test_fix_corrects_a_wrong_chart_value_from_the_data_without_the_model(app_env: str) -> None:
    session_id = generate(app_env)
    current = detail(app_env, session_id)
    index, target = next(
        (i, s)
        for i, s in enumerate(current.slides)
        if s.rating == "verified" and s.charts and len(s.charts[0].series[0].values) >= 3
    )
    right = target.charts[0].series[0].values[1]
    charts = [c.model_copy(deep=True) for c in target.charts]
    charts[0].series[0].values[1] = 987654.0
    database = Database(Settings(DATABASE_URL=app_env))
    with database.scope() as session:
        hand_edits.update_slide(
            session,
            USER,
            session_id=session_id,
            slide_id=target.slide_id,
            expected_version=current.version,
            charts=charts,
        )
    database.dispose()
    assert detail(app_env, session_id).slides[index].rating == "problem"
    at = open_on(app_env, session_id, target.slide_id)
    at.button(key=f"fix-{target.slide_id}").click().run()
    assert not at.exception, at.exception
    assert any("Corrected from the data" in str(t.value) for t in at.toast)
    fixed = detail(app_env, session_id)
    assert fixed.slides[index].rating == "verified"
    assert fixed.slides[index].charts[0].series[0].values[1] == right
    assert fixed.versions[0].description.startswith(f"Fixed slide {index + 1} from the data")
