"""The assessment schedule of the patient's current program (baseline, week 6, week 12,
follow-ups) and the state of each (:func:`rehab_tracker.domain.assessments.assessment_state`).

The schedule is read on every patient selection (the Sessions overview): its statements are
built once, and :func:`assessment_schedule` runs inside the caller's open read.
"""

from __future__ import annotations

import datetime as dt
import functools
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from types import SimpleNamespace
from typing import Any

from sqlalchemy import Connection, String, Uuid, bindparam, literal, select, union_all

from rehab_tracker.data.models import Base, Program, ScheduledAssessment
from rehab_tracker.data.patient_list import NEURO, RECORD_SOURCES
from rehab_tracker.domain import bounds
from rehab_tracker.domain.assessments import schedule_progress
from rehab_tracker.domain.errors import Collector, ValidationError
from rehab_tracker.domain.roles import Permission
from rehab_tracker.services import _lookup as lookup
from rehab_tracker.services.access import requires
from rehab_tracker.services.outcomes.records import TIMEPOINTS, OutcomeRecords

#: default schedule when the program has none: (timepoint, label, week; day 0 of that week)
DEFAULT_SCHEDULE: tuple[tuple[str, str, int], ...] = tuple(
    (tp, TIMEPOINTS[tp], week) for tp, week in (("baseline", 1), ("mid", 6), ("end", 12))
)
DEFAULT_INSTRUMENTS = ["odi", "nprs_back", "nprs_leg", "walk_6min"]


@dataclass(frozen=True)
class AssessmentDue:
    """One scheduled assessment: ``state`` "done", "due" (within a week) "overdue" or "upcoming";
    ``missing`` its instruments neither recorded nor skipped yet (none once done)."""

    id: uuid.UUID | None
    timepoint: str
    label: str
    due_date: dt.date
    instruments: tuple[str, ...]
    state: str
    missing: tuple[str, ...] = ()


def records_that_count(of_patients: Callable[[Any], Any], *, with_patient: bool = False) -> Any:
    """The records that count for an assessment (domain.assessments): (date, timepoint,
    instrument) of every questionnaire, walking test, neurological screen and skip not deleted,
    of any program, for the patients ``of_patients(patient_id column)`` selects; with
    ``with_patient`` the patient's id first. The one statement this schedule and the Today view
    read, built from the list the patient list's raw SQL is built from
    (``data.patient_list.RECORD_SOURCES``)."""
    selects = []
    for name, day, instrument in RECORD_SOURCES:
        table = Base.metadata.tables[name]
        kind = table.c[instrument] if instrument else literal(NEURO, String(32))
        selects.append(
            select(
                *((table.c.patient_id,) if with_patient else ()),
                table.c[day],
                table.c.timepoint,
                kind,
            ).where(of_patients(table.c.patient_id), table.c.deleted_at.is_(None))
        )
    return union_all(*selects)


@functools.cache
def _q() -> SimpleNamespace:
    """The read statements, built once on first use (not at import: start-up time)."""
    _P = bindparam("patient_id", type_=Uuid())
    _G = bindparam("program_id", type_=Uuid())
    _SCHEDULED = select(
        ScheduledAssessment.id,
        ScheduledAssessment.timepoint,
        ScheduledAssessment.label,
        ScheduledAssessment.due_date,
        ScheduledAssessment.instruments,
    ).where(ScheduledAssessment.program_id == _G)
    _DONE = records_that_count(lambda patient_id: patient_id == _P)
    return SimpleNamespace(scheduled=_SCHEDULED, done=_DONE)


def assessment_schedule(
    conn: Connection,
    patient_id: uuid.UUID,
    program_id: uuid.UUID,
    start: dt.date,
    today: dt.date,
) -> list[AssessmentDue]:
    """:meth:`AssessmentSchedule.schedule` inside an open read (the session overview reuses it)."""
    scheduled: list[tuple[uuid.UUID | None, str, str, dt.date, tuple[str, ...]]] = [
        (aid, tp, label, due, tuple(instruments or ()))
        for aid, tp, label, due, instruments in conn.execute(
            _q().scheduled, {"program_id": program_id}
        ).all()
    ]
    if not scheduled:
        scheduled = [
            (None, tp, label, start + dt.timedelta(weeks=week - 1), tuple(DEFAULT_INSTRUMENTS))
            for tp, label, week in DEFAULT_SCHEDULE
        ]
    ordered = sorted(scheduled, key=lambda s: s[3])
    records = [(d, tp, i) for d, tp, i in conn.execute(_q().done, {"patient_id": patient_id})]
    progress = schedule_progress(
        [(tp, due, instruments) for _aid, tp, _label, due, instruments in ordered], records, today
    )
    return [
        AssessmentDue(aid, tp, label, due, instruments, state, missing)
        for (aid, tp, label, due, instruments), (state, missing) in zip(
            ordered, progress, strict=True
        )
    ]


class AssessmentSchedule(OutcomeRecords):
    def schedule(self, patient_id: uuid.UUID, *, today: dt.date) -> list[AssessmentDue]:
        """The current program's assessments (baseline, week 6, week 12, follow-ups) and their
        state. A program without scheduled assessments gets the default three, from its start."""
        with self.db.reading() as session:
            conn = session.connection()
            program = lookup.current_program_of(conn, patient_id)
            if program is None:
                return []
            return assessment_schedule(conn, patient_id, program.id, program.start_date, today)

    @requires(Permission.OUTCOMES)
    def add_follow_up(
        self, patient_id: uuid.UUID, due_date: dt.date | None, *, label: str = "Follow-up"
    ) -> uuid.UUID:
        """A follow-up assessment the clinic adds to the current program's schedule."""
        if due_date is None:
            raise ValidationError.single("due_date", "Give the date the follow-up is due.")
        with self.db.unit_of_work(self.principal) as session:
            pid = lookup.current_program_id(session, patient_id)
            if pid is None:
                raise ValidationError.single("due_date", "The patient has no program yet.")
            program = session.get(Program, pid)
            assert program is not None
            if due_date < program.start_date:
                raise ValidationError.single(
                    "due_date", "A follow-up cannot be due before the program starts."
                )
            errors = Collector()
            bounds.check_planned_date(
                errors, "due_date", due_date, today=program.start_date, what="The due date"
            )
            bounds.check_text(errors, "label", label, limit=bounds.SCHEDULE_LABEL)
            errors.raise_if_any()
            if not program.assessments_due:
                for tp, default_label, week in DEFAULT_SCHEDULE:
                    program.assessments_due.append(
                        ScheduledAssessment(
                            created_by=self.actor,
                            timepoint=tp,
                            label=default_label,
                            due_date=program.start_date + dt.timedelta(weeks=week - 1),
                            instruments=list(DEFAULT_INSTRUMENTS),
                        )
                    )
            row = ScheduledAssessment(
                created_by=self.actor,
                timepoint="follow_up",
                label=label.strip() or "Follow-up",
                due_date=due_date,
                instruments=list(DEFAULT_INSTRUMENTS),
            )
            program.assessments_due.append(row)
            session.flush()
            return row.id
