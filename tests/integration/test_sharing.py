"""Sharing, organising and contributor threads on a shared deck (both backends)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from slidegen.db.models import SessionMessage, SessionPermission, SlideDeckVersion, UserSession
from slidegen.errors import ConflictError, InvalidInputError, NotFoundError, PermissionDeniedError
from slidegen.identity import User
from slidegen.services.decks import hand_edits as slides
from slidegen.services.decks import store as decks
from slidegen.services.sessions import actions as session_actions
from slidegen.services.sessions import queries as sessions
from slidegen.services.sessions import sharing
from tests.integration.test_permission_matrix import EDITOR, OWNER, READER, STRANGER, shared_deck


def test_sharing_dialog_rules(db: Session) -> None:
    session_id = shared_deck(db, visibility="private", owner=OWNER.name)
    out = sharing.share_session(
        db,
        OWNER,
        session_id=session_id,
        principal_type="user",
        principal_id="zoe@example.com",
        permission="edit",
    )
    assert out.visibility == "shared"  # a private deck becomes shared by its first grant
    assert ("user", "zoe@example.com", "edit") in {
        (g.principal_type, g.principal_id, g.permission) for g in out.grants
    }
    out = sharing.share_session(
        db,
        OWNER,
        session_id=session_id,
        principal_type="user",
        principal_id="zoe@example.com",
        permission="read",
    )
    assert [g.permission for g in out.grants if g.principal_id == "zoe@example.com"] == ["read"]
    with pytest.raises(InvalidInputError, match="owner always keeps edit"):
        sharing.share_session(
            db,
            OWNER,
            session_id=session_id,
            principal_type="user",
            principal_id=OWNER.name,
            permission="read",
        )
    with pytest.raises(InvalidInputError, match="not an email"):
        sharing.share_session(
            db,
            OWNER,
            session_id=session_id,
            principal_type="user",
            principal_id="zoe",
            permission="read",
        )
    out = sharing.unshare_session(
        db, OWNER, session_id=session_id, principal_type="user", principal_id=READER.name
    )
    assert READER.name not in {g.principal_id for g in out.grants}
    with pytest.raises(NotFoundError):
        decks.show_session(db, READER, session_id=session_id)
    with pytest.raises(InvalidInputError, match="Unknown visibility"):
        sharing.set_visibility(db, OWNER, session_id=session_id, visibility="public")
    sharing.set_visibility(db, OWNER, session_id=session_id, visibility="private")
    with pytest.raises(NotFoundError):  # grants sleep while private
        decks.show_session(db, EDITOR, session_id=session_id)


def test_rename_duplicate_delete(db: Session) -> None:
    session_id = shared_deck(db, visibility="shared", owner=OWNER.name)
    with pytest.raises(InvalidInputError, match="Enter a title"):
        session_actions.rename_session(db, EDITOR, session_id=session_id, title="   ")
    with pytest.raises(InvalidInputError, match="at most 100 characters"):
        session_actions.rename_session(db, EDITOR, session_id=session_id, title="Q3 " * 100)
    renamed = session_actions.rename_session(db, EDITOR, session_id=session_id, title=" Q3  plan ")
    assert renamed.title == "Q3 plan"
    slides.delete_slide(db, OWNER, session_id=session_id, slide_id="s3", expected_version=1)
    copy = session_actions.duplicate_session(db, READER, session_id=session_id, version_number=1)
    assert (copy.created_by, copy.visibility, copy.slide_count) == (READER.name, "private", 3)
    assert copy.title == "Q3 plan (save point 1)" and copy.my_right == "manage"
    whole = session_actions.duplicate_session(db, READER, session_id=session_id)
    assert whole.slide_count == 2
    with pytest.raises(NotFoundError, match="Save point 99"):
        session_actions.duplicate_session(db, READER, session_id=session_id, version_number=99)
    with pytest.raises(PermissionDeniedError, match="only its owner"):
        session_actions.delete_session(db, EDITOR, session_id=session_id)
    assert session_actions.delete_session(db, OWNER, session_id=session_id) == "Q3 plan"
    gone = db.scalar(
        select(func.count()).select_from(UserSession).where(UserSession.session_id == session_id)
    )
    assert gone == 0
    assert (
        db.scalar(
            select(func.count())
            .select_from(SlideDeckVersion)
            .where(SlideDeckVersion.created_by == READER.name)
        )
        == 2
    )  # the copies are untouched


def test_contributor_gets_own_thread_on_the_shared_deck(db: Session) -> None:
    session_id = shared_deck(db, visibility="shared", owner=OWNER.name)
    assert session_actions.open_thread(db, OWNER, session_id=session_id) == session_id
    assert session_actions.open_thread(db, READER, session_id=session_id) == session_id
    thread = session_actions.open_thread(db, EDITOR, session_id=session_id)
    assert thread != session_id
    assert session_actions.open_thread(db, EDITOR, session_id=session_id) == thread  # reused
    row = db.scalar(select(UserSession).where(UserSession.session_id == thread))
    decks.add_message(db, row, role="user", content="Ed's question")
    db.flush()
    assert [m.content for m in decks.list_messages(db, EDITOR, session_id=thread)] == [
        "Ed's question"
    ]
    assert decks.list_messages(db, OWNER, session_id=session_id) == []  # chats don't mix
    # One deck: Ed's edit through his thread is the owner's deck, and versions are checked.
    moved = slides.move_slide(
        db, EDITOR, session_id=thread, slide_id="s1", offset=1, expected_version=1
    )
    owner_view = decks.show_session(db, OWNER, session_id=session_id)
    assert [s.slide_id for s in owner_view.slides] == [s.slide_id for s in moved.slides]
    assert owner_view.versions[0].description == moved.versions[0].description
    with pytest.raises(ConflictError, match="changed by someone else"):
        slides.delete_slide(db, OWNER, session_id=session_id, slide_id="s2", expected_version=1)
    # The thread is not a History row of its own and closes when the grant goes.
    assert thread not in {i.session_id for i in sessions.list_sessions(db, EDITOR).items}
    sharing.unshare_session(
        db, OWNER, session_id=session_id, principal_type="user", principal_id=EDITOR.name
    )
    with pytest.raises(NotFoundError):
        decks.show_session(db, EDITOR, session_id=thread)
    with pytest.raises(NotFoundError):
        decks.show_session(db, STRANGER, session_id=thread)
    assert db.scalar(select(func.count()).select_from(SessionMessage)) >= 1


def test_history_search_filter_sort_paginate(db: Session) -> None:
    ids = []
    for title in ("Alpha 100% review", "beta plan", "Gamma_plan"):
        ids.append(shared_deck(db, visibility="private", owner=OWNER.name))
        db.scalar(select(UserSession).where(UserSession.session_id == ids[-1])).title = title
    db.flush()
    mine = sessions.list_sessions(db, OWNER, scope="mine", sort="title", limit=2)
    assert mine.total >= 3 and len(mine.items) == 2
    assert [i.title for i in sessions.list_sessions(db, OWNER, search="PLAN").items][:2] == [
        "Gamma_plan",
        "beta plan",
    ]
    assert [i.title for i in sessions.list_sessions(db, OWNER, search="100%").items] == [
        "Alpha 100% review"
    ]
    assert sessions.list_sessions(db, OWNER, search="a_p").items[0].title == "Gamma_plan"
    today = date.today()
    assert sessions.list_sessions(db, OWNER, since=today + timedelta(2)).total == 0
    assert sessions.list_sessions(db, OWNER, until=today + timedelta(1)).total >= 3
    assert sessions.list_sessions(db, OWNER, profile="no such profile").total == 0
    with pytest.raises(InvalidInputError, match="Unknown scope"):
        sessions.list_sessions(db, OWNER, scope="everyone")  # type: ignore[arg-type]


def test_user_grants_match_the_email_in_any_case(db: Session) -> None:
    """The proxy's header and the address the owner typed may differ in case; a grant stored
    in mixed case by an earlier version still applies."""
    session_id = shared_deck(db, visibility="private", owner=OWNER.name)
    out = sharing.share_session(
        db,
        OWNER,
        session_id=session_id,
        principal_type="user",
        principal_id="Zoe.Smith@Example.COM",
        permission="read",
    )
    assert "zoe.smith@example.com" in {g.principal_id for g in out.grants}
    zoe = User(name="zoe.smith@example.com", display_name="Zoe")
    assert decks.show_session(db, zoe, session_id=session_id).session_id == session_id
    zoe_header = User(name="ZOE.SMITH@example.com", display_name="Zoe")
    assert decks.show_session(db, zoe_header, session_id=session_id).session_id == session_id
    out = sharing.share_session(  # the same person again: one grant, changed
        db,
        OWNER,
        session_id=session_id,
        principal_type="user",
        principal_id="zoe.smith@example.com",
        permission="edit",
    )
    assert [g.permission for g in out.grants if "zoe" in g.principal_id] == ["edit"]
    deck_row = db.scalar(select(UserSession).where(UserSession.session_id == session_id))
    legacy = SessionPermission(
        session_id=deck_row.id,
        principal_type="user",
        principal_id="Ann@Example.com",
        permission="read",
        granted_by=OWNER.name,
    )
    db.add(legacy)
    db.flush()
    ann = User(name="ann@example.com", display_name="Ann")
    assert decks.show_session(db, ann, session_id=session_id).session_id == session_id
    sharing.unshare_session(
        db, OWNER, session_id=session_id, principal_type="user", principal_id="ANN@example.com"
    )
    with pytest.raises(NotFoundError):
        decks.show_session(db, ann, session_id=session_id)
