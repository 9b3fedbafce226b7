"""Pausing, resuming, completing and stopping a program (issue 11 item 11): the service, the
moved schedule, the refusals, the patient list and the audit trail."""

from __future__ import annotations

import dataclasses
import datetime as dt
import sys
from pathlib import Path

import pytest
from sqlalchemy import select

sys.path.insert(0, str(Path(__file__).resolve().parent))
from test_sessions_support import Built, build_patient

from rehab_tracker.data.database import Database
from rehab_tracker.data.models import AuditEntry, Program
from rehab_tracker.domain.errors import ValidationError
from rehab_tracker.domain.redflags import RED_FLAGS
from rehab_tracker.domain.sessions import mark_all_done
from rehab_tracker.services.errors import ConflictError

ALL_NO = {f.code: False for f in RED_FLAGS}


def _log_next(b: Built, today: dt.date) -> None:
    """Log the first open slot (the education session first) on its scheduled day."""
    s = b.services.sessions
    slot = next(x for x in s.slots(b.patient_id) if x.open)
    form = s.new_form(b.patient_id, slot.id, today=today)
    entry = dataclasses.replace(
        mark_all_done(form.entry), red_flags=ALL_NO, session_date=slot.scheduled_date
    )
    s.save(b.patient_id, slot.id, entry, today=today)


def _version(b: Built) -> int:
    return b.services.programs.program(b.program_id).version


def _pause(b: Built, on: dt.date, reason: str, today: dt.date) -> None:
    b.services.programs.pause(
        b.program_id, paused_on=on, reason=reason, expected_version=_version(b), today=today
    )


def _stop(b: Built, on: dt.date, reason: str, today: dt.date) -> None:
    b.services.programs.stop(
        b.program_id, ended_on=on, reason=reason, expected_version=_version(b), today=today
    )


def _listed_status(b: Built, today: dt.date) -> str | None:
    rows = b.services.patients.list_patients(today=today)
    return next(r.program_status for r in rows if r.id == b.patient_id)


def test_a_completed_program_leaves_the_active_list(db: Database, today: dt.date) -> None:
    b = build_patient(db, today, weeks_ago=13)
    assert _listed_status(b, today) == "active"
    b.services.programs.complete(
        b.program_id,
        ended_on=today,
        skip_reason="Patient moved away before the end-of-program assessment.",
        expected_version=_version(b),
        today=today,
    )
    detail = b.services.programs.program(b.program_id)
    assert detail.status == "completed" and detail.ended_on == today
    assert detail.end_assessment_skip_reason is not None
    # listed as completed, with no program week, phase, next session or assessment due
    row = next(r for r in b.services.patients.list_patients(today=today) if r.id == b.patient_id)
    assert row.program_status == "completed"
    assert (row.program_week, row.phase, row.next_session) == (None, None, None)
    assert not row.assessment_due
    assert b.services.programs.active_program_for(b.patient_id) is None


def test_completion_refused_without_end_assessment_then_accepted_once_recorded(
    db: Database, today: dt.date
) -> None:
    b = build_patient(db, today, weeks_ago=13)
    with pytest.raises(ValidationError) as err:
        b.services.programs.complete(
            b.program_id, ended_on=today, expected_version=_version(b), today=today
        )
    assert "end_assessment" in err.value.errors
    assert b.services.programs.program(b.program_id).status == "active"
    assert not b.services.programs.end_assessment_recorded(b.program_id, today)
    b.services.outcomes.record_odi(
        b.patient_id,
        [2, 1, 2, 1, 1, 1, 1, None, 1, 1],
        assessed_on=today,
        today=today,
        timepoint="end",
    )
    assert b.services.programs.end_assessment_recorded(b.program_id, today)
    b.services.programs.complete(
        b.program_id, ended_on=today, note="Goals met", expected_version=_version(b), today=today
    )
    detail = b.services.programs.program(b.program_id)
    assert detail.status == "completed" and detail.end_reason == "Goals met"
    assert detail.end_assessment_skip_reason is None


