"""the patient list's search key, and the index it reads each patient's latest surgery by

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-01

``patients.search_key`` holds the patient's given name, family name and record number without
accents and case folded (``data.patient_list.search_key``), indexed: the list's Find matches it
in SQL (issue 12 item 3) instead of filtering every row in Python on every keystroke. The index
``ix_patients_list (archived_at, search_key, record_number, id)`` holds what the list's search
and its order by name read, so they read the index alone. The app
sets it on every insert and update of a patient (``data.models``); this revision fills it for
the patients already there, in batches.

The key is derived from columns the trail already records, like an index: filling it writes no
audit entry (``db check`` compares each row with the columns the trail recorded for it, and the
trail's snapshots from before this revision do not name the new column). Every row is kept.

``surgeries (patient_id, surgery_date)``: the list reads the latest surgery of the patients it
shows; the foreign key had no index, so each read scanned every surgery.

The column is added in place (no table rebuild on SQLite); it may be NULL only between the add
and the fill (a row written behind the app's back without one is simply not found by Find). A
downgrade drops the index and the column.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

#: patients per UPDATE batch
BATCH = 1000


def upgrade() -> None:
    op.add_column(
        "patients",
        sa.Column("search_key", sa.String(length=240), nullable=True),
    )
    _fill_search_keys()
    op.create_index(
        "ix_patients_list", "patients", ["archived_at", "search_key", "record_number", "id"]
    )
    op.create_index("ix_surgeries_patient_date", "surgeries", ["patient_id", "surgery_date"])


def _fill_search_keys() -> None:
    from rehab_tracker.data.patient_list import search_key

    conn = op.get_bind()
    patients = sa.table(
        "patients",
        sa.column("id", sa.Uuid()),
        sa.column("given_name", sa.String()),
        sa.column("family_name", sa.String()),
        sa.column("record_number", sa.String()),
        sa.column("search_key", sa.String()),
    )
    update = (
        sa.update(patients)
        .where(patients.c.id == sa.bindparam("pid", type_=sa.Uuid()))
        .values(search_key=sa.bindparam("key"))
    )
    rows = conn.execute(
        sa.select(
            patients.c.id,
            patients.c.given_name,
            patients.c.family_name,
            patients.c.record_number,
        ).order_by(patients.c.id)
    ).all()
    for start in range(0, len(rows), BATCH):
        batch = [
            {"pid": pid, "key": search_key(given, family, record)}
            for pid, given, family, record in rows[start : start + BATCH]
        ]
        conn.execute(update, batch)


def downgrade() -> None:
    op.drop_index("ix_surgeries_patient_date", table_name="surgeries")
    op.drop_index("ix_patients_list", table_name="patients")
    with op.batch_alter_table("patients", schema=None) as batch_op:
        batch_op.drop_column("search_key")
