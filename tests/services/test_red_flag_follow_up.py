"""Issue 9 item 5: what follows a positive red-flag screen is recorded: the advice given,
referred to whom, and later the clearance (who cleared exercise to resume, when). Only the
clearance closes the screen; every change is audited; bad input saves nothing. On SQLite and
PostgreSQL."""

from __future__ import annotations

import datetime as dt
import sys
from dataclasses import replace
from pathlib import Path

import pytest
from sqlalchemy import select

sys.path.insert(0, str(Path(__file__).resolve().parent))
from test_sessions_support import Built, build_patient

from rehab_tracker.data.database import Database
from rehab_tracker.data.models import AuditEntry, SessionLog
from rehab_tracker.domain.errors import ValidationError
from rehab_tracker.domain.redflags import RED_FLAGS, ClearanceEntry, RedFlagOutcomeEntry
from rehab_tracker.domain.sessions import mark_all_done
from rehab_tracker.services.errors import ServiceError

ALL_NO = {f.code: False for f in RED_FLAGS}
ADVICE = RedFlagOutcomeEntry(
    "No exercise today; ambulance called for possible PE.", "emergency_services",
    "Crew arrived 10:40",
)


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def built(request: pytest.FixtureRequest, today) -> Built:  # type: ignore[no-untyped-def]
    database: Database = request.getfixturevalue("db" if request.param == "sqlite" else "pg_db")
    return build_patient(database, today)


def _stop(b: Built, today: dt.date, **yes: bool):  # type: ignore[no-untyped-def]
    slot = b.services.sessions.next_slot(b.patient_id)
    return b.services.sessions.record_red_flag_stop(
        b.patient_id, slot.id, {**ALL_NO, **yes}, session_date=today, today=today
    )


def test_an_emergency_stop_then_its_referral_then_its_clearance(built: Built, today) -> None:  # type: ignore[no-untyped-def]
    s = built.services.sessions
    sid = _stop(built, today, chest_breathless=True)
    [alert] = s.open_red_flags(built.patient_id)
    assert alert.action == "emergency" and alert.positives == ("chest_breathless",)
    assert alert.message.startswith("EMERGENCY: stop the session and call emergency services")
    assert alert.follow_up == "outcome not recorded; not cleared (exercise and progression on hold)"
    row = s.history(built.patient_id)[0]
    assert row.red_flag_open and row.red_flag_action == "emergency"

    s.record_red_flag_outcome(sid, ADVICE, today=today)
    [alert] = s.open_red_flags(built.patient_id)  # still open: the outcome is not a clearance
    assert (alert.advice, alert.referred_to, alert.referral_details) == (
        ADVICE.advice, "emergency_services", "Crew arrived 10:40")
    assert alert.follow_up.startswith("referred to: Emergency services called; not cleared")
    assert any(r.open_red_flag for r in built.services.patients.list_patients(today=today))

    later = today + dt.timedelta(days=2)
    s.record_red_flag_outcome(
        sid, ADVICE, ClearanceEntry("  respiratory physician Dr Osei ", today, "CTPA negative"),
        today=later,
    )
    assert s.open_red_flags(built.patient_id) == []
    row = s.history(built.patient_id)[0]
    assert not row.red_flag_open
    assert row.red_flag_follow_up == (
        f"referred to: Emergency services called; cleared {today.isoformat()} by respiratory "
        "physician Dr Osei")
    assert not any(r.open_red_flag for r in built.services.patients.list_patients(today=later))
    with built.services.db.reading() as session:
        log = session.get(SessionLog, sid)
        assert log is not None
        assert log.red_flag_acknowledged_by == "tester" and log.red_flag_outcome_by == "tester"
        assert log.red_flag_clearance_note == "CTPA negative"
        entries = session.scalars(
            select(AuditEntry).where(AuditEntry.entity_id == str(sid), AuditEntry.action ==
                                     "update").order_by(AuditEntry.seq)
        ).all()
    assert [e.after["red_flag_referred_to"] for e in entries] == ["emergency_services"] * 2
    assert entries[0].after["red_flag_cleared_by"] is None
    assert entries[1].after["red_flag_cleared_by"] == "respiratory physician Dr Osei"
    assert entries[1].after["red_flag_cleared_on"] == today.isoformat()


def test_an_urgent_answer_is_not_an_emergency(built: Built, today) -> None:  # type: ignore[no-untyped-def]
    _stop(built, today, one_sided_leg=True)
    [alert] = built.services.sessions.open_red_flags(built.patient_id)
    assert alert.action == "urgent"
    assert "not an emergency call" in alert.message
    assert "possible recurrent disc herniation" in alert.message


