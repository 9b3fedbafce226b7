"""One rule for the phase a date falls in (domain.phases.phase_on): the program screen, the
handout, the patient list and the session form's prescriptions agree before, during, between
and after phases."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from test_sessions_support import build_patient

from rehab_tracker.data.database import Database

DAY = dt.timedelta(days=1)


def _both(built, day: dt.date):  # type: ignore[no-untyped-def]
    """(ProgramDetail.phase_on, the phase of the prescriptions a session gets); the patient
    list shows the same phase."""
    programs = built.services.programs
    detail = programs.program(built.program_id)
    shown = detail.phase_on(day)
    rxs = programs.prescriptions_for_session((built.program_id, day))
    given = {rx.phase_name for rx in rxs}
    assert len(given) <= 1
    listed = next(
        r for r in built.services.patients.list_patients(today=day) if r.id == built.patient_id
    )
    assert listed.phase == (shown.name if shown else None)
    return (shown.name if shown else None), (given.pop() if given else None)


def test_the_phase_of_a_date_is_one_rule(db: Database, today: dt.date) -> None:
    built = build_patient(db, today, weeks_ago=1)
    phases = built.services.programs.program(built.program_id).phases
    first, second, last = phases[0], phases[1], phases[-1]
    assert first.end_date + DAY < second.start_date  # the weekend between two phases
    # before the first phase: the first; inside a phase: that one
    assert _both(built, first.start_date - 2 * DAY) == (first.name, first.name)
    assert _both(built, second.start_date) == (second.name, second.name)
    # between two phases: the one that ended (its exercises go on until the next starts)
    assert _both(built, first.end_date + DAY) == (first.name, first.name)
    # after the last phase: none, the program is over
    assert _both(built, last.end_date) == (last.name, last.name)
    assert _both(built, last.end_date + DAY) == (None, None)
