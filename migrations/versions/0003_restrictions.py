"""surgeon restrictions in use

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-01

The restrictions table gets a start date (existing rows: the day they were written) and who set
the restriction (existing rows: "surgeon"), and an index on the patient. Exercises list the
movements a restriction can rule out (loaded forward bending, twisting, sitting): the shipped
exercises that involve one get it here, as resources/exercises.json now says. A prescription
keeps the reason it was saved although it goes past an active restriction.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import rehab_tracker.data.types

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

#: the shipped exercises' movements at this revision (resources/exercises.json)
SHIPPED_MOVEMENTS: dict[str, list[str]] = {
    "goblet_squat": ["loaded_flexion"],
    "romanian_deadlift": ["loaded_flexion"],
    "curl_up": ["loaded_flexion"],
    "pallof_press": ["rotation"],
    "stationary_bike": ["sitting"],
    "sciatic_nerve_slider_seated": ["sitting"],
}


def upgrade() -> None:
    with op.batch_alter_table("restrictions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("starts_on", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("set_by", sa.String(length=100), nullable=True))
        batch_op.create_index(batch_op.f("ix_restrictions_patient_id"), ["patient_id"])
    restrictions = sa.table(
        "restrictions",
        sa.column("created_at", rehab_tracker.data.types.UTCDateTime(timezone=True)),
        sa.column("starts_on", sa.Date()),
        sa.column("set_by", sa.String()),
    )
    op.execute(restrictions.update().values(set_by="surgeon"))
    op.execute(
        restrictions.update().values(starts_on=sa.func.date(restrictions.c.created_at))
    )
    with op.batch_alter_table("restrictions", schema=None) as batch_op:
        batch_op.alter_column("set_by", existing_type=sa.String(length=100), nullable=False)

    with op.batch_alter_table("exercises", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("movements", rehab_tracker.data.types.JSONDoc(), nullable=True)
        )
    exercises = sa.table(
        "exercises",
        sa.column("code", sa.String()),
        sa.column("movements", rehab_tracker.data.types.JSONDoc()),
    )
    op.execute(exercises.update().values(movements=[]))
    for code, movements in SHIPPED_MOVEMENTS.items():
        op.execute(
            exercises.update().where(exercises.c.code == code).values(movements=movements)
        )
    with op.batch_alter_table("exercises", schema=None) as batch_op:
        batch_op.alter_column(
            "movements", existing_type=rehab_tracker.data.types.JSONDoc(), nullable=False
        )

    with op.batch_alter_table("prescriptions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("restriction_override", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("prescriptions", schema=None) as batch_op:
        batch_op.drop_column("restriction_override")
    with op.batch_alter_table("exercises", schema=None) as batch_op:
        batch_op.drop_column("movements")
    with op.batch_alter_table("restrictions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_restrictions_patient_id"))
        batch_op.drop_column("set_by")
        batch_op.drop_column("starts_on")
