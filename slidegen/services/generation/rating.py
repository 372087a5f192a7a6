"""Rating a finished request's slides (verification), outside any long transaction."""

from __future__ import annotations

import logging

from slidegen.db.database import Database
from slidegen.services.generation.agent import AgentOutcome
from slidegen.services.generation.run_context import RunContext
from slidegen.services.verification.judge import Judge
from slidegen.services.verification.service import plan_verification, run_checks, store_checks

log = logging.getLogger(__name__)


def rate_request(db: Database, ctx: RunContext, outcome: AgentOutcome) -> None:
    """Rate the changed slides now; a failed check must not fail the finished request.

    The request's own provider judges what the matcher cannot settle, in one call (the
    offline engine's numbers all come from its data: it needs no judge). The checks (layout
    takes a second or more per slide; the judge is a model call) run between two short
    transactions: on SQLite a transaction holds the write lock, and every page's reads wait.
    A generation's layout checks started as its slides arrived (`ctx.early_layout`): only
    what they did not cover is laid out now.
    """
    provider = ctx.provider
    judge = Judge(provider) if provider is not None and provider.name != "offline" else None
    try:
        with db.scope() as session:
            plan = plan_verification(
                session, ctx.user, session_id=ctx.session_public_id, judged=judge is not None
            )
        fresh = run_checks(plan, judge=judge, early=ctx.early_layout)
        if fresh:
            judged = judge is not None and not judge.cost.errors
            with db.scope() as session:
                store_checks(session, ctx.user, plan=plan, fresh=fresh, judged=judged)
    except Exception:
        log.exception("verification of request %s failed", ctx.request_pk)
    if judge is not None:  # the judge's tokens count on the request's trace
        outcome.prompt_tokens += judge.cost.prompt_tokens
        outcome.completion_tokens += judge.cost.completion_tokens
