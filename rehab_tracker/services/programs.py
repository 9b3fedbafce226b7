"""Use cases about a patient's exercise program: build it from a template, edit it, progress it.

Every method returns plain frozen dataclasses (never ORM objects); every write is one unit of work.

History: a prescription row is never changed in place once written. Changing its dosage or notes,
or removing it, closes the row (``valid_to``) and, for a change, opens a new one, so "what was
prescribed when" can always be answered (:meth:`ProgramService.prescription_history`). Only the
display order (``position``) of an open row is updated in place. The audit trail records every
write automatically (``rehab_tracker.data.audit``).
"""

from __future__ import annotations

import datetime as dt
import itertools
import math
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from rehab_tracker.data import resources
from rehab_tracker.data.database import Database
from rehab_tracker.data.models import (
    AdverseEvent,
    Exercise,
    ExerciseLog,
    Patient,
    Prescription,
    Program,
    ProgramPhase,
    ProgramTemplate,
    ScheduledAssessment,
    ScheduledSession,
    SessionLog,
)
from rehab_tracker.data.types import utcnow
from rehab_tracker.domain import progression, schedule
from rehab_tracker.domain import template as tpl
from rehab_tracker.domain.dosage import (
    STEP_FIELDS,
    Dosage,
    ProgressionStep,
    dosage_errors,
    dosage_to_dict,
    dose_fields,
    minimal_dosage,
)
from rehab_tracker.domain.errors import Collector, ValidationError
from rehab_tracker.domain.library import (
    SLUG_RE,
    ExerciseSpec,
    exercise_to_dict,
    parse_exercise,
)
from rehab_tracker.domain.phases import phase_on
from rehab_tracker.domain.programs import OPEN_STATUSES
from rehab_tracker.services import _lookup as lookup
from rehab_tracker.services.errors import ConflictError, NotFoundError, ServiceError
from rehab_tracker.services.settings import SettingsService

#: what is measured at each assessment (instrument and walk-test codes of the outcome tables)
ASSESSMENT_INSTRUMENTS: dict[str, list[str]] = {
    "baseline": [
        "odi",
        "nprs_back",
        "nprs_leg",
        "walk_5min",
        "walk_50ft_preferred",
        "walk_50ft_fastest",
    ],
    "mid": ["odi", "nprs_back", "nprs_leg"],
    "end": [
        "odi",
        "nprs_back",
        "nprs_leg",
        "walk_5min",
        "walk_50ft_preferred",
        "walk_50ft_fastest",
    ],
}


# ----------------------------------------------------------------------------- plain results


@dataclass(frozen=True)
class TemplateInfo:
    """A program template as the builder's picker shows it."""

    code: str
    name: str
    description: str
    sources: tuple[str, ...]
    dosage_note: str
    weeks: int
    sessions_per_week: int
    start_weeks_min: int
    start_weeks_max: int
    variants: tuple[tuple[str, str], ...]  # (code, name)
    builtin: bool


@dataclass(frozen=True)
class ExerciseInfo:
    """One exercise of the library, for the exercise picker."""

    id: uuid.UUID | None
    code: str
    name: str
    body_region: str
    dosage_type: str
    equipment: tuple[str, ...]
    default_dosage: tuple[tuple[str, Dosage], ...]

    def dosage_for(self, phase_code: str) -> Dosage:
        """The library's default dose for that phase, else its first, else a minimal one."""
        for code, dose in self.default_dosage:
            if code == phase_code:
                return dose
        if self.default_dosage:
            return self.default_dosage[0][1]
        return minimal_dosage(self.dosage_type)


@dataclass(frozen=True)
class PrescribedExercise:
    """One prescription row: an exercise with its dosage in a phase, and when it was valid."""

    id: uuid.UUID
    phase_id: uuid.UUID
    phase_name: str
    exercise_id: uuid.UUID
    exercise_code: str
    exercise_name: str
    position: int
    dosage: Dosage
    notes: str | None
    instructions: tuple[str, ...]
    cautions: tuple[str, ...]
    valid_from: dt.datetime
    valid_to: dt.datetime | None


@dataclass(frozen=True)
class PhaseDetail:
    id: uuid.UUID
    position: int
    code: str
    name: str
    start_week: int
    end_week: int
    start_date: dt.date
    end_date: dt.date
    goals: str
    prescriptions: tuple[PrescribedExercise, ...]


@dataclass(frozen=True)
class ScheduleItem:
    id: uuid.UUID
    number: int  # 0 = education, 1..36 exercise
    week: int
    date: dt.date
    kind: str


@dataclass(frozen=True)
class AssessmentDue:
    id: uuid.UUID
    timepoint: str
    label: str
    due_date: dt.date
    instruments: tuple[str, ...]