def test_bad_input_is_refused_at_each_field_and_nothing_is_saved(built: Built, today) -> None:  # type: ignore[no-untyped-def]
    s = built.services.sessions
    sid = _stop(built, today, calf=True)
    with pytest.raises(ValidationError) as info:
        s.record_red_flag_outcome(
            sid,
            RedFlagOutcomeEntry("", "none"),
            ClearanceEntry("", today - dt.timedelta(days=1)),
            today=today,
        )
    assert set(info.value.errors) == {"advice", "referral_details", "cleared_by", "cleared_on"}
    assert "before the red flag" in info.value.errors["cleared_on"]
    [alert] = s.open_red_flags(built.patient_id)
    assert alert.advice is None and alert.referred_to is None


def test_only_a_positive_screen_has_an_outcome(built: Built, today) -> None:  # type: ignore[no-untyped-def]
    import dataclasses

    s = built.services.sessions
    slot = s.next_slot(built.patient_id)
    form = s.new_form(built.patient_id, slot.id, today=today)
    sid = s.save(built.patient_id, slot.id, dataclasses.replace(mark_all_done(form.entry),
            red_flags=ALL_NO),
                 today=today)
    with pytest.raises(ServiceError, match="not positive"):
        s.record_red_flag_outcome(sid, ADVICE, today=today)


def test_the_report_lists_each_red_flag_with_its_outcome_and_clearance(
    built: Built, today  # type: ignore[no-untyped-def]
) -> None:
    s = built.services.sessions
    first = _stop(built, today - dt.timedelta(days=1), infection=True)
    s.record_red_flag_outcome(
        first, RedFlagOutcomeEntry("Wound review today.", "surgeon", "Dr Ng's clinic"),
        ClearanceEntry("surgeon Dr Ng", today, "Superficial; dressing"), today=today,
    )
    _stop(built, today, new_both_legs=True)
    data = built.services.reports.gather(built.patient_id, today=today)
    cleared, still_open = data.red_flags
    assert cleared.items == ("fever or wound redness or discharge",)
    assert cleared.action == "urgent" and cleared.acknowledged
    assert (cleared.advice, cleared.referred_to, cleared.referral_details) == (
        "Wound review today.", "surgeon", "Dr Ng's clinic")
    assert (cleared.cleared_by, cleared.cleared_on, cleared.clearance_note) == (
        "surgeon Dr Ng", today, "Superficial; dressing")
    assert still_open.items == ("new pain, numbness or weakness in both legs",)
    assert still_open.action == "emergency" and not still_open.acknowledged
    assert still_open.referred_to is None and still_open.cleared_on is None


def test_a_clearance_entered_by_mistake_is_corrected_or_withdrawn_with_audit(
    built: Built, today
) -> None:  # type: ignore[no-untyped-def]
    """A clearance recorded against the wrong screen (or by the wrong person) can be corrected:
    read back, its details changed, or withdrawn; withdrawn, the screen is open again and holds
    progression until a clearance is recorded; every step is in the audit trail."""
    s = built.services.sessions
    sid = _stop(built, today, one_sided_leg=True)
    s.record_red_flag_outcome(sid, ADVICE, ClearanceEntry("Dr Wrong", today), today=today)
    assert s.open_red_flags(built.patient_id) == []
    alert, clearance = s.red_flag_follow_up(sid)
    assert alert.session_id == sid and alert.advice == ADVICE.advice
    assert clearance == ClearanceEntry("Dr Wrong", today, "")
    # corrected: another name, the flag stays cleared
    s.record_red_flag_outcome(sid, ADVICE, ClearanceEntry("surgeon Dr Ng", today), today=today)
    assert s.red_flag_follow_up(sid)[1] == ClearanceEntry("surgeon Dr Ng", today, "")
    # withdrawn: open again, progression holds
    s.record_red_flag_outcome(sid, ADVICE, withdraw_clearance=True, today=today)
    assert [a.session_id for a in s.open_red_flags(built.patient_id)] == [sid]
    assert s.red_flag_follow_up(sid)[1] is None
    program = built.services.programs.program(built.program_id)
    rx = program.phases[0].prescriptions[0]
    with pytest.raises(ValidationError) as held:  # a raised dose is a progression: refused
        built.services.programs.accept_suggestion(
            rx.id, replace(rx.dosage, sets=rx.dosage.sets + 1)
        )
    assert "not yet cleared" in held.value.errors["dosage"]
    with pytest.raises(ValidationError):  # a clearance and its withdrawal at once
        s.record_red_flag_outcome(
            sid, ADVICE, ClearanceEntry("Dr Ng", today), withdraw_clearance=True, today=today
        )
    with built.services.db.reading() as session:
        entries = session.scalars(
            select(AuditEntry).where(AuditEntry.entity_id == str(sid), AuditEntry.action ==
                                     "update").order_by(AuditEntry.seq)
        ).all()
    cleared_by = [(e.before or {}).get("red_flag_cleared_by") for e in entries][-2:]
    assert cleared_by == ["Dr Wrong", "surgeon Dr Ng"]
    assert entries[-1].after["red_flag_cleared_by"] is None
    assert entries[-1].after["red_flag_acknowledged_at"] is None
