"""Which patient an audit entry is about, and which entries are about a patient.

An entry names a record (table and id); the record belongs to a patient directly (its
``patient_id``), through its program (phases, prescriptions, the schedule), through its session
(an exercise of a session) or through that exercise (a set). Every lookup here is set-based: one
query per table for a whole page of entries, never one per entry. A record removed since is
found in the trail itself (the state its entries recorded carries the same keys).
"""

from __future__ import annotations

import uuid
from collections.abc import Collection, Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, Table, select, union_all

from rehab_tracker.data.models import AuditEntry, Base

#: tables whose rows carry the patient's id
DIRECT = (
    "surgeries",
    "restrictions",
    "programs",
    "session_logs",
    "adverse_events",
    "outcome_assessments",
    "walk_tests",
    "neuro_screens",
    "assessment_skips",
    "import_batches",
)
#: tables whose rows belong to a program
BY_PROGRAM = (
    "program_phases",
    "prescriptions",
    "scheduled_sessions",
    "scheduled_assessments",
    "education_records",
)
#: the rest of a patient's records: (table, the column naming its parent, the parent's table)
NESTED = (("exercise_logs", "session_id", "session_logs"), ("set_logs", "exercise_log_id",
                                                             "exercise_logs"))
OWNED = (*DIRECT, *BY_PROGRAM, *(table for table, _, _ in NESTED))
#: what a record of each owned table points at: (the column, the table it names)
PARENT = {
    **{table: ("patient_id", "patients") for table in DIRECT},
    **{table: ("program_id", "programs") for table in BY_PROGRAM},
    **{table: (column, parent) for table, column, parent in NESTED},
}
#: parameters per IN list (well under SQLite's and PostgreSQL's limits)
CHUNK = 500


@dataclass(frozen=True)
class PatientName:
    record_number: str
    name: str

    def text(self) -> str:
        return f"{self.record_number} {self.name}"


def _table(name: str) -> Table:
    return Base.metadata.tables[name]


def as_uuid(text: str) -> uuid.UUID | None:
    try:
        return uuid.UUID(text)
    except ValueError:
        return None


def _chunks(values: Iterable[Any]) -> Iterator[list[Any]]:
    items = list(values)
    for start in range(0, len(items), CHUNK):
        yield items[start : start + CHUNK]


def state(before: Mapping[str, Any] | None, after: Mapping[str, Any] | None) -> Mapping[str, Any]:
    """The record's columns an entry recorded (after a change, else before it)."""
    return after if after is not None else (before or {})


def column_of(conn: Connection, table_name: str, column: str, ids: Collection[str]) -> dict[str,
                                                                                         str]:
    """``id -> column`` (as text) for the records of ``table_name`` that ``ids`` name: current
    rows first, then the trail's recorded state for rows removed since."""
    table = _table(table_name)
    found: dict[str, str] = {}
    uuids = [u for u in map(as_uuid, ids) if u is not None]
    for chunk in _chunks(uuids):
        current = select(table.c.id, table.c[column]).where(table.c.id.in_(chunk))
        for row_id, value in conn.execute(current):
            if value is not None:
                found[str(row_id)] = str(value)
    missing = [i for i in ids if i not in found]
    for chunk in _chunks(missing):
        recorded = select(AuditEntry.entity_id, AuditEntry.before, AuditEntry.after).where(
            AuditEntry.entity == table_name, AuditEntry.entity_id.in_(chunk)
        )
        for entity_id, before, after in conn.execute(recorded):
            value = state(before, after).get(column)
            if value is not None:
                found.setdefault(entity_id, str(value))
    return found


def _pointer(entity: str, entity_id: str, recorded: Mapping[str, Any]) -> tuple[str, str] | None:
    """What an entry's record points at on the way to its patient: ("patients", the patient's
    id), or (its parent's table, the parent's id); None for a record of no patient."""
    if entity == "patients":
        return ("patients", entity_id)
    if entity not in PARENT:
        return None
    column, parent = PARENT[entity]
    value = recorded.get(column)
    return (parent, str(value)) if value else None


