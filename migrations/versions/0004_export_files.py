"""Export files in the database: any replica serves a download, a restart loses none.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-06 06:10:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Apply this revision."""
    op.create_table(
        "export_files",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("export_job_id", sa.Integer(), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.Column("size_bytes", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["export_job_id"],
            ["export_jobs.id"],
            name=op.f("fk_export_files_export_job_id"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_export_files")),
        sa.UniqueConstraint("export_job_id", name=op.f("uq_export_files_export_job_id")),
    )
    with op.batch_alter_table("export_files", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_export_files_created_at"), ["created_at"], unique=False)
    # Files on a replica's disk are not carried over: their jobs then say "export again".
    with op.batch_alter_table("export_jobs", schema=None) as batch_op:
        batch_op.drop_column("output_path")


def downgrade() -> None:
    """Revert this revision."""
    with op.batch_alter_table("export_jobs", schema=None) as batch_op:
        batch_op.add_column(sa.Column("output_path", sa.String(length=1000), nullable=True))
    with op.batch_alter_table("export_files", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_export_files_created_at"))
    op.drop_table("export_files")
