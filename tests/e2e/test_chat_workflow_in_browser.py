"""The Chat page as a demanding user works with it (issue 22): the deck stays open, there is
one request box, requests do what they name, and nothing happens silently.

Each test drives the app whose LLM is a scripted fake (`chat_app`, tests/e2e/chat_fixtures.py).
"""

from __future__ import annotations

import re
import subprocess
import sys
from collections.abc import Iterator

import pytest
from playwright.sync_api import Page, WebSocket, expect
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

from tests.e2e.app_server import ROOT
from tests.e2e.chat_fixtures import (
    ChatApp,
    chat_app_fixture,  # noqa: F401 (the `chat_app` fixture, used by name)
)
from tests.e2e.test_chat_in_browser import (
    SLIDE_BOXES,
    STREAMLIT_FRAME,
    TIMEOUT_MS,
    activate,
    deck_answer,
    expect_titles,
    generate,
    open_chat,
    revise_selected,
    send,
    session_of,
    slide,
    slide_ids,
)
from tests.e2e.waits import export_ready, settled
from tests.fakes.openai_server import RecordedRequest, Reply

pytestmark = pytest.mark.e2e

BOX = "stChatInputTextArea"
TITLES = [f"Point {n}" for n in range(1, 11)]
# Counts the request boxes in the page after every change of the DOM and keeps the maximum,
# so a second box that shows for a moment only is caught too.
COUNT_BOXES = """
window.__maxBoxes = 0;
new MutationObserver(() => {
  const n = document.querySelectorAll('[data-testid="stChatInputTextArea"]').length;
  if (n > window.__maxBoxes) window.__maxBoxes = n;
}).observe(document, {childList: true, subtree: true});
"""


def deck_slides() -> list[str]:
    return [slide(title, f"<p>About {title.lower()}.</p>") for title in TITLES]


def the_box(page: Page):
    """The one request box: fails if there is not exactly one on the page."""
    box = page.get_by_test_id(BOX)
    expect(box).to_have_count(1, timeout=TIMEOUT_MS)
    return box


def go_to(page: Page, name: str) -> None:
    """Open a page from the navigation and wait until it shows."""
    page.get_by_test_id("stSidebarNavItems").get_by_role("link", name=name).click()
    if name == "Chat":
        # Chat is the app's root; with a deck open, the deck's title takes the place of the
        # page's title (callers wait for the deck or the start screen).
        expect(page).to_have_url(re.compile(r"^https?://[^/]+/(\?.*)?$"), timeout=TIMEOUT_MS)
    else:
        expect(page.get_by_role("heading", name=name, exact=True)).to_be_visible(timeout=TIMEOUT_MS)


def tick(page: Page, number: int) -> None:
    checkbox = page.get_by_role("checkbox", name=f"Slide {number}", exact=True)
    # Ticks are disabled while a job runs: the reply can show (the conversation is drawn
    # first) a moment before the deck's run enables them, and a key on a disabled box is lost.
    expect(checkbox).to_be_enabled(timeout=TIMEOUT_MS)
    checkbox.press("Space")
    expect(checkbox).to_be_checked()


@pytest.fixture
def busy_cpu() -> Iterator[None]:
    """Keep both cores busy, as other work on a loaded machine does."""
    spinners = [subprocess.Popen([sys.executable, "-c", "while True: pass"]) for _ in range(2)]
    try:
        yield
    finally:
        for spinner in spinners:
            spinner.kill()
            spinner.wait()


# -- 1. the open deck stays open --------------------------------------------------------------


def test_the_open_deck_survives_navigation_and_reload(page: Page, chat_app: ChatApp) -> None:
    session_id = generate(page, chat_app, deck_slides()[:3], "Navigation drill")
    heading = page.get_by_role("heading", name="Navigation drill")
    expect(heading).to_be_visible()

    go_to(page, "History")
    go_to(page, "Chat")
    expect(heading).to_be_visible(timeout=TIMEOUT_MS)
    expect(page.get_by_text("Start a deck")).to_have_count(0)
    expect_titles(page, TITLES[:3])
    assert session_of(page) == session_id

    page.reload()
    expect(heading).to_be_visible(timeout=TIMEOUT_MS)
    assert session_of(page) == session_id

    page.get_by_role("button", name="New deck").click()
    expect(page.get_by_text("Start a deck")).to_be_visible(timeout=TIMEOUT_MS)
    go_to(page, "History")
    go_to(page, "Chat")
    expect(page.get_by_text("Start a deck")).to_be_visible(timeout=TIMEOUT_MS)
    assert "session=" not in page.url


