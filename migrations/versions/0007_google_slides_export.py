"""Google Slides export: encrypted per-user tokens, one-time OAuth states, remembered presentations.

Export jobs may be Google Slides ("gslides"); their result is a link, not a file.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-06 09:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

OLD_FORMATS = "format IN ('pptx', 'html', 'pdf')"
NEW_FORMATS = "format IN ('pptx', 'html', 'pdf', 'gslides')"


def upgrade() -> None:
    """Apply this revision."""
    op.create_table(
        "google_oauth_tokens",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_name", sa.String(length=255), nullable=False),
        sa.Column("encrypted_tokens", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_google_oauth_tokens")),
        sa.UniqueConstraint("user_name", name=op.f("uq_google_oauth_tokens_user_name")),
    )
    op.create_table(
        "google_oauth_states",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("state", sa.String(length=64), nullable=False),
        sa.Column("user_name", sa.String(length=255), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_google_oauth_states")),
        sa.UniqueConstraint("state", name=op.f("uq_google_oauth_states_state")),
    )
    with op.batch_alter_table("google_oauth_states", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_google_oauth_states_user_name"), ["user_name"], unique=False
        )
    op.create_table(
        "google_presentations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column("user_name", sa.String(length=255), nullable=False),
        sa.Column("presentation_id", sa.String(length=255), nullable=False),
        sa.Column("url", sa.String(length=500), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["user_sessions.id"],
            name=op.f("fk_google_presentations_session_id"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_google_presentations")),
        sa.UniqueConstraint(
            "session_id", "user_name", name=op.f("uq_google_presentations_session_id_user_name")
        ),
    )
    with op.batch_alter_table("google_presentations", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_google_presentations_session_id"), ["session_id"], unique=False
        )
    with op.batch_alter_table("export_jobs", schema=None) as batch_op:
        batch_op.add_column(sa.Column("result_url", sa.String(length=500), nullable=True))
        batch_op.drop_constraint(batch_op.f("ck_export_jobs_format_known"), type_="check")
        batch_op.create_check_constraint(batch_op.f("ck_export_jobs_format_known"), NEW_FORMATS)


def downgrade() -> None:
    """Revert this revision (Google Slides jobs are deleted: the old schema cannot hold them)."""
    op.execute("DELETE FROM export_jobs WHERE format = 'gslides'")
    with op.batch_alter_table("export_jobs", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("ck_export_jobs_format_known"), type_="check")
        batch_op.create_check_constraint(batch_op.f("ck_export_jobs_format_known"), OLD_FORMATS)
        batch_op.drop_column("result_url")
    with op.batch_alter_table("google_presentations", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_google_presentations_session_id"))
    op.drop_table("google_presentations")
    with op.batch_alter_table("google_oauth_states", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_google_oauth_states_user_name"))
    op.drop_table("google_oauth_states")
    op.drop_table("google_oauth_tokens")
