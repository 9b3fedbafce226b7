"""program end: paused, completed and stopped programs with their dates and reasons

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-01

A program's status could only ever be "active" (no code changed it). It can now be paused and
resumed, completed, or stopped early. The status CHECK gains ``paused``; new columns on
``programs``: ``paused_on`` and ``pause_reason`` (the pause under way), ``paused_days`` (the days
of earlier pauses, added up at each resume), ``ended_on`` and ``end_reason`` (completion or early
stop), ``end_assessment_skip_reason`` (why a program was completed without the end-of-program
assessment). Every existing row is kept: its status stays what it was (``active`` for every program
the app wrote), the new columns empty and ``paused_days`` 0.

A program already ``completed`` or ``stopped`` (no code wrote one, but the old CHECK allowed it:
an import, a hand edit) needs the end day the new CHECK asks for. It gets, honestly, the day the
row was last changed, with an end reason saying so; each such row gets an audit entry (actor
"migration 0007_program_end").
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

import rehab_tracker.data.types

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_OLD = "status IN ('planned', 'active', 'completed', 'stopped')"
_NEW = "status IN ('planned', 'active', 'paused', 'completed', 'stopped')"
_PAUSE = "status != 'paused' OR paused_on IS NOT NULL"
_END = "status NOT IN ('completed', 'stopped') OR ended_on IS NOT NULL"
ACTOR = "migration 0007_program_end"
END_NOTE = (
    "Ended before end dates were kept: the date is the day the program was last changed ({at} UTC)."
)


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
    _backfill_end_days()
    with op.batch_alter_table("programs", schema=None) as batch_op:
        batch_op.alter_column("paused_days", existing_type=sa.Integer(), server_default=None)
        batch_op.drop_constraint(op.f("ck_programs_status"), type_="check")
        batch_op.create_check_constraint(op.f("ck_programs_status"), _NEW)
        batch_op.create_check_constraint(op.f("ck_programs_paused_on"), _PAUSE)
        batch_op.create_check_constraint(op.f("ck_programs_ended_on"), _END)


def _backfill_end_days() -> None:
    """Every completed or stopped program gets an end day that says where it came from."""
    from sqlalchemy.orm import Session

    from rehab_tracker.data import audit

    programs = sa.table(
        "programs",
        sa.column("id", sa.Uuid()),
        sa.column("status", sa.String()),
        sa.column("updated_at", rehab_tracker.data.types.UTCDateTime(True)),
        sa.column("ended_on", sa.Date()),
        sa.column("end_reason", sa.Text()),
    )
    conn = op.get_bind()
    rows = conn.execute(
        sa.select(programs.c.id, programs.c.updated_at, programs.c.end_reason)
        .where(programs.c.status.in_(("completed", "stopped")), programs.c.ended_on.is_(None))
        .order_by(programs.c.updated_at)
    ).all()
    changes: list[tuple[str, str, str, dict[str, Any] | None, dict[str, Any] | None]] = []
    for program_id, at, reason in rows:
        day = at.date() if isinstance(at, dt.datetime) else at
        values: dict[str, Any] = {
            "ended_on": day,
            "end_reason": reason or END_NOTE.format(at=f"{at:%Y-%m-%d %H:%M}"),
        }
        conn.execute(sa.update(programs).where(programs.c.id == program_id).values(**values))
        after = {**values, "ended_on": day.isoformat()}
        changes.append(("update", "programs", str(program_id), dict.fromkeys(values), after))
    if changes:
        session = Session(bind=conn)
        session.info["actor"] = ACTOR
        try:
            audit.append(session, changes, keyed=False)  # no key ids before 0009
        finally:
            session.close()


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
