"""Who the app thinks you are, in a real browser: the developer-only "act as" switcher, the
admin App status panel (the doctor's checks against fake servers), and a simulated Databricks
App whose identity comes from the proxy's forwarded headers."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Locator, Page, expect
from sqlalchemy import delete

from slidegen.config import Settings
from slidegen.db.database import Database
from slidegen.db.models import ConfigGenieSpace, ConfigProfileContributor, SessionPermission
from tests.conftest import DatabaseFactory
from tests.e2e.app_server import LOCAL_USER, ROOT, isolated_env, run_app, seeded_database_url
from tests.e2e.waits import settled
from tests.factories import make_profile
from tests.fakes.genie_server import FakeGenieServer, TextAnswer
from tests.fakes.openai_server import FakeOpenAIServer, Reply
from tests.integration.test_permission_matrix import shared_deck

pytestmark = pytest.mark.e2e
TIMEOUT_MS = 20_000
DOCTOR_TIMEOUT_MS = 90_000  # the MLflow probe creates its SQLite store on first use
SHOTS = ROOT / "bench" / "out"
ALICE, BOB, CAROL = "alice@example.com", "bob@example.com", "carol@example.com"
ADA = "ada@example.com"  # an admin, by her workspace groups
QUINN = "quinn@example.com"
ADMINS = "slidegen-admins"
APP_TOKEN, ADA_TOKEN = "dapi-e2e-app", "dapi-e2e-ada"
MODEL = "gpt-fake-identity"
ALICE_ONLY = "alice-only"
SWITCHER_INPUT = "User name (Enter to switch, empty for yourself)"
REFUSAL = "This request carries no user identity."


def _seed(database_url: str) -> None:
    """Alice's private deck, a profile shared only with Alice, and a profile using Genie."""
    database = Database(Settings(DATABASE_URL=database_url))
    with database.scope() as session:
        shared_deck(session, visibility="private", owner=ALICE)
        session.execute(delete(SessionPermission))  # the fixture's grants: other people
        alice_only = make_profile(ALICE_ONLY, created_by=CAROL)
        alice_only.contributors.append(
            ConfigProfileContributor(
                identity_type="USER",
                identity_id=ALICE,
                identity_name=ALICE,
                permission_level="CAN_USE",
            )
        )
        with_genie = make_profile("usage-genie")
        with_genie.genie_spaces.append(ConfigGenieSpace(space_id="space-usage", space_name="Usage"))
        session.add_all([alice_only, with_genie])
    database.dispose()


@pytest.fixture(scope="module")
def workspace() -> Iterator[FakeGenieServer]:
    """A fake workspace: the Genie space is not shared with the app; Ada is an admin."""
    with FakeGenieServer(token=APP_TOKEN) as genie:
        genie.set_space("space-usage", TextAnswer("unused"), forbidden=True)
        genie.add_user(ADA_TOKEN, ADA, [ADMINS, "analysts"])
        yield genie


@pytest.fixture(scope="module")
def llm() -> Iterator[FakeOpenAIServer]:
    with FakeOpenAIServer() as server:
        server.default_reply = Reply.text("OK")
        yield server


@pytest.fixture(scope="module")
def dev_app(
    databases: DatabaseFactory,
    tmp_path_factory: pytest.TempPathFactory,
    workspace: FakeGenieServer,
    llm: FakeOpenAIServer,
) -> Iterator[str]:
    """A developer's laptop: dev mode on, the local user an admin, fake LLM and workspace."""
    url = seeded_database_url("sqlite", databases)
    _seed(url)
    home = tmp_path_factory.mktemp("dev-app")
    env = isolated_env(
        url,
        home,
        SLIDEGEN_DEV_MODE="true",
        SLIDEGEN_ADMIN_GROUP=ADMINS,
        SLIDEGEN_USER_GROUPS=f"{ADMINS},analysts",
        SLIDEGEN_LLM_PROVIDER="openai",
        SLIDEGEN_LLM_BASE_URL=llm.openai_base_url,
        SLIDEGEN_LLM_MODEL=MODEL,
        SLIDEGEN_LLM_API_KEY="sk-e2e-identity",
        DATABRICKS_HOST=workspace.url,
        DATABRICKS_TOKEN=APP_TOKEN,
        MLFLOW_TRACKING_URI=f"sqlite:///{home / 'mlflow.db'}",
    )
    with run_app(env, home / "streamlit.log") as app:
        yield app


