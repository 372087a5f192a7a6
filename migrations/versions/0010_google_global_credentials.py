"""The workspace's Google OAuth client, uploaded by an admin: the file encrypted, at most one row.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-08 09:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Apply this revision."""
    op.create_table(
        "google_global_credentials",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("encrypted_client", sa.LargeBinary(), nullable=False),
        sa.Column("client_id", sa.String(length=255), nullable=False),
        sa.Column("client_type", sa.String(length=16), nullable=False),
        sa.Column("uploaded_by", sa.String(length=255), nullable=False),
        sa.Column("uploaded_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("id = 1", name=op.f("ck_google_global_credentials_single_row")),
        sa.CheckConstraint(
            "client_type IN ('web', 'installed')",
            name=op.f("ck_google_global_credentials_client_type_known"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_google_global_credentials")),
    )


def downgrade() -> None:
    """Revert this revision (the uploaded client is dropped; env variables still work)."""
    op.drop_table("google_global_credentials")
