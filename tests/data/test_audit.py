"""The audit trail: written on every change of a record, hash-chained, append-only."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
from sqlalchemy import ForeignKey, func, select, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import ONETOMANY

from rehab_tracker.data import audit
from rehab_tracker.data.database import Database
from rehab_tracker.data.models import AuditEntry, Base, Counter, Draft, Patient
from tests.data.helpers import make_patient
from tests.data.tamper import drop_guards


def _entries(db: Database) -> list[AuditEntry]:
    with db.reading() as session:
        return list(session.scalars(select(AuditEntry).order_by(AuditEntry.seq)))


def _count(db: Database) -> int:
    with db.reading() as session:
        return int(session.scalar(select(func.count(AuditEntry.seq))) or 0)


def test_create_update_delete_are_recorded_with_actor_and_before_after(any_db: Database) -> None:
    with any_db.unit_of_work("dr.kim") as session:
        patient = make_patient()
        session.add(patient)
        session.flush()
        patient_id = patient.id
    with any_db.unit_of_work("nurse.lee") as session:
        loaded = session.get(Patient, patient_id)
        assert loaded is not None
        loaded.given_name = "Augusta"
    with any_db.unit_of_work("admin") as session:
        loaded = session.get(Patient, patient_id)
        session.delete(loaded)

    entries = [e for e in _entries(any_db) if e.entity == "patients"]
    assert [(e.action, e.actor) for e in entries] == [
        ("create", "dr.kim"), ("update", "nurse.lee"), ("delete", "admin"),
    ]
    assert {e.entity_id for e in entries} == {str(patient_id)}
    create, update, delete = entries
    assert create.before is None
    assert create.after is not None and create.after["given_name"] == "Ada"
    assert create.after["id"] == str(patient_id)
    assert update.before is not None and update.after is not None
    assert update.before["given_name"] == "Ada" and update.after["given_name"] == "Augusta"
    assert update.before["family_name"] == update.after["family_name"] == "Lovelace"
    # the before image is the row as it was, not as the flush left it
    assert update.before["version"] == create.after["version"] == 1
    assert update.after["version"] == 2
    assert update.before["updated_at"] == create.after["updated_at"]
    assert update.after["updated_at"] > update.before["updated_at"]
    assert delete.before == update.after
    assert delete.before is not None and delete.before["given_name"] == "Augusta"
    assert delete.after is None
    for entry in entries:
        assert entry.at.tzinfo is not None
        assert abs(entry.at - dt.datetime.now(dt.UTC)) < dt.timedelta(minutes=5)


def test_unchanged_flush_writes_no_update(any_db: Database) -> None:
    with any_db.unit_of_work() as session:
        patient = make_patient()
        session.add(patient)
    before = _count(any_db)
    with any_db.unit_of_work() as session:
        loaded = session.get(Patient, patient.id)
        assert loaded is not None
        loaded.given_name = "Ada"  # same value
    assert _count(any_db) == before


def test_rolled_back_change_leaves_no_entry(any_db: Database) -> None:
    before = _count(any_db)
    with pytest.raises(RuntimeError), any_db.unit_of_work() as session:
        session.add(make_patient())
        session.flush()
        raise RuntimeError("cancel")
    assert _count(any_db) == before


def test_drafts_and_counters_are_not_audited(any_db: Database) -> None:
    before = _count(any_db)
    with any_db.unit_of_work() as session:
        session.add(Draft(key="session-form", payload={"reps": 10}))
        session.add(Counter(name="test", value=1))
    with any_db.unit_of_work() as session:
        counter = session.get(Counter, "test")
        draft = session.get(Draft, "session-form")
        assert counter is not None and draft is not None
        counter.value = 2
        draft.payload = {"reps": 12}
    with any_db.unit_of_work() as session:
        session.delete(session.get(Draft, "session-form"))
    assert _count(any_db) == before
    # ...while a patient in the same kind of unit of work is
    with any_db.unit_of_work() as session:
        session.add(make_patient())
        session.add(Counter(name="other", value=1))
    assert _count(any_db) == before + 1


def test_chain_is_intact_after_normal_use(any_db: Database) -> None:
    for number in range(5):
        with any_db.unit_of_work(f"user{number}") as session:
            session.add(make_patient(f"RT-{number:05d}"))
    with any_db.unit_of_work() as session:
        first = session.scalars(select(Patient).where(Patient.record_number == "RT-00000")).one()
        first.notes = "updated"
    entries = _entries(any_db)
    assert len(entries) == 6
    assert entries[0].prev_hash == audit.GENESIS
    assert all(b.prev_hash == a.hash for a, b in itertools.pairwise(entries))
    with any_db.reading() as session:
        assert audit.verify_chain(session) == []


def _three_entries(db: Database) -> list[AuditEntry]:
    for number in range(3):
        with db.unit_of_work("dr.kim") as session:
            session.add(make_patient(f"RT-{number:05d}"))
    entries = _entries(db)
    assert len(entries) == 3
    return entries


def test_tampered_entry_is_reported(any_db: Database) -> None:
    entries = _three_entries(any_db)
    drop_guards(any_db)
    with any_db.engine.begin() as conn:
        conn.execute(
            text("UPDATE audit_log SET actor = 'someone.else' WHERE seq = :seq"),
            {"seq": entries[1].seq},
        )
    with any_db.reading() as session:
        problems = audit.verify_chain(session)
    assert problems == [audit.ChainProblem(entries[1].seq, "content changed after it was written")]


def test_removed_entry_is_reported(any_db: Database) -> None:
    entries = _three_entries(any_db)
    drop_guards(any_db)
    with any_db.engine.begin() as conn:
        conn.execute(text("DELETE FROM audit_log WHERE seq = :seq"), {"seq": entries[1].seq})
    with any_db.reading() as session:
        problems = audit.verify_chain(session)
    assert problems == [audit.ChainProblem(entries[2].seq, "does not follow the previous entry")]


@pytest.mark.parametrize(
    "statement",
    ["UPDATE audit_log SET actor = 'x'", "DELETE FROM audit_log"],
    ids=["update", "delete"],
)
def test_audit_rows_cannot_be_changed_or_removed(any_db: Database, statement: str) -> None:
    _three_entries(any_db)
    with pytest.raises(DBAPIError, match="append-only"), any_db.engine.begin() as conn:
        conn.execute(text(statement))
    assert [e.actor for e in _entries(any_db)] == ["dr.kim"] * 3
    with any_db.reading() as session:
        assert audit.verify_chain(session) == []


def test_orm_cannot_change_an_entry_either(any_db: Database) -> None:
    _three_entries(any_db)
    with pytest.raises(DBAPIError, match="append-only"), any_db.unit_of_work() as session:
        entry = session.scalars(select(AuditEntry)).first()
        assert entry is not None
        entry.actor = "someone.else"
    assert [e.actor for e in _entries(any_db)] == ["dr.kim"] * 3


@pytest.mark.postgres
def test_postgres_refuses_truncate(pg_db: Database) -> None:
    _three_entries(pg_db)
    with pytest.raises(DBAPIError, match="append-only"), pg_db.engine.begin() as conn:
        conn.execute(text("TRUNCATE audit_log"))
    assert len(_entries(pg_db)) == 3


def _orm_handles(fk: ForeignKey) -> bool:
    """Whether a relationship on the referenced class makes the ORM itself delete (CASCADE) or
    null (SET NULL) the rows that point at a removed row, so the trail sees each statement."""
    parent = next(m for m in Base.registry.mappers if m.local_table is fk.column.table)
    for rel in parent.relationships:
        if rel.direction is not ONETOMANY or fk.parent not in rel.remote_side:
            continue
        if rel.passive_deletes or rel.viewonly:
            continue
        return rel.cascade.delete if fk.ondelete == "CASCADE" else not rel.cascade.delete
    return False


def test_every_database_cascade_is_also_done_by_the_orm() -> None:
    """ON DELETE CASCADE / SET NULL done by the database alone is invisible to the trail."""
    missing = [
        f"{table.name}.{fk.parent.name} -> {fk.column.table.name} ({fk.ondelete})"
        for table in Base.metadata.sorted_tables
        for fk in table.foreign_keys
        if fk.ondelete in ("CASCADE", "SET NULL") and not _orm_handles(fk)
    ]
    assert not missing, "no ORM relationship does what the database would:\n" + "\n".join(missing)
