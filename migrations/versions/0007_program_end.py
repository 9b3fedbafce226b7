"""program end: paused, completed and stopped programs with their dates and reasons

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-01

A program's status could only ever be "active" (no code changed it). It can now be paused and
resumed, completed, or stopped early. The status CHECK gains ``paused``; new columns on
``programs``: ``paused_on`` and ``pause_reason`` (the pause under way), ``paused_days`` (the days
of earlier pauses, added up at each resume), ``ended_on`` and ``end_reason`` (completion or early
stop), ``end_assessment_skip_reason`` (why a program was completed without the end-of-program
assessment). Every existing row is kept as it is: its status stays what it was (``active``), the
new columns empty and ``paused_days`` 0.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_OLD = "status IN ('planned', 'active', 'completed', 'stopped')"
_NEW = "status IN ('planned', 'active', 'paused', 'completed', 'stopped')"
_PAUSE = "status != 'paused' OR paused_on IS NOT NULL"
_END = "status NOT IN ('completed', 'stopped') OR ended_on IS NOT NULL"


def upgrade() -> None:
    with op.batch_alter_table("programs", schema=None) as batch_op:
        batch_op.add_column(sa.Column("paused_on", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("pause_reason", sa.Text(), nullable=True))
        batch_op.add_column(
            sa.Column("paused_days", sa.Integer(), nullable=False, server_default=sa.text("0"))
        )
        batch_op.add_column(sa.Column("ended_on", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("end_reason", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("end_assessment_skip_reason", sa.Text(), nullable=True))
    with op.batch_alter_table("programs", schema=None) as batch_op:
        batch_op.alter_column("paused_days", existing_type=sa.Integer(), server_default=None)
        batch_op.drop_constraint(op.f("ck_programs_status"), type_="check")
        batch_op.create_check_constraint(op.f("ck_programs_status"), _NEW)
        batch_op.create_check_constraint(op.f("ck_programs_paused_on"), _PAUSE)
        batch_op.create_check_constraint(op.f("ck_programs_ended_on"), _END)


def downgrade() -> None:
    # a paused program runs again when the schema goes back (the old CHECK has no 'paused')
    op.execute("UPDATE programs SET status = 'active' WHERE status = 'paused'")
    with op.batch_alter_table("programs", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_programs_ended_on"), type_="check")
        batch_op.drop_constraint(op.f("ck_programs_paused_on"), type_="check")
        batch_op.drop_constraint(op.f("ck_programs_status"), type_="check")
        batch_op.create_check_constraint(op.f("ck_programs_status"), _OLD)
    with op.batch_alter_table("programs", schema=None) as batch_op:
        batch_op.drop_column("end_assessment_skip_reason")
        batch_op.drop_column("end_reason")
        batch_op.drop_column("ended_on")
        batch_op.drop_column("paused_days")
        batch_op.drop_column("pause_reason")
        batch_op.drop_column("paused_on")
