"""Building a program from a template: the suggested start, the preview, the creation.

One plan (:func:`rehab_tracker.domain.schedule.plan_schedule`) serves the preview and the
creation, so what the therapist sees before committing is what is written.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from rehab_tracker.data.models import (
    Exercise,
    Patient,
    Program,
    ProgramPhase,
    ScheduledAssessment,
    ScheduledSession,
)
from rehab_tracker.data.types import utcnow
from rehab_tracker.domain import bounds, schedule
from rehab_tracker.domain import restrictions as rules
from rehab_tracker.domain import template as tpl
from rehab_tracker.domain.dosage import Dosage
from rehab_tracker.domain.errors import Collector
from rehab_tracker.domain.programs import OPEN_STATUSES
from rehab_tracker.domain.roles import Permission
from rehab_tracker.services import _lookup as lookup
from rehab_tracker.services.access import requires
from rehab_tracker.services.errors import ServiceError
from rehab_tracker.services.programs.catalogue import Catalogue
from rehab_tracker.services.programs.common import new_prescription, surgery_date
from rehab_tracker.services.programs.restricted import checked_reason, facts_of
from rehab_tracker.services.programs.types import SchedulePreview
from rehab_tracker.services.restrictions import read_restrictions

#: the doses a new program gets, per phase and item of its template, and the ones of them that
#: go past a restriction (keyed ``phases[i].items[j].restriction``, with what each breaks)
TemplateDoses = tuple[list[list[Dosage]], dict[str, str]]

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


@dataclass(frozen=True, slots=True)
class _Asked:
    """What the therapist chose for a new program (the builder's first page)."""

    template_code: str
    intensity: str
    start_date: dt.date
    today: dt.date
    early_start_reason: str | None
    weekdays: Sequence[int]


class ProgramBuilder(Catalogue):
    """A new program for a patient from a template of the catalogue."""

    def _plan(
        self, session: Session, patient: Patient, asked: _Asked
    ) -> tuple[tpl.ProgramTemplate, schedule.PlannedProgram, dt.date | None]:
        """The template, its plan in dates for this patient, and the surgery date it counts
        from; ValidationError as :func:`~rehab_tracker.domain.schedule.plan_schedule` gives."""
        errors = Collector()
        bounds.check_planned_date(
            errors, "start_date", asked.start_date, today=asked.today,
            date_of_birth=patient.date_of_birth, what="The start date",
        )
        bounds.check_notes(errors, "early_start_reason", asked.early_start_reason)
        errors.raise_if_any()
        surgery = surgery_date(session, patient)
        template, _ = self._load_template(session, asked.template_code)
        plan = schedule.plan_schedule(
            template,
            asked.intensity,
            surgery,
            asked.start_date,
            today=asked.today,
            early_start_reason=asked.early_start_reason,
            weekdays=asked.weekdays,
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
                _Asked(template_code, intensity, start_date, today, early_start_reason, weekdays),
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

    def template_breaches(
        self,
        patient_id: uuid.UUID,
        template_code: str,
        intensity: str,
        start_date: dt.date,
        *,
        today: dt.date,
        early_start_reason: str | None = None,
        weekdays: Sequence[int] = schedule.DEFAULT_WEEKDAYS,
        within_limits: bool = False,
    ) -> dict[str, str]:
        """The template doses that would go past a restriction of the patient in force during
        their phase, as :meth:`create_from_template` refuses them (with ``within_limits``, after
        the loads and sitting times are lowered to the limits): the builder asks for a reason, or
        offers to lower them, before creating when there are any."""
        with self.db.reading() as session:
            patient = lookup.patient(session, patient_id)
            template, plan, _surgery = self._plan(
                session,
                patient,
                _Asked(
                    template_code, intensity, start_date, today,
                    early_start_reason or "(checking)", weekdays,
                ),
            )
            _doses, breaches = self._template_doses(
                session, patient, template, plan, intensity, within_limits
            )
        return breaches

    def _template_doses(
        self,
        session: Session,
        patient: Patient,
        template: tpl.ProgramTemplate,
        plan: schedule.PlannedProgram,
        intensity: str,
        within_limits: bool,
    ) -> TemplateDoses:
        """Each template item's dose at ``intensity`` (lowered to the limits when asked) and
        those that go past a restriction in force on any day of their phase's planned dates."""
        library = self._library_map(session)
        everything = read_restrictions(session, patient.id)
        doses: list[list[Dosage]] = []
        breaches: dict[str, str] = {}
        for i, (spec, planned) in enumerate(zip(template.phases, plan.phases, strict=True)):
            active = rules.in_force_between(everything, planned.start, planned.end)
            row: list[Dosage] = []
            for j, item in enumerate(spec.items):
                exercise = library.get(item.exercise_code) or session.scalar(
                    select(Exercise).where(Exercise.code == item.exercise_code)
                )
                dose = item.dosage_for(intensity)
                if exercise is not None and active:
                    facts = facts_of(exercise)
                    if within_limits:
                        dose = rules.within_limits(dose, active, facts)
                    found = rules.check_dose(facts, dose, active)
                    if found:
                        breaches[f"phases[{i}].items[{j}].restriction"] = (
                            f"{spec.name}: " + " ".join(b.message for b in found)
                        )
                row.append(dose)
            doses.append(row)
        return doses, breaches

    @requires(Permission.PROGRAMS)
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
        restriction_reason: str | None = None,
        within_limits: bool = False,
    ) -> uuid.UUID:
        """Create the patient's program, schedule and prescriptions; returns the program id.

        A template dose that goes past one of the patient's restrictions in force on any day of
        its phase's planned dates is refused at its item (ValidationError keyed
        ``phases[i].items[j].restriction``, and ``restriction_reason``; nothing is created)
        unless ``restriction_reason`` says why; the reason is stored on each such prescription
        (and so in the audit trail), as :meth:`save_edits` does. ``within_limits`` first lowers
        the template's loads and sitting times to the limits (a movement a restriction rules
        out cannot be lowered: it still needs the reason).

        Raises ValidationError (field ``start_date`` for an early start without a reason,
        ``intensity``, ``weekdays``) and ServiceError when the patient already has an open
        program.
        """
        with self.db.unit_of_work(self.principal) as session:
            patient = lookup.patient(session, patient_id)
            _refuse_second_open_program(session, patient)
            template, plan, _surgery = self._plan(
                session,
                patient,
                _Asked(template_code, intensity, start_date, today, early_start_reason, weekdays),
            )
            doses = self._template_doses(session, patient, template, plan, intensity,
                                         within_limits)
            reason = checked_reason(restriction_reason, doses[1])
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
            self._add_phases(session, program, template, plan, (doses, reason))
            self._add_calendar(session, program, plan)
            session.flush()
            return program.id

    def _add_phases(
        self,
        session: Session,
        program: Program,
        template: tpl.ProgramTemplate,
        plan: schedule.PlannedProgram,
        given: tuple[TemplateDoses, str | None],
    ) -> None:
        """The program's phases in their planned dates, each with the template's exercises at
        the doses given (:meth:`_template_doses`), the reason on those past a restriction."""
        (doses, breaches), reason = given
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
                rx = new_prescription(
                    self.actor,
                    program,
                    phase.id,
                    exercise.id,
                    item_position,
                    doses[position][item_position],
                    item.note,
                    now,
                )
                if f"phases[{position}].items[{item_position}].restriction" in breaches:
                    rx.restriction_override = reason
                session.add(rx)

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
