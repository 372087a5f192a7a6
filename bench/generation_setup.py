"""The generation benchmark's fixtures: a realistic deck, the fake model, databases, a profile."""

from __future__ import annotations

import time
from typing import Any

import openai
from sqlalchemy import event, select

from slidegen import seed_content
from slidegen.config import Settings
from slidegen.db import migrate
from slidegen.db.database import Database
from slidegen.db.models import (
    ChatRequest,
    ConfigAIInfra,
    ConfigProfile,
    ConfigPrompts,
    SlideStyle,
    UserSession,
)
from slidegen.deck import chart_figure
from slidegen.identity import User
from slidegen.services.decks.store import load_deck
from slidegen.services.generation.chat_requests import start_edit, start_generation
from slidegen.services.generation.engine import claim_request, run_request
from slidegen.services.seed import seed_database
from tests.fakes.openai_server import FakeOpenAIServer, Reply

SLIDES = 8
CHUNK_CHARS = 20
CHUNK_DELAY_S = 0.008  # 5,720 characters in 286 chunks: ~2.3 s of streaming per deck
STREAM_RUNS = 5
TURN_RUNS = 15
WARMUP_TURNS = 2
EDITS = 20
POLL_S = 0.002
GOAL_MS, GOAL_STATEMENTS, GOAL_GROWTH = 100.0, 20, 0.10
MODEL = "bench-model"
PROFILE = "bench"
USER = User(name="bench@example.com", display_name="Bench")
PROMPT = "Build the Q3 platform consumption review for the steering group"
EDIT_INSTRUCTION = "Make this slide's chart a line chart and tighten the title"

# (title, subtitle, bullets, chart spec, notes): content slides of a consumption review.
_CONTENT: list[tuple[str, str, list[str], dict[str, Any], str]] = [
    (
        "Spend grew 18% while Jobs usage stayed flat",
        "Q3 2025 vs Q2 2025, all workspaces",
        ["<strong>SQL Serverless</strong> drove most of the increase", "Jobs Compute flat"],
        {
            "type": "column",
            "categories": ["Jul", "Aug", "Sep"],
            "series": [{"name": "Spend ($K)", "values": [128, 139, 145]}],
        },
        "Spend rose faster than usage because the mix shifted to serverless SKUs.",
    ),
    (
        "Serverless SQL is now 41% of all DBUs",
        "Share of DBUs by SKU, Q3 2025",
        ["Up from 29% in Q2", "Driven by the finance-bi dashboards"],
        {
            "type": "doughnut",
            "categories": ["SQL Serverless", "Jobs", "All-purpose", "Other"],
            "series": [{"name": "DBUs", "values": [0.41, 0.33, 0.19, 0.07]}],
            "number_format": "0.0%",
        },
        "Shares are of total DBUs; the long tail is grouped into Other.",
    ),
    (
        "Three workspaces account for 64% of cost",
        "Top workspaces by spend, Q3 2025",
        ["analytics-prod leads at $121K", "ml-prod grew fastest (+31%)"],
        {
            "type": "bar",
            "categories": ["analytics-prod", "ml-prod", "finance-bi", "Other"],
            "series": [{"name": "Spend ($K)", "values": [121, 78, 47, 138]}],
        },
        "Workspace spend includes serverless and classic compute.",
    ),
    (
        "All-purpose clusters idle 38% of their uptime",
        "Idle share of cluster hours by month",
        ["Auto-termination is off on 22 clusters", "Idle time cost about $19K"],
        {
            "type": "line",
            "categories": ["Jul", "Aug", "Sep"],
            "series": [{"name": "Idle share", "values": [0.35, 0.39, 0.38]}],
            "number_format": "0.0%",
        },
        "Idle means running with no active command for at least ten minutes.",
    ),
    (
        "Jobs moved to serverless cut cost per run 27%",
        "Median cost per run, migrated pipelines",
        ["14 pipelines migrated in August", "Startup time fell from 6 min to 40 s"],
        {
            "type": "column",
            "categories": ["Before", "After"],
            "series": [{"name": "Cost per run ($)", "values": [4.1, 3.0]}],
        },
        "Comparison over the same 14 pipelines, four weeks before and after.",
    ),
    (
        "Storage is small but growing 9% a month",
        "Managed storage by month, TB",
        ["Most growth is in bronze tables", "No retention policy on 40% of tables"],
        {
            "type": "area",
            "categories": ["Jul", "Aug", "Sep"],
            "series": [{"name": "TB", "values": [212, 231, 252]}],
        },
        "Storage is billed separately from DBUs and is 6% of total cost.",
    ),
    (
        "Three actions save about $38K per quarter",
        "Recommendations with owners and expected impact",
        ["Enforce auto-termination (platform team)", "Retention policy on bronze (data eng)"],
        {
            "type": "bar",
            "categories": ["Auto-termination", "Serverless jobs", "Retention"],
            "series": [{"name": "Savings ($K/qtr)", "values": [19, 12, 7]}],
        },
        "Savings estimates use Q3 prices and usage; owners confirmed in the review.",
    ),
]


