"""indexes for the audit viewer's filters: kind and user

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-01

The audit viewer (issue 13 item 4) reads the trail newest first, filtered by the kind of entry,
by the user who wrote it and by a date range. Without an index each of those read the whole
trail; measured on a generated clinic of 200 patients (271,000 entries, SQLite): a filter by a
rare kind or an unknown user took 0.3 s a page, and finding a patient's deleted records among
the delete entries 1.4 s.

- ``audit_log (action, seq)``: one kind's entries newest first (and the delete entries);
- ``audit_log (actor, seq)``: one user's entries newest first (and the list of users).

No index on the time: a date range is read along the trail's order (newest first, stopping at
a page), which the entry numbers give; an index on ``at`` made SQLite read a whole day's
entries through it and sort them for every page (0.96 s a page for a day of 100,000 entries).

Only indexes: no row is written or changed (the trail stays as sealed), and on SQLite the table
is not rebuilt (a rebuild would drop the triggers that keep the trail append-only).
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

INDEXES = {
    "ix_audit_log_action_seq": ["action", "seq"],
    "ix_audit_log_actor_seq": ["actor", "seq"],
}


def upgrade() -> None:
    for name, columns in INDEXES.items():
        op.create_index(name, "audit_log", columns)


def downgrade() -> None:
    for name in INDEXES:
        op.drop_index(name, table_name="audit_log")