# -- 2. exactly one request box ---------------------------------------------------------------


def test_there_is_exactly_one_request_box_also_under_load(
    page: Page, chat_app: ChatApp, busy_cpu: None
) -> None:
    page.add_init_script(COUNT_BOXES)
    slides = deck_slides()[:4]
    chat_app.llm.enqueue(
        Reply.text("<title>Load drill</title>\n" + "".join(slides), chunk_size=200, delay_s=0.3)
    )
    open_chat(page, chat_app.url)
    send(page, "Make the load drill deck")
    expect(
        page.get_by_test_id("stChatMessage").filter(has_text="Generated 4 slides")
    ).to_be_visible(timeout=60_000)
    expect(the_box(page)).to_be_enabled(timeout=TIMEOUT_MS)
    go_to(page, "History")
    go_to(page, "Chat")
    expect(the_box(page)).to_be_enabled(timeout=TIMEOUT_MS)
    assert page.evaluate("window.__maxBoxes") == 1, "two request boxes were on the page at once"


# -- 3. named slides, stale ticks, honest replies ---------------------------------------------


def unchanged(seen: list[list[str]]):
    """A model that returns the slides it was sent exactly as they were."""

    def answer(request: RecordedRequest) -> Reply:
        user = [m for m in request.body["messages"] if m["role"] == "user"][-1]["content"]
        sections = re.findall(
            r'(<section[^>]*\bdata-slide-id="([^"]+)"[^>]*>.*?</section>)', user, re.S
        )
        seen.append([slide_id for _, slide_id in sections])
        operations = "".join(
            whole.replace("<section", '<section data-op="replace"', 1) + "\n"
            for whole, _ in sections
        )
        return Reply.text(operations, chunk_size=200)

    return answer


def test_named_slides_win_over_stale_ticks_and_replies_say_what_changed(
    page: Page, chat_app: ChatApp
) -> None:
    generate(page, chat_app, deck_slides(), "Selection drill")
    expect_titles(page, TITLES)  # in All slides, every slide with its tick box
    ids = slide_ids(page)
    seen: list[list[str]] = []

    tick(page, 7)
    tick(page, 9)
    chat_app.llm.respond_with(revise_selected(seen))
    send(page, "Make these punchier")
    expect(
        page.get_by_test_id("stChatMessage").filter(has_text="Edited slides 7, 9")
    ).to_be_visible(timeout=TIMEOUT_MS)
    assert seen[-1] == [ids[6], ids[8]]
    # The ticks were used: they clear.
    for number in (7, 9):
        expect(page.get_by_role("checkbox", name=f"Slide {number}", exact=True)).not_to_be_checked(
            timeout=TIMEOUT_MS
        )

    tick(page, 7)
    chat_app.llm.respond_with(revise_selected(seen))
    send(page, "Make slide 5 a line chart")
    reply = page.get_by_test_id("stChatMessage").filter(has_text="Edited slide 5")
    expect(reply).to_be_visible(timeout=TIMEOUT_MS)
    assert seen[-1] == [ids[4]], "the named slide did not win over the ticked one"
    expect(reply).to_contain_text("slide 7")  # the reply says the tick was not used
    expect(page.get_by_role("checkbox", name="Slide 7", exact=True)).not_to_be_checked()

    chat_app.llm.respond_with(unchanged(seen))
    send(page, "Tidy slide 2")
    reply = page.get_by_test_id("stChatMessage").filter(has_text="Nothing changed")
    expect(reply).to_be_visible(timeout=TIMEOUT_MS)
    assert seen[-1] == [ids[1]]
    expect(page.get_by_test_id("stChatMessage").last).not_to_contain_text("Edited")


def starts_a_run(payload: str | bytes) -> bool:
    """Whether a message from the app's server says a run of the page starts."""
    if isinstance(payload, str):
        return False
    message = ForwardMsg()
    message.ParseFromString(payload)
    return message.WhichOneof("type") == "new_session"


