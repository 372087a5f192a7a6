"""The judge's prompt holds only the rows each claim needs; its answer is parsed defensively."""

from __future__ import annotations

import json

from slidegen.services.verification.judge import Claim, judge_messages, parse_verdicts

RESULTS = [
    {
        "tool": "sql",
        "query": "SELECT sku, cost",
        "columns": ["sku", "cost"],
        "rows": [["Jobs", 10], ["DLT", 20], ["SQL", 30]],
    },
    {
        "tool": "sql",
        "query": "SELECT month, cost",
        "columns": ["month", "cost"],
        "rows": [[f"2026-{m:02d}", m] for m in range(1, 13)],
    },
]


def data_of(claims: list[Claim]) -> list[dict]:
    user = judge_messages(claims, RESULTS)[1].content or ""
    return json.loads(user.split("DATA (rows numbered from 1):\n")[1].split("\n\nCLAIMS")[0])


def test_a_number_naming_a_row_sends_that_row_and_a_comparison_sends_the_whole_result() -> None:
    named = [Claim("c1", 0, "$25 for DLT: not found", "number")]
    assert [(r["result"], r["rows"]) for r in data_of(named)] == [("R1", {"2": ["DLT", 20]})]
    compared = [*named, Claim("c2", 1, "DLT grew the most", "claim")]
    assert [(r["result"], r["rows"]) for r in data_of(compared)] == [
        ("R1", {"1": ["Jobs", 10], "2": ["DLT", 20], "3": ["SQL", 30]})
    ]
    nameless = data_of([Claim("c3", 0, "$7: not found", "number")])
    assert [len(r["rows"]) for r in nameless] == [3, 12]  # nothing named: all the data


def test_verdicts_are_read_from_fenced_or_bare_json_and_anything_else_stays_review() -> None:
    ids = ["c1", "c2", "c3"]
    body = {
        "verdicts": [
            {"id": "c1", "verdict": "Verified", "reason": " row 2\n has it "},
            {"id": "c2", "verdict": "maybe", "reason": "?"},
            {"id": "c7", "verdict": "problem", "reason": "not asked"},
        ]
    }
    got = parse_verdicts(f"Here you go:\n```json\n{json.dumps(body)}\n```", ids)
    assert got["c1"] == ("verified", "row 2 has it")
    assert got["c2"][0] == "review" and "not one of ours" in got["c2"][1]
    assert got["c3"][0] == "review" and "no verdict" in got["c3"][1]
    assert set(got) == set(ids)
    for broken in ("", "verified", '{"verdicts": "all fine"}', '{"verdicts": [{"id": 1}]}', "{"):
        assert {v for v, _ in parse_verdicts(broken, ids).values()} == {"review"}
    long = {"verdicts": [{"id": "c1", "verdict": "problem", "reason": "x" * 5000}]}
    assert len(parse_verdicts(json.dumps(long), ids)["c1"][1]) == 300
