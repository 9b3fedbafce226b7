"""the audit trail sealed with a key kept outside the database

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-01

Every audit entry from now on is sealed with HMAC-SHA256 under the installation's key (a file in
the user's settings folder, ``data.audit_keys``) and names that key in the new ``key_id`` column.
Entries already in the trail keep their unkeyed SHA-256 and no key id; one keyed "seal" entry is
appended after the newest of them (when there are any), so that from there on a trail recomputed
with the unkeyed hash no longer passes ``db check``. Every row is kept.

An index on (entity, entity_id, seq) lets ``db check`` read the trail of each table's records in
order without a scan of the whole trail per table.

The column is added in place (no table rebuild on SQLite, which would drop the triggers that
keep the trail append-only). A downgrade keeps it and its key ids: the trail is append-only, and
an upgrade again seals whatever older code appended meanwhile.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ACTOR = "system (upgrade 0010)"


def upgrade() -> None:
    columns = {c["name"] for c in sa.inspect(op.get_bind()).get_columns("audit_log")}
    if "key_id" not in columns:  # kept by a downgrade
        op.add_column("audit_log", sa.Column("key_id", sa.String(length=32), nullable=True))
    op.create_index(
        "ix_audit_log_entity_entity_id_seq", "audit_log", ["entity", "entity_id", "seq"]
    )
    _seal_existing_entries()


def _seal_existing_entries() -> None:
    from sqlalchemy.orm import Session

    from rehab_tracker.data import audit

    conn = op.get_bind()
    log = sa.table(
        "audit_log",
        sa.column("seq", sa.Integer()),
        sa.column("hash", sa.String()),
        sa.column("key_id", sa.String()),
    )
    newest = conn.execute(
        sa.select(log.c.hash, log.c.key_id).order_by(log.c.seq.desc()).limit(1)
    ).first()
    if newest is None or newest.key_id is not None:
        return  # nothing to seal
    count = conn.execute(
        sa.select(sa.func.count()).select_from(log).where(log.c.key_id.is_(None))
    ).scalar_one()
    head = newest.hash
    session = Session(bind=conn)
    session.info["actor"] = ACTOR
    try:
        audit.append(
            session,
            [
                (
                    "seal",
                    "audit_log",
                    "trail",
                    None,
                    {"unkeyed_entries": int(count), "unkeyed_head": head},
                )
            ],
        )
    finally:
        session.close()


def downgrade() -> None:
    """``key_id`` stays (see the module docstring); older code ignores it."""
    op.drop_index("ix_audit_log_entity_entity_id_seq", table_name="audit_log")
