"""What someone who can edit the database file, but does not hold the installation's audit key,
can do to the trail and the records (issue 10 item 10). Shared by tests/data/test_tamper.py and
the tamper campaign (tests/campaign/test_tamper_campaign.py).

Every attack works on the database directly (SQL through a plain connection, none of the app's
services or audit hooks), the way a person with the file and an SQLite shell, or with the
PostgreSQL role's password, would.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import uuid
from typing import Any

from sqlalchemy import Connection, select, text, update

from rehab_tracker.data.database import Database
from rehab_tracker.data.models import AuditEntry, Patient
from tests.data.helpers import make_patient

GENESIS = "0" * 64
_HASHED = ("id", "at", "actor", "action", "entity", "entity_id", "before", "after")


def unkeyed_hash(prev_hash: str, row: dict[str, Any]) -> str:
    """The app's own unkeyed SHA-256 of an entry (as audit.py computed it before issue 10)."""
    fields = {name: row[name] for name in _HASHED}
    fields["id"] = str(fields["id"])
    fields["at"] = fields["at"].isoformat()
    canonical = json.dumps(fields, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256((prev_hash + canonical).encode("utf-8")).hexdigest()


def some_records(db: Database, count: int = 3, prefix: str = "RT-0") -> list[uuid.UUID]:
    """``count`` patients added through the app, then one of them edited: a trail to attack."""
    ids = []
    for number in range(count):
        with db.unit_of_work("dr.kim") as session:
            patient = make_patient(f"{prefix}{number:04d}")
            session.add(patient)
            session.flush()
            ids.append(patient.id)
    with db.unit_of_work("nurse.lee") as session:
        loaded = session.get(Patient, ids[0])
        assert loaded is not None
        loaded.notes = "seen today"
    return ids


def drop_guards(db: Database) -> None:
    """The triggers that keep the trail append-only, dropped (what an attacker does first)."""
    with db.engine.begin() as conn:
        if db.engine.dialect.name == "sqlite":
            conn.execute(text("DROP TRIGGER IF EXISTS audit_log_no_update"))
            conn.execute(text("DROP TRIGGER IF EXISTS audit_log_no_delete"))
        else:
            conn.execute(text("DROP TRIGGER IF EXISTS audit_log_no_change ON audit_log"))
            conn.execute(text("DROP TRIGGER IF EXISTS audit_log_no_truncate ON audit_log"))


def disable_guards(db: Database) -> None:
    """The guards kept but made harmless: a no-op trigger under the same name (SQLite), or the
    triggers disabled (PostgreSQL)."""
    if db.engine.dialect.name == "sqlite":
        drop_guards(db)
    with db.engine.begin() as conn:
        if db.engine.dialect.name == "sqlite":
            conn.execute(
                text(
                    "CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log WHEN 0 "
                    "BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END"
                )
            )
            conn.execute(
                text(
                    "CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log WHEN 0 "
                    "BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END"
                )
            )
        else:
            conn.execute(text("ALTER TABLE audit_log DISABLE TRIGGER USER"))


def _entries(conn: Connection) -> list[dict[str, Any]]:
    rows = conn.execute(select(AuditEntry.__table__).order_by(AuditEntry.seq)).mappings()
    return [dict(row) for row in rows]


def _rechain(conn: Connection, entries: list[dict[str, Any]], *, unseal: bool) -> None:
    """Recompute every link and hash with the unkeyed SHA-256 and write them back."""
    table = AuditEntry.__table__
    prev = GENESIS
    for entry in entries:
        values: dict[str, Any] = {"prev_hash": prev, "hash": unkeyed_hash(prev, entry)}
        values.update({name: entry[name] for name in ("actor", "before", "after")})
        if unseal and "key_id" in entry:
            values["key_id"] = None
        conn.execute(update(table).where(table.c.seq == entry["seq"]).values(**values))
        prev = values["hash"]


def rechain_unkeyed(db: Database, *, unseal: bool = False) -> None:
    """Change who made an entry, then recompute the whole chain with the app's unkeyed hash
    (``unseal`` also clears the entries' key ids, as if an older version had written them)."""
    drop_guards(db)
    with db.engine.begin() as conn:
        entries = _entries(conn)
        entries[1]["actor"] = "someone.else"
        _rechain(conn, entries, unseal=unseal)


def delete_tail(db: Database, count: int = 2) -> None:
    drop_guards(db)
    with db.engine.begin() as conn:
        seqs = [e["seq"] for e in _entries(conn)][-count:]
        conn.execute(text("DELETE FROM audit_log WHERE seq >= :seq"), {"seq": min(seqs)})


def delete_middle(db: Database) -> None:
    """One entry from the middle removed and the chain relinked around it (unkeyed)."""
    drop_guards(db)
    with db.engine.begin() as conn:
        entries = _entries(conn)
        gone = entries.pop(len(entries) // 2)
        conn.execute(text("DELETE FROM audit_log WHERE seq = :seq"), {"seq": gone["seq"]})
        _rechain(conn, entries, unseal=False)


def swap_pair(db: Database) -> None:
    """The contents of two neighbouring entries exchanged (their order changed)."""
    drop_guards(db)
    table = AuditEntry.__table__
    columns = [c.name for c in table.columns if c.name not in ("seq", "id")]
    with db.engine.begin() as conn:
        first, second = _entries(conn)[1:3]
        for entry, other in ((first, second), (second, first)):
            conn.execute(
                update(table)
                .where(table.c.seq == entry["seq"])
                .values(**{name: other[name] for name in columns})
            )


def forge_appended(db: Database) -> None:
    """A new entry appended after the head, linked and hashed with the unkeyed scheme, with
    the key id of the entry before it (the attacker has no key to compute a keyed hash)."""
    with db.engine.begin() as conn:
        head = _entries(conn)[-1]
        forged = {
            "id": uuid.uuid4(),
            "at": dt.datetime.now(dt.UTC),
            "actor": "dr.kim",
            "action": "update",
            "entity": "patients",
            "entity_id": head["entity_id"],
            "before": None,
            "after": {"notes": "forged"},
        }
        values = {**forged, "prev_hash": head["hash"], "hash": unkeyed_hash(head["hash"], forged)}
        if "key_id" in head:
            values["key_id"] = head["key_id"]
        conn.execute(AuditEntry.__table__.insert().values(**values))


def change_birth_date(db: Database, patient_id: uuid.UUID) -> None:
    """A patient's date of birth changed by a direct SQL UPDATE (no trail entry)."""
    table = Patient.__table__
    with db.engine.begin() as conn:
        conn.execute(
            update(table).where(table.c.id == patient_id).values(date_of_birth=dt.date(1950, 1, 1))
        )


def delete_record(db: Database, patient_id: uuid.UUID) -> None:
    """A patient removed by a direct SQL DELETE (no trail entry)."""
    table = Patient.__table__
    with db.engine.begin() as conn:
        conn.execute(table.delete().where(table.c.id == patient_id))
