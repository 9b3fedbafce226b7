"""Use cases about patients: enrol, edit, list with where each one is in the program."""

from __future__ import annotations

import datetime as dt
import uuid
from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from rehab_tracker.data.database import Database
from rehab_tracker.data.models import (
    Counter,
    OutcomeAssessment,
    Patient,
    Program,
    ProgramPhase,
    ScheduledAssessment,
    ScheduledSession,
    SessionLog,
    Surgery,
    WalkTest,
)
from rehab_tracker.domain import patients as rules
from rehab_tracker.domain.errors import ValidationError
from rehab_tracker.domain.template import program_week
from rehab_tracker.services.errors import ConflictError, NotFoundError

RECORD_COUNTER = "record_number"
RECORD_PREFIX = "RT-"


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
class PatientRecord:
    """A patient's editable details with the current surgery, as the forms show them."""

    id: uuid.UUID
    version: int
    details: rules.PatientDetails
    surgery: rules.SurgeryDetails | None


def weeks_since(start: dt.date | None, today: dt.date) -> int | None:
    """Whole weeks from ``start`` to ``today`` (None without a start)."""
    return None if start is None else (today - start).days // 7


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


class PatientService:
    def __init__(self, db: Database, actor: str) -> None:
        self.db = db
        self.actor = actor

    # --- writing ---------------------------------------------------------------------------

    def enrol(
        self,
        details: rules.PatientDetails,
        surgery: rules.SurgeryDetails | None,
        *,
        today: dt.date,
    ) -> uuid.UUID:
        """Add a patient (and their surgery); returns the new id."""
        rules.validate(details, surgery, today=today)
        with self.db.unit_of_work(self.actor) as session:
            number = (details.record_number or "").strip() or _next_record_number(session)
            self._refuse_duplicate_number(session, number, None)
            patient = Patient(created_by=self.actor, record_number=number)
            self._apply(patient, details)
            session.add(patient)
            if details.pathway == "surgical" and surgery is not None:
                patient.surgeries.append(self._surgery(surgery))
            session.flush()
            return patient.id

    def update(
        self,
        patient_id: uuid.UUID,
        details: rules.PatientDetails,
        surgery: rules.SurgeryDetails | None,
        *,
        expected_version: int | None,
        today: dt.date,
    ) -> None:
        """Save edits; refuses if another workstation saved this patient in the meantime."""
        rules.validate(details, surgery, today=today)
        try:
            with self.db.unit_of_work(self.actor) as session:
                patient = self._get(session, patient_id)
                if expected_version is not None and patient.version != expected_version:
                    raise ConflictError(
                        f"{patient.full_name} was changed at another workstation; "
                        "reopen the patient to see the latest details"
                    )
                number = (details.record_number or patient.record_number).strip()
                self._refuse_duplicate_number(session, number, patient_id)
                patient.record_number = number
                self._apply(patient, details)
                current = patient.surgeries[-1] if patient.surgeries else None
                if details.pathway == "surgical" and surgery is not None:
                    if current is None:
                        patient.surgeries.append(self._surgery(surgery))
                    else:
                        self._apply_surgery(current, surgery)
        except StaleDataError as exc:
            raise ConflictError(
                "this patient was changed at another workstation; reopen to see the changes"
            ) from exc

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

    @staticmethod
    def _get(session: Session, patient_id: uuid.UUID) -> Patient:
        patient = session.get(Patient, patient_id)
        if patient is None:
            raise NotFoundError(f"no patient with id {patient_id}")
        return patient

    # --- reading ---------------------------------------------------------------------------

    def record(self, patient_id: uuid.UUID) -> PatientRecord:
        with self.db.reading() as session:
            p = self._get(session, patient_id)
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
        """Every patient with surgery, program week and phase: a fixed number of queries."""
        with self.db.reading() as session:
            query = select(Patient).order_by(Patient.family_name, Patient.given_name)
            if not include_archived:
                query = query.where(Patient.archived_at.is_(None))
            patients = list(session.scalars(query))
            surgeries: dict[uuid.UUID, Surgery] = {}
            for s in session.scalars(select(Surgery).order_by(Surgery.surgery_date)):
                surgeries[s.patient_id] = s  # the latest wins
            programs: dict[uuid.UUID, Program] = {}
            for program in session.scalars(
                select(Program)
                .where(Program.status.in_(("planned", "active")))
                .order_by(Program.start_date)
            ):
                programs[program.patient_id] = program
            program_ids = [p.id for p in programs.values()]
            first_session = dict(
                session.execute(
                    select(ScheduledSession.program_id, ScheduledSession.scheduled_date).where(
                        ScheduledSession.program_id.in_(program_ids),
                        ScheduledSession.number == 1,
                    )
                )
                .all()
            )
            phases: dict[uuid.UUID, list[ProgramPhase]] = defaultdict(list)
            for phase in session.scalars(
                select(ProgramPhase).where(ProgramPhase.program_id.in_(program_ids))
            ):
                phases[phase.program_id].append(phase)
            logged = select(SessionLog.scheduled_session_id).where(
                SessionLog.scheduled_session_id.is_not(None), SessionLog.deleted_at.is_(None)
            )
            next_session = dict(
                session.execute(
                    select(ScheduledSession.program_id, func.min(ScheduledSession.scheduled_date))
                    .where(
                        ScheduledSession.program_id.in_(program_ids),
                        ScheduledSession.scheduled_date >= today,
                        ScheduledSession.id.not_in(logged),
                    )
                    .group_by(ScheduledSession.program_id)
                )
                .all()
            )
            due = self._assessments_due(session, program_ids, today)
            flagged = set(
                session.scalars(
                    select(SessionLog.patient_id).where(
                        SessionLog.red_flag_result == "positive",
                        SessionLog.red_flag_acknowledged_at.is_(None),
                        SessionLog.deleted_at.is_(None),
                    )
                )
            )
            rows = []
            for p in patients:
                surgery = surgeries.get(p.id)
                prog = programs.get(p.id)
                week = None
                phase_name = None
                if prog is not None:
                    week = program_week(first_session.get(prog.id), today)
                    for ph in phases.get(prog.id, []):
                        if ph.start_date <= today <= ph.end_date:
                            phase_name = ph.name
                rows.append(
                    PatientRow(
                        id=p.id,
                        record_number=p.record_number,
                        name=p.full_name,
                        date_of_birth=p.date_of_birth,
                        pathway=p.pathway,
                        surgery_date=surgery.surgery_date if surgery else None,
                        levels=tuple(surgery.levels) if surgery else (),
                        program_id=prog.id if prog else None,
                        program_status=prog.status if prog else None,
                        program_week=week,
                        phase=phase_name,
                        next_session=next_session.get(prog.id) if prog else None,
                        assessment_due=prog is not None and prog.id in due,
                        open_red_flag=p.id in flagged,
                    )
                )
            return rows

    @staticmethod
    def _assessments_due(
        session: Session, program_ids: list[uuid.UUID], today: dt.date
    ) -> set[uuid.UUID]:
        """Programs with a scheduled assessment due (within a week) and no outcome recorded."""
        due: set[uuid.UUID] = set()
        window = dt.timedelta(days=7)
        scheduled = session.execute(
            select(
                ScheduledAssessment.program_id,
                ScheduledAssessment.due_date,
            ).where(
                ScheduledAssessment.program_id.in_(program_ids),
                ScheduledAssessment.due_date <= today + window,
            )
        )
        recorded: dict[uuid.UUID, list[dt.date]] = defaultdict(list)
        for program_id, assessed_on in session.execute(
            select(OutcomeAssessment.program_id, OutcomeAssessment.assessed_on).where(
                OutcomeAssessment.program_id.in_(program_ids),
                OutcomeAssessment.deleted_at.is_(None),
            )
        ):
            if program_id is not None:
                recorded[program_id].append(assessed_on)
        for program_id, due_date in scheduled:
            if not any(abs((d - due_date).days) <= 14 for d in recorded[program_id]):
                due.add(program_id)
        return due

    # --- overview (added for the GUI's patient overview tab) --------------------------------

    def overview(self, patient_id: uuid.UUID, *, today: dt.date) -> PatientOverview:
        """Adherence to date, the latest scores and any open red flag for one patient."""
        with self.db.reading() as session:
            self._get(session, patient_id)
            program = session.scalars(
                select(Program)
                .where(Program.patient_id == patient_id, Program.status.in_(("planned", "active")))
                .order_by(Program.start_date.desc())
            ).first()
            planned = attended = 0
            if program is not None:
                planned = (
                    session.scalar(
                        select(func.count(ScheduledSession.id)).where(
                            ScheduledSession.program_id == program.id,
                            ScheduledSession.kind == "exercise",
                            ScheduledSession.scheduled_date <= today,
                        )
                    )
                    or 0
                )
                attended = (
                    session.scalar(
                        select(func.count(SessionLog.id))
                        .join(
                            ScheduledSession, ScheduledSession.id == SessionLog.scheduled_session_id
                        )
                        .where(
                            ScheduledSession.program_id == program.id,
                            ScheduledSession.kind == "exercise",
                            SessionLog.attended.is_(True),
                            SessionLog.deleted_at.is_(None),
                            SessionLog.status == "final",
                        )
                    )
                    or 0
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
            flag = session.scalars(
                select(SessionLog.session_date)
                .where(
                    SessionLog.patient_id == patient_id,
                    SessionLog.red_flag_result == "positive",
                    SessionLog.red_flag_acknowledged_at.is_(None),
                    SessionLog.deleted_at.is_(None),
                )
                .order_by(SessionLog.session_date.desc())
            ).first()
            return PatientOverview(
                program_id=program.id if program else None,
                program_name=program.name if program else None,
                sessions_planned_to_date=int(planned),
                sessions_attended=int(attended),
                latest_scores=latest,
                open_red_flag_on=flag,
            )


@dataclass(frozen=True)
class PatientOverview:
    """What the overview tab shows beyond the list row."""

    program_id: uuid.UUID | None
    program_name: str | None
    sessions_planned_to_date: int
    sessions_attended: int
    #: instrument or test code -> (score or SI value, date), the latest of each
    latest_scores: dict[str, tuple[float, dt.date]]
    open_red_flag_on: dt.date | None

    @property
    def adherence(self) -> float | None:
        if self.sessions_planned_to_date == 0:
            return None
        return self.sessions_attended / self.sessions_planned_to_date
