"""Use cases about patients: enrol, edit, list with where each one is in the program."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Date, Row, Uuid, bindparam, select, text
from sqlalchemy.orm import Session

from rehab_tracker.data.database import Database
from rehab_tracker.data.models import (
    Counter,
    OutcomeAssessment,
    Patient,
    Surgery,
    WalkTest,
)
from rehab_tracker.data.patient_list import (
    Execute,
    read_ids,
    read_patient_list,
    read_rows,
    read_summary,
)
from rehab_tracker.data.patient_list import (  # PatientRow, ListQuery, ListIds: re-exported
    ListIds as ListIds,
)
from rehab_tracker.data.patient_list import (
    ListQuery as ListQuery,
)
from rehab_tracker.data.patient_list import (
    ListSummary as ListSummary,
)
from rehab_tracker.data.patient_list import (
    PatientRow as PatientRow,
)
from rehab_tracker.domain import patients as rules
from rehab_tracker.domain.errors import Collector, ValidationError
from rehab_tracker.domain.restrictions import Restriction, restrictions_errors
from rehab_tracker.domain.roles import Permission, Principal
from rehab_tracker.services import _lookup as lookup
from rehab_tracker.services import restrictions as restrictions_store
from rehab_tracker.services.access import requires
from rehab_tracker.services.errors import NotFoundError

RECORD_COUNTER = "record_number"
RECORD_PREFIX = "RT-"


@dataclass(frozen=True)
class PatientRecord:
    """A patient's editable details with the current surgery, as the forms show them."""

    id: uuid.UUID
    version: int
    details: rules.PatientDetails
    surgery: rules.SurgeryDetails | None
    #: every restriction of the patient, active or not (by end date)
    restrictions: tuple[Restriction, ...] = ()


def _next_record_number(session: Session) -> str:
    """Increment the clinic's record-number counter inside the current write transaction."""
    counter = session.get(Counter, RECORD_COUNTER)
    if counter is None:
        counter = Counter(name=RECORD_COUNTER, value=0)
        session.add(counter)
    while True:
        counter.value += 1
        candidate = f"{RECORD_PREFIX}{counter.value:05d}"
        taken = session.scalar(select(Patient.id).where(Patient.record_number == candidate))
        if taken is None:
            return candidate


def _validate(
    details: rules.PatientDetails,
    surgery: rules.SurgeryDetails | None,
    restrictions: Sequence[Restriction],
    today: dt.date,
) -> None:
    """ValidationError with every problem of the details, the surgery and the restrictions."""
    errors = Collector()
    try:
        rules.validate(details, surgery, today=today)
    except ValidationError as exc:
        errors.add_all(exc.errors)
    errors.add_all(
        restrictions_errors(
            restrictions_store.prepared(restrictions, today),
            today=today,
            date_of_birth=details.date_of_birth,
        )
    )
    errors.raise_if_any()


def _execute(session: Session) -> Execute:
    """``data.patient_list``'s statements on the session's connection, dates and ids bound
    with their column types."""
    conn = session.connection()

    def execute(sql: str, params: Mapping[str, Any]) -> list[Row[Any]]:
        typed = [
            bindparam(k, type_=Uuid() if isinstance(v, uuid.UUID) else Date())
            for k, v in params.items()
            if isinstance(v, uuid.UUID | dt.date)
        ]
        return list(conn.execute(text(sql).bindparams(*typed), dict(params)).all())

    return execute


