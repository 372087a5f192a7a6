"""Many people at once: shared decks never collide, generations run side by side (both backends).

The fake model holds its streams at a gate, so "the owner's job is running" and "all sixteen
stream at once" are states the tests wait for, never durations. Fixtures and helpers come from
test_generation.py.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from concurrent.futures import Future
from contextlib import contextmanager
from datetime import timedelta

import pytest
from sqlalchemy import update

from slidegen.db.base import utcnow
from slidegen.db.models import ChatRequest
from slidegen.errors import ConflictError
from slidegen.identity import User
from slidegen.services.decks import hand_edits
from slidegen.services.decks import store as decks
from slidegen.services.generation import chat_requests as requests
from slidegen.services.generation.chat_requests import STALE_HEARTBEAT
from slidegen.services.jobs.pool import JobRunner
from slidegen.services.sessions import actions as session_actions
from slidegen.services.sessions import sharing
from tests.fakes.openai_server import Reply
from tests.integration.test_generation import (
    ALICE,
    BARE_PROFILE,
    BOB,
    JOB_WAIT_S,
    SLIDE_CHARS,
    FakeLLM,
    Workspace,
    assert_unlocked,
    deck_text,
    fake_llm_fixture,  # noqa: F401  (the `llm` fixture)
    generate,
    messages,
    request_row,
    run_job,
    session_row,
    show,
    start_edit,
    start_generation,
    titles,
    wait_until,
    workspace_fixture,  # noqa: F401  (the `ws` fixture)
)


@contextmanager
def runner(ws: Workspace, llm: FakeLLM, **limits: int) -> Iterator[JobRunner]:
    """A JobRunner (one replica) for the fake model; shut down at the end."""
    job_runner = JobRunner(ws.db, llm.settings, **limits)
    try:
        yield job_runner
    finally:
        job_runner.shutdown()


def shared_with_bob(ws: Workspace, llm: FakeLLM) -> tuple[str, str]:
    """Alice's 3-slide deck, shared with Bob for editing; return it and Bob's thread on it."""
    llm.server.enqueue(Reply.text(deck_text(3)))
    handle = generate(ws, llm.settings, profile_name=BARE_PROFILE, prompt="Shared plan")
    with ws.db.scope() as session:
        sharing.share_session(
            session,
            ALICE,
            session_id=handle.session_id,
            principal_type="user",
            principal_id=BOB.name,
            permission="edit",
        )
        thread = session_actions.open_thread(session, BOB, session_id=handle.session_id)
    assert thread != handle.session_id
    return handle.session_id, thread


def attempts(ws: Workspace, user: User, session_id: str) -> dict[str, Callable[[], object]]:
    """Every way `user` can change the deck from `session_id` (their own chat or thread)."""
    detail = show(ws, session_id, user)
    first, second = (s.slide_id for s in detail.slides[:2])

    def by_hand(function: Callable[..., object], **options: object) -> Callable[[], object]:
        def attempt() -> object:
            with ws.db.scope() as session:
                return function(
                    session,
                    user,
                    session_id=session_id,
                    expected_version=detail.version,
                    **options,
                )

        return attempt

    return {
        "move": by_hand(hand_edits.move_slide, slide_id=second, offset=-1),
        "edit": by_hand(hand_edits.update_slide, slide_id=first, notes="Mine"),
        "restore": by_hand(decks.restore_save_point, version_number=1),
        "edit request": lambda: start_edit(
            ws, user, session_id=session_id, instruction="Shorter", slide_ids=[first]
        ),
        "new request": lambda: start_generation(ws, user, session_id=session_id, prompt="Again"),
    }


def test_a_contributor_meets_the_owners_running_job_and_nothing_is_lost(
    ws: Workspace, llm: FakeLLM
) -> None:
    deck_id, thread = shared_with_bob(ws, llm)
    before = show(ws, deck_id)
    bobs_tries = attempts(ws, BOB, thread)
    with runner(ws, llm) as job_runner:
        owners = start_generation(ws, session_id=deck_id, prompt="Rewrite it")
        gate = threading.Event()
        llm.server.enqueue(Reply.text(deck_text(4), chunk_size=SLIDE_CHARS, gate=gate))
        future = job_runner.submit(owners.request_id)
        try:
            wait_until(lambda: request_row(ws, owners.request_id).status == "running")
            refused = {}
            for name, attempt in bobs_tries.items():
                with pytest.raises(ConflictError) as caught:
                    attempt()
                refused[name] = caught.value.user_message
            with pytest.raises(ConflictError, match="already generating"):
                start_generation(ws, session_id=deck_id, prompt="Twice")
        finally:
            gate.set()
        future.result(timeout=JOB_WAIT_S)

    assert refused == dict.fromkeys(bobs_tries, "Alice is generating; try again when it finishes.")
    after = show(ws, deck_id)
    assert titles(after) == ["Slide 01", "Slide 02", "Slide 03", "Slide 04"]
    assert [v.description for v in after.versions] == ["Generated 4 slides", "Generated 3 slides"]
    assert [m.content for m in messages(ws, thread, BOB)] == []  # no half-made request of Bob's
    assert_unlocked(ws, deck_id)
    assert_unlocked(ws, thread)
    assert before.version < after.version
    # What Bob saw is stale now: his restore does not overwrite Alice's new deck.
    with pytest.raises(ConflictError, match="changed by someone else"):
        bobs_tries["restore"]()
    assert show(ws, deck_id).slides == after.slides


def test_the_owner_meets_a_contributors_running_job(ws: Workspace, llm: FakeLLM) -> None:
    deck_id, thread = shared_with_bob(ws, llm)
    alices_tries = attempts(ws, ALICE, deck_id)
    with runner(ws, llm) as job_runner:
        bobs = start_generation(ws, BOB, session_id=thread, prompt="Bob's version")
        assert session_row(ws, deck_id).is_processing is True  # the lock is on the deck
        gate = threading.Event()
        llm.server.enqueue(Reply.text(deck_text(2), chunk_size=SLIDE_CHARS, gate=gate))
        future = job_runner.submit(bobs.request_id)
        try:
            wait_until(lambda: request_row(ws, bobs.request_id).status == "running")
            for attempt in alices_tries.values():
                with pytest.raises(ConflictError, match="^Bob is generating; try again when"):
                    attempt()
        finally:
            gate.set()
        future.result(timeout=JOB_WAIT_S)

    assert request_row(ws, bobs.request_id).status == "completed"
    assert titles(show(ws, deck_id)) == ["Slide 01", "Slide 02"]
    assert_unlocked(ws, deck_id)
    fresh = attempts(ws, ALICE, deck_id)  # with the version she now sees, Alice's edit applies
    assert fresh["move"]() is not None
    assert titles(show(ws, deck_id)) == ["Slide 02", "Slide 01"]


USERS = [User(name=f"analyst{n:02d}@example.com", display_name=f"Analyst {n}") for n in range(16)]


def test_sixteen_generations_stream_at_once_and_all_finish(ws: Workspace, llm: FakeLLM) -> None:
    gate = threading.Event()  # every stream waits here until all sixteen are streaming
    llm.server.enqueue(Reply.text(deck_text(3), chunk_size=SLIDE_CHARS, gate=gate), times=16)
    handles = [start_generation(ws, user, profile_name=BARE_PROFILE) for user in USERS]
    with runner(ws, llm) as job_runner:
        futures = [job_runner.submit(h.request_id) for h in handles]
        try:
            wait_until(lambda: len(llm.server.chat_requests) == 16, timeout=JOB_WAIT_S)
            # All sixteen reached the model before any finished: none queued behind another.
            statuses = {request_row(ws, h.request_id).status for h in handles}
        finally:
            gate.set()
        for future in futures:
            future.result(timeout=JOB_WAIT_S)

    assert statuses == {"running"}
    for user, handle in zip(USERS, handles, strict=True):
        assert request_row(ws, handle.request_id).status == "completed"
        assert titles(show(ws, handle.session_id, user)) == ["Slide 01", "Slide 02", "Slide 03"]
        assert_unlocked(ws, handle.session_id)


def test_a_users_extra_requests_wait_in_the_database_queue_across_replicas(
    ws: Workspace, llm: FakeLLM
) -> None:
    gate = threading.Event()
    llm.server.enqueue(Reply.text(deck_text(2), chunk_size=SLIDE_CHARS, gate=gate), times=4)
    alices = [start_generation(ws, profile_name=BARE_PROFILE) for _ in range(3)]
    bobs = start_generation(ws, BOB, profile_name=BARE_PROFILE)
    with runner(ws, llm, per_user=2) as replica_a, runner(ws, llm, per_user=2) as replica_b:
        futures: list[Future[None]] = [replica_a.submit(h.request_id) for h in alices[:2]]
        try:
            wait_until(
                lambda: {request_row(ws, h.request_id).status for h in alices[:2]} == {"running"}
            )
            futures += [replica_b.submit(alices[2].request_id), replica_b.submit(bobs.request_id)]
            # Alice's two and Bob's one stream; Alice's third waits for one of hers.
            wait_until(lambda: len(llm.server.chat_requests) == 3, timeout=JOB_WAIT_S)
            replica_b.beat()  # the replica holding the queued request keeps it alive
            waiting = show(ws, alices[2].session_id).last_request
            with ws.db.scope() as session:
                assert requests.reap_stale_requests(session) == 0
        finally:
            gate.set()
        for future in futures:
            future.result(timeout=JOB_WAIT_S)

    assert (waiting.status, waiting.ahead) == ("pending", 2)
    assert (
        request_row(ws, bobs.request_id).started_at
        < request_row(ws, alices[2].request_id).started_at
    )
    third = request_row(ws, alices[2].request_id)
    assert third.status == "completed" and third.worker_id == replica_b.worker_id
    first_done = min(request_row(ws, h.request_id).completed_at for h in alices[:2])
    assert third.started_at >= first_done
    for handle in [*alices, bobs]:
        assert request_row(ws, handle.request_id).status == "completed"
        assert_unlocked(ws, handle.session_id)


def test_a_request_nobody_claimed_is_reaped_on_the_heartbeat_rule(ws: Workspace) -> None:
    orphan = start_generation(ws)  # the page died before handing it to a worker
    with ws.db.scope() as session:
        assert requests.reap_stale_requests(session) == 0  # young: it may still be submitted
        session.execute(
            update(ChatRequest)
            .where(ChatRequest.request_id == orphan.request_id)
            .values(created_at=utcnow() - STALE_HEARTBEAT - timedelta(seconds=1))
        )
    with ws.db.scope() as session:
        assert requests.reap_stale_requests(session) == 1
    reaped = request_row(ws, orphan.request_id)
    assert (reaped.status, reaped.error_message) == (
        "error",
        "The request was never started (the app restarted); send it again.",
    )
    assert_unlocked(ws, orphan.session_id)
    again = start_generation(ws, session_id=orphan.session_id, prompt="Once more")
    assert run_job(ws, again).status == "completed"


@pytest.mark.parametrize("snapshot", [True, False], ids=["snapshot", "scope"])
def test_a_page_sees_a_deck_and_its_conversation_at_one_moment(
    ws: Workspace, snapshot: bool
) -> None:
    """The Chat page reads the deck, then the conversation. An edit that finishes between the
    two reads must not put its reply beside the slides it replaced: on PostgreSQL the page
    then showed "Edited slides 2, 4" over the old slides, and stopped watching for a change
    it had already missed. `Database.snapshot` is the page's read; a plain scope shows the
    race it prevents.
    """
    if ws.backend == "sqlite":
        pytest.skip("SQLite transactions begin IMMEDIATE: no other transaction commits in one")
    first = generate(ws)
    reads = ws.db.snapshot() if snapshot else ws.db.scope()
    with reads as session:
        deck = decks.show_session(session, ALICE, session_id=first.session_id)
        edit = start_edit(ws, session_id=first.session_id, instruction="Shorter", slide_numbers=[1])
        assert run_job(ws, edit).status == "completed"  # committed between the two reads
        thread = decks.list_messages(session, ALICE, session_id=first.session_id)
    versions = [m.metadata.get("version") for m in thread if m.message_type == "slide_update"]
    if snapshot:
        assert versions == [deck.version], "the conversation is not the deck's"
    else:
        assert versions == [deck.version, deck.version + 1]
