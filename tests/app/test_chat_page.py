"""The Chat page's logic without a browser: deck display, per-slide actions, save points, chat."""

from __future__ import annotations

import time
from pathlib import Path

from streamlit.testing.v1 import AppTest

from slidegen.config import Settings, get_settings
from slidegen.db.database import Database
from slidegen.identity import User
from slidegen.services.decks import hand_edits as slides
from slidegen.services.decks import store as decks
from slidegen.services.generation import chat_requests as requests
from slidegen.services.generation.engine import claim_request, run_request
from tests.app.conftest import APP_USER
from ui.widgets import deck_nav

PAGE_BACKEND = "postgresql"  # several users or background jobs meet here

APP = str(Path(__file__).resolve().parents[2] / "app.py")
USER = User(name=APP_USER, display_name=APP_USER)


def generate(url: str, prompt: str = "Consumption review: cost trends and savings") -> str:
    """Run one offline generation to completion and return its session id."""
    database = Database(Settings(DATABASE_URL=url, SLIDEGEN_USER=APP_USER))
    with database.scope() as session:
        handle = requests.start_generation(session, USER, prompt=prompt)
    run_request(database, claim_request(database, handle.request_id, "test"), get_settings())
    database.dispose()
    return handle.session_id


def detail(url: str, session_id: str) -> decks.SessionDetail:
    database = Database(Settings(DATABASE_URL=url))
    with database.scope() as session:
        result = decks.show_session(session, USER, session_id=session_id)
    database.dispose()
    return result


