"""A patient's surgeon restrictions: read them, and write them with the patient or one by one.

The rules (kinds, when one is active, what it rules out) are the domain's
(:mod:`rehab_tracker.domain.restrictions`); here they are read from and written to the
``restrictions`` table. Every write goes through the unit of work, so the audit trail records
each added, changed and removed restriction with its before and after.

- :func:`read_restrictions` / :func:`active_restrictions`: one patient's list (the program
  service's caps, the session form, the overview and the home sheet read these);
- :func:`sync_restrictions`: make the patient's rows equal to a list, inside the caller's unit of
  work (the patient dialog saves details and restrictions in one);
- :class:`RestrictionService`: list, add, update and remove one at a time.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from rehab_tracker.data.database import Database, session_memo
from rehab_tracker.data.models import Patient
from rehab_tracker.data.models import Restriction as RestrictionRow
from rehab_tracker.domain import restrictions as rules
from rehab_tracker.domain.errors import ValidationError
from rehab_tracker.domain.roles import Permission, Principal
from rehab_tracker.services import _lookup as lookup
from rehab_tracker.services.access import requires


def _domain(row: RestrictionRow) -> rules.Restriction:
    return rules.Restriction(
        kind=row.kind,
        until=row.until,
        limit=row.limit_value,
        detail=row.detail or "",
        starts_on=row.starts_on,
        set_by=row.set_by or "",
        id=row.id,
    )


def read_restrictions(session: Session, patient_id: uuid.UUID) -> tuple[rules.Restriction, ...]:
    """Every restriction of the patient, by end date (the ones ending first first); read once
    per read snapshot (the overview, the record and the progression hold each ask)."""
    return session_memo(
        session, ("restrictions", patient_id), lambda: _read_restrictions(session, patient_id)
    )


def _read_restrictions(session: Session, patient_id: uuid.UUID) -> tuple[rules.Restriction, ...]:
    rows = session.scalars(
        select(RestrictionRow)
        .where(RestrictionRow.patient_id == patient_id)
        .order_by(RestrictionRow.until, RestrictionRow.kind, RestrictionRow.created_at)
    )
    return tuple(_domain(row) for row in rows)


def active_restrictions(
    session: Session, patient_id: uuid.UUID, day: dt.date
) -> tuple[rules.Restriction, ...]:
    """The patient's restrictions in force on ``day``."""
    return rules.active_on(read_restrictions(session, patient_id), day)


def _checked(item: rules.Restriction, today: dt.date) -> rules.Restriction:
    """``item`` with its start date (today when not given) and tidy texts."""
    return rules.Restriction(
        kind=item.kind,
        until=item.until,
        limit=item.limit,
        detail=item.detail.strip(),
        starts_on=item.starts_on or today,
        set_by=item.set_by.strip() or "surgeon",
        id=item.id,
    )


def prepared(items: Sequence[rules.Restriction], today: dt.date) -> list[rules.Restriction]:
    """The items as they will be stored (not yet checked)."""
    return [_checked(item, today) for item in items]


def validate(
    items: Sequence[rules.Restriction], today: dt.date, date_of_birth: dt.date | None = None
) -> list[rules.Restriction]:
    """The items as they will be stored; ValidationError keyed ``restrictions[i].<field>``
    (with ``date_of_birth``, no date before it)."""
    ready = prepared(items, today)
    errors = rules.restrictions_errors(ready, today=today, date_of_birth=date_of_birth)
    if errors:
        raise ValidationError(errors)
    return ready


def _store(row: RestrictionRow, item: rules.Restriction) -> None:
    """Write ``item`` into ``row``, touching only what changed (so the audit shows just that)."""
    values = {
        "kind": item.kind,
        "limit_value": None if item.limit is None else float(item.limit),
        "detail": item.detail,
        "starts_on": item.starts_on,
        "until": item.until,
        "set_by": item.set_by,
    }
    for name, value in values.items():
        if getattr(row, name) != value:
            setattr(row, name, value)


def sync_restrictions(
    session: Session,
    actor: str,
    patient_id: uuid.UUID,
    items: Sequence[rules.Restriction],
    *,
    today: dt.date,
) -> bool:
    """Make the patient's restrictions the ``items`` (validated first): an item with an id
    updates that row, one without is added, a row no item names is removed. Returns whether
    anything changed (the patient's version then moves: ``PatientService.update``)."""
    born = session.scalar(select(Patient.date_of_birth).where(Patient.id == patient_id))
    ready = validate(items, today, born)
    rows = {
        row.id: row
        for row in session.scalars(
            select(RestrictionRow).where(RestrictionRow.patient_id == patient_id)
        )
    }
    kept: set[uuid.UUID] = set()
    for i, item in enumerate(ready):
        row = rows.get(item.id) if item.id is not None else None
        if item.id is not None and row is None:
            raise ValidationError.single(
                f"restrictions[{i}].kind",
                "This restriction was removed at another workstation; reopen the patient.",
            )
        if row is None:
            row = RestrictionRow(created_by=actor, patient_id=patient_id)
            session.add(row)
        else:
            kept.add(row.id)
        _store(row, item)
    for row_id, row in rows.items():
        if row_id not in kept:
            session.delete(row)
    changed = any(isinstance(o, RestrictionRow) for o in (*session.new, *session.deleted)) or any(
        session.is_modified(row) for row in rows.values()
    )
    session.flush()
    return changed


class RestrictionService:
    """One patient's restrictions, one at a time (each call one unit of work)."""

    def __init__(self, db: Database, principal: Principal) -> None:
        self.db = db
        self.principal = principal
        self.actor = principal.username

    def list_for(self, patient_id: uuid.UUID) -> tuple[rules.Restriction, ...]:
        with self.db.reading() as session:
            lookup.patient(session, patient_id)
            return read_restrictions(session, patient_id)

    def active(self, patient_id: uuid.UUID, *, today: dt.date) -> tuple[rules.Restriction, ...]:
        with self.db.reading() as session:
            return active_restrictions(session, patient_id, today)

    @requires(Permission.RESTRICTIONS)
    def add(
        self, patient_id: uuid.UUID, item: rules.Restriction, *, today: dt.date
    ) -> uuid.UUID:
        validate([item], today)
        with self.db.unit_of_work(self.principal) as session:
            born = lookup.patient(session, patient_id).date_of_birth
            (ready,) = validate([item], today, born)
            row = RestrictionRow(created_by=self.actor, patient_id=patient_id)
            _store(row, ready)
            session.add(row)
            session.flush()
            return row.id

    @requires(Permission.RESTRICTIONS)
    def update(self, item: rules.Restriction, *, today: dt.date) -> None:
        if item.id is None:
            raise ValidationError.single("kind", "Only a saved restriction can be changed.")
        validate([item], today)
        with self.db.unit_of_work(self.principal) as session:
            row = lookup.by_id(session, RestrictionRow, item.id, "restriction")
            born = lookup.patient(session, row.patient_id).date_of_birth
            (ready,) = validate([item], today, born)
            _store(row, ready)

    @requires(Permission.RESTRICTIONS)
    def remove(self, restriction_id: uuid.UUID) -> None:
        with self.db.unit_of_work(self.principal) as session:
            session.delete(lookup.by_id(session, RestrictionRow, restriction_id, "restriction"))
