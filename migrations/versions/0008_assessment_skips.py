"""an instrument of an assessment skipped, with its reason

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-01

Issue 11 item 4: an assessment (baseline, mid-program, end of program, follow-up) counts as done
only when each of its instruments is recorded or skipped; a skip is stored here with the reason
the clinician gave, the date and the timepoint, tied to the patient (and the program it was in).
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import rehab_tracker.data.types

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "assessment_skips",
        sa.Column("patient_id", sa.Uuid(), nullable=False),
        sa.Column("program_id", sa.Uuid(), nullable=True),
        sa.Column("instrument", sa.String(length=32), nullable=False),
        sa.Column("skipped_on", sa.Date(), nullable=False),
        sa.Column("timepoint", sa.String(length=32), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("deleted_at", rehab_tracker.data.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column(
            "created_at", rehab_tracker.data.types.UTCDateTime(timezone=True), nullable=False
        ),
        sa.Column(
            "updated_at", rehab_tracker.data.types.UTCDateTime(timezone=True), nullable=False
        ),
        sa.Column("created_by", sa.String(length=100), nullable=False),
        sa.CheckConstraint("length(trim(reason)) > 0", name=op.f("ck_assessment_skips_reason")),
        sa.ForeignKeyConstraint(
            ["patient_id"],
            ["patients.id"],
            name=op.f("fk_assessment_skips_patient_id_patients"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["program_id"],
            ["programs.id"],
            name=op.f("fk_assessment_skips_program_id_programs"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_assessment_skips")),
    )
    with op.batch_alter_table("assessment_skips", schema=None) as batch_op:
        batch_op.create_index(
            "ix_assessment_skips_patient_skipped", ["patient_id", "skipped_on"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("assessment_skips", schema=None) as batch_op:
        batch_op.drop_index("ix_assessment_skips_patient_skipped")
    op.drop_table("assessment_skips")
