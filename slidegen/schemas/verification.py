"""What verification returns: a rating per slide and the findings behind it (`verify --json`)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

Rating = Literal["verified", "review", "problem", "unknown"]
FindingKind = Literal["number", "claim", "layout"]
MatchKind = Literal[
    "exact", "rounded", "unit-scaled", "percentage", "sum", "difference", "share", "growth"
]
# Worst first: a slide's rating is the worst verdict among its findings.
SEVERITY: tuple[Rating, ...] = ("problem", "review", "unknown", "verified")


class Finding(BaseModel):
    """One checked number, claim or layout fact, with its verdict and where it came from."""

    kind: FindingKind
    verdict: Rating
    text: str
    source: str = ""
    # Detail for the "Why" panel (not part of the `verify --json` contract).
    number: str | None = None
    match: MatchKind | None = None
    tool: str | None = None
    query: str | None = None
    row: int | None = None
    column: str | None = None
    expected: str | None = None
    # A correction the data makes unambiguous: the number as it should be written, and for a
    # chart value where it is ("chart:<chart>:<series>:<point>"); see verification.fixes.
    fix: str | None = None
    locator: str | None = None

    def contract(self) -> dict[str, str]:
        """Return the four fields `verify --json` prints."""
        return {
            "kind": self.kind,
            "verdict": self.verdict,
            "text": self.text,
            "source": self.source,
        }


class SlideVerification(BaseModel):
    """A slide's rating and findings."""

    slide_id: str
    rating: Rating
    findings: list[Finding] = Field(default_factory=list)
    layout_checked: bool = False


class DeckVerification(BaseModel):
    """Every slide of a deck, in deck order."""

    session_id: str
    version: int
    slides: list[SlideVerification]
    checked: int = 0  # slides checked now (the others reused stored results)

    def contract(self) -> dict[str, object]:
        """Return the `verify --json` object."""
        return {
            "session_id": self.session_id,
            "version": self.version,
            "slides": [
                {
                    "slide_id": s.slide_id,
                    "rating": s.rating,
                    "findings": [f.contract() for f in s.findings],
                }
                for s in self.slides
            ],
        }


def worst(verdicts: list[Rating]) -> Rating:
    """Return the most severe verdict (verified when there is none)."""
    for rating in SEVERITY:
        if rating in verdicts:
            return rating
    return "verified"
