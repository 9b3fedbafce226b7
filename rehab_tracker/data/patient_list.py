"""The patient list as plain SQL: one read shared by the service and the fast start-up path.

The list is read in two steps, so that its cost follows the rows on screen, not the clinic
(issue 12 item 3): :func:`read_ids` finds the matching patients in their order (one indexed
statement: the search key, the filters and the sort key in SQL), and :func:`read_rows` builds the
rows of one page of them (the statements below restricted to that page's patients, each read by
an index on its patient or program). Search matches the normalised :func:`search_key` stored on
every patient (``patients.search_key``, kept by ``data.models`` on every write): any part of the
given name, family name or record number, whatever its case and accents.

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
import unicodedata
import uuid
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rehab_tracker.data.locations import newest_revision_file
from rehab_tracker.domain.assessments import Record, due_by, needs_doing, schedule_states
from rehab_tracker.domain.phases import phase_on
from rehab_tracker.domain.programs import OPEN_STATUSES
from rehab_tracker.domain.weeks import program_week

_OPEN_PROGRAM = "g.status IN (" + ", ".join(f"'{s}'" for s in OPEN_STATUSES) + ")"
#: the patients of one page: ``{ids}`` is replaced by a list of parameters (:func:`_in_list`)
_PAGE = "{ids}"

#: the current program of patient ``p`` (``services._lookup.current_program``): the latest open
#: one, else the latest ended one; NULL without a program. One home for the rule in SQL: the
#: rows, the filters and the sort keys below all read it.
CURRENT_PROGRAM = (
    "(SELECT g.id FROM programs g WHERE g.patient_id = p.id"
    f" ORDER BY CASE WHEN {_OPEN_PROGRAM} THEN 1 ELSE 0 END DESC,"
    " g.start_date DESC, g.created_at DESC LIMIT 1)"
)

PATIENTS = (
    "SELECT p.id, p.record_number, p.given_name, p.family_name, p.date_of_birth, p.pathway"
    f" FROM patients p WHERE p.id IN ({_PAGE})"
)
#: the surgeries of the page's patients, oldest first: the latest per patient wins
SURGERIES = (
    "SELECT s.patient_id, s.surgery_date, s.levels FROM surgeries s"
    f" WHERE s.patient_id IN ({_PAGE}) ORDER BY s.surgery_date, s.created_at"
)
#: the current program of each of the page's patients, with the date of exercise session 1 and
#: the next scheduled session not logged yet
PROGRAMS = (
    "SELECT g.id, g.patient_id, g.status,"
    " (SELECT MIN(s.scheduled_date) FROM scheduled_sessions s"
    "   WHERE s.program_id = g.id AND s.number = 1) AS first_session,"
    " (SELECT MIN(s.scheduled_date) FROM scheduled_sessions s"
    "   WHERE s.program_id = g.id AND s.scheduled_date >= :today"
    "   AND NOT EXISTS (SELECT 1 FROM session_logs l"
    "     WHERE l.scheduled_session_id = s.id AND l.deleted_at IS NULL)) AS next_session"
    f" FROM patients p JOIN programs g ON g.patient_id = p.id AND g.id = {CURRENT_PROGRAM}"
    f" WHERE p.id IN ({_PAGE})"
)
#: the phases of the page's open programs in program order (domain.phases.phase_on picks today's)
PHASES = (
    "SELECT ph.program_id, ph.name, ph.start_date, ph.end_date"
    f" FROM patients p JOIN programs g ON g.patient_id = p.id AND g.id = {CURRENT_PROGRAM}"
    f" JOIN program_phases ph ON ph.program_id = g.id WHERE p.id IN ({_PAGE}) AND {_OPEN_PROGRAM}"
    " ORDER BY ph.program_id, ph.position"
)
#: scheduled assessments of the page's open programs due by ``:due_until``
ASSESSMENTS = (
    "SELECT a.program_id, a.timepoint, a.due_date, a.instruments"
    f" FROM patients p JOIN programs g ON g.patient_id = p.id AND g.id = {CURRENT_PROGRAM}"
    " JOIN scheduled_assessments a ON a.program_id = g.id"
    f" WHERE p.id IN ({_PAGE}) AND {_OPEN_PROGRAM} AND a.due_date <= :due_until"
)
#: the records that count for an assessment (domain.assessments): (table, its date column, its
#: instrument column; None: the neurological screen, instrument :data:`NEURO`). The one list of
#: them: :data:`RECORDS` here and ``services.outcomes.schedule.records_that_count`` (the Outcomes
#: tab, the Today view) are both built from it
RECORD_SOURCES: tuple[tuple[str, str, str | None], ...] = (
    ("outcome_assessments", "assessed_on", "instrument"),
    ("walk_tests", "performed_on", "test"),
    ("neuro_screens", "examined_on", None),
    ("assessment_skips", "skipped_on", "instrument"),
)
NEURO = "neuro"
#: (patient, date, timepoint, instrument) of every record that counts, of the page's patients
RECORDS = " UNION ALL ".join(
    f"SELECT x.patient_id, x.{day}, x.timepoint,"
    f" {f'x.{instrument}' if instrument else repr(NEURO)} FROM {table} x"
    f" WHERE x.deleted_at IS NULL AND x.patient_id IN ({_PAGE})"
    for table, day, instrument in RECORD_SOURCES
)
#: the page's patients with a positive red-flag screen nobody has acknowledged
RED_FLAGS = (
    "SELECT DISTINCT l.patient_id FROM session_logs l WHERE l.red_flag_result = 'positive'"
    " AND l.red_flag_acknowledged_at IS NULL AND l.deleted_at IS NULL"
    f" AND l.patient_id IN ({_PAGE})"
)
#: the names of the phases of open programs (the phase filter's choices)
PHASE_NAMES = (
    "SELECT DISTINCT ph.name FROM program_phases ph JOIN programs g ON g.id = ph.program_id"
    f" WHERE {_OPEN_PROGRAM} ORDER BY ph.name"
)
_LATEST_SURGERY = (
    "(SELECT s.surgery_date FROM surgeries s WHERE s.patient_id = p.id"
    " ORDER BY s.surgery_date DESC, s.created_at DESC LIMIT 1)"
)
#: the current program when it is open (a paused one too), else NULL
_OPEN_CURRENT_PROGRAM = (
    f"(SELECT g.id FROM programs g WHERE g.id = {CURRENT_PROGRAM} AND {_OPEN_PROGRAM})"
)
_FIRST_SESSION = (
    "(SELECT MIN(s.scheduled_date) FROM scheduled_sessions s"
    f" WHERE s.program_id = {_OPEN_CURRENT_PROGRAM} AND s.number = 1)"
)
_NEXT_SESSION = (
    "(SELECT MIN(s.scheduled_date) FROM scheduled_sessions s JOIN programs g"
    f" ON g.id = s.program_id WHERE s.program_id = {_OPEN_CURRENT_PROGRAM}"
    " AND g.status <> 'paused' AND s.scheduled_date >= :today"
    " AND NOT EXISTS (SELECT 1 FROM session_logs l"
    "   WHERE l.scheduled_session_id = s.id AND l.deleted_at IS NULL))"
)
#: the sort key of each column the list sorts by in SQL, as (expression, ascending order), the
#: blanks first when ascending (as the list always sorted them): weeks since surgery and program
#: week grow as their start date gets older, so they sort by that date the other way round
SORT_KEYS: dict[int, tuple[str, bool]] = {
    0: ("p.record_number", True),
    2: (_LATEST_SURGERY, True),
    3: (_LATEST_SURGERY, False),
    4: (_FIRST_SESSION, False),
    6: (_NEXT_SESSION, True),
}
#: columns sorted by the values of their rows (computed by domain rules, read for the matching
#: patients): the phase and the flags
SORTED_BY_ROWS = (5, 7)
#: the Name column's order ("given family", as shown), whatever the case and accents: the
#: indexed search key, which starts so (ties: the record number)
_BY_NAME = "p.search_key, p.record_number"
#: LIKE's escape character for the typed text
_ESCAPE = "\\"

#: runs one statement with its parameters (dates as dt.date, ids as uuid.UUID) and returns the
#: rows as sequences
Execute = Callable[[str, Mapping[str, Any]], Iterable[Sequence[Any]]]
#: patients per statement when rows are read for many (bounded parameter lists)
CHUNK = 500


def normalise(text: str) -> str:
    """``text`` as search keys store it: accents dropped (NFKD without combining marks), case
    folded, runs of white space as one space."""
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(plain.casefold().split())


def search_key(given_name: str, family_name: str, record_number: str) -> str:
    """The stored search key of a patient (``patients.search_key``): "given family record"."""
    return normalise(f"{given_name} {family_name} {record_number}")


@dataclass(frozen=True)
class ListQuery:
    """What the list shows: the typed search, the filters, the sort column and order."""

    search: str = ""
    active_only: bool = False
    phase: str | None = None
    due_only: bool = False
    include_archived: bool = False
    #: the list's column (PatientRow order: record number, name, surgery, post-op week,
    #: program week, phase, next session, flags)
    sort_column: int = 1
    descending: bool = False


@dataclass(frozen=True)
class ListIds:
    """The matching patients in list order.

    ``keys`` are the ids as the database returned them (``uuid.UUID``, or 32 hex digits on
    SQLite), turned into ``uuid.UUID`` only for the rows read (:meth:`page`): at 10,000 patients
    parsing every id would cost as much as the search itself."""

    keys: tuple[Any, ...]
    #: the rows already read while finding the ids (a sort or filter by row values), by id
    known: Mapping[uuid.UUID, PatientRow] = field(default_factory=dict, compare=False)
    _positions: dict[Any, int] = field(default_factory=dict, compare=False, repr=False)

    def __len__(self) -> int:
        return len(self.keys)

    @property
    def ids(self) -> tuple[uuid.UUID, ...]:
        return tuple(_uuid(k) for k in self.keys)

    def page(self, start: int, stop: int) -> list[uuid.UUID]:
        return [_uuid(k) for k in self.keys[start:stop]]

    def position(self, patient_id: uuid.UUID) -> int | None:
        """Where the patient is among the matching ones, or None."""
        positions = self._positions
        if not positions and self.keys:
            positions.update((k, i) for i, k in enumerate(self.keys))
        found = positions.get(patient_id)
        return positions.get(patient_id.hex) if found is None else found


@dataclass(frozen=True)
class ListSummary:
    """How many patients the list holds without search and filters, and the phase filter's
    choices (read when the list is refreshed, not on every key typed in Find)."""

    total: int
    phases: tuple[str, ...] = ()


def read_summary(execute: Execute, *, include_archived: bool = False) -> ListSummary:
    where = "" if include_archived else " WHERE p.archived_at IS NULL"
    (total,) = next(iter(execute(f"SELECT COUNT(*) FROM patients p{where}", {})))
    return ListSummary(int(total), tuple(str(r[0]) for r in execute(PHASE_NAMES, {})))


def _in_list(sql: str, ids: Sequence[uuid.UUID]) -> tuple[str, dict[str, uuid.UUID]]:
    names = [f"id{i}" for i in range(len(ids))]
    return sql.replace(_PAGE, ", ".join(f":{n}" for n in names)), dict(zip(names, ids, strict=True))


def _chunks(ids: Sequence[uuid.UUID]) -> Iterable[Sequence[uuid.UUID]]:
    return (ids[i : i + CHUNK] for i in range(0, len(ids), CHUNK))


def read_rows(execute: Execute, ids: Sequence[uuid.UUID], *, today: dt.date) -> list[PatientRow]:
    """The rows of the patients ``ids``, in that order (unknown ids are left out): the
    statements above restricted to them, ``CHUNK`` patients per statement."""
    found: dict[uuid.UUID, PatientRow] = {}
    for part in _chunks(list(ids)):

        def run(sql: str, params: Mapping[str, Any] | None = None) -> list[Sequence[Any]]:
            statement, bound = _in_list(sql, part)  # noqa: B023 (run is called right here)
            return list(execute(statement, {**bound, **(params or {})}))

        programs = run(PROGRAMS, {"today": today})
        # phases, assessments and their records count only for a program still open
        open_ids = [_uuid(g[1]) for g in programs if str(g[2]) in OPEN_STATUSES]

        def of_open(sql: str, params: Mapping[str, Any] | None = None) -> list[Sequence[Any]]:
            if not open_ids:  # noqa: B023 (called right here)
                return []
            statement, bound = _in_list(sql, open_ids)  # noqa: B023 (called right here)
            return list(execute(statement, {**bound, **(params or {})}))

        rows = build_rows(
            patients=run(PATIENTS),
            surgeries=run(SURGERIES),
            programs=programs,
            phases=of_open(PHASES),
            assessments=of_open(ASSESSMENTS, {"due_until": due_by(today)}),
            records=of_open(RECORDS),
            red_flags=run(RED_FLAGS),
            today=today,
        )
        found.update((row.id, row) for row in rows)
    return [found[i] for i in ids if i in found]


def _like(text: str) -> str:
    escaped = "".join(_ESCAPE + c if c in "%_" + _ESCAPE else c for c in normalise(text))
    return f"%{escaped}%"


def read_ids(execute: Execute, query: ListQuery, *, today: dt.date) -> ListIds:
    """The patients ``query`` matches, in its order (each word of the search a part of the
    search key, in any order: "oduya 12" finds Aiko Oduya RT-00012): one statement for the
    search, the "active program only" filter and the sort keys in SQL; the phase and
    "assessment due" filters and the phase and flags sorts apply the domain rules to the rows of
    the patients SQL narrows them to (those with an open program; with an assessment due by
    then)."""
    where = [] if query.include_archived else ["p.archived_at IS NULL"]
    params: dict[str, Any] = {}
    for n, word in enumerate(normalise(query.search).split()):  # each word typed, anywhere
        where.append(f"p.search_key LIKE :search{n} ESCAPE '{_ESCAPE}'")
        params[f"search{n}"] = _like(word)
    if query.active_only:
        where.append(
            f"(SELECT g.status FROM programs g WHERE g.id = {CURRENT_PROGRAM}) = 'active'"
        )
    if query.phase is not None or query.due_only:
        where.append(f"{_OPEN_CURRENT_PROGRAM} IS NOT NULL")
    if query.due_only:
        where.append(
            "EXISTS (SELECT 1 FROM scheduled_assessments a"
            f" WHERE a.program_id = {_OPEN_CURRENT_PROGRAM} AND a.due_date <= :due_until)"
        )
        params["due_until"] = due_by(today)
    order = _order(query, params, today)
    sql = "SELECT p.id FROM patients p"
    if where:
        sql += " WHERE " + " AND ".join(where)
    keys = tuple(r[0] for r in execute(f"{sql} ORDER BY {order}", params))
    by_rows = query.sort_column in SORTED_BY_ROWS
    if query.phase is None and not query.due_only and not by_rows:
        return ListIds(keys)
    ids = [_uuid(k) for k in keys]
    rows = [
        r
        for r in read_rows(execute, ids, today=today)
        if (query.phase is None or r.phase == query.phase)
        and (not query.due_only or r.assessment_due)
    ]
    if by_rows:  # stable: ties keep the order by name
        rows.sort(key=lambda r: _row_key(r, query.sort_column), reverse=query.descending)
    return ListIds(tuple(r.id for r in rows), {r.id: r for r in rows})


def _order(query: ListQuery, params: dict[str, Any], today: dt.date) -> str:
    """ORDER BY for ``query``: its column's key (blanks first when ascending), then the name."""
    direction = " DESC" if query.descending else ""
    by_name = ", ".join(f"{c}{direction}" for c in _BY_NAME.split(", "))
    key = SORT_KEYS.get(query.sort_column)
    if key is None:
        return by_name
    expression, ascending = key
    if ":today" in expression:
        params["today"] = today
    blanks_first = "0" if not query.descending else "1"
    way = "" if ascending != query.descending else " DESC"
    return (
        f"CASE WHEN {expression} IS NULL THEN {blanks_first} ELSE {1 - int(blanks_first)} END,"
        f" {expression}{way}, {by_name}"
    )


