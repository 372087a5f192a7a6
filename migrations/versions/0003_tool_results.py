"""Tool results kept with the request that used them (issue 15: every number can be traced).

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-06 05:50:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Apply this revision."""
    json_type = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")
    with op.batch_alter_table("chat_requests", schema=None) as batch_op:
        batch_op.add_column(sa.Column("tool_results", json_type, nullable=True))


def downgrade() -> None:
    """Revert this revision."""
    with op.batch_alter_table("chat_requests", schema=None) as batch_op:
        batch_op.drop_column("tool_results")
