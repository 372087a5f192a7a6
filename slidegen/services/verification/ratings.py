"""A slide's stored verification result, keyed by its content hash (no service imports)."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from slidegen.deck import Deck, Slide
from slidegen.schemas.verification import Finding, SlideVerification, worst


def stored_results(deck: Deck, verification_map: dict[str, Any] | None) -> dict[str, Any]:
    """Return slide id -> SlideVerification for slides whose current content was checked."""
    cache = verification_map or {}
    results = {}
    for slide in deck.slides:
        entry = cache.get(content_hash(slide, deck.css))
        if entry is not None:
            results[slide.slide_id] = slide_result(slide.slide_id, entry)
    return results


def content_hash(slide: Slide, css: str) -> str:
    """Return the key of a slide's stored result: a hash of what it shows and its style."""
    payload = json.dumps(
        [slide.html, [c.model_dump(mode="json", exclude={"chart_id"}) for c in slide.charts], css],
        sort_keys=True,
    )
    return hashlib.sha256(payload.encode()).hexdigest()[:24]


def fingerprint(results: list[dict[str, Any]]) -> str:
    """Return a short hash of the data the slides were checked against."""
    return hashlib.sha256(json.dumps(results, sort_keys=True).encode()).hexdigest()[:16]


def slide_result(slide_id: str, entry: dict[str, Any]) -> SlideVerification:
    """Return a slide's rating and findings from its stored entry."""
    findings = [Finding.model_validate(f) for f in entry.get("findings") or []]
    return SlideVerification(
        slide_id=slide_id,
        rating=worst([f.verdict for f in findings]),
        findings=findings,
        layout_checked=bool(entry.get("layout")),
    )