@pytest.fixture(scope="module")
def plain_app(
    databases: DatabaseFactory, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """A laptop with nothing configured: no dev mode."""
    home = tmp_path_factory.mktemp("plain-app")
    env = isolated_env(seeded_database_url("sqlite", databases), home)
    with run_app(env, home / "streamlit.log") as app:
        yield app


@pytest.fixture(scope="module")
def databricks_app(
    databases: DatabaseFactory, tmp_path_factory: pytest.TempPathFactory, workspace: FakeGenieServer
) -> Iterator[str]:
    """A simulated Databricks App, left with dev mode and local groups set by mistake."""
    home = tmp_path_factory.mktemp("databricks-app")
    env = isolated_env(
        seeded_database_url("sqlite", databases),
        home,
        DATABRICKS_APP_NAME="slidegen",
        DATABRICKS_HOST=workspace.url,
        DATABRICKS_TOKEN=APP_TOKEN,
        SLIDEGEN_ADMIN_GROUP=ADMINS,
        SLIDEGEN_DEV_MODE="true",
        SLIDEGEN_USER_GROUPS=ADMINS,
    )
    with run_app(env, home / "streamlit.log") as app:
        yield app


def shot(page: Page, name: str) -> None:
    settled(page)
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"identity-{name}.png"), full_page=True)


def sidebar(page: Page) -> Locator:
    return page.get_by_test_id("stSidebar")


def signed_in_as(page: Page, name: str) -> None:
    expect(sidebar(page).get_by_text(f"Signed in as {name}", exact=True)).to_be_visible(
        timeout=TIMEOUT_MS
    )


def act_as(page: Page, name: str) -> None:
    """Type a name into the developer switcher and press Enter."""
    field = sidebar(page).get_by_label(SWITCHER_INPUT)
    if not field.is_visible():
        sidebar(page).get_by_text("Developer only: act as").click()
    field.fill(name)
    field.press("Enter")


def go_to(page: Page, name: str) -> None:
    """Follow a sidebar link: the browser session (and whom it acts as) stays the same."""
    page.get_by_test_id("stSidebarNavItems").get_by_role("link", name=name).click()
    expect(page.get_by_role("heading", name=name, exact=True)).to_be_visible(timeout=TIMEOUT_MS)


def profile_options(page: Page) -> list[str]:
    """Open Chat's Profile list and return the names offered."""
    options = page.get_by_role("option")
    settled(page)  # a rerun landing while the list opens would close it again
    page.get_by_role("combobox", name="Profile").click()
    expect(options.first).to_be_visible(timeout=TIMEOUT_MS)
    names = [text.strip() for text in options.all_inner_texts()]
    page.keyboard.press("Escape")
    return names


def test_dev_switcher_is_marked_and_acting_as_another_user_changes_what_they_see(
    dev_app: str, page: Page
) -> None:
    page.goto(dev_app + "/history")
    signed_in_as(page, LOCAL_USER)
    expect(page.get_by_text("You have no decks yet")).to_be_visible()
    switcher = sidebar(page).get_by_text("Developer only: act as")
    expect(switcher).to_be_visible()
    switcher.click()
    expect(sidebar(page).get_by_text(re.compile("SLIDEGEN_DEV_MODE is on"))).to_be_visible()
    # Fully inside the viewport only once the expander's opening animation has ended.
    expect(sidebar(page).get_by_label(SWITCHER_INPUT)).to_be_in_viewport(ratio=1)
    shot(page, "switcher")

    acting = sidebar(page).get_by_text("you are acting as another user")
    expect(acting).to_have_count(0)
    act_as(page, ALICE)
    signed_in_as(page, f"{ALICE} (dev)")
    expect(acting).to_be_visible()
    expect(page.get_by_text("Quarterly review")).to_be_visible(timeout=TIMEOUT_MS)
    go_to(page, "Chat")
    assert ALICE_ONLY in profile_options(page)
    shot(page, "acting-as-alice")

    act_as(page, BOB)
    signed_in_as(page, f"{BOB} (dev)")
    offered = profile_options(page)
    assert "default" in offered and ALICE_ONLY not in offered
    go_to(page, "History")
    expect(page.get_by_text("You have no decks yet")).to_be_visible()
    expect(page.get_by_text("Quarterly review")).to_have_count(0)
    shot(page, "acting-as-bob")

    act_as(page, "")  # back to yourself
    signed_in_as(page, LOCAL_USER)
    expect(acting).to_have_count(0)