_NOTES_SOURCE = "Numbers come from the billing system tables, queried on 1 October."


def _content_slide(index: int, title: str | None = None) -> str:
    heading, subtitle, bullets, chart, notes = _CONTENT[index % len(_CONTENT)]
    items = "".join(
        f"<li>{b}</li>" for b in [*bullets, "All figures at list price, before discounts"]
    )
    return (
        f'<section class="slide">\n<h1>{title or heading}</h1>\n'
        f'<p class="subtitle">{subtitle}</p>\n<ul>{items}</ul>\n{chart_figure(chart)}\n'
        '<footer class="slide-footer">Source: system.billing.usage, Jul to Sep 2025</footer>\n'
        f'<aside class="notes">{notes} {_NOTES_SOURCE}</aside>\n</section>'
    )


def _title_slide() -> str:
    chart = {
        "type": "line",
        "categories": ["Q1", "Q2", "Q3"],
        "series": [{"name": "Spend ($K)", "values": [318, 349, 412]}],
    }
    return (
        '<section class="slide title-slide">\n<h1>Q3 Platform Consumption Review</h1>\n'
        '<p class="subtitle">Usage, cost drivers and savings opportunities, Jul to Sep 2025</p>\n'
        "<p>Prepared for the Data Platform steering group by the platform team</p>\n"
        f"{chart_figure(chart)}\n"
        '<footer class="slide-footer">Source: system.billing.usage, Jan to Sep 2025</footer>\n'
        '<aside class="notes">Quarterly review of consumption; all figures are list price '
        "in USD and exclude storage unless stated.</aside>\n</section>"
    )


DECK_SLIDES = [_title_slide()] + [_content_slide(i) for i in range(SLIDES - 1)]
DECK_TEXT = "<title>Q3 Platform Consumption Review</title>\n" + "\n".join(DECK_SLIDES)


def _edit_reply(slide_id: str, number: int) -> str:
    """A replace operation for the third slide's content, retitled (same size every time)."""
    body = _content_slide(1, title=f"Serverless SQL is 41% of DBUs (rev {number:02d})")
    return body.replace("<section", f'<section data-op="replace" data-slide-id="{slide_id}"', 1)