def test_pause_and_resume_move_the_remaining_schedule(db: Database, today: dt.date) -> None:
    b = build_patient(db, today, weeks_ago=3)  # started on a Monday three weeks ago
    programs = b.services.programs
    _log_next(b, today)  # the education session
    _log_next(b, today)  # exercise session 1
    before = programs.program(b.program_id)
    paused_on = today - dt.timedelta(days=14)
    _pause(b, paused_on, "Revision operation", today)
    paused = programs.program(b.program_id)
    assert paused.status == "paused" and paused.pause_reason == "Revision operation"
    listed = next(r for r in b.services.patients.list_patients(today=today) if r.id == b.patient_id)
    assert listed.program_status == "paused"  # still the current program
    assert listed.next_session is None  # the sessions move at the resume
    # adherence stops at the pause: the sessions since are not missed
    adherence = b.services.sessions.adherence(b.patient_id, today=today)
    assert adherence.planned == sum(
        1 for s in before.sessions if s.kind == "exercise" and s.date < paused_on
    )
    resumed = programs.resume(b.program_id, resume_on=today, expected_version=paused.version)
    assert resumed.shift_days == 14 and resumed.sessions_moved > 0
    after = programs.program(b.program_id)
    assert after.status == "active" and after.paused_on is None and after.paused_days == 14
    old = {s.number: s.date for s in before.sessions}
    for s in after.sessions:
        if old[s.number] >= paused_on:
            assert s.date == old[s.number] + dt.timedelta(days=14)
            assert s.date.weekday() == old[s.number].weekday()
        else:
            assert s.date == old[s.number]
    assert after.phases[-1].end_date == before.phases[-1].end_date + dt.timedelta(days=14)
    due_after = {a.timepoint: a.due_date for a in after.assessments}
    for a in before.assessments:
        moved = a.due_date + dt.timedelta(days=14) if a.due_date >= paused_on else a.due_date
        assert due_after[a.timepoint] == moved


def test_no_session_logged_against_a_paused_program(db: Database, today: dt.date) -> None:
    b = build_patient(db, today, weeks_ago=2)
    _pause(b, today, "Chest infection", today)
    with pytest.raises(ValidationError) as err:
        _log_next(b, today)
    assert "paused since" in err.value.errors["slot"]
    assert b.services.sessions.overview(b.patient_id, today=today).rows == []


def test_stop_early_with_a_reason_ends_a_paused_program(db: Database, today: dt.date) -> None:
    b = build_patient(db, today, weeks_ago=4)
    programs = b.services.programs
    pause = today - dt.timedelta(days=5)
    _pause(b, pause, "Recurrent herniation", today)
    with pytest.raises(ValidationError) as err:
        programs.stop(
            b.program_id, ended_on=today, reason=" ", expected_version=_version(b), today=today
        )
    assert "reason" in err.value.errors
    _stop(b, today, "Revision surgery planned", today)
    detail = programs.program(b.program_id)
    assert detail.status == "stopped" and detail.end_reason == "Revision surgery planned"
    assert detail.paused_on is None and detail.paused_days == 5
    with pytest.raises(ValidationError, match="stopped early"):
        programs.resume(b.program_id, resume_on=today, expected_version=detail.version)


def test_doses_of_a_stopped_program_cannot_be_changed(db: Database, today: dt.date) -> None:
    b = build_patient(db, today, weeks_ago=4)
    programs = b.services.programs
    _stop(b, today, "Moved away", today)
    stopped = programs.program(b.program_id)
    with pytest.raises(ValidationError, match="doses cannot be changed"):
        programs.save_edits(b.program_id, stopped.to_draft(), expected_version=stopped.version)
    rx = stopped.phases[0].prescriptions[0]
    with pytest.raises(ValidationError, match="doses cannot be changed"):
        programs.accept_suggestion(rx.id, rx.dosage, today=today)


def test_stale_status_change_is_refused(db: Database, today: dt.date) -> None:
    b = build_patient(db, today, weeks_ago=2)
    seen = _version(b)
    b.services.programs.pause(
        b.program_id, paused_on=today, reason="Flu", expected_version=seen, today=today
    )
    with pytest.raises(ConflictError):
        b.services.programs.stop(
            b.program_id, ended_on=today, reason="Other", expected_version=seen, today=today
        )
    assert b.services.programs.program(b.program_id).status == "paused"


def test_status_changes_are_audited(any_db: Database, today: dt.date) -> None:
    b = build_patient(any_db, today, weeks_ago=2)
    _pause(b, today, "Flu", today)
    b.services.programs.resume(
        b.program_id, resume_on=today + dt.timedelta(days=7), expected_version=_version(b)
    )
    with any_db.reading() as session:
        entries = session.scalars(
            select(AuditEntry).where(
                AuditEntry.entity == Program.__tablename__,
                AuditEntry.entity_id == str(b.program_id),
            )
        ).all()
    statuses = [(e.before or {}).get("status") for e in entries if e.action == "update"]
    afters = [(e.after or {}).get("status") for e in entries if e.action == "update"]
    assert ("active", "paused") in zip(statuses, afters, strict=True)
    assert ("paused", "active") in zip(statuses, afters, strict=True)
    assert all(e.actor == "tester" for e in entries if e.action == "update")
