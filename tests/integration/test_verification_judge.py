"""The LLM judge: one call per deck request, through the profile's own provider.

A scripted model (the real openai client against the fake server on 127.0.0.1) queries the
sample data and writes a deck with an invented number and comparative claims; the same fake
server then answers as the judge. Runs on SQLite and PostgreSQL.
"""

from __future__ import annotations

import json

from slidegen.services.verification.judge import SYSTEM_PROMPT
from slidegen.services.verification.service import verify_session
from tests.fakes.openai_server import RecordedRequest, Reply, ToolCall
from tests.integration.test_generation import (
    ALICE,
    FakeLLM,
    Workspace,
    fake_llm_fixture,  # noqa: F401  (the `llm` fixture)
    run_job,
    show,
    start_edit,
    start_generation,
    workspace_fixture,  # noqa: F401  (the `ws` fixture)
)
from tests.integration.test_verification import SKU_SQL

CLAIMS = (
    '<section class="slide"><h1>Where the money goes</h1>'
    "<p>Jobs Compute cost more than DLT.</p>"  # true: 174,619 vs 102,002
    "<p>DLT was the largest SKU by cost.</p>"  # false: All-Purpose Compute is
    "<p>Savings of $95,000 expected.</p>"  # a number no data gives
    "<p>Review the largest jobs with their owners.</p></section>"  # no fact about the data
)
SETTLED = (
    '<section class="slide"><h1>Detail</h1><table><tr><th>SKU</th><th>Cost</th></tr>'
    "<tr><td>DLT</td><td>102,002</td></tr></table></section>"
)


def judge_requests(llm: FakeLLM) -> list[RecordedRequest]:
    return [
        r
        for r in llm.server.requests
        if r.method == "POST" and r.body["messages"][0]["content"] == SYSTEM_PROMPT
    ]


def deck_with_claims(ws: Workspace, llm: FakeLLM, judge_answer: Reply) -> str:
    llm.server.enqueue(
        Reply.tool_calls([ToolCall("sample_consumption", {"query": SKU_SQL}, id="c1")]),
        Reply.text(CLAIMS + SETTLED),
        judge_answer,
    )
    handle = start_generation(ws, prompt="Where does the money go?")
    request = run_job(ws, handle, llm.settings)
    assert (request.status, request.error_message) == ("completed", None)
    return handle.session_id


def answer(*verdicts: tuple[str, str, str]) -> Reply:
    body = {"verdicts": [{"id": i, "verdict": v, "reason": r} for i, v, r in verdicts]}
    return Reply.text("```json\n" + json.dumps(body) + "\n```")


def test_one_batched_call_judges_what_the_matcher_cannot_settle(
    ws: Workspace, llm: FakeLLM
) -> None:
    session_id = deck_with_claims(
        ws,
        llm,
        answer(
            ("c1", "problem", "No row supports savings of $95,000."),
            ("c2", "verified", "Row 2 (174619) is more than row 4 (102002)."),
            ("c3", "problem", "Row 1, All-Purpose Compute, is the largest."),
            ("c4", "none", "A recommendation, not a fact."),
        ),
    )
    [call] = judge_requests(llm)  # one call for the whole deck
    claims = json.loads(call.body["messages"][1]["content"].split("CLAIMS:\n")[1])
    assert [c["id"] for c in claims] == ["c1", "c2", "c3"]
    assert "$95,000" in claims[0]["text"] and claims[1]["text"].startswith("Jobs Compute")
    assert all(c["slide"] == 1 for c in claims)  # the second slide was settled by the matcher
    detail = show(ws, session_id)
    first, second = detail.slides
    assert (first.rating, second.rating) == ("problem", "verified")
    by_kind = [(f.kind, f.verdict) for f in first.findings]
    assert by_kind == [("number", "problem"), ("claim", "verified"), ("claim", "problem")]
    invented, true_claim, false_claim = first.findings
    assert invented.text.endswith("Judge: No row supports savings of $95,000.")
    assert "LLM judge" in invented.source
    assert true_claim.text.startswith("Jobs Compute cost more than DLT.")
    assert "All-Purpose Compute, is the largest" in false_claim.text
    with ws.db.scope() as session:  # stored: the CLI's verify reuses it without a judge
        again = verify_session(session, ALICE, session_id=session_id)
    assert again.checked == 0 and [s.rating for s in again.slides] == ["problem", "verified"]


def test_an_edit_judges_again_only_the_slides_it_changed(ws: Workspace, llm: FakeLLM) -> None:
    session_id = deck_with_claims(
        ws,
        llm,
        answer(("c1", "review", "Unclear."), ("c2", "verified", "ok"), ("c3", "verified", "ok")),
    )
    detail = show(ws, session_id)
    target = detail.slides[1].slide_id
    edited = SETTLED.replace("<h1>Detail</h1>", "<h1>Detail</h1><p>DLT grew the most.</p>")
    edited = edited.replace("<section", f'<section data-op="replace" data-slide-id="{target}"')
    llm.server.enqueue(
        Reply.text(edited),
        answer(("c1", "problem", "DLT's growth is not in the data.")),
    )
    handle = start_edit(
        ws,
        session_id=session_id,
        instruction="Add the trend",
        slide_ids=[target],
    )
    request = run_job(ws, handle, llm.settings)
    assert (request.status, request.error_message) == ("completed", None)
    first_call, second_call = judge_requests(llm)
    claims = json.loads(second_call.body["messages"][1]["content"].split("CLAIMS:\n")[1])
    assert [c["text"] for c in claims] == ["DLT grew the most."]  # slide 1 was judged already
    assert [s.rating for s in show(ws, session_id).slides] == ["review", "problem"]


def test_a_malformed_or_failed_judgement_leaves_the_claims_unconfirmed(
    ws: Workspace, llm: FakeLLM
) -> None:
    session_id = deck_with_claims(ws, llm, Reply.text("Sure! All of them look verified to me."))
    first = show(ws, session_id).slides[0]
    # The invented number stays under review; comparisons nobody judged add no finding.
    assert first.rating == "review"
    assert [(f.kind, f.verdict) for f in first.findings] == [("number", "review")]
    assert "judge's answer could not be read" in first.findings[0].text
    bad_shapes = answer(
        ("c1", "definitely", "?"),  # not a verdict of ours
        ("c9", "verified", "a claim nobody asked about"),
    )  # c2 and c3 missing
    second = deck_with_claims(ws, llm, bad_shapes)
    findings = show(ws, second).slides[0].findings
    assert [(f.kind, f.verdict) for f in findings] == [("number", "review")]
    assert "not one of ours" in findings[0].text
    # A judge call the server refuses fails nothing: the request completes.
    session_id = deck_with_claims(ws, llm, Reply.error(400, "The judge is down."))
    request_findings = show(ws, session_id).slides[0].findings
    assert "judge's call failed" in request_findings[0].text
    assert show(ws, session_id).slides[0].rating == "review"
