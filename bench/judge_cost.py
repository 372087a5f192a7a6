"""The LLM judge: cost and time of one batched call per deck vs one call per slide.

Corpus: 20 seeded 10-slide decks with data (bench.verification's datasets: monthly cost and
DBUs for 12 months, cost by 6 SKUs), each with what the matcher cannot settle: an invented
number and two comparative claims ("X cost more than Y", "Z was the largest SKU") on three of
its slides, next to seven slides of numbers the matcher verifies.

Compared in the same run, all through the real openai client (OpenAICompatibleProvider) to the
fake server on 127.0.0.1, which answers at once (no model latency: the times are ours, HTTP
included) and reports input tokens as its request size / 4 (no tokenizer is installed; the same
estimate for all three ways):
- batched (ours): every unsettled claim of the deck in ONE call, with only the rows it needs;
- per slide, same selection: one call per slide that has unsettled claims;
- predecessor: one call per slide (all 10), each carrying the slide and all the deck's data.
Run: `python -m bench.judge_cost`.
"""

from __future__ import annotations

import json
import random
import statistics
import time
from typing import Any

from bench.verification import SKUS, correct_deck, dataset
from slidegen.deck import Slide
from slidegen.llm.base import Message
from slidegen.llm.openai_compatible import OpenAICompatibleProvider
from slidegen.services.verification.extract import slide_numbers
from slidegen.services.verification.judge import (
    SYSTEM_PROMPT,
    Claim,
    Judge,
    find_claims,
    judge_messages,
)
from slidegen.services.verification.matcher import DataIndex, match_number
from tests.fakes.openai_server import FakeOpenAIServer, Reply

DECKS, RUNS = 20, 5


def deck_with_claims(data: list[dict[str, Any]], rng: random.Random) -> list[Slide]:
    """A 10-slide deck: the correct deck with three slides carrying unsettled claims."""
    slides = correct_deck(data)
    a, b = rng.sample(SKUS, 2)
    slides[0] = Slide(html=f'<section class="slide"><h1>Review</h1><p>{a} cost more than {b}.</p>')
    slides[6] = Slide(
        html=f'<section class="slide"><h1>SKUs</h1><p>{rng.choice(SKUS)} was the largest SKU.</p>'
    )
    slides[9] = Slide(
        html=f'<section class="slide"><h1>Next</h1><p>Savings of ${rng.randint(10_000, 99_999):,} '
        "are expected.</p></section>"
    )
    return slides


def unsettled(slides: list[Slide], data: list[dict[str, Any]]) -> list[Claim]:
    index = DataIndex(data)
    findings = [[match_number(n, index) for n in slide_numbers(s)] for s in slides]
    return find_claims(slides, findings, data)


def predecessor_messages(slide: Slide, data: list[dict[str, Any]]) -> list[Message]:
    """One slide and all of the session's data, as the predecessor sent per slide."""
    user = f"SLIDE:\n{slide.html}\n\nDATA:\n{json.dumps(data, default=str)}"
    return [Message(role="system", content=SYSTEM_PROMPT), Message(role="user", content=user)]


def ask(provider: OpenAICompatibleProvider, messages: list[Message]) -> None:
    for _ in provider.stream(messages, [], temperature=0.0, max_tokens=2000):
        pass


def measure(server: FakeOpenAIServer, run: Any) -> tuple[int, int, float]:
    """Return (calls, input tokens, seconds) of `run()`, from the server's records."""
    before = len(server.requests)
    start = time.perf_counter()
    run()
    seconds = time.perf_counter() - start
    made = [r for r in server.requests[before:] if r.method == "POST"]
    tokens = sum(len(json.dumps(r.body["messages"])) // 4 for r in made)
    return len(made), tokens, seconds


def main() -> None:
    """Print calls and input tokens per deck, and time, for the three ways of judging."""
    rng = random.Random(15)
    decks = []
    for _ in range(DECKS):
        data = dataset(rng)
        decks.append((deck_with_claims(data, rng), data))
    answer = {"verdicts": [{"id": f"c{i}", "verdict": "review", "reason": "x"} for i in range(9)]}
    totals: dict[str, list[tuple[int, int, float]]] = {"batched": [], "per-slide": [], "pred": []}
    with FakeOpenAIServer() as server:
        server.default_reply = Reply.text(json.dumps(answer), usage=(1, 1))
        provider = OpenAICompatibleProvider(server.openai_base_url, "k", "judge", 30, 0)
        claims_per_deck = []
        for slides, data in decks:
            claims = unsettled(slides, data)
            claims_per_deck.append(len(claims))
            by_slide: dict[int, list[Claim]] = {}
            for claim in claims:
                by_slide.setdefault(claim.slide_index, []).append(claim)
            ways = {
                "batched": lambda c=claims, d=data: Judge(provider).judge(c, d),
                "per-slide": lambda g=by_slide, d=data: [
                    ask(provider, judge_messages(c, d)) for c in g.values()
                ],
                "pred": lambda s=slides, d=data: [
                    ask(provider, predecessor_messages(x, d)) for x in s
                ],
            }
            for name, run in ways.items():
                runs = [measure(server, run) for _ in range(RUNS)]
                calls, tokens = runs[0][0], runs[0][1]
                totals[name].append((calls, tokens, statistics.median(r[2] for r in runs)))
    print(
        f"{DECKS} decks of 10 slides, unsettled claims per deck: "
        f"{statistics.median(claims_per_deck):.0f} (median)"
    )
    base = totals["pred"]
    for name, label in (
        ("batched", "batched, one call per deck (ours)"),
        ("per-slide", "per slide with claims, same row selection"),
        ("pred", "predecessor: every slide, all data"),
    ):
        rows = totals[name]
        calls = statistics.median(r[0] for r in rows)
        tokens = statistics.median(r[1] for r in rows)
        ms = statistics.median(r[2] for r in rows) * 1000
        ratio_t = tokens / statistics.median(r[1] for r in base)
        ratio_s = ms / (statistics.median(r[2] for r in base) * 1000)
        print(
            f"  {label:44s} calls {calls:4.0f}  input tokens {tokens:7.0f} ({ratio_t:5.1%} of "
            f"predecessor)  time {ms:6.1f} ms ({ratio_s:5.1%})"
        )


if __name__ == "__main__":
    main()
