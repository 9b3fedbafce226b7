"""PatientService.overview: adherence to date, latest scores, open red flags."""

from __future__ import annotations

import datetime as dt

from rehab_tracker.data.database import Database
from rehab_tracker.data.models import (
    OutcomeAssessment,
    Program,
    ScheduledSession,
    SessionLog,
    WalkTest,
)
from rehab_tracker.domain.patients import PatientDetails, SurgeryDetails
from rehab_tracker.services.patients import PatientService
from tests.staff import staff


def test_overview(db: Database, today: dt.date) -> None:
    service = PatientService(db, staff("tester"))
    pid = service.enrol(
        PatientDetails("Ada", "Lovelace", dt.date(1980, 5, 1), "female"),
        SurgeryDetails(dt.date(2026, 9, 1), ("L5-S1",)),
        today=today,
    )
    empty = service.overview(pid, today=today)
    assert empty.program_id is None and empty.adherence is None
    assert empty.latest_scores == {} and empty.open_red_flag_on is None

    start = today - dt.timedelta(days=14)
    with db.unit_of_work("tester") as s:
        program = Program(patient_id=pid, name="USC", start_date=start)
        s.add(program)
        s.flush()
        slots = []
        for n in range(1, 9):
            slot = ScheduledSession(program_id=program.id, number=n, week=(n + 2) // 3,
                                    scheduled_date=start + dt.timedelta(days=2 * n))
            s.add(slot)
            slots.append(slot)
        s.flush()
        for slot in slots[:3]:
            s.add(SessionLog(patient_id=pid, program_id=program.id, scheduled_session_id=slot.id,
                             session_date=slot.scheduled_date))
        s.add(SessionLog(patient_id=pid, program_id=program.id, scheduled_session_id=slots[3].id,
                         session_date=slots[3].scheduled_date, attended=False))
        s.add(SessionLog(patient_id=pid, session_date=today - dt.timedelta(days=1),
                         red_flag_result="positive", status="aborted"))
        for day, score in ((start, 44.0), (today, 30.0)):
            s.add(OutcomeAssessment(patient_id=pid, instrument="odi", assessed_on=day,
                                    score=score, scoring_rule="odi-2.1a"))
        s.add(WalkTest(patient_id=pid, test="walk_6min", performed_on=today, value=420.0,
                       unit="m"))

    overview = service.overview(pid, today=today)
    # sessions 1..6 are past; session 7 is today and not logged yet: not due (not missed) yet
    assert overview.sessions_planned_to_date == 6
    assert overview.sessions_attended == 3
    assert overview.latest_scores["odi"] == (30.0, today)
    assert overview.latest_scores["walk_6min"] == (420.0, today)
    assert overview.open_red_flag_on == today - dt.timedelta(days=1)
