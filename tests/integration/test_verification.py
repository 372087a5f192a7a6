"""Verification end to end: tool results kept with the request, ratings stored by content hash.

A scripted model (the real openai client against the fake server) queries the sample data and
writes slides with numbers right and planted wrong; the offline engine's deck must rate
verified. Runs on SQLite and PostgreSQL.
"""

from __future__ import annotations

import json
import logging
import sqlite3

import pytest
from sqlalchemy import make_url, select, text

from slidegen.db.base import utcnow
from slidegen.db.models import SessionSlideDeck, UserSession
from slidegen.deck import Slide
from slidegen.errors import InvalidInputError, NotFoundError
from slidegen.render import layout_check, layout_worker
from slidegen.schemas.verification import DeckVerification, Finding
from slidegen.services.decks import hand_edits
from slidegen.services.decks import store as decks
from slidegen.services.doctor import run_doctor
from slidegen.services.usage import dashboard
from slidegen.services.usage.rollups import utc_day
from slidegen.services.verification import data as tool_data
from slidegen.services.verification import service
from slidegen.services.verification.service import rate_verification, verify_session
from slidegen.tools.base import ToolResult
from tests.fakes.openai_server import Reply, ToolCall
from tests.integration.test_generation import (
    ALICE,
    BARE_PROFILE,
    BOB,
    FakeLLM,
    Workspace,
    fake_llm_fixture,  # noqa: F401  (the `llm` fixture)
    generate,
    run_job,
    show,
    start_edit,
    start_generation,
    workspace_fixture,  # noqa: F401  (the `ws` fixture)
)

SKU_SQL = (
    "SELECT sku, ROUND(SUM(cost_usd), 0) AS cost_usd FROM workspace_consumption "
    "GROUP BY sku ORDER BY 2 DESC"
)
RIGHT = (
    '<section class="slide"><h1>Where the money goes</h1>'
    "<p>All-Purpose Compute cost $206K, 29% of the $711K total.</p>"
    '<figure class="chart" data-chart=\'{"type": "bar", "categories": ["Jobs Compute", '
    '"DLT"], "series": [{"name": "cost", "values": [174619, 102002]}]}\'></figure></section>'
)
PLANTED = (
    '<section class="slide"><h1>SKU detail</h1><table>'
    "<tr><th>SKU</th><th>Cost</th></tr>"
    "<tr><td>Jobs Compute</td><td>164,234</td></tr>"  # SQL Serverless's value: a swap
    "<tr><td>DLT</td><td>102,002</td></tr></table>"
    "<p>Savings of $95,000 expected.</p></section>"  # invented
)
OVERFLOWING = (
    '<section class="slide"><h1>Everything at once</h1><p>'
    + "Too much text for one slide. " * 120
    + "</p></section>"
)
PLAIN = (
    '<section class="slide"><h1>Next steps</h1>'
    + "<p>Review the largest jobs with their owners and agree on budgets per team.</p>" * 4
    + "</section>"
)


def verify(ws: Workspace, session_id: str, user=ALICE) -> DeckVerification:  # noqa: ANN001
    with ws.db.scope() as session:
        return verify_session(session, user, session_id=session_id)


def scripted_deck(ws: Workspace, llm: FakeLLM) -> str:
    llm.server.enqueue(
        Reply.tool_calls([ToolCall("sample_consumption", {"query": SKU_SQL}, id="c1")]),
        Reply.text(RIGHT + PLANTED + PLAIN),
    )
    handle = start_generation(ws, prompt="Where does the money go?")
    request = run_job(ws, handle, llm.settings)
    assert (request.status, request.error_message) == ("completed", None)
    return handle.session_id


def test_tool_results_are_kept_with_the_request_capped_and_without_conversation_ids(
    ws: Workspace, llm: FakeLLM
) -> None:
    session_id = scripted_deck(ws, llm)
    with ws.db.scope() as session:
        row = session.scalar(select(UserSession).where(UserSession.session_id == session_id))
        [kept] = row.requests[0].tool_results
    assert (kept["tool"], kept["query"], kept["columns"]) == (
        "sample_consumption",
        SKU_SQL,
        ["sku", "cost_usd"],
    )
    assert kept["rows"][0] == ["All-Purpose Compute", 206480]
    assert len(kept["rows"]) == 6 and kept["truncated"] is False
    big = ToolResult(
        content="",
        columns=["a", "b"],
        rows=[[i, "x" * 500] for i in range(1000)],
        metadata={"sql": "SELECT 1", "conversation_id": "conv-1"},
    )
    record = tool_data.capture("genie", {"question": "q?"}, big)
    assert len(json.dumps(record)) <= tool_data.MAX_RESULT_BYTES and record["truncated"]
    assert "conv-1" not in json.dumps(record)


