"""Usage: request logs per chat request and export, feedback and survey fields, prices.

request_logs had an HTTP shape nothing wrote; it is recreated with one row per finished chat
request or export. Feedback gets the deck it concerns and known categories; survey answers
get their author and a line of text; survey_schedules and usage_prices are new.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-06 05:40:59.251106
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TIMESTAMP = sa.DateTime(timezone=True)


def upgrade() -> None:
    """Apply this revision."""
    op.create_table(
        "survey_schedules",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_name", sa.String(length=255), nullable=False),
        sa.Column("snoozes", sa.Integer(), server_default="0", nullable=False),
        sa.Column("snoozed_until", TIMESTAMP, nullable=True),
        sa.Column("answered_at", TIMESTAMP, nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_survey_schedules")),
        sa.UniqueConstraint("user_name", name=op.f("uq_survey_schedules_user_name")),
    )
    op.create_table(
        "usage_prices",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("endpoint", sa.String(length=255), nullable=False),
        sa.Column("input_per_1k", sa.Float(), nullable=False),
        sa.Column("output_per_1k", sa.Float(), nullable=False),
        sa.Column("updated_by", sa.String(length=255), nullable=True),
        sa.Column("updated_at", TIMESTAMP, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_usage_prices")),
        sa.UniqueConstraint("endpoint", name=op.f("uq_usage_prices_endpoint")),
    )
    with op.batch_alter_table("feedback_conversations", schema=None) as batch_op:
        batch_op.add_column(sa.Column("session_id", sa.String(length=64), nullable=True))
        batch_op.create_check_constraint(
            "category_known", "category IN ('bug', 'quality', 'idea', 'praise')"
        )
        batch_op.create_check_constraint("severity_known", "severity IN ('low', 'medium', 'high')")
        batch_op.create_index(
            "ix_feedback_conversations_category_created_at", ["category", "created_at"]
        )
        batch_op.create_index("ix_feedback_conversations_created_at", ["created_at"])

    op.drop_table("request_logs")
    _create_request_logs()

    with op.batch_alter_table("survey_responses", schema=None) as batch_op:
        batch_op.add_column(sa.Column("comment", sa.String(length=500), nullable=True))
        batch_op.add_column(sa.Column("created_by", sa.String(length=255), nullable=True))
        batch_op.alter_column("star_rating", existing_type=sa.Integer(), nullable=True)
        batch_op.create_index("ix_survey_responses_created_at", ["created_at"])


def _create_request_logs() -> None:
    op.create_table(
        "request_logs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("finished_at", TIMESTAMP, nullable=False),
        sa.Column("request_id", sa.String(length=64), nullable=True),
        sa.Column("session_id", sa.String(length=64), nullable=True),
        sa.Column("user_name", sa.String(length=255), nullable=False),
        sa.Column("profile_name", sa.String(length=255), nullable=True),
        sa.Column("provider", sa.String(length=50), nullable=True),
        sa.Column("model", sa.String(length=255), nullable=True),
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("error_class", sa.String(length=100), nullable=True),
        sa.Column("queue_wait_ms", sa.Integer(), nullable=True),
        sa.Column("first_slide_ms", sa.Integer(), nullable=True),
        sa.Column("total_ms", sa.Integer(), nullable=True),
        sa.Column("input_tokens", sa.Integer(), nullable=False),
        sa.Column("output_tokens", sa.Integer(), nullable=False),
        sa.Column("tool_calls", sa.Integer(), nullable=False),
        sa.Column("slides", sa.Integer(), nullable=False),
        sa.Column("prompt_excerpt", sa.String(length=200), nullable=True),
        sa.CheckConstraint(
            "status IN ('completed', 'error')", name=op.f("ck_request_logs_status_known")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_request_logs")),
    )
    with op.batch_alter_table("request_logs", schema=None) as batch_op:
        batch_op.create_index("ix_request_logs_finished_at", ["finished_at"])
        batch_op.create_index(
            "ix_request_logs_profile_name_finished_at", ["profile_name", "finished_at"]
        )
        batch_op.create_index("ix_request_logs_user_name_kind", ["user_name", "kind"])


def downgrade() -> None:
    """Revert this revision."""
    with op.batch_alter_table("survey_responses", schema=None) as batch_op:
        batch_op.drop_index("ix_survey_responses_created_at")
        batch_op.alter_column("star_rating", existing_type=sa.Integer(), nullable=False)
        batch_op.drop_column("created_by")
        batch_op.drop_column("comment")

    op.drop_table("request_logs")
    op.create_table(
        "request_logs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("timestamp", TIMESTAMP, nullable=False),
        sa.Column("method", sa.String(length=10), nullable=False),
        sa.Column("path", sa.String(length=500), nullable=False),
        sa.Column("status_code", sa.Integer(), nullable=False),
        sa.Column("duration_ms", sa.Float(), nullable=False),
        sa.Column("request_id", sa.String(length=64), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_request_logs")),
    )
    with op.batch_alter_table("request_logs", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_request_logs_timestamp"), ["timestamp"], unique=False)

    with op.batch_alter_table("feedback_conversations", schema=None) as batch_op:
        batch_op.drop_index("ix_feedback_conversations_created_at")
        batch_op.drop_index("ix_feedback_conversations_category_created_at")
        batch_op.drop_constraint(op.f("ck_feedback_conversations_severity_known"), type_="check")
        batch_op.drop_constraint(op.f("ck_feedback_conversations_category_known"), type_="check")
        batch_op.drop_column("session_id")

    op.drop_table("usage_prices")
    op.drop_table("survey_schedules")
