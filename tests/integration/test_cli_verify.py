"""`verify` and `show --json` ratings from the command line, in a subprocess, on both engines."""

from __future__ import annotations

import json

from tests.integration.test_cli import assert_clean_failure, db_env, run_cli  # noqa: F401

RATINGS = {"verified", "review", "problem", "unknown"}


def test_verify_prints_the_contract_and_show_carries_ratings(db_env: dict[str, str]) -> None:  # noqa: F811
    run_cli("db", "upgrade", env=db_env)
    run_cli("db", "seed", env=db_env)
    generated = run_cli("generate", "Cloud cost and usage review", "--json", env=db_env)
    assert generated.returncode == 0, generated.stderr
    deck = json.loads(generated.stdout)
    # Every slide carries a rating; every number the offline engine writes is the data's.
    assert deck["slides"] and {s["rating"] for s in deck["slides"]} == {"verified"}

    verified = run_cli("verify", deck["session_id"], "--json", env=db_env)
    assert verified.returncode == 0, verified.stderr
    result = json.loads(verified.stdout)
    assert set(result) == {"session_id", "version", "slides"}
    assert (result["session_id"], result["version"]) == (deck["session_id"], deck["version"])
    assert [s["slide_id"] for s in result["slides"]] == [s["slide_id"] for s in deck["slides"]]
    findings = [f for s in result["slides"] for f in s["findings"]]
    assert findings and all(set(f) == {"kind", "verdict", "text", "source"} for f in findings)
    assert {f["kind"] for f in findings} <= {"number", "claim", "layout"}
    assert {s["rating"] for s in result["slides"]} | {f["verdict"] for f in findings} <= RATINGS
    assert {s["rating"] for s in result["slides"]} | {f["verdict"] for f in findings} == {
        "verified"
    }
    numbers = [f for f in findings if f["kind"] == "number"]
    sourced = next(f for f in numbers if f["verdict"] == "verified")  # a number matched its data
    assert "SELECT" in sourced["source"] and "column" in sourced["source"]

    text = run_cli("verify", deck["session_id"], env=db_env)
    assert text.returncode == 0 and f"Session {deck['session_id']}" in text.stdout
    shown = json.loads(run_cli("show", deck["session_id"], "--json", env=db_env).stdout)
    assert [s["rating"] for s in shown["slides"]] == [s["rating"] for s in result["slides"]]


def test_verify_of_a_missing_deck_is_one_clear_sentence(db_env: dict[str, str]) -> None:  # noqa: F811
    run_cli("db", "upgrade", env=db_env)
    assert_clean_failure(run_cli("verify", "nope", env=db_env), "Deck nope does not exist")
