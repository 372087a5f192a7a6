"""Google Slides export: the spreadsheet that holds a presentation's chart data (linked charts).

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-08 12:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Apply this revision."""
    with op.batch_alter_table("google_presentations", schema=None) as batch_op:
        batch_op.add_column(sa.Column("spreadsheet_id", sa.String(length=255), nullable=True))


def downgrade() -> None:
    """Revert this revision (the spreadsheets stay in Drive; the next export makes new ones)."""
    with op.batch_alter_table("google_presentations", schema=None) as batch_op:
        batch_op.drop_column("spreadsheet_id")
