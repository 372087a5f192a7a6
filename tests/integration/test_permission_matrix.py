"""Every session-touching service x every kind of user: allowed or refused (both backends)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy.orm import Session

from slidegen.db.models import SessionPermission
from slidegen.deck import Deck, Slide
from slidegen.errors import NotFoundError, PermissionDeniedError
from slidegen.identity import User
from slidegen.services.decks import hand_edits as slides
from slidegen.services.decks import store as decks
from slidegen.services.generation import chat_requests as requests
from slidegen.services.sessions import actions as session_actions
from slidegen.services.sessions import queries as sessions
from slidegen.services.sessions import sharing
from tests.factories import make_profile, make_session

OWNER = User(name="olga@example.com", display_name="Olga")
READER = User(name="rita@example.com", display_name="Rita")
EDITOR = User(name="ed@example.com", display_name="Ed")
ANALYST = User(name="ann@example.com", display_name="Ann", groups=("analysts",))
STRANGER = User(name="sam@example.com", display_name="Sam")
PROFILE = "matrix-profile"

# kind -> (acting user, visibility, owner)
KINDS: dict[str, tuple[User, str, str | None]] = {
    "owner": (OWNER, "shared", OWNER.name),
    "user grant read": (READER, "shared", OWNER.name),
    "user grant edit": (EDITOR, "shared", OWNER.name),
    "group grant": (ANALYST, "shared", OWNER.name),
    "workspace visibility": (STRANGER, "workspace", OWNER.name),
    "stranger": (STRANGER, "shared", OWNER.name),
    "legacy ownerless": (STRANGER, "private", None),
}
READERS = {"owner", "user grant read", "user grant edit", "group grant", "workspace visibility"}
READERS |= {"legacy ownerless"}
EDITORS = {"owner", "user grant edit", "group grant"}
MANAGERS = {"owner"}

Call = Callable[[Session, User, str], Any]
V = {"expected_version": 1}
CALLS: dict[str, tuple[set[str], Call]] = {
    "show_session": (READERS, lambda s, u, i: decks.show_session(s, u, session_id=i)),
    "list_messages": (READERS, lambda s, u, i: decks.list_messages(s, u, session_id=i)),
    "get_save_point": (
        READERS,
        lambda s, u, i: decks.get_save_point(s, u, session_id=i, version_number=1),
    ),
    "get_sharing": (READERS, lambda s, u, i: sharing.get_sharing(s, u, session_id=i)),
    "duplicate_session": (
        READERS,
        lambda s, u, i: session_actions.duplicate_session(s, u, session_id=i),
    ),
    "open_thread": (READERS, lambda s, u, i: session_actions.open_thread(s, u, session_id=i)),
    "restore_save_point": (
        EDITORS,
        lambda s, u, i: decks.restore_save_point(s, u, session_id=i, version_number=1),
    ),
    "move_slide": (
        EDITORS,
        lambda s, u, i: slides.move_slide(s, u, session_id=i, slide_id="s1", offset=1, **V),
    ),
    "duplicate_slide": (
        EDITORS,
        lambda s, u, i: slides.duplicate_slide(s, u, session_id=i, slide_id="s1", **V),
    ),
    "delete_slide": (
        EDITORS,
        lambda s, u, i: slides.delete_slide(s, u, session_id=i, slide_id="s1", **V),
    ),
    "update_slide": (
        EDITORS,
        lambda s, u, i: slides.update_slide(s, u, session_id=i, slide_id="s1", notes="x", **V),
    ),
    "start_generation": (
        EDITORS,
        lambda s, u, i: requests.start_generation(s, u, prompt="Again", session_id=i),
    ),
    "start_edit": (
        EDITORS,
        lambda s, u, i: requests.start_edit(
            s, u, session_id=i, instruction="Shorter", slide_ids=["s1"]
        ),
    ),
    "load_profile_into_session": (
        EDITORS,
        lambda s, u, i: requests.load_profile_into_session(
            s, u, session_id=i, profile_name=PROFILE
        ),
    ),
    "rename_session": (
        EDITORS,
        lambda s, u, i: session_actions.rename_session(s, u, session_id=i, title="Renamed"),
    ),
    "delete_session": (
        MANAGERS,
        lambda s, u, i: session_actions.delete_session(s, u, session_id=i),
    ),
    "set_visibility": (
        MANAGERS,
        lambda s, u, i: sharing.set_visibility(s, u, session_id=i, visibility="workspace"),
    ),
    "share_session": (
        MANAGERS,
        lambda s, u, i: sharing.share_session(
            s,
            u,
            session_id=i,
            principal_type="user",
            principal_id="x@example.com",
            permission="read",
        ),
    ),
    "unshare_session": (
        MANAGERS,
        lambda s, u, i: sharing.unshare_session(
            s, u, session_id=i, principal_type="user", principal_id=READER.name
        ),
    ),
}


def shared_deck(db: Session, *, visibility: str, owner: str | None) -> str:
    """A deck with three slides and one save point, shared with Rita, Ed and the analysts."""
    row = make_session(owner, visibility=visibility, title="Quarterly review")
    db.add(row)
    db.flush()
    deck = Deck(
        title="Quarterly review",
        slides=[
            Slide(slide_id=f"s{n}", html=f'<section class="slide"><h1>Slide {n}</h1></section>')
            for n in (1, 2, 3)
        ],
    )
    decks.store_deck(db, row, deck, user=OWNER, expected_version=0)
    decks.create_save_point(db, row, deck, user=OWNER, description="First deck")
    for kind, name, permission in (
        ("user", READER.name, "read"),
        ("user", EDITOR.name, "edit"),
        ("group", "analysts", "edit"),
    ):
        db.add(
            SessionPermission(
                session_id=row.id,
                principal_type=kind,
                principal_id=name,
                permission=permission,
                granted_by=OWNER.name,
            )
        )
    db.flush()
    return row.session_id


@pytest.mark.parametrize("name", list(CALLS))
def test_permission_matrix(db: Session, name: str) -> None:
    allowed, call = CALLS[name]
    db.add(make_profile(PROFILE))
    db.flush()
    outcomes: dict[str, str] = {}
    for kind, (user, visibility, owner) in KINDS.items():
        nested = db.begin_nested()
        session_id = shared_deck(db, visibility=visibility, owner=owner)
        try:
            call(db, user, session_id)
            outcomes[kind] = "allowed"
        except NotFoundError as exc:
            assert "don't have access" in exc.user_message
            outcomes[kind] = "refused"
        except PermissionDeniedError as exc:
            assert "don't have access" in exc.user_message
            outcomes[kind] = "refused"
        nested.rollback()
    expected = {kind: "allowed" if kind in allowed else "refused" for kind in KINDS}
    assert outcomes == expected


def test_listing_never_leaks(db: Session) -> None:
    shared = shared_deck(db, visibility="shared", owner=OWNER.name)
    private = shared_deck(db, visibility="private", owner=OWNER.name)  # grants inactive
    workspace = shared_deck(db, visibility="workspace", owner=OWNER.name)
    legacy = shared_deck(db, visibility="private", owner=None)

    def ids(user: User, scope: str) -> set[str]:
        page = sessions.list_sessions(db, user, scope=scope, limit=200)  # type: ignore[arg-type]
        return {item.session_id for item in page.items} & {shared, private, workspace, legacy}

    assert ids(OWNER, "mine") == {shared, private, workspace}
    assert ids(READER, "shared") == {shared, workspace}
    assert ids(ANALYST, "shared") == {shared, workspace}
    assert ids(STRANGER, "shared") == set()
    assert ids(STRANGER, "workspace") == {workspace, legacy}
    assert ids(STRANGER, "all") == {workspace, legacy}
    assert ids(READER, "all") == {shared, workspace, legacy}
    rights = {i.session_id: i.my_right for i in sessions.list_sessions(db, EDITOR).items}
    assert rights[shared] == "edit" and rights[legacy] == "read"
    with pytest.raises(NotFoundError):
        decks.show_session(db, READER, session_id=private)
