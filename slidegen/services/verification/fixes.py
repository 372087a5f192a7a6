"""The instruction of a Fix: an ordinary edit request that lists a slide's findings."""

from __future__ import annotations

from slidegen.schemas.verification import Finding

MAX_LISTED = 12


def fix_instruction(findings: list[Finding]) -> str:
    """Return an edit instruction naming each finding to fix and the values the data gives."""
    wrong = [f for f in findings if f.verdict in ("problem", "review")]
    lines = ["Fix these findings of the verification on this slide; change nothing else."]
    for finding in wrong[:MAX_LISTED]:
        what = finding.number or finding.source or finding.kind
        line = f"- {finding.kind} {what}: {finding.text.split(' Context: ')[0]}"
        if finding.kind == "number" and finding.expected and finding.column:
            line += f" The data gives {finding.expected} (column {finding.column})."
        lines.append(line)
    verified = [f.number for f in findings if f.verdict == "verified" and f.number]
    if verified:
        lines.append(
            "These values are verified against the data; keep them: "
            + ", ".join(verified[:20])
            + "."
        )
    return "\n".join(lines)
