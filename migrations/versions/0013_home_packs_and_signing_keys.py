"""home packs and signing keys

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-01

Issue 14 (patient home mode, a safe exchange with the clinic):

- ``signing_keys``: Ed25519 public keys. At the clinic, the clinic's own signing key (role
  ``clinic``, one per database; its private half is a 0600 file in the settings folder of the
  workstation that made it, never in the database); in a home database, the clinic key pinned
  at the first imported pack (role ``pinned``).
- ``home_packs``: each home pack made at the clinic (``sent``) or applied at home (``applied``),
  with its version (one up per patient), the key that signed it and the file's SHA-256. A home
  database applies only a version newer than the newest it applied (a replay is refused).

Only new, empty tables: no rows are written, so no audit entries (see 0010's rules).
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import rehab_tracker.data.types

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "signing_keys",
        sa.Column("key_id", sa.String(length=32), nullable=False),
        sa.Column("algorithm", sa.String(length=16), nullable=False),
        sa.Column("public_key", sa.String(length=64), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("owner", sa.String(length=200), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column(
            "created_at", rehab_tracker.data.types.UTCDateTime(timezone=True), nullable=False
        ),
        sa.Column(
            "updated_at", rehab_tracker.data.types.UTCDateTime(timezone=True), nullable=False
        ),
        sa.Column("created_by", sa.String(length=100), nullable=False),
        sa.CheckConstraint("algorithm = 'ed25519'", name=op.f("ck_signing_keys_algorithm")),
        sa.CheckConstraint("role IN ('clinic', 'pinned')", name=op.f("ck_signing_keys_role")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_signing_keys")),
        sa.UniqueConstraint("key_id", name=op.f("uq_signing_keys_key_id")),
        sa.UniqueConstraint("role", name=op.f("uq_signing_keys_role")),
    )
    op.create_table(
        "home_packs",
        sa.Column("patient_id", sa.Uuid(), nullable=False),
        sa.Column("direction", sa.String(length=8), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("key_id", sa.String(length=32), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("made_at", rehab_tracker.data.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("size_bytes", sa.Integer(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column(
            "created_at", rehab_tracker.data.types.UTCDateTime(timezone=True), nullable=False
        ),
        sa.Column(
            "updated_at", rehab_tracker.data.types.UTCDateTime(timezone=True), nullable=False
        ),
        sa.Column("created_by", sa.String(length=100), nullable=False),
        sa.CheckConstraint(
            "direction IN ('sent', 'applied')", name=op.f("ck_home_packs_direction")
        ),
        sa.CheckConstraint("version >= 1", name=op.f("ck_home_packs_version")),
        sa.ForeignKeyConstraint(
            ["patient_id"],
            ["patients.id"],
            name=op.f("fk_home_packs_patient_id_patients"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_home_packs")),
        sa.UniqueConstraint(
            "patient_id", "direction", "version", name="uq_home_packs_patient_direction_version"
        ),
    )


def downgrade() -> None:
    op.drop_table("home_packs")
    op.drop_table("signing_keys")