class PatientService:
    def __init__(self, db: Database, principal: Principal) -> None:
        self.db = db
        self.principal = principal
        self.actor = principal.username

    # --- writing ---------------------------------------------------------------------------

    @requires(Permission.PATIENTS)
    def enrol(
        self,
        details: rules.PatientDetails,
        surgery: rules.SurgeryDetails | None,
        *,
        today: dt.date,
        restrictions: Sequence[Restriction] = (),
    ) -> uuid.UUID:
        """Add a patient (and their surgery and restrictions); returns the new id."""
        _validate(details, surgery, restrictions, today)
        with self.db.unit_of_work(self.principal) as session:
            number = (details.record_number or "").strip() or _next_record_number(session)
            self._refuse_duplicate_number(session, number, None)
            patient = Patient(created_by=self.actor, record_number=number)
            self._apply(patient, details)
            session.add(patient)
            if details.pathway == "surgical" and surgery is not None:
                patient.surgeries.append(self._surgery(surgery))
            session.flush()
            restrictions_store.sync_restrictions(
                session, self.actor, patient.id, restrictions, today=today
            )
            return patient.id

    @requires(Permission.PATIENTS)
    def update(
        self,
        patient_id: uuid.UUID,
        details: rules.PatientDetails,
        surgery: rules.SurgeryDetails | None,
        *,
        expected_version: int | None,
        today: dt.date,
        restrictions: Sequence[Restriction] | None = None,
    ) -> int:
        """Save edits (the details, the current surgery and the restrictions: one version of the
        patient); returns the patient's version. Refuses (ConflictError) if another workstation
        saved this patient since the form read ``expected_version`` (None: no check, for
        scripts).

        ``restrictions`` (when given) become the patient's list in the same unit of work:
        listed ones are added or changed, the others removed."""
        _validate(details, surgery, restrictions or (), today)
        with lookup.editing(self.db, self.principal, "This patient") as session:
            patient = lookup.patient(session, patient_id)
            if expected_version is not None:
                lookup.check_version(patient, expected_version, f"{patient.full_name}'s record")
            number = (details.record_number or patient.record_number).strip()
            self._refuse_duplicate_number(session, number, patient_id)
            patient.record_number = number
            self._apply(patient, details)
            current = patient.surgeries[-1] if patient.surgeries else None
            if details.pathway == "surgical" and surgery is not None:
                if current is None:
                    current = self._surgery(surgery)
                    patient.surgeries.append(current)
                else:
                    self._apply_surgery(current, surgery)
                if current in session.new or session.is_modified(current):
                    lookup.bump(patient)  # the surgery is part of the patient's record
            if restrictions is not None and restrictions_store.sync_restrictions(
                session, self.actor, patient_id, restrictions, today=today
            ):
                lookup.bump(patient)  # so are the restrictions saved with it
            session.flush()
            return patient.version

    def _apply(self, patient: Patient, details: rules.PatientDetails) -> None:
        patient.given_name = details.given_name.strip()
        patient.family_name = details.family_name.strip()
        assert details.date_of_birth is not None  # validated
        patient.date_of_birth = details.date_of_birth
        patient.sex = details.sex
        patient.height_m = None if details.height_cm is None else details.height_cm / 100.0
        patient.weight_kg = details.weight_kg
        patient.phone = (details.phone or "").strip() or None
        patient.email = (details.email or "").strip() or None
        patient.address = (details.address or "").strip() or None
        patient.pathway = details.pathway
        patient.notes = (details.notes or "").strip() or None

    def _surgery(self, details: rules.SurgeryDetails) -> Surgery:
        surgery = Surgery(created_by=self.actor)
        self._apply_surgery(surgery, details)
        return surgery

    @staticmethod
    def _apply_surgery(surgery: Surgery, details: rules.SurgeryDetails) -> None:
        assert details.surgery_date is not None  # validated
        surgery.surgery_date = details.surgery_date
        surgery.levels = list(details.levels)
        surgery.side = details.side
        surgery.procedure = details.procedure.strip()
        surgery.surgeon = (details.surgeon or "").strip() or None
        surgery.hospital = (details.hospital or "").strip() or None
        surgery.notes = (details.notes or "").strip() or None

    @staticmethod
    def _refuse_duplicate_number(
        session: Session, number: str, patient_id: uuid.UUID | None
    ) -> None:
        clash = session.scalar(select(Patient.id).where(Patient.record_number == number))
        if clash is not None and clash != patient_id:
            raise ValidationError.single(
                "record_number", f"Record number {number} belongs to another patient."
            )

    # --- reading ---------------------------------------------------------------------------

    def record(self, patient_id: uuid.UUID) -> PatientRecord:
        with self.db.reading() as session:
            p = lookup.patient(session, patient_id)
            surgery = p.surgeries[-1] if p.surgeries else None
            return PatientRecord(
                id=p.id,
                version=p.version,
                details=rules.PatientDetails(
                    given_name=p.given_name,
                    family_name=p.family_name,
                    date_of_birth=p.date_of_birth,
                    sex=p.sex,
                    record_number=p.record_number,
                    height_cm=None if p.height_m is None else round(p.height_m * 100.0, 1),
                    weight_kg=p.weight_kg,
                    phone=p.phone,
                    email=p.email,
                    address=p.address,
                    pathway=p.pathway,
                    notes=p.notes,
                ),
                surgery=None
                if surgery is None
                else rules.SurgeryDetails(
                    surgery_date=surgery.surgery_date,
                    levels=tuple(surgery.levels),
                    side=surgery.side,
                    procedure=surgery.procedure,
                    surgeon=surgery.surgeon,
                    hospital=surgery.hospital,
                    notes=surgery.notes,
                ),
                restrictions=restrictions_store.read_restrictions(session, p.id),
            )

    def find(self, key: str) -> uuid.UUID:
        """A patient by record number or id (as typed on the command line)."""
        with self.db.reading() as session:
            found = session.scalar(select(Patient.id).where(Patient.record_number == key))
            if found is None:
                try:
                    found = session.scalar(select(Patient.id).where(Patient.id == uuid.UUID(key)))
                except ValueError:
                    found = None
            if found is None:
                raise NotFoundError(f"no patient with record number or id {key!r}")
            return found

    def list_patients(self, *, today: dt.date, include_archived: bool = False) -> list[PatientRow]:
        """Every patient with surgery, program week and phase, sorted by name (the command
        line's list): a fixed number of statements per 500 patients.

        The statements and the row building live in ``data.patient_list`` (plain SQL, no
        SQLAlchemy) so the start-up screen can read the same list before SQLAlchemy loads.
        """
        with self.db.reading() as session:
            execute = _execute(session)
            return read_patient_list(execute, today=today, include_archived=include_archived)

    def list_ids(self, query: ListQuery, *, today: dt.date) -> ListIds:
        """The patients the list shows for ``query``, in its order (``data.patient_list``)."""
        with self.db.reading() as session:
            return read_ids(_execute(session), query, today=today)

    def list_rows(self, ids: Sequence[uuid.UUID], *, today: dt.date) -> list[PatientRow]:
        """The list's rows of the patients ``ids`` (one page), in that order."""
        with self.db.reading() as session:
            return read_rows(_execute(session), ids, today=today)

    def list_summary(self, *, include_archived: bool = False) -> ListSummary:
        """How many patients the list holds, and the phases its filter offers."""
        with self.db.reading() as session:
            return read_summary(_execute(session), include_archived=include_archived)

    # --- overview (added for the GUI's patient overview tab) --------------------------------

    def overview(self, patient_id: uuid.UUID, *, today: dt.date) -> PatientOverview:
        """Adherence to date, the latest scores and any open red flag for one patient.

        Adherence is :func:`lookup.program_adherence` of the current program (the one read and
        rule the Sessions tab and the report use)."""
        with self.db.reading() as session:
            lookup.patient(session, patient_id)
            # the current program as the Sessions tab and the report choose it
            program = lookup.current_program(lookup.programs_by_start(session, patient_id))
            adherence = lookup.program_adherence(
                session, program.id if program is not None else None, today
            )
            latest: dict[str, tuple[float, dt.date]] = {}
            for a in session.scalars(
                select(OutcomeAssessment)
                .where(
                    OutcomeAssessment.patient_id == patient_id,
                    OutcomeAssessment.deleted_at.is_(None),
                )
                .order_by(OutcomeAssessment.assessed_on)
            ):
                latest[a.instrument] = (a.score, a.assessed_on)
            walk = session.scalars(
                select(WalkTest)
                .where(
                    WalkTest.patient_id == patient_id,
                    WalkTest.test == "walk_6min",
                    WalkTest.deleted_at.is_(None),
                )
                .order_by(WalkTest.performed_on.desc())
            ).first()
            if walk is not None:
                latest["walk_6min"] = (walk.value, walk.performed_on)
            flags = lookup.open_red_flags(session, patient_id)
            return PatientOverview(
                program_id=program.id if program else None,
                program_name=program.name if program else None,
                sessions_planned_to_date=adherence.planned,
                sessions_attended=adherence.attended,
                latest_scores=latest,
                open_red_flag_on=flags[-1].session_date if flags else None,  # the newest
                restrictions=restrictions_store.active_restrictions(session, patient_id, today),
            )


@dataclass(frozen=True)
class PatientOverview:
    """What the overview tab shows beyond the list row (``sessions_planned_to_date`` and
    ``sessions_attended`` are domain.sessions.compute_adherence's planned and attended)."""

    program_id: uuid.UUID | None
    program_name: str | None
    sessions_planned_to_date: int
    sessions_attended: int
    #: instrument or test code -> (score or SI value, date), the latest of each
    latest_scores: dict[str, tuple[float, dt.date]]
    open_red_flag_on: dt.date | None
    #: the surgeon restrictions in force today
    restrictions: tuple[Restriction, ...] = ()

    @property
    def adherence(self) -> float | None:
        if self.sessions_planned_to_date == 0:
            return None
        return self.sessions_attended / self.sessions_planned_to_date