def test_a_request_sent_just_before_another_click_is_not_dropped(
    page: Page, chat_app: ChatApp
) -> None:
    """Enter, then a tick while the run Enter started is still going.

    That run holds the request box's value; a message the browser sends before it ends (any
    click) makes Streamlit stop it and run again without the value. The request must still be
    sent.
    """
    sockets: list[WebSocket] = []
    page.on("websocket", lambda socket: sockets.append(socket))
    generate(page, chat_app, deck_slides(), "Quick hands")
    expect_titles(page, TITLES)
    ids = slide_ids(page)
    seen: list[list[str]] = []
    chat_app.llm.respond_with(revise_selected(seen))
    box = page.get_by_test_id(BOX)
    expect(box).to_be_enabled(timeout=TIMEOUT_MS)
    box.fill("Make slide 5 punchier")
    with sockets[-1].expect_event("framereceived", predicate=starts_a_run):
        box.press("Enter")
    page.get_by_role("checkbox", name="Slide 3", exact=True).press("Space")
    expect(page.get_by_test_id("stChatMessage").filter(has_text="Edited slide 5")).to_be_visible(
        timeout=TIMEOUT_MS
    )
    assert seen == [[ids[4]]]


def test_an_export_clicked_just_before_another_click_still_runs(
    page: Page, chat_app: ChatApp
) -> None:
    """Download PPTX, then a tick while the run the click started is still going: that run is
    stopped and the next one has no click in it. The export must start all the same."""
    sockets: list[WebSocket] = []
    page.on("websocket", lambda socket: sockets.append(socket))
    generate(page, chat_app, deck_slides(), "Quick export")
    expect_titles(page, TITLES)
    settled(page)
    with sockets[-1].expect_event("framereceived", predicate=starts_a_run):
        page.get_by_role("button", name="Download PPTX").press("Enter")
    page.get_by_role("checkbox", name="Slide 3", exact=True).press("Space")
    expect(page.get_by_role("checkbox", name="Slide 3", exact=True)).to_be_checked()
    export_ready(page, "Save PPTX")


def test_a_first_request_sent_just_before_another_click_starts_its_deck(
    page: Page, chat_app: ChatApp
) -> None:
    """The start screen's Enter, then Feedback while the run Enter started is going: that run
    is stopped and the next one has no request in it. The deck must start all the same, and
    open: Streamlit stopped the Enter's callback after it had created the deck, before it
    noted the deck to open (3 of 8 tries failed beside two busy cores; 8 of 8 pass now).
    """
    sockets: list[WebSocket] = []
    page.on("websocket", lambda socket: sockets.append(socket))
    chat_app.llm.enqueue(Reply.text(deck_answer("First try", deck_slides()), chunk_size=400))
    open_chat(page, chat_app.url)
    settled(page)
    box = page.get_by_test_id(BOX)
    expect(box).to_be_enabled(timeout=TIMEOUT_MS)
    box.fill("Make the deck First try")
    with sockets[-1].expect_event("framereceived", predicate=starts_a_run):
        box.press("Enter")
    page.get_by_role("button", name="Feedback").press("Enter")  # in the sidebar, on every page
    expect(page.get_by_role("dialog", name="Feedback")).to_be_visible(timeout=TIMEOUT_MS)
    reply = page.get_by_test_id("stChatMessage").filter(has_text="Generated")
    expect(reply).to_be_visible(timeout=TIMEOUT_MS)
    expect(page.get_by_test_id("stChatMessage").first).to_contain_text("Make the deck First try")


# -- 4. the slide being worked on is large ----------------------------------------------------

SHOTS = ROOT / "bench" / "out"


