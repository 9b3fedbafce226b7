"""a version on every row a user edits

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-01

Session logs, outcomes, walking tests, prescriptions, exercises, education items and clinic
settings get the ``version`` column patients and programs have (optimistic concurrency: a save
from a form loaded before another workstation's save is refused instead of overwriting it).
Existing rows start at version 1. The column is added with a server default so existing rows
are filled, then the default is dropped (the models set it, as for patients and programs).
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLES = (
    "session_logs",
    "outcome_assessments",
    "walk_tests",
    "prescriptions",
    "exercises",
    "education_items",
    "settings",
)


def upgrade() -> None:
    for table in TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(
                sa.Column("version", sa.Integer(), nullable=False, server_default=sa.text("1"))
            )
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.alter_column("version", existing_type=sa.Integer(), server_default=None)


def downgrade() -> None:
    for table in reversed(TABLES):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column("version")
