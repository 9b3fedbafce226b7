"""Building a program from a template: the suggested start, the preview, the creation.

One plan (:func:`rehab_tracker.domain.schedule.plan_schedule`) serves the preview and the
creation, so what the therapist sees before committing is what is written.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from rehab_tracker.data.models import (
    Patient,
    Program,
    ProgramPhase,
    ScheduledAssessment,
    ScheduledSession,
)
from rehab_tracker.data.types import utcnow
from rehab_tracker.domain import bounds, schedule
from rehab_tracker.domain import template as tpl
from rehab_tracker.domain.errors import Collector
from rehab_tracker.domain.programs import OPEN_STATUSES
from rehab_tracker.services import _lookup as lookup
from rehab_tracker.services.errors import ServiceError
from rehab_tracker.services.programs.catalogue import Catalogue
from rehab_tracker.services.programs.common import new_prescription, surgery_date
from rehab_tracker.services.programs.types import SchedulePreview

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


class ProgramBuilder(Catalogue):
    """A new program for a patient from a template of the catalogue."""

    def _plan(
        self,
        session: Session,
        patient: Patient,
        template_code: str,
        intensity: str,
        start_date: dt.date,
        *,
        today: dt.date,
        early_start_reason: str | None,
        weekdays: Sequence[int],
    ) -> tuple[tpl.ProgramTemplate, schedule.PlannedProgram, dt.date | None]:
        """The template, its plan in dates for this patient, and the surgery date it counts
        from; ValidationError as :func:`~rehab_tracker.domain.schedule.plan_schedule` gives."""
        errors = Collector()
        bounds.check_planned_date(
            errors, "start_date", start_date, today=today, date_of_birth=patient.date_of_birth,
            what="The start date",
        )
        bounds.check_notes(errors, "early_start_reason", early_start_reason)
        errors.raise_if_any()
        surgery = surgery_date(session, patient)
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
        return template, plan, surgery

    def suggested_start(self, patient_id: uuid.UUID, *, today: dt.date) -> dt.date:
        """The suggested program start (education day) for this patient."""
        with self.db.reading() as session:
            surgery = surgery_date(session, lookup.patient(session, patient_id))
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
            template, plan, surgery = self._plan(
                session,
                lookup.patient(session, patient_id),
                template_code,
                intensity,
                start_date,
                today=today,
                early_start_reason=early_start_reason,
                weekdays=weekdays,
            )
        early = surgery is not None and (
            surgery <= start_date < surgery + dt.timedelta(weeks=template.start_weeks_min)
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
            _refuse_second_open_program(session, patient)
            template, plan, _surgery = self._plan(
                session,
                patient,
                template_code,
                intensity,
                start_date,
                today=today,
                early_start_reason=early_start_reason,
                weekdays=weekdays,
            )
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
            self._add_phases(session, program, template, plan)
            self._add_calendar(session, program, plan)
            session.flush()
            return program.id

    def _add_phases(
        self,
        session: Session,
        program: Program,
        template: tpl.ProgramTemplate,
        plan: schedule.PlannedProgram,
    ) -> None:
        """The program's phases in their planned dates, each with the template's exercises at
        the program's intensity."""
        library = self._library_map(session)
        now = utcnow()
        for position, (spec, planned) in enumerate(zip(template.phases, plan.phases, strict=True)):
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
                        f"Exercise {item.exercise_code!r} of the template is not in the library."
                    )
                session.add(
                    new_prescription(
                        self.actor,
                        program,
                        phase.id,
                        exercise.id,
                        item_position,
                        item.dosage_for(program.intensity),
                        item.note,
                        now,
                    )
                )

    def _add_calendar(
        self, session: Session, program: Program, plan: schedule.PlannedProgram
    ) -> None:
        """The planned visits (the education session first) and the assessments due."""
        visits = (plan.education, *plan.sessions) if plan.education is not None else plan.sessions
        for s in visits:
            session.add(
                ScheduledSession(
                    created_by=self.actor,
                    program_id=program.id,
                    number=s.number,
                    week=s.week,
                    scheduled_date=s.date,
                    kind=s.kind,
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


def _refuse_second_open_program(session: Session, patient: Patient) -> None:
    """ServiceError when the patient already has a planned or active program."""
    open_program = session.scalar(
        select(Program).where(Program.patient_id == patient.id, Program.status.in_(OPEN_STATUSES))
    )
    if open_program is not None:
        raise ServiceError(
            f"{patient.full_name} already has an active program "
            f"(starting {open_program.start_date.isoformat()}); complete or stop it "
            "before building a new one."
        )