@pytest.mark.parametrize(("width", "height"), [(1440, 1000), (1280, 800)])
def test_the_focused_slide_is_large_and_the_conversation_stays_in_view(
    page: Page, chat_app: ChatApp, backend: str, width: int, height: int
) -> None:
    page.set_viewport_size({"width": width, "height": height})
    generate(page, chat_app, deck_slides(), f"Layout drill {width}")
    focused = page.locator(SLIDE_BOXES)
    expect(focused).to_have_count(1, timeout=TIMEOUT_MS)  # one slide large, not the deck small
    expect(
        focused.frame_locator(STREAMLIT_FRAME).frame_locator("iframe[sandbox='']").locator("h1")
    ).to_have_text(TITLES[0], timeout=TIMEOUT_MS)

    activate(page.get_by_role("button", name="Slide 7", exact=True))
    inner = focused.frame_locator(STREAMLIT_FRAME).frame_locator("iframe[sandbox='']")
    expect(inner.locator("h1")).to_have_text(TITLES[6], timeout=TIMEOUT_MS)
    frame = focused.locator(STREAMLIT_FRAME).bounding_box()
    assert frame is not None
    body_px = float(
        inner.locator("p").first.evaluate("p => parseFloat(getComputedStyle(p).fontSize)")
    )
    on_screen = body_px * frame["width"] / 1280
    assert on_screen >= 12, f"body text is {on_screen:.1f} px on screen at {width} px"

    # Browsing slides leaves the request box and the conversation on screen.
    expect(the_box(page)).to_be_in_viewport()
    expect(page.get_by_test_id("stChatMessage").last).to_be_in_viewport()
    page.get_by_role("heading", name=f"Layout drill {width}").scroll_into_view_if_needed()
    expect(the_box(page)).to_be_in_viewport()
    # The header above the slide is compact: at 1440x1000 the whole focused slide shows above
    # the pinned request box with the deck's title on screen; at 1280x800 its top quarter
    # does, and the whole slide once scrolled to (between the screen's top and the box).
    slide, box = focused.locator(STREAMLIT_FRAME).bounding_box(), the_box(page).bounding_box()
    assert slide is not None and box is not None
    shown = 1 if height >= 1000 else 1 / 4
    assert slide["y"] + slide["height"] * shown <= box["y"], (slide, box)
    focused.locator(STREAMLIT_FRAME).evaluate("f => f.scrollIntoView({block: 'center'})")
    slide, box = focused.locator(STREAMLIT_FRAME).bounding_box(), the_box(page).bounding_box()
    assert slide is not None and box is not None
    assert slide["y"] >= 0 and slide["y"] + slide["height"] <= box["y"], (slide, box)
    expect(page.get_by_test_id("stChatMessage").last).to_be_in_viewport()
    SHOTS.mkdir(parents=True, exist_ok=True)
    settled(page)
    page.screenshot(path=str(SHOTS / f"chat-focus-{width}x{height}-{backend}.png"))


# -- 5. nothing happens silently --------------------------------------------------------------


def test_delete_offers_undo_and_changes_by_hand_are_told_in_the_conversation(
    page: Page, chat_app: ChatApp
) -> None:
    generate(page, chat_app, deck_slides()[:3], "Undo drill")
    focused = page.locator(SLIDE_BOXES)
    expect(focused).to_have_count(1, timeout=TIMEOUT_MS)
    # Every control has a name a screen reader can say: none reads as "<icon name> icon".
    expect(
        page.get_by_role("main").get_by_role("button", name=re.compile(r" icon$"))
    ).to_have_count(0)
    for name in ("Edit", "Up", "Down", "Duplicate", "Delete"):
        expect(focused.get_by_role("button", name=name, exact=True)).to_have_count(1)
    focused.get_by_role("button", name="Delete", exact=True).click()

    messages = page.get_by_test_id("stChatMessage")
    expect(messages.filter(has_text="Deleted slide 1")).to_be_visible(timeout=TIMEOUT_MS)
    expect_titles(page, TITLES[1:3])
    page.get_by_role("button", name="Undo").click()
    expect(messages.filter(has_text=re.compile(r"Restored save point \d+"))).to_be_visible(
        timeout=TIMEOUT_MS
    )
    expect_titles(page, TITLES[:3])
    expect(page.get_by_role("button", name="Undo")).to_have_count(0)

    page.locator(SLIDE_BOXES).first.get_by_role("button", name="Down").click()
    expect(messages.filter(has_text="Moved slide 1 to position 2")).to_be_visible(
        timeout=TIMEOUT_MS
    )
    expect_titles(page, [TITLES[1], TITLES[0], TITLES[2]])