def test_ratings_find_the_planted_errors_and_name_the_source_row(
    ws: Workspace, llm: FakeLLM
) -> None:
    session_id = scripted_deck(ws, llm)
    result = verify(ws, session_id)
    assert [s.rating for s in result.slides] == ["verified", "problem", "verified"]
    assert result.checked == 0  # the job rated every slide already
    assert [s.rating for s in show(ws, session_id).slides] == ["verified", "problem", "verified"]
    swap, invented = (f for f in result.slides[1].findings if f.verdict != "verified")
    assert swap.verdict == "problem" and swap.number == "164,234"
    assert (swap.query, swap.row, swap.column, swap.expected) == (SKU_SQL, 2, "cost_usd", "174619")
    assert (invented.verdict, invented.number) == ("review", "$95,000")
    kinds = {f.number: f.match for f in result.slides[0].findings}
    assert kinds == {
        "$206K": "unit-scaled",
        "29%": "share",
        "$711K": "sum",
        "174619": "exact",
        "102002": "exact",
    }
    contract = result.contract()
    assert set(contract) == {"session_id", "version", "slides"}
    assert set(contract["slides"][1]["findings"][0]) == {"kind", "verdict", "text", "source"}


def test_only_changed_slides_are_checked_again_and_results_survive_an_undo(
    ws: Workspace, llm: FakeLLM
) -> None:
    session_id = scripted_deck(ws, llm)
    detail = show(ws, session_id)
    planted = detail.slides[1]
    fixed = planted.html.replace("164,234", "174,619").replace(" expected", "")
    fixed = fixed.replace("Savings of $95,000", "Savings ahead")
    with ws.db.scope() as session:
        hand_edits.update_slide(
            session,
            ALICE,
            session_id=session_id,
            slide_id=planted.slide_id,
            expected_version=detail.version,
            html=fixed,
        )
    assert [s.rating for s in show(ws, session_id).slides] == ["verified"] * 3  # re-rated
    result = verify(ws, session_id)
    assert result.checked == 0  # the hand edit rated the one slide that changed
    with ws.db.scope() as session:
        hand_edits.update_slide(
            session,
            ALICE,
            session_id=session_id,
            slide_id=planted.slide_id,
            expected_version=result.version,
            html=planted.html,
        )
    again = verify(ws, session_id)
    assert again.checked == 0 and again.slides[1].rating == "problem"
    with ws.db.scope() as session:
        stored = session.scalar(
            select(SessionSlideDeck.verification_map)
            .join(UserSession, UserSession.id == SessionSlideDeck.session_id)
            .where(UserSession.session_id == session_id)
        )
    assert len(stored) == 4  # three slides, plus the fixed version of slide 2


def _held_too_long(ws: Workspace, since: object) -> bool:
    """Whether another connection keeps a transaction open since `since` (or the write lock)."""
    if ws.backend == "sqlite":
        # The app's transactions begin IMMEDIATE: while one is open, this cannot take the lock.
        probe = sqlite3.connect(make_url(ws.url).database, timeout=2.0, isolation_level=None)
        try:
            probe.execute("BEGIN IMMEDIATE")
            probe.execute("ROLLBACK")
            return False
        except sqlite3.OperationalError:
            return True
        finally:
            probe.close()
    with ws.db.engine.connect() as conn:
        return bool(
            conn.scalar(
                text(
                    "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                    "AND pid <> pg_backend_pid() AND xact_start < :since"
                ),
                {"since": since},
            )
        )