def test_admin_sees_the_doctors_checks_and_a_non_admin_does_not(
    dev_app: str, page: Page, llm: FakeOpenAIServer
) -> None:
    page.set_viewport_size({"width": 1400, "height": 1500})  # the whole panel on screen
    page.goto(dev_app)
    signed_in_as(page, LOCAL_USER)
    sidebar(page).get_by_text("App status").click()
    sidebar(page).get_by_role("button", name="Run checks").click()
    panel = sidebar(page).get_by_test_id("stExpander").filter(has_text="App status")
    expect(panel.get_by_text("1 of 7 checks failed.")).to_be_visible(timeout=DOCTOR_TIMEOUT_MS)
    settled(page)
    shot(page, "status-panel")
    checks = (  # (passed, title, what it found)
        (True, "Database", "reachable, schema at revision"),
        (True, "Model endpoint", f"openai: {MODEL}\nanswered a chat completion"),
        (False, "Genie space Usage", "space-usage\nPermissionDenied: You need CAN VIEW"),
        (True, "MLflow experiment slidegen", "writable (a probe run was created and deleted)"),
        (True, "Google Slides client", "source: none; Google Slides export is off"),
    )
    for passed, title, found in checks:
        header = panel.get_by_test_id("stMarkdown").filter(has_text=title)
        expect(header).to_contain_text("check_circle" if passed else "error")
        expect(panel.get_by_test_id("stText").filter(has_text=found)).to_have_count(1)
    fixes = panel.get_by_text(re.compile("^Fix:"))
    expect(fixes).to_have_count(1)  # only the broken check says what to do
    expect(fixes).to_contain_text("CAN RUN on the space")
    expect(panel.get_by_text("Config:")).to_have_count(0)  # no SDK configuration dump
    assert llm.chat_requests, "the model check must really call the endpoint"

    act_as(page, BOB)  # not in the admin group
    signed_in_as(page, f"{BOB} (dev)")
    expect(sidebar(page).get_by_text("App status")).to_have_count(0)


def test_without_dev_mode_there_is_no_switcher(plain_app: str, page: Page) -> None:
    page.goto(plain_app)
    signed_in_as(page, LOCAL_USER)
    # The status panel comes after the switcher's place: once it shows, the sidebar is drawn.
    expect(sidebar(page).get_by_text("App status")).to_be_visible()
    expect(sidebar(page).get_by_text("Developer only")).to_have_count(0)
    expect(sidebar(page).get_by_label(SWITCHER_INPUT)).to_have_count(0)


def test_in_a_databricks_app_the_forwarded_headers_name_the_user(
    databricks_app: str, browser: Browser, workspace: FakeGenieServer
) -> None:
    ada = {"X-Forwarded-Preferred-Username": "Ada", "X-Forwarded-Access-Token": ADA_TOKEN}
    visitors = (  # (headers, name shown, an admin?)
        ({"X-Forwarded-Email": ADA, **ada}, "Ada", True),
        ({"X-Forwarded-Email": QUINN, "X-Forwarded-Preferred-Username": "Quinn"}, "Quinn", False),
    )
    for headers, shown, admin in visitors:
        context = browser.new_context(
            viewport={"width": 1400, "height": 1000}, extra_http_headers=headers
        )
        try:
            page = context.new_page()
            page.goto(databricks_app)
            signed_in_as(page, shown)
            settled(page)  # the whole sidebar is drawn: absence below means absent
            # Admin by the workspace's groups, never by SLIDEGEN_USER_GROUPS.
            expect(sidebar(page).get_by_text("App status")).to_have_count(1 if admin else 0)
            expect(sidebar(page).get_by_text("Developer only")).to_have_count(0)
            expect(page.get_by_text(LOCAL_USER)).to_have_count(0)
            shot(page, f"databricks-app-{shown.lower()}")
        finally:
            context.close()
    scim = [r for r in workspace.requests if "/scim/v2/" in r.path]
    # Ada's groups were read with her own forwarded token; Quinn's by the app, by name.
    assert any(r.path.endswith("/Me") and r.authorization == f"Bearer {ADA_TOKEN}" for r in scim)
    assert f'userName eq "{QUINN}"' in [(r.body or {}).get("filter") for r in scim]


def test_in_a_databricks_app_a_request_without_headers_is_refused(
    databricks_app: str, page: Page
) -> None:
    for path in ("", "/history"):  # every page URL goes through the same frame
        page.goto(databricks_app + path)
        expect(page.get_by_text(REFUSAL)).to_be_visible(timeout=TIMEOUT_MS)
        settled(page)
        expect(page.get_by_text("Signed in as")).to_have_count(0)
        expect(page.get_by_text(LOCAL_USER)).to_have_count(0)
        expect(page.get_by_role("heading", name="History")).to_have_count(0)
        expect(page.get_by_test_id("stException")).to_have_count(0)
        assert "Traceback" not in page.inner_text("body")
    shot(page, "refused")