def open_chat(session_id: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params["session"] = session_id
    at.run()
    assert not at.exception, at.exception
    return at


def slide_frames(at: AppTest) -> list[str]:
    """Return the srcdoc of every slide iframe on the page."""
    frames = [el for el in at.get("iframe")]
    return [el.proto.srcdoc for el in frames]


def test_a_deck_shows_every_slide_in_a_nested_sandbox(app_env: str) -> None:
    session_id = generate(app_env)
    at = all_slides(open_chat(session_id), session_id)
    frames = slide_frames(at)
    count = len(detail(app_env, session_id).slides)
    assert count >= 8 and len(frames) == count
    assert all('<iframe sandbox="" ' in frame for frame in frames)
    assert "Generated" in " ".join(str(m.value) for m in at.markdown)


def test_moving_a_slide_down_changes_the_order_and_makes_a_save_point(app_env: str) -> None:
    session_id = generate(app_env)
    before = detail(app_env, session_id)
    first = before.slides[0].slide_id
    at = open_chat(session_id)
    at.button(key="focused-down").click().run()  # the focused (first) slide's button
    assert not at.exception
    after = detail(app_env, session_id)
    assert [s.slide_id for s in after.slides][:2] == [before.slides[1].slide_id, first]
    assert after.versions[0].description == "Moved slide 1 to position 2"


def test_restoring_a_save_point_brings_the_deck_back(app_env: str) -> None:
    session_id = generate(app_env)
    original = [s.slide_id for s in detail(app_env, session_id).slides]
    at = all_slides(open_chat(session_id), session_id)
    at.button(key=f"delete-{original[1]}").click().run()
    assert len(detail(app_env, session_id).slides) == len(original) - 1
    at.button(key="restore-1").click().run()
    assert not at.exception
    restored = detail(app_env, session_id)
    assert [s.slide_id for s in restored.slides] == original
    assert restored.versions[0].description == "Restored save point 1"


def test_a_chat_message_edits_the_named_slide(app_env: str) -> None:
    session_id = generate(app_env)
    at = open_chat(session_id)
    at.chat_input(key="request").set_value("delete slide 2").run()
    assert not at.exception
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        current = detail(app_env, session_id)
        if current.last_request and current.last_request.status in ("completed", "error"):
            break
        time.sleep(0.2)
    assert current.last_request.status == "completed"
    assert current.versions[0].description == "Deleted slide 2"


def test_an_unknown_session_in_the_url_is_a_clear_error(app_env: str) -> None:
    at = open_chat("does-not-exist")
    assert "does not exist" in at.error[0].value


def lengthen(url: str, session_id: str, copies: int) -> list[str]:
    """Duplicate the first slide `copies` times; return the deck's slide ids."""
    database = Database(Settings(DATABASE_URL=url))
    for _ in range(copies):
        with database.scope() as session:
            current = decks.show_session(session, USER, session_id=session_id)
            slides.duplicate_slide(
                session,
                USER,
                session_id=session_id,
                slide_id=current.slides[0].slide_id,
                expected_version=current.version,
            )
    ids = [s.slide_id for s in detail(url, session_id).slides]
    database.dispose()
    return ids


def shown_slides(at: AppTest) -> list[str]:
    """The slide ids whose full-size cards are on the page, in order."""
    return [
        key.removeprefix("sel-").split("-", 2)[2]  # sel-SESSION-ROUND-SLIDE
        for key in (c.key for c in at.checkbox)
        if key and key.startswith("sel-")
    ]


def test_a_long_deck_is_shown_a_page_at_a_time(app_env: str) -> None:
    session_id = generate(app_env)
    ids = lengthen(
        app_env, session_id, deck_nav.PAGE_SIZE + 1 - len(detail(app_env, session_id).slides)
    )
    assert len(ids) > deck_nav.PAGE_SIZE
    at = all_slides(open_chat(session_id), session_id)
    assert shown_slides(at) == ids[: deck_nav.PAGE_SIZE]
    assert len(slide_frames(at)) == deck_nav.PAGE_SIZE  # the rest costs the browser nothing
    at.button(key="pager-top-next").click().run()
    assert not at.exception
    assert shown_slides(at) == ids[deck_nav.PAGE_SIZE :]
    assert at.button(key="pager-top-next").disabled


def test_the_grid_shows_every_slide_and_opens_one(app_env: str) -> None:
    session_id = generate(app_env)
    ids = lengthen(
        app_env, session_id, deck_nav.PAGE_SIZE + 1 - len(detail(app_env, session_id).slides)
    )
    at = open_chat(session_id)
    at.segmented_control(key=f"deck-view-{session_id}").set_value(deck_nav.GRID).run()
    assert not at.exception
    thumbnails = slide_frames(at)
    assert len(thumbnails) == len(ids) and all('sandbox=""' in t for t in thumbnails)
    assert shown_slides(at) == []  # no full-size cards in the grid
    at.button(key=f"open-{ids[-1]}").click().run()
    assert not at.exception
    assert at.segmented_control(key=f"deck-view-{session_id}").value == deck_nav.FOCUS
    assert f"Slide {len(ids)} of {len(ids)}" in " ".join(str(m.value) for m in at.markdown)
    assert at.button(key="focused-delete") and len(slide_frames(at)) == 1 + 1  # + strip


def test_focus_shows_one_slide_large_and_the_strip_moves_it(app_env: str) -> None:
    session_id = generate(app_env)
    ids = [s.slide_id for s in detail(app_env, session_id).slides]
    at = open_chat(session_id)
    assert at.segmented_control(key=f"deck-view-{session_id}").value == deck_nav.FOCUS
    assert "Slide 1 of" in " ".join(str(m.value) for m in at.markdown)
    at.button(key=f"focus-{ids[2]}").click().run()
    assert not at.exception
    assert f"Slide 3 of {len(ids)}" in " ".join(str(m.value) for m in at.markdown)
    at.button(key="focus-next").click().run()
    assert f"Slide 4 of {len(ids)}" in " ".join(str(m.value) for m in at.markdown)
    # One Delete button, keyed by its place, and it deletes the slide shown large.
    assert [b.key for b in at.button if b.key and "delete" in b.key] == ["focused-delete"]
    at.button(key="focused-delete").click().run()
    assert not at.exception
    assert [s.slide_id for s in detail(app_env, session_id).slides] == ids[:3] + ids[4:]


def all_slides(at: AppTest, session_id: str) -> AppTest:
    """Switch the deck to All slides (Focus shows one slide large)."""
    at.segmented_control(key=f"deck-view-{session_id}").set_value(deck_nav.SLIDES).run()
    assert not at.exception
    return at


def test_ticked_slides_are_named_above_the_request_box(app_env: str) -> None:
    session_id = generate(app_env)
    at = open_chat(session_id)
    tick_box(at, 2).check().run()
    tick_box(at, 4).check().run()
    assert not at.exception
    assert "Your next request edits slides 2, 4." in [c.value for c in at.caption]
    assert at.chat_input(key="request").placeholder == "Edit 2 selected slides"
    at.button(key="clear-selection").click().run()
    assert not tick_box(at, 2).value
    assert at.chat_input(key="request").placeholder.startswith("Ask for a change")


def tick_box(at: AppTest, number: int):
    """The tick box of slide `number`, wherever the current view draws it."""
    (box,) = [c for c in at.checkbox if c.label == f"Slide {number:d}"]
    return box


def test_ticks_used_by_a_request_stay_cleared_when_an_older_message_arrives(
    app_env: str,
) -> None:
    """The browser sends every widget's value with each message. One it composed before it
    saw the ticks cleared (a fragment's timer, a click) reaches the server after the request
    that used them: it must not tick them again for the next request.
    """
    session_id = generate(app_env)
    at = open_chat(session_id)
    tick_box(at, 2).check().run()
    tick_box(at, 4).check().run()
    assert "Your next request edits slides 2, 4." in [c.value for c in at.caption]
    # AppTest has no public way to send a message out of order: keep the page's widget
    # values as the browser would have put them in a message now, and send it later.
    composed_before_the_request = at._tree.get_widget_states()

    at.chat_input(key="request").set_value("Make these shorter").run()
    assert not at.exception, at.exception
    done = wait_for_request(app_env, session_id)
    assert done.last_request.status == "completed"
    at._run(composed_before_the_request)  # the older message arrives
    at.run()
    assert not at.exception, at.exception
    assert not [c.value for c in at.caption if "Your next request edits" in str(c.value)]
    assert not tick_box(at, 2).value and not tick_box(at, 4).value
    assert at.chat_input(key="request").placeholder.startswith("Ask for a change")


def wait_for_request(url: str, session_id: str) -> decks.SessionDetail:
    """Wait for the session's last request to end; return the deck."""
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        current = detail(url, session_id)
        if current.last_request and current.last_request.status in ("completed", "error"):
            return current
        time.sleep(0.2)
    raise AssertionError("the request did not end within 30 s")


def test_without_a_session_the_page_offers_the_most_recent_decks(app_env: str) -> None:
    older = generate(app_env, "Quarterly review of cloud spend")
    newest = generate(app_env, "Savings plan for data teams")
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    assert not at.exception
    labels = [b.label for b in at.button if b.key and b.key.startswith("recent-")]
    assert len(labels) == 2 and labels[0].startswith(detail(app_env, newest).title)
    at.button(key=f"recent-{older}").click().run()
    assert not at.exception
    assert at.query_params["session"] == older
    assert len(slide_frames(at)) == len(detail(app_env, older).slides) + 1  # Focus + strip


# -- the start screen: deck prompt cards and pickers (issue 20) -----------------------------------


def _library(url: str) -> tuple[dict[str, int], dict[str, int]]:
    """Deck prompt and slide style ids by name."""
    from slidegen.services.library import deck_prompts, slide_styles

    database = Database(Settings(DATABASE_URL=url))
    with database.scope() as session:
        prompts = {p.name: p.id for p in deck_prompts.search_deck_prompts(session, USER)}
        styles = {s.name: s.id for s in slide_styles.search_slide_styles(session, USER)}
    database.dispose()
    return prompts, styles


def _wait_for_deck(url: str, session_id: str) -> decks.SessionDetail:
    deadline = time.monotonic() + 60
    while True:
        shown = detail(url, session_id)
        if shown.last_request and not shown.last_request.is_running:
            return shown
        assert time.monotonic() < deadline, "the deck did not finish"
        time.sleep(0.05)


def test_each_deck_prompt_card_starts_a_deck_with_that_prompt(app_env: str) -> None:
    prompts, styles = _library(app_env)
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    assert not at.exception, at.exception
    pickers = {box.label: box for box in at.selectbox}
    assert pickers["Slide style"].value == styles["System Default"]  # the profile's choice
    assert {f"start-card-{i}" for i in prompts.values()} <= {b.key for b in at.button}
    pickers["Slide style"].set_value(styles["Midnight"]).run()
    at.button(key=f"start-card-{prompts['Quarterly Business Review']}").click().run()
    assert not at.exception, at.exception
    session_id = at.query_params["session"]
    session_id = session_id[0] if isinstance(session_id, list) else session_id
    shown = _wait_for_deck(app_env, session_id)
    assert shown.last_request.status == "completed"
    assert shown.title == "Quarterly business review of data platform"
    assert (shown.deck_prompt_id, shown.slide_style_id) == (
        prompts["Quarterly Business Review"],
        styles["Midnight"],
    )
    assert "--teal" in shown.css or "Midnight" in shown.css  # the chosen style's stylesheet
    assert len(shown.slides) >= 6


def test_a_session_shows_and_changes_its_deck_prompt(app_env: str) -> None:
    prompts, _ = _library(app_env)
    session_id = generate(app_env)
    at = open_chat(session_id)
    picker = next(box for box in at.selectbox if box.label == "Deck prompt")
    assert picker.value == 0  # the default profile selects no deck prompt
    picker.set_value(prompts["Executive Summary"]).run()
    assert not at.exception, at.exception
    assert detail(app_env, session_id).deck_prompt_id == prompts["Executive Summary"]


def test_while_a_request_runs_the_slides_show_without_download_or_export(app_env: str) -> None:
    """A half-written deck is not offered for download; the controls return when it ends."""
    session_id = generate(app_env)
    count = len(detail(app_env, session_id).slides)
    database = Database(Settings(DATABASE_URL=app_env, SLIDEGEN_USER=APP_USER))
    with database.scope() as session:
        handle = requests.start_edit(
            session, USER, session_id=session_id, instruction="delete slide 2"
        )
    at = open_chat(session_id)
    # The slides stay on the page while it runs (Focus: the slide large, and the strip).
    assert len(slide_frames(at)) == count + 1
    buttons = [b.label for b in at.button] + [d.proto.label for d in at.get("download_button")]
    assert not {"Download HTML", "Download PPTX", "PDF"} & set(buttons), buttons

    run_request(database, claim_request(database, handle.request_id, "test"), get_settings())
    database.dispose()
    at.run()
    assert not at.exception, at.exception
    assert len(slide_frames(at)) == count - 1 + 1
    labels = [b.label for b in at.button] + [d.proto.label for d in at.get("download_button")]
    assert {"Download HTML", "Download PPTX", "PDF"} <= set(labels), labels
