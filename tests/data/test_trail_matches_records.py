"""Every way the app itself changes records leaves the trail matching them: ``db check``'s
comparison of records with the trail (issue 10 item 10) finds nothing after normal use, here the
paths that move many rows at once (sessions logged, a program paused and its remaining schedule
moved at the resume)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import sys
from pathlib import Path

from rehab_tracker.data import maintenance
from rehab_tracker.data.database import Database

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "services"))
from test_sessions_support import build_patient

from rehab_tracker.domain.redflags import RED_FLAGS
from rehab_tracker.domain.sessions import mark_all_done


def test_pause_resume_and_correction_leave_the_trail_matching_the_records(
    any_db: Database, today: dt.date
) -> None:
    b = build_patient(any_db, today, weeks_ago=3)
    programs, sessions = b.services.programs, b.services.sessions
    no = {f.code: False for f in RED_FLAGS}
    for _ in range(2):  # the education session, then exercise session 1
        slot = next(s for s in sessions.slots(b.patient_id) if s.open)
        form = sessions.new_form(b.patient_id, slot.id, today=today)
        entry = dataclasses.replace(
            mark_all_done(form.entry), red_flags=no, session_date=slot.scheduled_date
        )
        sessions.save(b.patient_id, slot.id, entry, today=today)
    version = programs.program(b.program_id).version
    programs.pause(
        b.program_id,
        paused_on=today - dt.timedelta(days=7),
        reason="Revision",
        expected_version=version,
        today=today,
    )
    programs.resume(
        b.program_id, resume_on=today, expected_version=programs.program(b.program_id).version
    )
    report = maintenance.check(any_db)
    assert report.ok, report.lines()