@dataclass(frozen=True)
class ProgramDetail:
    id: uuid.UUID
    patient_id: uuid.UUID
    patient_name: str
    record_number: str
    template_code: str | None
    name: str
    intensity: str
    start_date: dt.date
    weeks: int
    sessions_per_week: int
    status: str
    early_start_reason: str | None
    notes: str | None
    version: int
    surgery_date: dt.date | None
    phases: tuple[PhaseDetail, ...]
    sessions: tuple[ScheduleItem, ...]
    assessments: tuple[AssessmentDue, ...]
    warnings: tuple[str, ...]

    def phase_on(self, day: dt.date) -> PhaseDetail | None:
        """The phase ``day`` falls in (:func:`rehab_tracker.domain.phases.phase_on`)."""
        return phase_on(self.phases, day)

    def to_draft(self) -> ProgramDraft:
        return ProgramDraft(
            phases=tuple(
                PhaseDraft(
                    id=p.id,
                    code=p.code,
                    name=p.name,
                    start_week=p.start_week,
                    end_week=p.end_week,
                    start_date=p.start_date,
                    end_date=p.end_date,
                    items=tuple(
                        PrescriptionDraft(
                            exercise_code=rx.exercise_code,
                            dosage=rx.dosage,
                            notes=rx.notes,
                            prescription_id=rx.id,
                            exercise_name=rx.exercise_name,
                        )
                        for rx in p.prescriptions
                    ),
                )
                for p in self.phases
            )
        )


@dataclass(frozen=True)
class SchedulePreview:
    """What creating a program would give, shown before the user commits to it."""

    exercise_start: dt.date
    end_date: dt.date
    sessions: int
    phases: tuple[tuple[str, dt.date, dt.date], ...]
    warnings: tuple[str, ...]
    early_start: bool  # starts before the template's minimum: a reason is needed


@dataclass(frozen=True)
class ProgressionSuggestion:
    """The progression engine's proposal for one prescription; the therapist accepts or edits."""

    prescription_id: uuid.UUID
    exercise_id: uuid.UUID
    exercise_name: str
    action: str  # progress | hold | step_back | repeat
    reason: str
    current: Dosage
    suggested: Dosage
    based_on: dt.date  # date of the logged session it is based on

    @property
    def changes(self) -> bool:
        return self.current != self.suggested


# ---------------------------------------------------------------------------------- edit drafts


@dataclass(frozen=True)
class PrescriptionDraft:
    """One exercise in an edited phase; ``prescription_id`` None means newly added."""

    exercise_code: str
    dosage: Dosage
    notes: str | None = None
    prescription_id: uuid.UUID | None = None
    exercise_name: str = ""


@dataclass(frozen=True)
class PhaseDraft:
    id: uuid.UUID
    code: str
    name: str
    start_week: int
    end_week: int
    start_date: dt.date
    end_date: dt.date
    items: tuple[PrescriptionDraft, ...] = field(default_factory=tuple)


@dataclass(frozen=True)
class ProgramDraft:
    phases: tuple[PhaseDraft, ...]


# ---------------------------------------------------------------------------------- validation


def _is_num(value: object) -> bool:
    return (
        isinstance(value, int | float)
        and not isinstance(value, bool)
        and math.isfinite(float(value))
    )


def validate_dosage(d: Dosage, *, who: str = "dosage") -> None:
    """Raise :class:`ValidationError` keyed by field when the dose is not valid (the domain's
    one dose check, :func:`rehab_tracker.domain.dosage.dosage_errors`)."""
    _dose, errors = dosage_errors(dose_fields(d), None, who=who)
    if errors:
        raise ValidationError(errors)


def _lines(text: str) -> tuple[str, ...]:
    return tuple(line.strip() for line in text.splitlines() if line.strip())


def _prescribed(rx: Prescription) -> PrescribedExercise:
    return PrescribedExercise(
        id=rx.id,
        phase_id=rx.phase_id,
        phase_name=rx.phase.name,
        exercise_id=rx.exercise_id,
        exercise_code=rx.exercise.code,
        exercise_name=rx.exercise.name,
        position=rx.position,
        dosage=rx.dosage,
        notes=rx.notes,
        instructions=_lines(rx.exercise.instructions),
        cautions=_lines(rx.exercise.cautions),
        valid_from=rx.valid_from,
        valid_to=rx.valid_to,
    )


def _clean(text: str | None) -> str | None:
    return (text or "").strip() or None


# ------------------------------------------------------------------------------------ service


