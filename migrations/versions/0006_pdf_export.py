"""PDF export: export jobs may be PDF, with where the speaker notes go.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-06 06:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

OLD_FORMATS = "format IN ('pptx', 'html')"
NEW_FORMATS = "format IN ('pptx', 'html', 'pdf')"
NOTES = "notes_placement IS NULL OR notes_placement IN ('none', 'pages', 'appendix')"


def upgrade() -> None:
    """Apply this revision."""
    with op.batch_alter_table("export_jobs", schema=None) as batch_op:
        batch_op.add_column(sa.Column("notes_placement", sa.String(length=10), nullable=True))
        batch_op.drop_constraint(batch_op.f("ck_export_jobs_format_known"), type_="check")
        batch_op.create_check_constraint(batch_op.f("ck_export_jobs_format_known"), NEW_FORMATS)
        batch_op.create_check_constraint(batch_op.f("ck_export_jobs_notes_placement_known"), NOTES)


def downgrade() -> None:
    """Revert this revision (PDF jobs are deleted: the old schema cannot hold them)."""
    op.execute("DELETE FROM export_jobs WHERE format = 'pdf'")
    with op.batch_alter_table("export_jobs", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("ck_export_jobs_notes_placement_known"), type_="check")
        batch_op.drop_constraint(batch_op.f("ck_export_jobs_format_known"), type_="check")
        batch_op.create_check_constraint(batch_op.f("ck_export_jobs_format_known"), OLD_FORMATS)
        batch_op.drop_column("notes_placement")
