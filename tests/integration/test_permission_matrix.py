"""Every session-touching service x every kind of user: allowed or refused (both backends)."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from sqlalchemy.orm import Session

from slidegen.config import reload_settings
from slidegen.db.models import SessionPermission
from slidegen.deck import Deck, Slide
from slidegen.errors import NotFoundError, PermissionDeniedError
from slidegen.identity import User
from slidegen.services.decks import hand_edits as slides
from slidegen.services.decks import store as decks
from slidegen.services.generation import chat_requests as requests
from slidegen.services.library import deck_prompts as prompts
from slidegen.services.library import images
from slidegen.services.library import slide_styles as styles
from slidegen.services.library import transfer as library_io
from slidegen.services.sessions import actions as session_actions
from slidegen.services.sessions import queries as sessions
from slidegen.services.sessions import sharing
from tests.factories import make_profile, make_session, make_slide_style
from tests.library_files import image_bytes

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


# -- the library: deck prompts, slide styles and images have an owner ------------------------

LIBRARY_ADMINS = "library-admins"
AUTHOR = User(name="ava@example.com", display_name="Ava", from_proxy=True)
LIBRARY_ADMIN = User(
    name="lee@example.com", display_name="Lee", groups=(LIBRARY_ADMINS,), from_proxy=True
)
COLLEAGUE = User(name="cal@example.com", display_name="Cal", groups=("analysts",), from_proxy=True)
LIBRARY_USERS = {"author": AUTHOR, "library admin": LIBRARY_ADMIN, "colleague": COLLEAGUE}
EVERYONE = set(LIBRARY_USERS)
OWNER_OR_ADMIN = {"author", "library admin"}
ADMINS_ONLY = {"library admin"}

# verb -> (who may, call(session, user, ids)); ids: the author's prompt, style and image
LibraryCall = Callable[[Session, User, dict[str, int]], Any]
LIBRARY_CALLS: dict[str, tuple[set[str], LibraryCall]] = {
    "get_deck_prompt": (EVERYONE, lambda s, u, i: prompts.get_deck_prompt(s, u, prompt_id=i["p"])),
    "duplicate_deck_prompt": (
        EVERYONE,
        lambda s, u, i: prompts.duplicate_deck_prompt(s, u, prompt_id=i["p"]),
    ),
    "update_deck_prompt": (
        OWNER_OR_ADMIN,
        lambda s, u, i: prompts.update_deck_prompt(s, u, prompt_id=i["p"], description="New"),
    ),
    "delete_deck_prompt": (
        OWNER_OR_ADMIN,
        lambda s, u, i: prompts.delete_deck_prompt(s, u, prompt_id=i["p"]),
    ),
    "get_slide_style": (EVERYONE, lambda s, u, i: styles.get_slide_style(s, u, style_id=i["s"])),
    "duplicate_slide_style": (
        EVERYONE,
        lambda s, u, i: styles.duplicate_slide_style(s, u, style_id=i["s"]),
    ),
    "update_slide_style": (
        OWNER_OR_ADMIN,
        lambda s, u, i: styles.update_slide_style(s, u, style_id=i["s"], description="New"),
    ),
    "delete_slide_style": (
        OWNER_OR_ADMIN,
        lambda s, u, i: styles.delete_slide_style(s, u, style_id=i["s"]),
    ),
    "set_default_slide_style": (
        ADMINS_ONLY,
        lambda s, u, i: styles.set_default_slide_style(s, u, style_id=i["s"]),
    ),
    "search_images": (EVERYONE, lambda s, u, i: images.search_images(s, u)),
    "update_image": (
        OWNER_OR_ADMIN,
        lambda s, u, i: images.update_image(s, u, image_id=i["i"], description="New"),
    ),
    "delete_image": (OWNER_OR_ADMIN, lambda s, u, i: images.delete_image(s, u, image_id=i["i"])),
    "edit_system_style": (
        set(),
        lambda s, u, i: styles.update_slide_style(s, u, style_id=i["sys"], description="x"),
    ),
    "delete_system_style": (
        set(),
        lambda s, u, i: styles.delete_slide_style(s, u, style_id=i["sys"]),
    ),
}


@pytest.fixture
def library_admin_group(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    monkeypatch.setenv("SLIDEGEN_LIBRARY_ADMIN_GROUP", LIBRARY_ADMINS)
    reload_settings()
    yield LIBRARY_ADMINS
    monkeypatch.undo()
    reload_settings()


def authors_items(db: Session) -> dict[str, int]:
    """A deck prompt, a slide style and an image made by the author, and a system style."""
    prompt = prompts.create_deck_prompt(
        db, AUTHOR, name="Ava's board deck", prompt_content="Five slides."
    )
    style = styles.create_slide_style(
        db, AUTHOR, name="Ava's style", style_content=".slide{color:#111}"
    )
    image = images.upload_image(db, AUTHOR, filename="ava.png", data=image_bytes("PNG"))
    system = make_slide_style(is_system=True, created_by="system", updated_by="system")
    db.add(system)
    db.flush()
    return {"p": prompt.id, "s": style.style.id, "i": image.id, "sys": system.id}


@pytest.mark.parametrize("name", list(LIBRARY_CALLS))
def test_library_permission_matrix(db: Session, library_admin_group: str, name: str) -> None:
    allowed, call = LIBRARY_CALLS[name]
    outcomes: dict[str, str] = {}
    for kind, user in LIBRARY_USERS.items():
        nested = db.begin_nested()
        ids = authors_items(db)
        try:
            call(db, user, ids)
            outcomes[kind] = "allowed"
        except PermissionDeniedError as exc:
            assert "library admin" in exc.user_message or "system style" in exc.user_message
            outcomes[kind] = "refused"
        nested.rollback()
    assert outcomes == {kind: "allowed" if kind in allowed else "refused" for kind in LIBRARY_USERS}


def test_without_a_library_admin_group_only_the_laptop_user_manages_others_items(
    db: Session,
) -> None:
    ids = authors_items(db)
    with pytest.raises(PermissionDeniedError, match="only its owner or a library admin"):
        prompts.update_deck_prompt(db, COLLEAGUE, prompt_id=ids["p"], description="Mine now")
    laptop = User(name="me", display_name="me")  # no proxy identity: the local user
    prompts.update_deck_prompt(db, laptop, prompt_id=ids["p"], description="Tidied")


def test_an_import_never_overwrites_an_item_of_another_owner(
    db: Session, library_admin_group: str
) -> None:
    authors_items(db)
    exported = library_io.export_library(
        db, AUTHOR, prompt_names=["Ava's board deck"], style_names=[]
    )
    document = json.loads(exported)
    document["deck_prompts"][0]["prompt_content"] = "Replaced by Cal."
    report = library_io.import_library(
        db, COLLEAGUE, text=json.dumps(document), on_conflict="overwrite"
    )
    assert (report.overwritten, report.skipped) == ([], ["Ava's board deck"])
    kept = prompts.find_deck_prompt(db, COLLEAGUE, name="Ava's board deck")
    assert kept.prompt_content == "Five slides.\n"