class Bench:
    """A migrated, seeded database with an OpenAI-provider profile without data sources."""

    def __init__(self, url: str, server: FakeOpenAIServer, mlflow_uri: str) -> None:
        self.server = server
        self.last_reply = Reply.text(DECK_TEXT)
        self.settings = Settings(
            DATABASE_URL=url,
            MLFLOW_TRACKING_URI=mlflow_uri,
            SLIDEGEN_USER=USER.name,
            SLIDEGEN_LLM_PROVIDER="openai",
            SLIDEGEN_LLM_BASE_URL=server.openai_base_url,
            SLIDEGEN_LLM_MODEL=MODEL,
            SLIDEGEN_LLM_API_KEY="bench-key",
        )
        self.db = Database(self.settings)
        migrate.upgrade(self.db.engine)
        with self.db.scope() as session:
            seed_database(session, settings=self.settings)
            style = session.scalar(select(SlideStyle).where(SlideStyle.is_default.is_(True)))
            session.add(
                ConfigProfile(
                    name=PROFILE,
                    created_by=USER.name,
                    ai_infra=ConfigAIInfra(provider="openai", llm_endpoint=MODEL),
                    prompts=ConfigPrompts(
                        system_prompt=seed_content.DEFAULT_SYSTEM_PROMPT,
                        slide_editing_instructions=seed_content.DEFAULT_SLIDE_EDITING_INSTRUCTIONS,
                        user_prompt_template=seed_content.DEFAULT_USER_PROMPT_TEMPLATE,
                        slide_style=style,
                    ),
                )
            )
        self.statements: list[tuple[str, float]] | None = None
        self.transactions = 0
        self._started: dict[int, float] = {}
        event.listen(self.db.engine, "begin", self._begin)
        event.listen(self.db.engine, "before_cursor_execute", self._before)
        event.listen(self.db.engine, "after_cursor_execute", self._after)
        self.client = openai.OpenAI(base_url=server.openai_base_url, api_key="bench-key")

    def _begin(self, conn: Any) -> None:
        self.transactions += 1

    def _before(self, conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        self._started[id(cursor)] = time.perf_counter()

    def _after(self, conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        started = self._started.pop(id(cursor), None)
        if self.statements is not None and started is not None:
            self.statements.append((statement, time.perf_counter() - started))

    # -- turns ----------------------------------------------------------------------------

    def generate(self, session_id: str | None = None) -> tuple[str, str]:
        """Run one generate turn synchronously (as a worker would); return (session, request)."""
        with self.db.scope() as session:
            handle = start_generation(
                session, USER, prompt=PROMPT, session_id=session_id, profile_name=PROFILE
            )
        self._run(handle.request_id)
        return handle.session_id, handle.request_id

    def edit(self, session_id: str, slide_number: int) -> str:
        """Run one edit turn of a single selected slide synchronously; return the request id."""
        with self.db.scope() as session:
            handle = start_edit(
                session,
                USER,
                session_id=session_id,
                instruction=EDIT_INSTRUCTION,
                slide_numbers=[slide_number],
            )
        self._run(handle.request_id)
        return handle.request_id

    def _run(self, request_id: str) -> None:
        ctx = claim_request(self.db, request_id, "bench-worker")
        if ctx is None:
            raise RuntimeError(f"request {request_id} could not be claimed")
        run_request(self.db, ctx, self.settings)

    def check_completed(self, request_id: str) -> None:
        """Fail the benchmark (not a timing assertion) when the turn did not succeed."""
        with self.db.scope() as session:
            request = session.scalar(
                select(ChatRequest).where(ChatRequest.request_id == request_id)
            )
            if request.status != "completed":
                raise RuntimeError(f"turn ended {request.status}: {request.error_message}")

    def slide_id(self, session_id: str, number: int) -> str:
        with self.db.scope() as session:
            row = session.scalar(select(UserSession).where(UserSession.session_id == session_id))
            return load_deck(row).slides[number - 1].slide_id

    def script(self, reply: Reply) -> None:
        """Answer the next chat request with `reply` (and remember it for the replay)."""
        self.last_reply = reply
        self.server.enqueue(reply)

    def replay_last_request(self) -> float:
        """Stream the last chat request again with a long-lived bare client; return seconds."""
        body = dict(self.server.chat_requests[-1].body)
        self.server.enqueue(self.last_reply)
        start = time.perf_counter()
        for _ in self.client.chat.completions.create(**body):
            pass
        return time.perf_counter() - start

    def dispose(self) -> None:
        self.client.close()
        self.db.dispose()


# -- 1. streaming ---------------------------------------------------------------------------
