"""Shipped styles pass the layout check: Minimal's footer contrast, Data Dense's footer size.

Only library rows nobody has edited (still updated by the seed's `system` user) are changed,
and only the exact rules that failed: a prompt author's own edits are never touched.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-06 10:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SYSTEM_USER = "system"
# style name -> (old text, new text): each old text occurs once in the shipped CSS.
FIXES: dict[str, list[tuple[str, str]]] = {
    "Minimal": [
        (
            "  letter-spacing: 0.03em;\n  color: var(--faint);\n",
            "  letter-spacing: 0.03em;\n"
            "  color: var(--muted); /* --faint is for rules and bullets: 2.4:1 fails AA */\n",
        ),
        (
            ".slide.title-slide p:not(.subtitle) { font-size: 15px; color: var(--faint);",
            ".slide.title-slide p:not(.subtitle) { font-size: 15px; color: var(--muted);",
        ),
    ],
    "Data Dense": [
        (
            "  --muted: #64748b;\n",
            "  --muted: #5b6b80; /* 4.6:1 on the strongest surface (AA) */\n",
        ),
        (
            "  font-family: var(--mono);\n  font-size: 11px;\n",
            "  font-family: var(--mono);\n  font-size: 12px;\n",
        ),
    ],
}

styles = sa.table(
    "slide_style_library",
    sa.column("id", sa.Integer),
    sa.column("name", sa.String),
    sa.column("style_content", sa.Text),
    sa.column("updated_by", sa.String),
)


def _apply(forward: bool) -> None:
    connection = op.get_bind()
    rows = connection.execute(
        sa.select(styles.c.id, styles.c.name, styles.c.style_content).where(
            styles.c.name.in_(list(FIXES)), styles.c.updated_by == SYSTEM_USER
        )
    ).all()
    for row_id, name, css in rows:
        fixed = css or ""
        for old, new in FIXES[name]:
            before, after = (old, new) if forward else (new, old)
            if fixed.count(before) == 1:
                fixed = fixed.replace(before, after)
        if fixed != css:
            connection.execute(
                sa.update(styles).where(styles.c.id == row_id).values(style_content=fixed)
            )


def upgrade() -> None:
    """Apply this revision."""
    _apply(forward=True)


def downgrade() -> None:
    """Revert this revision (the same rows get the old rules back)."""
    _apply(forward=False)