def _row_key(row: PatientRow, column: int) -> tuple[bool, str]:
    value = row.phase if column == 5 else flags_text(row)
    return (bool(value), value or "")


#: the flag of a program that is not running
ENDED_FLAGS = {
    "paused": "Program paused",
    "completed": "Program completed",
    "stopped": "Program stopped early",
}


def flags_text(row: PatientRow) -> str:
    """The list's Flags column: red flag, a program not running, assessment due, pathway."""
    flags = []
    if row.open_red_flag:
        flags.append("RED FLAG")
    if row.program_status in ENDED_FLAGS:
        flags.append(ENDED_FLAGS[row.program_status])
    if row.assessment_due:
        flags.append("Assessment due")
    if row.pathway == "conservative":
        flags.append("Conservative")
    return ", ".join(flags)


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
    """Every row of the list (the command line's list and the tests), sorted by name."""
    found = read_ids(execute, ListQuery(include_archived=include_archived), today=today)
    return read_rows(execute, found.ids, today=today)


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


#: rows of the first page the fast start-up read builds (the list fetches more as it scrolls)
FIRST_PAGE = 64


def sqlite_execute(conn: sqlite3.Connection) -> Execute:
    """``execute`` on a plain sqlite3 connection to one of our files: dates as ISO text and
    ids as 32 hex digits, as SQLAlchemy stores them there."""

    def execute(sql: str, params: Mapping[str, Any]) -> list[Any]:
        plain = {
            k: v.hex if isinstance(v, uuid.UUID) else v.isoformat()
            if isinstance(v, dt.date) else v
            for k, v in params.items()
        }
        return conn.execute(sql, plain).fetchall()

    return execute