def test_a_finished_jobs_layout_checks_hold_no_transaction(
    ws: Workspace, llm: FakeLLM, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Laying slides out takes a second or more each: on SQLite a transaction open meanwhile
    holds the write lock, and every page of every user waits for it."""
    real_check = service.check_layout
    held: list[bool] = []

    def observed_check(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
        with ws.db.engine.connect() as conn:  # the database's clock, for PostgreSQL
            started = conn.scalar(text("SELECT CURRENT_TIMESTAMP"))
        result = real_check(*args, **kwargs)  # the real layout check, which takes a while
        held.append(_held_too_long(ws, started))
        return result

    monkeypatch.setattr(service, "check_layout", observed_check)
    session_id = scripted_deck(ws, llm)
    assert held == [False]
    assert all(s.layout_checked for s in show_verification(ws, session_id).slides)


def test_a_slow_models_slides_are_laid_out_while_it_writes_and_rated_the_same(
    ws: Workspace, llm: FakeLLM, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A model writing slides some tenths of a second apart: slides before the last are laid
    out in the workers while it writes, and the layout findings stored are those of checking
    the finished deck at once (the first slide, checked early, overflows)."""
    started: list[list[int]] = []
    real_submit = layout_worker.submit_early

    def observed_submit(css: str, slides: list[Slide], only: list[int]):  # noqa: ANN202
        future = real_submit(css, slides, only)
        if future is not None:
            started.append(only)
        return future

    monkeypatch.setattr(layout_worker, "submit_early", observed_submit)
    llm.server.enqueue(
        Reply.tool_calls([ToolCall("sample_consumption", {"query": SKU_SQL}, id="c1")]),
        Reply.text(OVERFLOWING + RIGHT + PLANTED + PLAIN, chunk_size=40, delay_s=0.03),
    )
    handle = start_generation(ws, prompt="Where does the money go?")
    request = run_job(ws, handle, llm.settings)
    assert (request.status, request.error_message) == ("completed", None)
    assert started and started[0][0] == 0 and 3 not in sum(started, [])  # the last at the end
    stored = show_verification(ws, handle.session_id)
    with ws.db.scope() as session:
        plan = service.plan_verification(session, ALICE, session_id=handle.session_id)
        detail = decks.show_session(session, ALICE, session_id=handle.session_id)
    slides = [Slide(html=s.html, charts=s.charts) for s in detail.slides]
    at_once = service.check_slides(plan.css, slides, plan.results, layout_check.check_layout)

    def layout(findings: list[Finding]) -> list[Finding]:
        return [f for f in findings if f.kind == "layout"]

    assert [layout(s.findings) for s in stored.slides] == [layout(f) for f, _ in at_once]
    assert layout(stored.slides[0].findings)  # the overflow was found early
    assert all(s.layout_checked for s in stored.slides)


def test_ratings_stored_after_an_edit_made_meanwhile_keep_its_unrated_slides(
    ws: Workspace, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """A request is answered before its slides are checked, so the deck may change meanwhile:
    here an edit adds a slide whose own checks fail. The first ratings are still stored."""
    handle = generate(ws, prompt="Consumption review: spend, workloads and actions")
    session_id = handle.session_id
    real_check = service.check_layout
    calls: list[int] = []

    def check_while_another_edit_lands(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
        calls.append(len(calls))
        if len(calls) == 2:  # the inserting edit's own checks, which fail
            raise RuntimeError("layout checker gone")
        if len(calls) == 1:
            insert = start_edit(
                ws,
                session_id=session_id,
                instruction="add a slide about prod-ml",
                slide_numbers=[1],
            )
            assert run_job(ws, insert).status == "completed"
        return real_check(*args, **kwargs)

    monkeypatch.setattr(service, "check_layout", check_while_another_edit_lands)
    edit = start_edit(
        ws, session_id=session_id, instruction="make the chart a line chart", slide_numbers=[3]
    )
    with caplog.at_level(logging.ERROR, logger="slidegen"):
        assert run_job(ws, edit).status == "completed"
    failed = [r.getMessage() for r in caplog.records if "verification of request" in r.message]
    assert len(failed) == 1  # the inserting edit's, not the first edit's
    detail = show(ws, session_id)
    ratings = [s.rating for s in detail.slides]
    # Every slide is rated but the inserted one (after slide 1), whose checks failed.
    assert ratings[1] is None and None not in ratings[:1] + ratings[2:]
    with ws.db.scope() as session:  # what the Chat page polls while it waits for ratings
        pulse = decks.deck_pulse(session, ALICE, session_id=session_id)
        with pytest.raises(NotFoundError):
            decks.deck_pulse(session, BOB, session_id=session_id)
    assert (pulse.version, pulse.slide_count, pulse.unrated) == (detail.version, len(ratings), 1)
    assert pulse.last_request is not None and pulse.last_request.status == "completed"


def show_verification(ws: Workspace, session_id: str) -> DeckVerification:
    """The stored ratings, read without checking anything again."""
    result = verify(ws, session_id)
    assert result.checked == 0, "the job left slides unchecked"
    return result


def test_the_offline_engines_numbers_are_all_verified(
    ws: Workspace,
) -> None:
    handle = generate(ws, prompt="Cloud cost review: monthly trend, SKU mix and next steps")
    result = verify(ws, handle.session_id)
    numbers = [f for s in result.slides for f in s.findings if f.kind == "number"]
    assert len(numbers) > 20 and {f.verdict for f in numbers} == {"verified"}
    assert all(s.layout_checked for s in result.slides)
    layout = {f.verdict for s in result.slides for f in s.findings if f.kind == "layout"}
    assert layout <= {"review"}  # a sparse agenda, say: never a broken layout


def test_numbers_of_a_request_without_data_are_unknown(ws: Workspace, llm: FakeLLM) -> None:
    llm.server.enqueue(Reply.text(RIGHT + PLAIN))
    handle = start_generation(ws, prompt="Where does the money go?", profile_name=BARE_PROFILE)
    assert run_job(ws, handle, llm.settings).status == "completed"
    assert [s.rating for s in verify(ws, handle.session_id).slides] == ["unknown", "verified"]


def test_only_readers_of_the_deck_can_verify_it(ws: Workspace, llm: FakeLLM) -> None:
    session_id = scripted_deck(ws, llm)
    with pytest.raises(NotFoundError):
        verify(ws, session_id, user=BOB)


def test_the_doctor_says_layout_checks_can_run(ws: Workspace) -> None:
    report = run_doctor(ws.db, ws.settings)
    [layout] = [c for c in report.checks if c.name == "Layout checks (WeasyPrint)"]
    assert layout.ok and layout.detail == "slides can be laid out and checked"


def test_a_thumbs_down_needs_a_reason_and_is_stored_once_per_reader(
    ws: Workspace, llm: FakeLLM
) -> None:
    session_id = scripted_deck(ws, llm)
    slide_id = show(ws, session_id).slides[1].slide_id
    with ws.db.scope() as session, pytest.raises(InvalidInputError, match="reason is needed"):
        rate_verification(session, ALICE, session_id=session_id, slide_id=slide_id, up=False)
    for up, reason in ((True, ""), (False, "164,234 is SQL Serverless, the check is right")):
        with ws.db.scope() as session:
            rate_verification(
                session, ALICE, session_id=session_id, slide_id=slide_id, up=up, reason=reason
            )
    with ws.db.scope() as session:
        stored = session.scalar(
            select(SessionSlideDeck.verification_map)
            .join(UserSession, UserSession.id == SessionSlideDeck.session_id)
            .where(UserSession.session_id == session_id)
        )
    feedback = [f for entry in stored.values() for f in entry.get("feedback", [])]
    assert feedback == [
        {
            "user": ALICE.name,
            "up": False,
            "reason": "164,234 is SQL Serverless, the check is right",
            "day": utc_day(utcnow()).isoformat(),
            "rating": "problem",
        }
    ]


def test_the_usage_dashboard_counts_checked_slides_per_rating_and_readers_votes(
    ws: Workspace, llm: FakeLLM
) -> None:
    def ratings() -> dict[str, tuple[int, int, int]]:
        today = utc_day(utcnow())
        with ws.db.scope() as session:
            report = dashboard.usage_report(
                session, ALICE, settings=ws.settings, start=today, end=today
            )
        return {v.rating: (v.slides, v.thumbs_up, v.thumbs_down) for v in report.verification}

    def added_since(before: dict[str, tuple[int, int, int]]) -> dict[str, tuple[int, ...]]:
        """What changed (the workspace's database is shared by this module's tests)."""
        now, zero = ratings(), (0, 0, 0)
        changes = {
            r: tuple(a - b for a, b in zip(now[r], before.get(r, zero), strict=True)) for r in now
        }
        return {rating: change for rating, change in changes.items() if change != zero}

    before = ratings()
    session_id = scripted_deck(ws, llm)  # the job checks its three slides
    assert added_since(before) == {"verified": (2, 0, 0), "problem": (1, 0, 0)}
    verify(ws, session_id)  # nothing changed: nothing checked, nothing counted
    assert added_since(before) == {"verified": (2, 0, 0), "problem": (1, 0, 0)}
    slide_id = show(ws, session_id).slides[1].slide_id
    for up, reason in ((True, ""), (True, ""), (False, "the check is wrong")):
        with ws.db.scope() as session:
            rate_verification(
                session, ALICE, session_id=session_id, slide_id=slide_id, up=up, reason=reason
            )
    # A reader's vote counts once: changing it moves it from up to down.
    assert added_since(before) == {"verified": (2, 0, 0), "problem": (1, 0, 1)}
