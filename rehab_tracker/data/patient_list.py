"""The patient list as plain SQL: one read shared by the service and the fast start-up path.

Standard library only (no SQLAlchemy, not even indirectly), so the main window can show its
patients before SQLAlchemy and the models are imported. The statements are plain, portable SELECTs
with ``:name`` parameters (sqlite3 and SQLAlchemy's ``text()`` both accept them).
:func:`read_patient_list` runs them through an ``execute`` callable and :func:`build_rows` turns
the raw rows into :class:`PatientRow` values, normalising what the two back ends return
differently: SQLAlchemy's ``Uuid`` is 32 hex characters on SQLite and a native uuid on PostgreSQL,
dates are ISO text on SQLite, JSON is text on SQLite.

``PatientService.list_patients`` runs the same statements on its session's connection, and
:func:`read_sqlite` runs them on a read-only sqlite3 connection, so the two never disagree.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
import uuid
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rehab_tracker.data.locations import newest_revision_file
from rehab_tracker.domain.assessments import Record, due_by, needs_doing, schedule_states
from rehab_tracker.domain.phases import phase_on
from rehab_tracker.domain.programs import OPEN_STATUSES
from rehab_tracker.domain.weeks import program_week

_OPEN_PROGRAM = "g.status IN (" + ", ".join(f"'{s}'" for s in OPEN_STATUSES) + ")"

PATIENTS = (
    "SELECT p.id, p.record_number, p.given_name, p.family_name, p.date_of_birth, p.pathway"
    " FROM patients p{where} ORDER BY p.family_name, p.given_name, p.record_number"
)
PATIENTS_CURRENT = PATIENTS.format(where=" WHERE p.archived_at IS NULL")
PATIENTS_ALL = PATIENTS.format(where="")
#: every surgery, oldest first: the latest per patient wins
SURGERIES = (
    "SELECT s.patient_id, s.surgery_date, s.levels FROM surgeries s"
    " ORDER BY s.surgery_date, s.created_at"
)
#: every program, the closed ones first, then oldest start first: the last per patient wins, so
#: it is the current one (``services._lookup.current_program``: the latest open one, else the
#: latest ended one); with the date of exercise session 1 and the next scheduled session not
#: logged yet
PROGRAMS = (
    "SELECT g.id, g.patient_id, g.status,"
    " (SELECT MIN(s.scheduled_date) FROM scheduled_sessions s"
    "   WHERE s.program_id = g.id AND s.number = 1) AS first_session,"
    " (SELECT MIN(s.scheduled_date) FROM scheduled_sessions s"
    "   WHERE s.program_id = g.id AND s.scheduled_date >= :today"
    "   AND NOT EXISTS (SELECT 1 FROM session_logs l"
    "     WHERE l.scheduled_session_id = s.id AND l.deleted_at IS NULL)) AS next_session"
    f" FROM programs g ORDER BY CASE WHEN {_OPEN_PROGRAM} THEN 1 ELSE 0 END,"
    " g.start_date, g.created_at"
)
#: the phases of open programs in program order (domain.phases.phase_on picks today's)
PHASES = (
    "SELECT ph.program_id, ph.name, ph.start_date, ph.end_date FROM program_phases ph"
    f" JOIN programs g ON g.id = ph.program_id WHERE {_OPEN_PROGRAM}"
    " ORDER BY ph.program_id, ph.position"
)
#: scheduled assessments of open programs due by ``:due_until``
ASSESSMENTS = (
    "SELECT a.program_id, a.timepoint, a.due_date, a.instruments FROM scheduled_assessments a"
    f" JOIN programs g ON g.id = a.program_id WHERE {_OPEN_PROGRAM} AND a.due_date <= :due_until"
)
_WITH_OPEN_PROGRAM = f"SELECT g.patient_id FROM programs g WHERE {_OPEN_PROGRAM}"
#: the records that count for an assessment (domain.assessments; the Outcomes schedule reads the
#: same): (date, timepoint, instrument) of every questionnaire, walking test, neurological screen
#: and skip of patients in a program
RECORDS = (
    "SELECT o.patient_id, o.assessed_on, o.timepoint, o.instrument FROM outcome_assessments o"
    f" WHERE o.deleted_at IS NULL AND o.patient_id IN ({_WITH_OPEN_PROGRAM})"
    " UNION ALL SELECT w.patient_id, w.performed_on, w.timepoint, w.test FROM walk_tests w"
    f" WHERE w.deleted_at IS NULL AND w.patient_id IN ({_WITH_OPEN_PROGRAM})"
    " UNION ALL SELECT n.patient_id, n.examined_on, n.timepoint, 'neuro' FROM neuro_screens n"
    f" WHERE n.deleted_at IS NULL AND n.patient_id IN ({_WITH_OPEN_PROGRAM})"
    " UNION ALL SELECT k.patient_id, k.skipped_on, k.timepoint, k.instrument"
    " FROM assessment_skips k"
    f" WHERE k.deleted_at IS NULL AND k.patient_id IN ({_WITH_OPEN_PROGRAM})"
)
#: patients with a positive red-flag screen nobody has acknowledged
RED_FLAGS = (
    "SELECT DISTINCT l.patient_id FROM session_logs l WHERE l.red_flag_result = 'positive'"
    " AND l.red_flag_acknowledged_at IS NULL AND l.deleted_at IS NULL"
)

#: runs one statement with its parameters (dates as dt.date) and returns the rows as sequences
Execute = Callable[[str, Mapping[str, dt.date]], Iterable[Sequence[Any]]]


@dataclass(frozen=True)
class PatientRow:
    """One line of the patient list."""

    id: uuid.UUID
    record_number: str
    name: str
    date_of_birth: dt.date
    pathway: str
    surgery_date: dt.date | None
    levels: tuple[str, ...]
    program_id: uuid.UUID | None
    program_status: str | None
    program_week: int | None
    phase: str | None
    next_session: dt.date | None
    assessment_due: bool
    open_red_flag: bool

    def as_dict(self) -> dict[str, object]:
        return {
            "id": str(self.id),
            "record_number": self.record_number,
            "name": self.name,
            "date_of_birth": self.date_of_birth.isoformat(),
            "pathway": self.pathway,
            "surgery_date": self.surgery_date.isoformat() if self.surgery_date else None,
            "levels": list(self.levels),
            "program_status": self.program_status,
            "program_week": self.program_week,
            "phase": self.phase,
            "next_session": self.next_session.isoformat() if self.next_session else None,
            "assessment_due": self.assessment_due,
            "open_red_flag": self.open_red_flag,
        }


@dataclass(frozen=True)
class _Phase:
    name: str
    start_date: dt.date
    end_date: dt.date


def _uuid(value: Any) -> uuid.UUID:
    return value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))


def _date(value: Any) -> dt.date | None:
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value)[:10])


def _json_strings(value: Any) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str | bytes):
        value = json.loads(value)
    return tuple(str(v) for v in value)


def _assessment_due(
    program_of: Mapping[uuid.UUID, tuple[uuid.UUID, Any, Any, Any, Any]],
    assessments: Iterable[Sequence[Any]],
    records: Iterable[Sequence[Any]],
    today: dt.date,
) -> set[uuid.UUID]:
    """The programs (each patient's current one) with an assessment due or overdue."""
    patient_of = {program[0]: patient_id for patient_id, program in program_of.items()}
    records_of: dict[uuid.UUID, list[Record]] = defaultdict(list)
    for patient_id, day, timepoint, instrument in records:
        when, mark = _date(day), None if timepoint is None else str(timepoint)
        if when is not None:
            records_of[_uuid(patient_id)].append((when, mark, str(instrument)))
    scheduled_of: dict[uuid.UUID, list[tuple[str, dt.date, tuple[str, ...]]]] = defaultdict(list)
    for program_id, timepoint, due_date, instruments in assessments:
        when = _date(due_date)
        if when is not None:
            listed = _json_strings(instruments)
            scheduled_of[_uuid(program_id)].append((str(timepoint), when, listed))
    return {
        program_id
        for program_id, scheduled in scheduled_of.items()
        if program_id in patient_of
        and any(
            needs_doing(state)
            for state in schedule_states(scheduled, records_of[patient_of[program_id]], today)
        )
    }


def read_patient_list(
    execute: Execute, *, today: dt.date, include_archived: bool = False
) -> list[PatientRow]:
    """Run the list's statements through ``execute`` and build the rows."""
    dates = {"today": today}
    return build_rows(
        patients=execute(PATIENTS_ALL if include_archived else PATIENTS_CURRENT, {}),
        surgeries=execute(SURGERIES, {}),
        programs=execute(PROGRAMS, dates),
        phases=execute(PHASES, {}),
        assessments=execute(ASSESSMENTS, {"due_until": due_by(today)}),
        records=execute(RECORDS, {}),
        red_flags=execute(RED_FLAGS, {}),
        today=today,
    )


def build_rows(
    *,
    patients: Iterable[Sequence[Any]],
    surgeries: Iterable[Sequence[Any]],
    programs: Iterable[Sequence[Any]],
    phases: Iterable[Sequence[Any]],
    assessments: Iterable[Sequence[Any]],
    records: Iterable[Sequence[Any]],
    red_flags: Iterable[Sequence[Any]],
    today: dt.date,
) -> list[PatientRow]:
    """The patient list from the raw rows of the statements above (in their column order)."""
    latest_surgery: dict[uuid.UUID, tuple[dt.date | None, tuple[str, ...]]] = {}
    for patient_id, surgery_date, levels in surgeries:
        latest_surgery[_uuid(patient_id)] = (_date(surgery_date), _json_strings(levels))
    phases_of: dict[uuid.UUID, list[_Phase]] = defaultdict(list)
    for program_id, name, start, end in phases:
        start_date, end_date = _date(start), _date(end)
        assert start_date is not None and end_date is not None  # NOT NULL columns
        phases_of[_uuid(program_id)].append(_Phase(str(name), start_date, end_date))
    # program id, status, program week, phase, next session; the latest program wins
    program_of: dict[uuid.UUID, tuple[uuid.UUID, str, int | None, str | None, dt.date | None]] = {}
    for program_id, patient_id, status, first, next_session in programs:
        gid = _uuid(program_id)
        if str(status) not in OPEN_STATUSES:  # ended: no week, phase or next session any more
            program_of[_uuid(patient_id)] = (gid, str(status), None, None, None)
            continue
        phase = phase_on(phases_of[gid], today)
        program_of[_uuid(patient_id)] = (
            gid,
            str(status),
            program_week(_date(first), today),
            None if phase is None else phase.name,
            # a paused program's sessions move when it is resumed: none is next until then
            None if str(status) == "paused" else _date(next_session),
        )
    due = _assessment_due(program_of, assessments, records, today)
    flagged = {_uuid(patient_id) for (patient_id,) in red_flags}

    rows = []
    for patient_id, record_number, given, family, born, pathway in patients:
        pid = _uuid(patient_id)
        surgery_date, levels = latest_surgery.get(pid, (None, ()))
        program = program_of.get(pid)
        date_of_birth = _date(born)
        assert date_of_birth is not None  # NOT NULL column
        rows.append(
            PatientRow(
                id=pid,
                record_number=str(record_number),
                name=f"{given} {family}",
                date_of_birth=date_of_birth,
                pathway=str(pathway),
                surgery_date=surgery_date,
                levels=levels,
                program_id=program[0] if program else None,
                program_status=program[1] if program else None,
                program_week=program[2] if program else None,
                phase=program[3] if program else None,
                next_session=program[4] if program else None,
                assessment_due=program is not None and program[0] in due,
                open_red_flag=pid in flagged,
            )
        )
    return rows


def _open_at_head(path: Path) -> sqlite3.Connection | None:
    """A read-only connection to ``path`` if it is an SQLite file stamped with the newest
    schema revision, in a transaction (every statement sees the same snapshot); else None."""
    try:
        if not path.is_file() or path.stat().st_size == 0:
            return None
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=5)
    except (OSError, sqlite3.Error):
        return None
    try:
        conn.isolation_level = None  # explicit BEGIN
        conn.execute("BEGIN")
        stamped = [r[0] for r in conn.execute("SELECT version_num FROM alembic_version")]
        head = newest_revision_file()
        if head is not None and stamped == [head]:
            return conn
    except (sqlite3.Error, OSError, ValueError, TypeError):
        pass
    conn.close()
    return None


def at_newest_schema(path: Path) -> bool:
    """Whether ``path`` is an SQLite file stamped with the newest schema revision (read-only,
    standard library only: the sign-in dialog is shown before the database is opened only for
    such a file; anything else is opened, checked and upgraded first)."""
    conn = _open_at_head(path)
    if conn is None:
        return False
    conn.close()
    return True


def read_sqlite(path: Path, today: dt.date) -> list[PatientRow] | None:
    """The current patients straight from an SQLite file, opened read-only; None if unsure.

    None (the caller takes the normal way in) when the file is missing or empty, is not at the
    newest schema revision, or SQLite reports any error. Nothing here writes to the file.
    """
    conn = _open_at_head(path)
    if conn is None:
        return None
    try:

        def execute(sql: str, params: Mapping[str, dt.date]) -> list[Any]:
            plain = {k: v.isoformat() for k, v in params.items()}  # dates are ISO text here
            return conn.execute(sql, plain).fetchall()

        return read_patient_list(execute, today=today)
    except (sqlite3.Error, OSError, ValueError, TypeError):
        return None
    finally:
        conn.close()
