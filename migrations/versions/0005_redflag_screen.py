"""red-flag screen: the outcome and clearance of a positive screen

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01

A positive red-flag screen was only "acknowledged" (who clicked, when). It now records what
followed: the advice given, who the patient was referred to (with details), and the clearance:
who cleared exercise to resume (name and role) and on which day. ``red_flag_acknowledged_at/by``
keep their meaning of "clearance recorded at/by" (the open/cleared marker); a CHECK ties them to
the clearance details.

Existing acknowledgements become clearances, honestly: cleared on the day of the
acknowledgement, by "not recorded (acknowledged by <user>)", with a note that the record was made
before clearance details were kept; advice and referral stay empty (shown as "not recorded").
Each backfilled row gets an audit entry (actor "migration 0005_redflag_screen").
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

import rehab_tracker.data.types

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ACTOR = "migration 0005_redflag_screen"
NOTE = (
    "Recorded before clearance details were kept: acknowledged by {by} at {at} UTC. The advice "
    "given, the referral and who cleared exercise to resume were not recorded."
)
_REFERRED = (
    "red_flag_referred_to IS NULL OR red_flag_referred_to IN ('emergency_services', "
    "'emergency_department', 'surgeon', 'gp', 'other', 'none')"
)
_CLEARANCE = (
    "red_flag_acknowledged_at IS NULL OR "
    "(red_flag_cleared_by IS NOT NULL AND red_flag_cleared_on IS NOT NULL)"
)


def upgrade() -> None:
    with op.batch_alter_table("session_logs", schema=None) as batch_op:
        batch_op.add_column(sa.Column("red_flag_advice", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("red_flag_referred_to", sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column("red_flag_referral_details", sa.Text(), nullable=True))
        batch_op.add_column(
            sa.Column(
                "red_flag_outcome_at",
                rehab_tracker.data.types.UTCDateTime(timezone=True),
                nullable=True,
            )
        )
        batch_op.add_column(
            sa.Column("red_flag_outcome_by", sa.String(length=100), nullable=True)
        )
        batch_op.add_column(
            sa.Column("red_flag_cleared_by", sa.String(length=200), nullable=True)
        )
        batch_op.add_column(sa.Column("red_flag_cleared_on", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("red_flag_clearance_note", sa.Text(), nullable=True))
    _backfill_clearances()
    with op.batch_alter_table("session_logs", schema=None) as batch_op:
        batch_op.create_check_constraint(
            op.f("ck_session_logs_red_flag_referred_to"), _REFERRED
        )
        batch_op.create_check_constraint(op.f("ck_session_logs_red_flag_clearance"), _CLEARANCE)


def _backfill_clearances() -> None:
    """Every acknowledged screen becomes a clearance that says what was not recorded."""
    from sqlalchemy.orm import Session

    from rehab_tracker.data import audit

    logs = sa.table(
        "session_logs",
        sa.column("id", sa.Uuid()),
        sa.column("red_flag_acknowledged_at", rehab_tracker.data.types.UTCDateTime(True)),
        sa.column("red_flag_acknowledged_by", sa.String()),
        sa.column("red_flag_cleared_by", sa.String()),
        sa.column("red_flag_cleared_on", sa.Date()),
        sa.column("red_flag_clearance_note", sa.Text()),
    )
    conn = op.get_bind()
    rows = conn.execute(
        sa.select(logs.c.id, logs.c.red_flag_acknowledged_at, logs.c.red_flag_acknowledged_by)
        .where(logs.c.red_flag_acknowledged_at.is_not(None))
        .order_by(logs.c.red_flag_acknowledged_at)
    ).all()
    changes: list[tuple[str, str, str, dict[str, Any] | None, dict[str, Any] | None]] = []
    for log_id, at, by in rows:
        who = by or "unknown user"
        values: dict[str, Any] = {
            "red_flag_cleared_by": f"not recorded (acknowledged by {who})",
            "red_flag_cleared_on": at.date() if isinstance(at, dt.datetime) else at,
            "red_flag_clearance_note": NOTE.format(by=who, at=f"{at:%Y-%m-%d %H:%M}"),
        }
        conn.execute(sa.update(logs).where(logs.c.id == log_id).values(**values))
        after = {**values, "red_flag_cleared_on": values["red_flag_cleared_on"].isoformat()}
        before = dict.fromkeys(values)
        changes.append(("update", "session_logs", str(log_id), before, after))
    if changes:
        session = Session(bind=conn)
        session.info["actor"] = ACTOR
        try:
            audit.append(session, changes, keyed=False)  # no key ids before 0009
        finally:
            session.close()


def downgrade() -> None:
    with op.batch_alter_table("session_logs", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_session_logs_red_flag_clearance"), type_="check")
        batch_op.drop_constraint(op.f("ck_session_logs_red_flag_referred_to"), type_="check")
        for name in (
            "red_flag_clearance_note",
            "red_flag_cleared_on",
            "red_flag_cleared_by",
            "red_flag_outcome_by",
            "red_flag_outcome_at",
            "red_flag_referral_details",
            "red_flag_referred_to",
            "red_flag_advice",
        ):
            batch_op.drop_column(name)
