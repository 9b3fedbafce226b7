"""appointments: a booked time on a scheduled session, and the indexes the Today view reads by

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-01

A scheduled session (one numbered slot of a program, laid out by the builder on its date) gets
``appointment_time``: the time of day it is booked for (NULL: planned on its date, no time
booked yet). Booking or moving a session sets its date and time; ``version`` (optimistic
concurrency, as in 0006) refuses a move from a form opened before another workstation's move.
Existing slots start at version 1 and with no time booked.

Indexes for the clinic-wide reads of the Today view (every patient at once):

- ``session_logs (red_flag_result, red_flag_acknowledged_at)``: the open positive screens
  (positive, no clearance recorded) without reading every session ever logged;
- ``scheduled_assessments (program_id)`` and ``(due_date)``: the assessments due by a date, and
  one program's schedule (the foreign key had no index).
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("scheduled_sessions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("appointment_time", sa.Time(), nullable=True))
        batch_op.add_column(
            sa.Column("version", sa.Integer(), nullable=False, server_default=sa.text("1"))
        )
    with op.batch_alter_table("scheduled_sessions", schema=None) as batch_op:
        batch_op.alter_column("version", existing_type=sa.Integer(), server_default=None)
    with op.batch_alter_table("session_logs", schema=None) as batch_op:
        batch_op.create_index(
            "ix_session_logs_red_flag_open",
            ["red_flag_result", "red_flag_acknowledged_at"],
            unique=False,
        )
    with op.batch_alter_table("scheduled_assessments", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_scheduled_assessments_program_id"), ["program_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_scheduled_assessments_due_date"), ["due_date"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("scheduled_assessments", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_scheduled_assessments_due_date"))
        batch_op.drop_index(batch_op.f("ix_scheduled_assessments_program_id"))
    with op.batch_alter_table("session_logs", schema=None) as batch_op:
        batch_op.drop_index("ix_session_logs_red_flag_open")
    with op.batch_alter_table("scheduled_sessions", schema=None) as batch_op:
        batch_op.drop_column("version")
        batch_op.drop_column("appointment_time")