def patients_of(
    conn: Connection,
    entries: Iterable[tuple[str, str, Mapping[str, Any] | None, Mapping[str, Any] | None]],
) -> list[str | None]:
    """The patient id (text) of each ``(entity, entity_id, before, after)`` entry, or None for
    entries about no patient (the library, the settings, the trail)."""
    pointers = [_pointer(entity, entity_id, state(before, after))
                for entity, entity_id, before, after in entries]
    exercise_logs = {p[1] for p in pointers if p and p[0] == "exercise_logs"}
    session_of = column_of(conn, "exercise_logs", "session_id", exercise_logs)
    sessions = {p[1] for p in pointers if p and p[0] == "session_logs"} | set(session_of.values())
    programs = {p[1] for p in pointers if p and p[0] == "programs"}
    patient_of_session = column_of(conn, "session_logs", "patient_id", sessions)
    patient_of_program = column_of(conn, "programs", "patient_id", programs)

    def resolve(pointer: tuple[str, str] | None) -> str | None:
        if pointer is None:
            return None
        table, row_id = pointer
        if table == "patients":
            return row_id
        if table == "programs":
            return patient_of_program.get(row_id)
        if table == "exercise_logs":
            session = session_of.get(row_id)
            return patient_of_session.get(session) if session else None
        return patient_of_session.get(row_id)

    return [resolve(p) for p in pointers]


def patient_names(conn: Connection, ids: Collection[str]) -> dict[str, PatientName]:
    """Record number and name of each patient ``ids`` names (removed ones: from the trail)."""
    names: dict[str, PatientName] = {}
    table = _table("patients")
    uuids = [u for u in map(as_uuid, ids) if u is not None]
    for chunk in _chunks(uuids):
        current = select(
            table.c.id, table.c.record_number, table.c.given_name, table.c.family_name
        ).where(table.c.id.in_(chunk))
        for row_id, number, given, family in conn.execute(current):
            names[str(row_id)] = PatientName(number, f"{given} {family}")
    missing = [i for i in ids if i not in names]
    for chunk in _chunks(missing):
        trail = (
            select(AuditEntry.entity_id, AuditEntry.before, AuditEntry.after)
            .where(AuditEntry.entity == "patients", AuditEntry.entity_id.in_(chunk))
            .order_by(AuditEntry.seq)
        )
        for entity_id, before, after in conn.execute(trail):
            recorded = state(before, after)
            if "record_number" in recorded and "given_name" in recorded:
                names[entity_id] = PatientName(
                    str(recorded["record_number"]),
                    f"{recorded['given_name']} {recorded.get('family_name', '')}".strip(),
                )
    return names


def record_ids(conn: Connection, patient_id: uuid.UUID) -> list[str]:
    """The ids (as the trail writes them) of every record of the patient, the patient's own
    among them, including records removed since (found in the trail's delete entries)."""
    t = _table
    programs = select(t("programs").c.id).where(t("programs").c.patient_id == patient_id)
    sessions = select(t("session_logs").c.id).where(t("session_logs").c.patient_id == patient_id)
    exercises = select(t("exercise_logs").c.id).where(t("exercise_logs").c.session_id.in_(sessions))
    queries = [select(t(name).c.id).where(t(name).c.patient_id == patient_id) for name in DIRECT]
    queries += [select(t(name).c.id).where(t(name).c.program_id.in_(programs))
                for name in BY_PROGRAM]
    queries += [exercises,
                select(t("set_logs").c.id).where(t("set_logs").c.exercise_log_id.in_(exercises))]
    current = {str(row_id) for row_id in conn.execute(union_all(*queries)).scalars()}
    current.add(str(patient_id))
    return sorted(current | _removed_records(conn, str(patient_id), current))


def _removed_records(conn: Connection, patient: str, current: set[str]) -> set[str]:
    """The patient's records the trail saw deleted: in the order parents come before children,
    a deleted record is the patient's when the parent it names is."""
    statement = select(AuditEntry.entity, AuditEntry.entity_id, AuditEntry.before).where(
        AuditEntry.action == "delete", AuditEntry.entity.in_(OWNED)
    )
    deleted: dict[str, list[tuple[str, Mapping[str, Any]]]] = {}
    for entity, entity_id, before in conn.execute(statement):
        deleted.setdefault(entity, []).append((entity_id, before or {}))
    ours = set(current)
    found: set[str] = set()

    def take(table: str, column: str, parents: Collection[str]) -> None:
        for entity_id, before in deleted.get(table, ()):
            if str(before.get(column)) in parents:
                found.add(entity_id)
                ours.add(entity_id)

    for table in DIRECT:
        take(table, "patient_id", {patient})
    for table in BY_PROGRAM:
        take(table, "program_id", ours)
    for table, column, _ in NESTED:
        take(table, column, ours)
    return found
