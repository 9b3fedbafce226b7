"""measures: performance tests, PSFS, GRC and the neurological screen

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01

The walking-test table also holds the USC trial's performance tests (five-repetition
sit-to-stand, modified Biering-Sorensen hold; seconds), the questionnaire table the
Patient-Specific Functional Scale and the Global Rating of Change: their CHECK constraints
widen. A new table holds neurological screens. Existing rows are untouched (nothing to
backfill: every stored code stays valid). A downgrade deletes the rows of the new kinds, which
the old schema cannot hold.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import rehab_tracker.data.types

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_OLD_INSTRUMENTS = "instrument IN ('odi', 'rmdq', 'nprs_back', 'nprs_leg')"
_NEW_INSTRUMENTS = "instrument IN ('odi', 'rmdq', 'nprs_back', 'nprs_leg', 'psfs', 'grc')"
_OLD_TESTS = (
    "test IN ('walk_5min', 'walk_6min', 'walk_50ft_preferred', 'walk_50ft_fastest', 'tug')"
)
_NEW_TESTS = (
    "test IN ('walk_5min', 'walk_6min', 'walk_50ft_preferred', 'walk_50ft_fastest', "
    "'tug', 'sts_5x', 'sorensen')"
)


def _replace_check(table: str, name: str, condition: str) -> None:
    with op.batch_alter_table(table, schema=None) as batch_op:
        batch_op.drop_constraint(op.f(name), type_="check")
        batch_op.create_check_constraint(op.f(name), condition)


def upgrade() -> None:
    _replace_check("outcome_assessments", "ck_outcome_assessments_instrument", _NEW_INSTRUMENTS)
    _replace_check("walk_tests", "ck_walk_tests_test", _NEW_TESTS)
    op.create_table(
        "neuro_screens",
        sa.Column("patient_id", sa.Uuid(), nullable=False),
        sa.Column("program_id", sa.Uuid(), nullable=True),
        sa.Column("examined_on", sa.Date(), nullable=False),
        sa.Column("timepoint", sa.String(length=32), nullable=False),
        sa.Column("findings", rehab_tracker.data.types.JSONDoc(), nullable=False),
        sa.Column("rule_version", sa.String(length=32), nullable=False),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column("deleted_at", rehab_tracker.data.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column(
            "created_at", rehab_tracker.data.types.UTCDateTime(timezone=True), nullable=False
        ),
        sa.Column(
            "updated_at", rehab_tracker.data.types.UTCDateTime(timezone=True), nullable=False
        ),
        sa.Column("created_by", sa.String(length=100), nullable=False),
        sa.ForeignKeyConstraint(
            ["patient_id"],
            ["patients.id"],
            name=op.f("fk_neuro_screens_patient_id_patients"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["program_id"],
            ["programs.id"],
            name=op.f("fk_neuro_screens_program_id_programs"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_neuro_screens")),
    )
    with op.batch_alter_table("neuro_screens", schema=None) as batch_op:
        batch_op.create_index(
            "ix_neuro_screens_patient_examined", ["patient_id", "examined_on"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("neuro_screens", schema=None) as batch_op:
        batch_op.drop_index("ix_neuro_screens_patient_examined")
    op.drop_table("neuro_screens")
    op.execute("DELETE FROM walk_tests WHERE test IN ('sts_5x', 'sorensen')")
    op.execute("DELETE FROM outcome_assessments WHERE instrument IN ('psfs', 'grc')")
    _replace_check("walk_tests", "ck_walk_tests_test", _OLD_TESTS)
    _replace_check("outcome_assessments", "ck_outcome_assessments_instrument", _OLD_INSTRUMENTS)
