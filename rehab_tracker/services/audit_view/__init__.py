"""The audit viewer (issue 13 item 4): the trail, filtered, a page at a time, worded for people.

Each entry shows who, when, which patient (record number and name) and what changed, field by
field (``wording.changes``), with a foreign key shown as what it names (a program's name, an
exercise's name, a patient). The filters: the user (the entry's actor), the patient (entries
about the patient's record or any record that belongs to it: ``owners.record_ids``), a date
range (local dates, both days included) and the kind (``wording.KINDS``: a change, a disclosure,
a record opened...). Pages are read newest first by keyset (``seq`` below the last one shown), so
a page costs the same at the end of a 100,000-entry trail as at its start.

Who may look: an administrator (``Permission.AUDIT``), checked by ``@requires`` at every entry
point.

    viewer = AuditViewService(db, actor)
    query = viewer.query(AuditFilter(patient="RT-00012", kind="update"))
    page = viewer.page(query)                     # newest first; page.more: there is more
    page = viewer.page(query, before=page.last)   # the next one
    viewer.export_csv(query, Path("trail.csv"))   # recorded as a disclosure of each patient
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import ColumnElement, Connection, func, select

from rehab_tracker.data.database import Database
from rehab_tracker.data.models import AuditEntry, Base, Patient
from rehab_tracker.domain.errors import Collector
from rehab_tracker.domain.roles import Permission, Principal
from rehab_tracker.services import disclosures
from rehab_tracker.services.access import requires
from rehab_tracker.services.audit_view import owners, wording
from rehab_tracker.services.audit_view.wording import Change

#: entries per page when the caller does not say
PAGE = 200
#: foreign keys shown as what they name: key -> (table, the column that names it, wording)
NAMED = {
    "program_id": ("programs", "name", "{}"),
    "exercise_id": ("exercises", "name", "{}"),
    "item_id": ("education_items", "title", "{}"),
    "phase_id": ("program_phases", "name", "{}"),
    "session_id": ("session_logs", "session_date", "session of {}"),
    "scheduled_session_id": ("scheduled_sessions", "scheduled_date", "visit on {}"),
}


def may_view_trail(principal: Principal) -> bool:
    """Whether ``principal`` may read the audit trail (an administrator: ``Permission.AUDIT``);
    the GUI's menu action and the CLI's ``audit`` go through the service, whose every entry
    point is ``@requires(Permission.AUDIT)``."""
    return principal.may(Permission.AUDIT)


@dataclass(frozen=True)
class AuditFilter:
    """What the user asked for; every field optional (text as typed, dates as local days)."""

    user: str | None = None
    #: a record number (RT-00012)
    patient: str | None = None
    since: dt.date | None = None
    until: dt.date | None = None
    #: an action of the trail (a key of ``wording.KINDS``, or one newer code writes)
    kind: str | None = None


@dataclass(frozen=True)
class AuditQuery:
    """A checked filter, ready to page through (the patient's records resolved once)."""

    filters: AuditFilter
    conditions: tuple[ColumnElement[bool], ...]
    #: the patient the filter names, if any
    patient: owners.PatientName | None = None


@dataclass(frozen=True)
class TrailEntry:
    """One entry of the trail, as the viewer shows it."""

    seq: int
    at: dt.datetime
    actor: str
    action: str
    entity: str
    entity_id: str
    patient_id: str | None
    patient: owners.PatientName | None
    changes: tuple[Change, ...]

    @property
    def kind(self) -> str:
        return wording.kind_label(self.action)

    @property
    def record(self) -> str:
        return wording.entity_label(self.entity)

    @property
    def when(self) -> str:
        return wording.local_time(self.at)

    @property
    def summary(self) -> str:
        """The changes on one line."""
        return "; ".join(change.text() for change in self.changes)

    def fields(self) -> list[str]:
        """The columns of the CLI line and the CSV row."""
        return [
            str(self.seq),
            self.when,
            self.actor,
            self.kind,
            self.patient.record_number if self.patient else "",
            self.patient.name if self.patient else "",
            self.record,
            self.entity_id,
            self.summary,
        ]


#: what :meth:`TrailEntry.fields` holds
COLUMNS = ("Entry", "When", "Who", "Kind", "Record number", "Patient", "Record", "Record id",
           "What changed")


@dataclass(frozen=True)
class Page:
    entries: list[TrailEntry] = field(default_factory=list)
    #: whether older entries match too
    more: bool = False

    @property
    def last(self) -> int | None:
        """The keyset of the next page: the oldest entry's number."""
        return self.entries[-1].seq if self.entries else None


@dataclass(frozen=True)
class Choices:
    """What the filters offer: the users the trail names and its kinds of entry."""

    users: list[str]
    kinds: list[tuple[str, str]]


@dataclass(frozen=True)
class Export:
    rows: int
    patients: int


def _day_start(day: dt.date) -> dt.datetime:
    """The start of a local day, in UTC."""
    return dt.datetime.combine(day, dt.time.min).astimezone().astimezone(dt.UTC)


class AuditViewService:
    """Reads the trail for the audit viewer, and exports what it shows."""

    def __init__(self, db: Database, principal: Principal) -> None:
        self.db = db
        self.principal = principal
        self.actor = principal.username

    @requires(Permission.AUDIT)
    def choices(self) -> Choices:
        """The users who wrote entries, and the kinds of entry (the known ones, then any other
        the trail holds)."""
        with self.db.read_connection() as conn:
            users = sorted(conn.execute(select(AuditEntry.actor).distinct()).scalars())
            actions = set(conn.execute(select(AuditEntry.action).distinct()).scalars())
        kinds = list(wording.KINDS.items())
        kinds += [(a, wording.kind_label(a)) for a in sorted(actions - wording.KINDS.keys())]
        return Choices(users, kinds)

    @requires(Permission.AUDIT)
    def query(self, filters: AuditFilter) -> AuditQuery:
        """``filters`` checked (ValidationError naming the fields: ``user``, ``patient``,
        ``since``, ``until``, ``kind``) and turned into a query."""
        problems = Collector()
        conditions: list[ColumnElement[bool]] = []
        user = (filters.user or "").strip()
        if user:
            conditions.append(AuditEntry.actor == user)
        kind = (filters.kind or "").strip()
        if kind:
            problems.check(kind.replace("_", "").isalpha() and len(kind) <= 32, "kind",
                           f"Not a kind of entry: {kind}.")
            conditions.append(AuditEntry.action == kind)
        if filters.since and filters.until:
            problems.check(filters.since <= filters.until, "until",
                           "The end of the date range is before its start.")
        if filters.since:
            conditions.append(AuditEntry.at >= _day_start(filters.since))
        if filters.until:
            conditions.append(AuditEntry.at < _day_start(filters.until + dt.timedelta(days=1)))
        patient = None
        number = (filters.patient or "").strip()
        with self.db.read_connection() as conn:
            if number:
                found = conn.execute(
                    select(Patient.id, Patient.given_name, Patient.family_name).where(
                        Patient.record_number == number
                    )
                ).first()
                if found is None:
                    problems.add("patient", f"No patient has the record number {number}.")
                else:
                    patient = owners.PatientName(number, f"{found[1]} {found[2]}")
                    ids = owners.record_ids(conn, found[0])
                    conditions.append(AuditEntry.entity_id.in_(ids))
        problems.raise_if_any()
        return AuditQuery(filters, tuple(conditions), patient)

    @requires(Permission.AUDIT)
    def page(self, query: AuditQuery, *, before: int | None = None, limit: int = PAGE) -> Page:
        """The newest ``limit`` entries of ``query`` older than entry ``before`` (the previous
        page's ``last``), worded."""
        statement = select(
            AuditEntry.seq, AuditEntry.at, AuditEntry.actor, AuditEntry.action,
            AuditEntry.entity, AuditEntry.entity_id, AuditEntry.before, AuditEntry.after,
        ).where(*query.conditions)
        if before is not None:
            statement = statement.where(AuditEntry.seq < before)
        statement = statement.order_by(AuditEntry.seq.desc()).limit(limit + 1)
        with self.db.read_connection() as conn:
            rows = conn.execute(statement).all()
            more = len(rows) > limit
            entries = _worded(conn, rows[:limit])
        return Page(entries, more)

    @requires(Permission.AUDIT)
    def count(self, query: AuditQuery) -> int:
        """How many entries ``query`` matches."""
        with self.db.read_connection() as conn:
            statement = select(func.count()).select_from(AuditEntry).where(*query.conditions)
            return int(conn.execute(statement).scalar_one())

    @requires(Permission.AUDIT)
    def export_csv(
        self,
        query: AuditQuery,
        path: Path,
        *,
        limit: int | None = None,
        batch: int = 1000,
        progress: Callable[[int, int], object] | None = None,
    ) -> Export:
        """Every entry of ``query`` (the newest ``limit``, when given) into a CSV file at
        ``path`` (private: 0600), newest first; then the export is recorded as a disclosure of
        each patient it names (a file that could not be recorded is removed again).
        ``progress(done, total)`` is called after each ``batch`` of entries."""
        from rehab_tracker.services.audit_view.export import write_csv

        pages = self._pages(query, batch, limit)
        if progress is not None:
            total = self.count(query) if limit is None else min(limit, self.count(query))
            pages = _reporting(pages, progress, total)
        rows, patients = write_csv(path, pages)
        try:
            if patients:
                disclosures.DisclosureService(self.db, self.principal).disclosed_many(
                    sorted(patients), "audit_export", str(path)
                )
        except BaseException:
            path.unlink(missing_ok=True)
            raise
        return Export(rows, len(patients))

    def _pages(
        self, query: AuditQuery, batch: int, limit: int | None
    ) -> Iterator[list[TrailEntry]]:
        before, left = None, limit
        while left is None or left > 0:
            page = self.page(query, before=before, limit=batch if left is None else min(batch,
                                                                                      left))
            yield page.entries
            if not page.more:
                return
            before = page.last
            left = None if left is None else left - len(page.entries)


def _reporting(
    pages: Iterator[list[TrailEntry]], progress: Callable[[int, int], object], total: int
) -> Iterator[list[TrailEntry]]:
    done = 0
    progress(done, total)
    for entries in pages:
        yield entries
        done += len(entries)
        progress(done, total)


@functools.cache
def _columns() -> dict[str, tuple[str, ...]]:
    """Each audited table's column keys in the model's order (the order a change lists)."""
    return {
        mapper.local_table.name: tuple(attr.key for attr in mapper.column_attrs)  # type: ignore[attr-defined]
        for mapper in Base.registry.mappers
    }


def _worded(conn: Connection, rows: Sequence[Any]) -> list[TrailEntry]:
    """Rows of the trail as entries: their patients and the names of what they point at looked
    up for the whole page at once."""
    patient_ids = owners.patients_of(
        conn, [(r.entity, r.entity_id, r.before, r.after) for r in rows]
    )
    wanted: dict[str, set[str]] = {key: set() for key in NAMED}
    named_patients = {p for p in patient_ids if p}
    for row in rows:
        for side in (row.before, row.after):
            for key, value in (side or {}).items():
                if key in wanted and isinstance(value, str):
                    wanted[key].add(value)
                elif key == "patient_id" and isinstance(value, str):
                    named_patients.add(value)
    people = owners.patient_names(conn, named_patients)
    names = {pid: person.text() for pid, person in people.items()}
    for key, (table, column, words) in NAMED.items():
        for row_id, value in owners.column_of(conn, table, column, wanted[key]).items():
            names[row_id] = words.format(value)
    entries = []
    for row, patient_id in zip(rows, patient_ids, strict=True):
        details = row.after
        if row.action in (disclosures.DISCLOSE, disclosures.ACCESS) and details:
            what = {**disclosures.KINDS, **disclosures.ACCESSES}
            details = {**details, "kind": what.get(details.get("kind"), details.get("kind"))}
        entries.append(TrailEntry(
            seq=row.seq, at=row.at, actor=row.actor, action=row.action, entity=row.entity,
            entity_id=row.entity_id, patient_id=patient_id,
            patient=people.get(patient_id) if patient_id else None,
            changes=wording.changes(row.before, details, names, _columns().get(row.entity, ())),
        ))
    return entries