class SqliteFileList:
    """The list read straight from an SQLite file, read-only (the window's source until the
    services are attached): each read opens the file, reads one snapshot and closes it."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def _read(self, work: Callable[[Execute], Any]) -> Any:
        conn = sqlite3.connect(f"{self.path.resolve().as_uri()}?mode=ro", uri=True, timeout=5)
        try:
            conn.isolation_level = None  # explicit BEGIN: every statement sees the same snapshot
            conn.execute("BEGIN")
            return work(sqlite_execute(conn))
        finally:
            conn.close()

    def list_ids(self, query: ListQuery, *, today: dt.date) -> ListIds:
        found: ListIds = self._read(lambda execute: read_ids(execute, query, today=today))
        return found

    def list_rows(self, ids: Sequence[uuid.UUID], *, today: dt.date) -> list[PatientRow]:
        rows: list[PatientRow] = self._read(lambda execute: read_rows(execute, ids, today=today))
        return rows

    def list_summary(self, *, include_archived: bool = False) -> ListSummary:
        summary: ListSummary = self._read(
            lambda execute: read_summary(execute, include_archived=include_archived)
        )
        return summary


@dataclass(frozen=True)
class FirstPage:
    """What the fast start-up read shows: the matching ids, the rows of the first page, and
    where to read more until the services are attached."""

    summary: ListSummary
    found: ListIds
    rows: list[PatientRow]
    source: SqliteFileList


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


def read_sqlite(
    path: Path, today: dt.date, query: ListQuery | None = None, first: int = FIRST_PAGE
) -> FirstPage | None:
    """The list's first page straight from an SQLite file, opened read-only; None if unsure.

    None (the caller takes the normal way in) when the file is missing or empty, is not at the
    newest schema revision, or SQLite reports any error. Nothing here writes to the file.
    """
    conn = _open_at_head(path)
    if conn is None:
        return None
    try:
        execute = sqlite_execute(conn)
        summary = read_summary(execute)
        found = read_ids(execute, query or ListQuery(), today=today)
        rows = read_rows(execute, found.page(0, first), today=today)
        return FirstPage(summary, found, rows, SqliteFileList(path))
    except (sqlite3.Error, OSError, ValueError, TypeError):
        return None
    finally:
        conn.close()