class ProgramService:
    def __init__(self, db: Database, actor: str) -> None:
        self.db = db
        self.actor = actor
        self._library: tuple[ExerciseSpec, ...] | None = None

    # --- library and templates ---------------------------------------------------------------

    def _shipped_library(self) -> tuple[ExerciseSpec, ...]:
        if self._library is None:
            try:
                self._library = resources.load_exercise_library()
            except resources.ResourceError as exc:
                raise ServiceError(f"The exercise library cannot be read: {exc}") from exc
        return self._library

    def _library_map(self, session: Session) -> dict[str, ExerciseSpec]:
        """Shipped exercises, overridden by the clinic's own rows in the database."""
        out = {spec.code: spec for spec in self._shipped_library()}
        for row in session.scalars(select(Exercise).where(Exercise.retired_at.is_(None))):
            try:
                out[row.code] = parse_exercise(
                    {
                        "code": row.code,
                        "name": row.name,
                        "body_region": row.body_region,
                        "equipment": list(row.equipment),
                        "dosage_type": row.dosage_type,
                        "instructions": list(_lines(row.instructions)) or ["(none)"],
                        "cautions": list(_lines(row.cautions)),
                        "default_dosage": row.default_dosage,
                        "progression": row.progression or {"note": "(none)"},
                        "media": list(row.media),
                    }
                )
            except ValidationError:
                continue  # a clinic row the rules refuse: the shipped one (if any) stays
        return out

    def exercises(self) -> list[ExerciseInfo]:
        """The exercise library (shipped plus the clinic's own), sorted by name."""
        with self.db.reading() as session:
            ids = {code: id_ for code, id_ in session.execute(select(Exercise.code, Exercise.id))}
            retired = set(
                session.scalars(select(Exercise.code).where(Exercise.retired_at.is_not(None)))
            )
            specs = {c: s for c, s in self._library_map(session).items() if c not in retired}
        return sorted(
            (
                ExerciseInfo(
                    id=ids.get(s.code),
                    code=s.code,
                    name=s.name,
                    body_region=s.body_region,
                    dosage_type=s.dosage_type,
                    equipment=s.equipment,
                    default_dosage=s.default_dosage,
                )
                for s in specs.values()
            ),
            key=lambda e: e.name.lower(),
        )

    def _ensure_exercise(self, session: Session, spec: ExerciseSpec) -> Exercise:
        """The exercise's row, added from the library the first time a program uses it."""
        row = session.scalar(select(Exercise).where(Exercise.code == spec.code))
        if row is not None:
            return row
        d = exercise_to_dict(spec)
        row = Exercise(
            created_by=self.actor,
            code=spec.code,
            name=spec.name,
            body_region=spec.body_region,
            equipment=list(spec.equipment),
            dosage_type=spec.dosage_type,
            instructions="\n".join(spec.instructions),
            cautions="\n".join(spec.cautions),
            default_dosage=d["default_dosage"],
            progression=d["progression"],
            media=list(spec.media),
            builtin=True,
        )
        session.add(row)
        session.flush()
        return row

    def _exercise_by_code(
        self, session: Session, code: str, library: dict[str, ExerciseSpec]
    ) -> Exercise | None:
        spec = library.get(code)
        if spec is not None:
            return self._ensure_exercise(session, spec)
        return session.scalar(select(Exercise).where(Exercise.code == code))

    def _load_template(self, session: Session, code: str) -> tuple[tpl.ProgramTemplate, bool]:
        library = self._library_map(session)
        types = {c: s.dosage_type for c, s in library.items()}
        row = session.scalar(
            select(ProgramTemplate).where(
                ProgramTemplate.code == code, ProgramTemplate.retired_at.is_(None)
            )
        )
        if row is not None:
            try:
                return tpl.parse_template(row.body, types), row.builtin
            except ValidationError as exc:
                raise ServiceError(f"Template {code!r} cannot be used: {exc}") from exc
        if code in resources.list_templates():
            try:
                return resources.load_template(code, exercises=tuple(library.values())), True
            except resources.ResourceError as exc:
                raise ServiceError(f"Template {code!r} cannot be used: {exc}") from exc
        raise NotFoundError(f"no program template {code!r}")

    @staticmethod
    def _info(t: tpl.ProgramTemplate, builtin: bool) -> TemplateInfo:
        return TemplateInfo(
            code=t.code,
            name=t.name,
            description=t.description,
            sources=t.sources,
            dosage_note=t.dosage_note,
            weeks=t.weeks,
            sessions_per_week=t.sessions_per_week,
            start_weeks_min=t.start_weeks_min,
            start_weeks_max=t.start_weeks_max,
            variants=tuple((v.code, v.name) for v in t.variants),
            builtin=builtin,
        )

    def templates(self) -> list[TemplateInfo]:
        """Shipped templates, then the clinic's saved ones (unreadable ones are left out)."""
        out: dict[str, TemplateInfo] = {}
        with self.db.reading() as session:
            codes = list(resources.list_templates())
            codes += list(
                session.scalars(
                    select(ProgramTemplate.code)
                    .where(ProgramTemplate.retired_at.is_(None))
                    .order_by(ProgramTemplate.name)
                )
            )
            for code in codes:
                try:
                    t, builtin = self._load_template(session, code)
                except ServiceError:
                    continue
                out[code] = self._info(t, builtin)
        return list(out.values())

    def template(self, code: str) -> TemplateInfo:
        with self.db.reading() as session:
            t, builtin = self._load_template(session, code)
            return self._info(t, builtin)

    # --- creating ------------------------------------------------------------------------------

    @staticmethod
    def _surgery_date(session: Session, patient: Patient) -> dt.date | None:
        """The latest surgery's date; None on a non-surgical pathway (programs date from it)."""
        if patient.pathway != "surgical":
            return None
        return lookup.latest_surgery_date(session, patient.id)

    def suggested_start(self, patient_id: uuid.UUID, *, today: dt.date) -> dt.date:
        """The suggested program start (education day) for this patient."""
        with self.db.reading() as session:
            surgery = self._surgery_date(session, lookup.patient(session, patient_id))
        return schedule.suggest_start_date(surgery, today)

    def preview(
        self,
        patient_id: uuid.UUID,
        template_code: str,
        intensity: str,
        start_date: dt.date,
        *,
        today: dt.date,
        early_start_reason: str | None = None,
        weekdays: Sequence[int] = schedule.DEFAULT_WEEKDAYS,
    ) -> SchedulePreview:
        """The schedule a program would get, with warnings; ValidationError as for create."""
        with self.db.reading() as session:
            surgery = self._surgery_date(session, lookup.patient(session, patient_id))
            template, _ = self._load_template(session, template_code)
        early = surgery is not None and (
            surgery <= start_date < surgery + dt.timedelta(weeks=template.start_weeks_min)
        )
        plan = schedule.plan_schedule(
            template,
            intensity,
            surgery,
            start_date,
            today=today,
            early_start_reason=early_start_reason,
            weekdays=weekdays,
        )
        return SchedulePreview(
            exercise_start=plan.exercise_start,
            end_date=plan.end_date,
            sessions=len(plan.sessions),
            phases=tuple((p.name, p.start, p.end) for p in plan.phases),
            warnings=plan.warnings,
            early_start=early,
        )

    def create_from_template(
        self,
        patient_id: uuid.UUID,
        template_code: str,
        intensity: str,
        start_date: dt.date,
        *,
        today: dt.date,
        early_start_reason: str | None = None,
        weekdays: Sequence[int] = schedule.DEFAULT_WEEKDAYS,
    ) -> uuid.UUID:
        """Create the patient's program, schedule and prescriptions; returns the program id.

        Raises ValidationError (field ``start_date`` for an early start without a reason,
        ``intensity``, ``weekdays``) and ServiceError when the patient already has an open
        program.
        """
        with self.db.unit_of_work(self.actor) as session:
            patient = lookup.patient(session, patient_id)
            open_program = session.scalar(
                select(Program).where(
                    Program.patient_id == patient_id, Program.status.in_(OPEN_STATUSES)
                )
            )
            if open_program is not None:
                raise ServiceError(
                    f"{patient.full_name} already has an active program "
                    f"(starting {open_program.start_date.isoformat()}); complete or stop it "
                    "before building a new one."
                )
            surgery = self._surgery_date(session, patient)
            template, _ = self._load_template(session, template_code)
            plan = schedule.plan_schedule(
                template,
                intensity,
                surgery,
                start_date,
                today=today,
                early_start_reason=early_start_reason,
                weekdays=weekdays,
            )
            library = self._library_map(session)
            program = Program(
                created_by=self.actor,
                patient_id=patient.id,
                template_code=template.code,
                name=template.name,
                intensity=intensity,
                start_date=plan.start_date,
                weeks=template.weeks,
                sessions_per_week=template.sessions_per_week,
                status="active",
                early_start_reason=plan.early_start_reason,
            )
            session.add(program)
            session.flush()
            now = utcnow()
            for position, (spec, planned) in enumerate(
                zip(template.phases, plan.phases, strict=True)
            ):
                phase = ProgramPhase(
                    created_by=self.actor,
                    program_id=program.id,
                    position=position,
                    code=spec.code,
                    name=spec.name,
                    start_week=spec.first_week,
                    end_week=spec.last_week,
                    start_date=planned.start,
                    end_date=planned.end,
                    goals="\n".join(spec.goals),
                )
                session.add(phase)
                session.flush()
                for item_position, item in enumerate(spec.items):
                    exercise = self._exercise_by_code(session, item.exercise_code, library)
                    if exercise is None:
                        raise ServiceError(
                            f"Exercise {item.exercise_code!r} of the template is not in the "
                            "library."
                        )
                    rx = Prescription(
                        created_by=self.actor,
                        program_id=program.id,
                        phase_id=phase.id,
                        exercise_id=exercise.id,
                        position=item_position,
                        sessions_per_week=template.sessions_per_week,
                        notes=item.note,
                        valid_from=now,
                    )
                    rx.dosage = item.dosage_for(intensity)
                    session.add(rx)
            if plan.education is not None:
                session.add(
                    ScheduledSession(
                        created_by=self.actor,
                        program_id=program.id,
                        number=0,
                        week=0,
                        scheduled_date=plan.education.date,
                        kind="education",
                    )
                )
            for s in plan.sessions:
                session.add(
                    ScheduledSession(
                        created_by=self.actor,
                        program_id=program.id,
                        number=s.number,
                        week=s.week,
                        scheduled_date=s.date,
                        kind="exercise",
                    )
                )
            for a in plan.assessments:
                session.add(
                    ScheduledAssessment(
                        created_by=self.actor,
                        program_id=program.id,
                        timepoint=a.code,
                        label=a.name,
                        due_date=a.due,
                        instruments=list(ASSESSMENT_INSTRUMENTS.get(a.code, ["odi"])),
                    )
                )
            session.flush()
            return program.id

    # --- reading -------------------------------------------------------------------------------

    @staticmethod
    def _program(session: Session, program_id: uuid.UUID) -> Program:
        program = session.get(Program, program_id)
        if program is None:
            raise NotFoundError(f"no program with id {program_id}")
        return program

    def _detail(self, session: Session, program: Program) -> ProgramDetail:
        patient = program.patient
        surgery = self._surgery_date(session, patient)
        open_rx = [rx for rx in program.prescriptions if rx.valid_to is None]
        phases = []
        for ph in program.phases:
            items = sorted((rx for rx in open_rx if rx.phase_id == ph.id), key=lambda r: r.position)
            phases.append(
                PhaseDetail(
                    id=ph.id,
                    position=ph.position,
                    code=ph.code,
                    name=ph.name,
                    start_week=ph.start_week,
                    end_week=ph.end_week,
                    start_date=ph.start_date,
                    end_date=ph.end_date,
                    goals=ph.goals,
                    prescriptions=tuple(_prescribed(rx) for rx in items),
                )
            )
        warnings: list[str] = []
        if program.early_start_reason:
            warnings.append(
                "Started earlier than the usual 4 weeks after surgery. Reason given: "
                f"{program.early_start_reason}"
            )
        for a, b in itertools.pairwise(phases):
            if b.start_date <= a.end_date:
                warnings.append(f"The phases {a.name!r} and {b.name!r} overlap in dates.")
        for p in phases:
            if not p.prescriptions:
                warnings.append(f"The phase {p.name!r} has no exercises.")
        return ProgramDetail(
            id=program.id,
            patient_id=patient.id,
            patient_name=patient.full_name,
            record_number=patient.record_number,
            template_code=program.template_code,
            name=program.name,
            intensity=program.intensity,
            start_date=program.start_date,
            weeks=program.weeks,
            sessions_per_week=program.sessions_per_week,
            status=program.status,
            early_start_reason=program.early_start_reason,
            notes=program.notes,
            version=program.version,
            surgery_date=surgery,
            phases=tuple(phases),
            sessions=tuple(
                ScheduleItem(s.id, s.number, s.week, s.scheduled_date, s.kind)
                for s in program.scheduled_sessions
            ),
            assessments=tuple(
                AssessmentDue(a.id, a.timepoint, a.label, a.due_date, tuple(a.instruments))
                for a in program.assessments_due
            ),
            warnings=tuple(warnings),
        )

    def program(self, program_id: uuid.UUID) -> ProgramDetail:
        with self.db.reading() as session:
            return self._detail(session, self._program(session, program_id))

    def active_program_for(self, patient_id: uuid.UUID) -> ProgramDetail | None:
        """The patient's planned or active program, or None."""
        with self.db.reading() as session:
            program = session.scalar(
                select(Program)
                .where(Program.patient_id == patient_id, Program.status.in_(OPEN_STATUSES))
                .order_by(Program.start_date.desc())
                .limit(1)
            )
            return None if program is None else self._detail(session, program)

    def prescription_history(self, program_id: uuid.UUID) -> list[PrescribedExercise]:
        """Every prescription row ever written for the program, open and closed, oldest first."""
        with self.db.reading() as session:
            self._program(session, program_id)
            rows = session.scalars(
                select(Prescription)
                .where(Prescription.program_id == program_id)
                .order_by(Prescription.valid_from, Prescription.phase_id, Prescription.position)
            )
            return [_prescribed(rx) for rx in rows]

    def clinic_contact(self) -> str | None:
        """The clinic's contact line for printed sheets (setting ``clinic``), if set; read
        through SettingsService (the one reader and writer of that setting)."""
        return SettingsService(self.db, self.actor).clinic_details().contact_line

    # --- editing -------------------------------------------------------------------------------

    def _validate_draft(
        self, draft: ProgramDraft, library: dict[str, ExerciseSpec], known: set[str]
    ) -> None:
        c = Collector()
        for i, phase in enumerate(draft.phases):
            key = f"phases[{i}]"
            c.check(bool(phase.name.strip()), f"{key}.name", "The phase needs a name.")
            c.check(
                phase.start_date <= phase.end_date,
                f"{key}.end_date",
                "The phase cannot end before it starts.",
            )
            c.check(
                1 <= phase.start_week <= phase.end_week,
                f"{key}.end_week",
                "Weeks must run from 1 upwards, the last not before the first.",
            )
            seen: set[str] = set()
            for j, item in enumerate(phase.items):
                ikey = f"{key}.items[{j}]"
                if item.exercise_code not in library and item.exercise_code not in known:
                    c.add(f"{ikey}.exercise", f"Exercise {item.exercise_code!r} is unknown.")
                    continue
                if item.exercise_code in seen:
                    c.add(
                        f"{ikey}.exercise",
                        f"{item.exercise_name or item.exercise_code} is listed twice in "
                        f"{phase.name}.",
                    )
                seen.add(item.exercise_code)
                spec = library.get(item.exercise_code)
                if spec is not None and spec.dosage_type != item.dosage.dosage_type:
                    c.add(
                        f"{ikey}.dosage_type",
                        f"{spec.name} is dosed by {spec.dosage_type}, not "
                        f"{item.dosage.dosage_type}.",
                    )
                _dose, errors = dosage_errors(
                    dose_fields(item.dosage),
                    None,
                    prefix=f"{ikey}.",
                    who=item.exercise_name or item.exercise_code,
                )
                for k, message in errors.items():
                    c.add(k, message)
        for i, (a, b) in enumerate(itertools.pairwise(draft.phases)):
            c.check(
                b.start_date > a.end_date,
                f"phases[{i + 1}].start_date",
                f"{b.name} must start after {a.name} ends ({a.end_date.isoformat()}).",
            )
        c.raise_if_any()

    def save_edits(
        self,
        program_id: uuid.UUID,
        edited: ProgramDraft,
        *,
        expected_version: int,
    ) -> int:
        """Apply an edited program in one unit of work; returns the program's new version.

        Phases are matched by id (their name, dates and weeks are updated). In each phase the
        draft's items, in order, become the open prescriptions: an unchanged item keeps its row
        (its position may change), a changed item's row is closed and a new row opened, an item
        no longer listed is closed, a new item gets a new row. Raises ConflictError when the
        program was saved elsewhere since ``expected_version``.
        """
        try:
            with self.db.unit_of_work(self.actor) as session:
                program = self._program(session, program_id)
                if program.version != expected_version:
                    raise ConflictError(
                        "This program was changed at another workstation since it was opened; "
                        "reopen it to see the latest version."
                    )
                library = self._library_map(session)
                known = set(session.scalars(select(Exercise.code)))
                self._validate_draft(edited, library, known)
                phases = {ph.id: ph for ph in program.phases}
                if {p.id for p in edited.phases} != set(phases):
                    raise ValidationError.single(
                        "phases", "Phases cannot be added or removed here; reopen the program."
                    )
                now = utcnow()
                open_rx = [rx for rx in program.prescriptions if rx.valid_to is None]
                for pd in edited.phases:
                    phase = phases[pd.id]
                    phase.name = pd.name.strip()
                    phase.start_date = pd.start_date
                    phase.end_date = pd.end_date
                    phase.start_week = pd.start_week
                    phase.end_week = pd.end_week
                    current = {rx.id: rx for rx in open_rx if rx.phase_id == phase.id}
                    kept: set[uuid.UUID] = set()
                    for position, item in enumerate(pd.items):
                        old = (
                            current.get(item.prescription_id)
                            if item.prescription_id is not None
                            else None
                        )
                        if old is not None and old.exercise.code == item.exercise_code:
                            kept.add(old.id)
                            if old.dosage == item.dosage and old.notes == _clean(item.notes):
                                if old.position != position:
                                    old.position = position
                                continue
                            old.valid_to = now
                        exercise = self._exercise_by_code(session, item.exercise_code, library)
                        assert exercise is not None  # validated
                        rx = Prescription(
                            created_by=self.actor,
                            program_id=program.id,
                            phase_id=phase.id,
                            exercise_id=exercise.id,
                            position=position,
                            sessions_per_week=program.sessions_per_week,
                            notes=_clean(item.notes),
                            valid_from=now,
                        )
                        rx.dosage = item.dosage
                        session.add(rx)
                    for rx_id, rx in current.items():
                        if rx_id not in kept:
                            rx.valid_to = now
                program.updated_at = now  # bumps the version: other editors see the change
                session.flush()
                return program.version
        except StaleDataError as exc:
            raise ConflictError(
                "This program was changed at another workstation; reopen it to see the changes."
            ) from exc

    def save_as_template(self, program_id: uuid.UUID, code: str, name: str) -> str:
        """Save the program's current phases and prescriptions as a clinic template.

        Both intensity variants get the program's current dosages (edit the template to differ).
        """
        c = Collector()
        c.check(
            SLUG_RE.fullmatch(code or "") is not None and len(code) <= 64,
            "code",
            "The code must be lower-case letters and digits joined by '-' or '_'.",
        )
        c.check(bool((name or "").strip()), "name", "The template needs a name.")
        c.raise_if_any()
        with self.db.unit_of_work(self.actor) as session:
            if code in resources.list_templates() or session.scalar(
                select(ProgramTemplate.id).where(ProgramTemplate.code == code)
            ):
                raise ValidationError.single("code", f"A template with code {code!r} exists.")
            program = self._program(session, program_id)
            library = self._library_map(session)
            base: tpl.ProgramTemplate | None = None
            if program.template_code:
                try:
                    base, _ = self._load_template(session, program.template_code)
                except ServiceError:
                    base = None
            body = self._template_body(program, base, code, name.strip())
            types = {c2: s.dosage_type for c2, s in library.items()}
            for row in session.scalars(select(Exercise)):
                types.setdefault(row.code, row.dosage_type)
            try:
                tpl.parse_template(body, types)
            except ValidationError as exc:
                raise ValidationError(
                    {"template": f"The program cannot be saved as a template: {exc}"}
                ) from exc
            session.add(
                ProgramTemplate(
                    created_by=self.actor, code=code, name=name.strip(), body=body, builtin=False
                )
            )
        return code

    @staticmethod
    def _template_body(
        program: Program, base: tpl.ProgramTemplate | None, code: str, name: str
    ) -> dict[str, Any]:
        if base is not None:
            body = tpl.template_to_dict(base)
        else:
            body = {
                "schema_version": tpl.SCHEMA_VERSION,
                "description": f"Saved from a program of {program.weeks} weeks.",
                "sources": ["Clinic template"],
                "dosage_note": "The dosages are the clinic's defaults, to adjust per patient.",
                "weeks": program.weeks,
                "sessions_per_week": program.sessions_per_week,
                "start_weeks_after_surgery": {"min": 4, "max": 6},
                "exercise_start_days_after_education": {"min": 2, "max": 3},
                "education_session": True,
                "variants": [
                    {
                        "code": v,
                        "name": f"{v.title()} intensity",
                        "description": f"{v.title()} intensity.",
                        "progression_note": "Progress when the targets are met.",
                    }
                    for v in ("high", "low")
                ],
                "assessments": [
                    {"code": "baseline", "name": "Baseline assessment", "week": 0},
                    {"code": "end", "name": "End-of-program assessment", "week": program.weeks},
                ],
            }
        variants = [v["code"] for v in body["variants"]]
        body.update(code=code, name=name, version=1)
        body["phases"] = []
        for ph in program.phases:
            items = sorted(
                (
                    rx
                    for rx in program.prescriptions
                    if rx.phase_id == ph.id and rx.valid_to is None
                ),
                key=lambda r: r.position,
            )
            body["phases"].append(
                {
                    "code": ph.code,
                    "name": ph.name,
                    "weeks": {"first": ph.start_week, "last": ph.end_week},
                    "goals": list(_lines(ph.goals)) or [ph.name],
                    "items": [
                        {
                            "exercise": rx.exercise.code,
                            "dosage": {
                                v: dosage_to_dict(rx.dosage) for v in variants
                            },
                            "note": _clean(rx.notes),
                        }
                        for rx in items
                    ],
                }
            )
        return body

    # --- sessions and progression -------------------------------------------------------------

    def prescriptions_for_session(
        self, session_ref: uuid.UUID | tuple[uuid.UUID, dt.date]
    ) -> list[PrescribedExercise]:
        """The current prescriptions of the phase a session falls in, in order.

        ``session_ref`` is a ScheduledSession id, or ``(program_id, date)`` for an unscheduled
        session. The education session (number 0) has none.
        """
        with self.db.reading() as session:
            if isinstance(session_ref, tuple):
                program_id, on = session_ref
                program = self._program(session, program_id)
                phase = self._phase_on(program, on)
            else:
                slot = session.get(ScheduledSession, session_ref)
                if slot is None:
                    raise NotFoundError(f"no scheduled session with id {session_ref}")
                if slot.kind == "education":
                    return []
                program = slot.program
                phase = next(
                    (p for p in program.phases if p.start_week <= slot.week <= p.end_week), None
                ) or self._phase_on(program, slot.scheduled_date)
            if phase is None:
                return []
            rows = session.scalars(
                select(Prescription)
                .where(Prescription.phase_id == phase.id, Prescription.valid_to.is_(None))
                .order_by(Prescription.position)
            )
            return [_prescribed(rx) for rx in rows]

    @staticmethod
    def _phase_on(program: Program, on: dt.date) -> ProgramPhase | None:
        """The phase ``on`` falls in (:func:`rehab_tracker.domain.phases.phase_on`)."""
        return phase_on(program.phases, on)

    def suggestion_for(
        self, program_id: uuid.UUID, exercise_id: uuid.UUID, *, today: dt.date
    ) -> ProgressionSuggestion | None:
        """Suggest the next dosage of one exercise from the patient's last logged session of it.

        None when the exercise is not currently prescribed or has never been logged.
        """
        with self.db.reading() as session:
            program = self._program(session, program_id)
            phase = self._phase_on(program, today)
            open_rx = [
                rx
                for rx in program.prescriptions
                if rx.valid_to is None and rx.exercise_id == exercise_id
            ]
            if not open_rx:
                return None
            rx = next((r for r in open_rx if phase is not None and r.phase_id == phase.id), None)
            rx = rx or open_rx[0]
            return self._suggest(session, program, rx, today)

    def suggestions(
        self, program_id: uuid.UUID, *, today: dt.date
    ) -> dict[uuid.UUID, ProgressionSuggestion]:
        """Suggestions for every open prescription that has a logged session (by prescription)."""
        with self.db.reading() as session:
            program = self._program(session, program_id)
            out: dict[uuid.UUID, ProgressionSuggestion] = {}
            for rx in program.prescriptions:
                if rx.valid_to is None:
                    found = self._suggest(session, program, rx, today)
                    if found is not None:
                        out[rx.id] = found
            return out

    def _suggest(
        self, session: Session, program: Program, rx: Prescription, today: dt.date
    ) -> ProgressionSuggestion | None:
        last = session.execute(
            select(ExerciseLog, SessionLog)
            .join(SessionLog, ExerciseLog.session_id == SessionLog.id)
            .where(
                SessionLog.patient_id == program.patient_id,
                ExerciseLog.exercise_id == rx.exercise_id,
                SessionLog.deleted_at.is_(None),
                SessionLog.status != "draft",
                SessionLog.attended.is_(True),
                SessionLog.session_date <= today,
            )
            .order_by(SessionLog.session_date.desc(), SessionLog.created_at.desc())
            .limit(1)
        ).first()
        if last is None:
            return None
        log, slog = last[0], last[1]
        adverse = session.scalar(
            select(AdverseEvent.id).where(
                AdverseEvent.session_id == slog.id, AdverseEvent.deleted_at.is_(None)
            )
        )
        performance = progression.Performance(
            sets=tuple(
                progression.LoggedSet(
                    reps=s.reps,
                    hold_seconds=s.hold_seconds,
                    load_kg=s.load_kg,
                    distance_m=s.distance_m,
                    duration_s=s.duration_s,
                    effort=s.effort,
                )
                for s in log.sets
            ),
            back_pain_before=slog.pain_back_before,
            back_pain_after=slog.pain_back_after,
            leg_pain_before=slog.pain_leg_before,
            leg_pain_after=slog.pain_leg_after,
            adverse_event=adverse is not None or slog.status == "aborted",
        )
        steps = rx.exercise.progression or {}
        given: dict[str, Any] = {n: steps[n] for n in STEP_FIELDS if _is_num(steps.get(n))}
        current = rx.dosage
        try:
            domain_rx = progression.Prescription(
                current,
                ProgressionStep(**given),
                reps_cap=max(20, current.reps_max or 0),
                hold_cap_s=max(60.0, current.hold_seconds or 0.0),
                sets_cap=max(4, current.sets),
            )
            result = progression.suggest(domain_rx, performance)
        except ValidationError:
            return None
        # the suggested amounts; the dosage type and effort target stay as prescribed
        suggested = replace(
            result.dosage,
            dosage_type=current.dosage_type,
            effort_target=current.effort_target,
        )
        return ProgressionSuggestion(
            prescription_id=rx.id,
            exercise_id=rx.exercise_id,
            exercise_name=rx.exercise.name,
            action=result.action,
            reason=result.reason,
            current=current,
            suggested=suggested,
            based_on=slog.session_date,
        )

    def accept_suggestion(
        self,
        prescription_id: uuid.UUID,
        dosage: Dosage,
        *,
        notes: str | None = None,
    ) -> uuid.UUID:
        """Prescribe ``dosage`` (the suggestion, or the therapist's edit of it) from now on.

        Closes the prescription row and opens a new one for the same exercise and phase; returns
        the new row's id. Refuses a row that is already closed (it was changed meanwhile).
        """
        validate_dosage(dosage)
        try:
            with self.db.unit_of_work(self.actor) as session:
                old = session.get(Prescription, prescription_id)
                if old is None:
                    raise NotFoundError(f"no prescription with id {prescription_id}")
                if old.valid_to is not None:
                    raise ConflictError(
                        f"The prescription of {old.exercise.name} was changed since it was "
                        "shown; reopen the program to see the current one."
                    )
                if dosage.dosage_type != old.dosage_type:
                    raise ValidationError.single(
                        "dosage_type", f"{old.exercise.name} is dosed by {old.dosage_type}."
                    )
                now = utcnow()
                old.valid_to = now
                rx = Prescription(
                    created_by=self.actor,
                    program_id=old.program_id,
                    phase_id=old.phase_id,
                    exercise_id=old.exercise_id,
                    position=old.position,
                    sessions_per_week=old.sessions_per_week,
                    notes=_clean(notes) if notes is not None else old.notes,
                    valid_from=now,
                )
                rx.dosage = dosage
                session.add(rx)
                old.program.updated_at = now  # bump the program's version
                session.flush()
                return rx.id
        except StaleDataError as exc:
            raise ConflictError(
                "This program was changed at another workstation; reopen it to see the changes."
            ) from exc

