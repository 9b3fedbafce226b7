"""SessionService on a real migrated SQLite file: logging, slots, red flags, edits, adherence."""

from __future__ import annotations

import dataclasses
import datetime as dt
import sys
from pathlib import Path

import pytest
from sqlalchemy import select

sys.path.insert(0, str(Path(__file__).resolve().parent))
from test_sessions_support import build_patient

from rehab_tracker.data.models import AuditEntry
from rehab_tracker.domain.errors import ValidationError
from rehab_tracker.domain.redflags import RED_FLAGS, ClearanceEntry, RedFlagOutcomeEntry
from rehab_tracker.domain.sessions import AdverseEventEntry, SetEntry, mark_all_done
from rehab_tracker.services.errors import ServiceError

ALL_NO = {f.code: False for f in RED_FLAGS}


def test_next_slot_prefills_from_prescription(db, today):
    b = build_patient(db, today)
    slot = b.services.sessions.next_slot(b.patient_id)
    assert slot is not None and slot.open
    form = b.services.sessions.new_form(b.patient_id, slot.id, today=today)
    if slot.kind == "education":
        assert form.entry.exercises == ()
        b.services.sessions.save(b.patient_id, slot.id, dataclasses.replace(
            mark_all_done(form.entry), red_flags=ALL_NO), today=today)
        slot = b.services.sessions.next_slot(b.patient_id)
        assert slot is not None
        form = b.services.sessions.new_form(b.patient_id, slot.id, today=today)
    assert slot.kind == "exercise"
    assert form.entry.exercises, "an exercise session is prefilled with the prescription"
    first = form.entry.exercises[0]
    assert first.sets and first.prescribed
    assert form.surgery_date == b.surgery_date


def _log(b, today, *, pain=(3, 2, 1, 1)):
    s = b.services.sessions
    slot = next(x for x in s.slots(b.patient_id) if x.open and x.kind == "exercise")
    form = s.new_form(b.patient_id, slot.id, today=today)
    entry = dataclasses.replace(
        mark_all_done(form.entry),
        pain_back_before=pain[0],
        pain_back_after=pain[1],
        pain_leg_before=pain[2],
        pain_leg_after=pain[3],
        red_flags=ALL_NO,
        notes="went well",
    )
    return slot, s.save(b.patient_id, slot.id, entry, today=today)


def test_save_and_read_back(db, today):
    b = build_patient(db, today)
    _slot, sid = _log(b, today)
    form = b.services.sessions.edit_form(sid)
    assert form.entry.pain_back_before == 3
    assert form.entry.notes == "went well"
    assert form.red_flag_result == "clear"
    rows = b.services.sessions.history(b.patient_id)
    assert [r.id for r in rows] == [sid]
    assert rows[0].exercises == len(form.entry.exercises)
    assert rows[0].sets == sum(len(e.sets) for e in form.entry.exercises)


def test_same_slot_twice_is_refused_with_a_field_message(db, today):
    b = build_patient(db, today)
    slot, _ = _log(b, today)
    form = b.services.sessions.edit_form(_)
    with pytest.raises(ValidationError) as err:
        b.services.sessions.save(b.patient_id, slot.id, form.entry, today=today)
    assert "already logged" in err.value.errors["slot"]
    with pytest.raises(ValidationError):
        b.services.sessions.new_form(b.patient_id, slot.id, today=today)


@pytest.mark.parametrize(
    ("change", "field", "words"),
    [
        ({"pain_back_before": 11}, "pain_back_before", "0 to 10"),
        ({"pain_leg_after": -1}, "pain_leg_after", "0 to 10"),
        ({"session_date": dt.date(2026, 11, 24)}, "session_date", "future"),
        ({"session_date": dt.date(2020, 1, 1)}, "session_date", "before the surgery"),
        ({"attended": False, "missed_reason": ""}, "missed_reason", "missed"),
    ],
)
def test_bad_input_refused_nothing_saved(db, today, change, field, words):
    b = build_patient(db, today)
    slot = b.services.sessions.next_slot(b.patient_id)
    form = b.services.sessions.new_form(b.patient_id, slot.id, today=today)
    with pytest.raises(ValidationError) as err:
        b.services.sessions.save(
            b.patient_id, slot.id, dataclasses.replace(mark_all_done(form.entry),
                    **change), today=today
        )
    assert words in err.value.errors[field]
    assert b.services.sessions.history(b.patient_id) == []


def test_bad_set_effort_is_keyed_by_set(db, today):
    b = build_patient(db, today)
    slot = next(x for x in b.services.sessions.slots(b.patient_id) if x.kind == "exercise")
    form = b.services.sessions.new_form(b.patient_id, slot.id, today=today)
    ex = form.entry.exercises[0]
    bad = dataclasses.replace(ex, sets=(SetEntry(reps=10, effort=12),), status="changed")
    entry = dataclasses.replace(mark_all_done(form.entry),
            exercises=(bad, *form.entry.exercises[1:]))
    with pytest.raises(ValidationError) as err:
        b.services.sessions.save(b.patient_id, slot.id, entry, today=today)
    assert "exercises.0.sets.0.effort" in err.value.errors


def test_red_flag_stop_is_stored_and_shown_until_cleared(db, today):
    b = build_patient(db, today)
    s = b.services.sessions
    slot = s.next_slot(b.patient_id)
    answers = {**ALL_NO, "saddle_numbness": True}
    sid = s.record_red_flag_stop(
        b.patient_id, slot.id, answers, session_date=today, today=today
    )
    alerts = s.open_red_flags(b.patient_id)
    assert [a.session_id for a in alerts] == [sid]
    assert "saddle" in alerts[0].message and "call emergency services" in alerts[0].message
    row = s.history(b.patient_id)[0]
    assert row.status == "aborted" and row.red_flag_result == "positive"
    overview = b.services.patients.list_patients(today=today)
    assert any(r.open_red_flag for r in overview)
    s.record_red_flag_outcome(
        sid, RedFlagOutcomeEntry("Emergency department now.", "emergency_services"),
        ClearanceEntry("surgeon Dr Ng", today), today=today,
    )
    assert s.open_red_flags(b.patient_id) == []
    # a positive screen inside a save is refused
    slot2 = s.next_slot(b.patient_id)
    form = s.new_form(b.patient_id, slot2.id, today=today)
    with pytest.raises(ValidationError) as err:
        s.save(b.patient_id, slot2.id, dataclasses.replace(mark_all_done(form.entry),
                red_flags=answers),
               today=today)
    assert "red_flags" in err.value.errors


def test_correction_is_audited(db, today):
    b = build_patient(db, today)
    _, sid = _log(b, today)
    form = b.services.sessions.edit_form(sid)
    b.services.sessions.update(
        sid,
        dataclasses.replace(
            mark_all_done(form.entry),
            pain_back_after=5,
            adverse_events=(AdverseEventEntry("dizzy", "mild", "rested 5 min"),),
        ),
        expected_version=form.version,
        today=today,
    )
    again = b.services.sessions.edit_form(sid)
    assert again.entry.pain_back_after == 5
    assert again.entry.adverse_events[0].action_taken == "rested 5 min"
    with db.reading() as session:
        entries = session.scalars(
            select(AuditEntry).where(AuditEntry.entity_id == str(sid))
        ).all()
    updates = [e for e in entries if e.action == "update"]
    assert updates and updates[-1].before["pain_back_after"] == 2
    assert updates[-1].after["pain_back_after"] == 5


def test_delete_undo_and_relog(db, today):
    b = build_patient(db, today)
    slot, sid = _log(b, today)
    s = b.services.sessions
    s.delete(sid)
    assert s.history(b.patient_id) == []
    assert next(x for x in s.slots(b.patient_id) if x.id == slot.id).open
    s.restore(sid)
    assert [r.id for r in s.history(b.patient_id)] == [sid]
    s.delete(sid)
    # the slot is free again; logging it keeps the deleted log (not destroyed)
    form = s.new_form(b.patient_id, slot.id, today=today)
    new = s.save(b.patient_id, slot.id, dataclasses.replace(mark_all_done(form.entry),
            red_flags=ALL_NO),
                 today=today)
    everything = s.history(b.patient_id, include_deleted=True)
    assert sorted(r.id for r in everything) == sorted([sid, new])
    assert [r.id for r in everything if r.deleted] == [sid]
    assert [r.id for r in s.history(b.patient_id)] == [new]
    # one row per slot in the slot list, filled by the live log
    mine = [x for x in s.slots(b.patient_id) if x.id == slot.id]
    assert len(mine) == 1 and mine[0].session_id == new and not mine[0].open


def test_restore_refused_when_slot_logged_again(db, today):
    b = build_patient(db, today)
    slot, sid = _log(b, today)
    s = b.services.sessions
    s.delete(sid)
    form = s.new_form(b.patient_id, slot.id, today=today)
    s.save(b.patient_id, slot.id,
           dataclasses.replace(mark_all_done(form.entry), session_date=today - dt.timedelta(days=1),
                               red_flags=ALL_NO), today=today)
    with pytest.raises(ServiceError) as caught:
        s.restore(sid)
    message = str(caught.value)
    assert "logged again on " + (today - dt.timedelta(days=1)).isoformat() in message
    assert slot.label in message
    # still deleted, still restorable once the new log is deleted
    assert sid in [r.id for r in s.history(b.patient_id, include_deleted=True) if r.deleted]
    new = s.history(b.patient_id)[0].id
    s.delete(new)
    s.restore(sid)
    assert [r.id for r in s.history(b.patient_id)] == [sid]


def test_second_live_log_of_a_slot_refused_at_the_field(db, today):
    b = build_patient(db, today)
    slot, _sid = _log(b, today)
    s = b.services.sessions
    with pytest.raises(ValidationError) as caught:
        s.new_form(b.patient_id, slot.id, today=today)
    assert "already logged" in caught.value.errors["slot"]
    form = s.edit_form(_sid)
    with pytest.raises(ValidationError) as caught:
        s.save(b.patient_id, slot.id, dataclasses.replace(mark_all_done(form.entry),
                red_flags=ALL_NO),
               today=today)
    assert "already logged" in caught.value.errors["slot"]
    with pytest.raises(ValidationError) as caught:
        s.record_red_flag_stop(b.patient_id, slot.id, {RED_FLAGS[0].code: True},
                               session_date=today, today=today)
    assert "already logged" in caught.value.errors["slot"]
    assert len(s.history(b.patient_id, include_deleted=True)) == 1


def test_adherence_counts_attended_over_planned(db, today):
    b = build_patient(db, today, weeks_ago=2)
    s = b.services.sessions
    before = s.adherence(b.patient_id, today=today)
    assert before.attended == 0 and before.planned > 0
    _log(b, today)
    slot = next(x for x in s.slots(b.patient_id) if x.open and x.kind == "exercise")
    form = s.new_form(b.patient_id, slot.id, today=today)
    s.save(b.patient_id, slot.id,
           dataclasses.replace(mark_all_done(form.entry),
                   attended=False, missed_reason="ill"), today=today)
    after = s.adherence(b.patient_id, today=today)
    assert after.attended == 1
    assert after.planned == before.planned
    assert 0 <= (after.rate or 0) <= 1
    assert "1 of" in after.describe()
    view = s.overview(b.patient_id, today=today)
    assert view.adherence == after and len(view.rows) == 2


def test_unscheduled_session(db, today):
    b = build_patient(db, today)
    s = b.services.sessions
    form = s.new_form(b.patient_id, None, today=today)
    assert form.slot is None and form.title == "Unscheduled session"
    sid = s.save(b.patient_id, None, dataclasses.replace(mark_all_done(form.entry),
            red_flags=ALL_NO),
                 today=today)
    assert s.history(b.patient_id)[0].number is None
    assert sid


@pytest.mark.postgres
def test_log_and_refuse_twice_on_postgres(pg_db, today):
    b = build_patient(pg_db, today)
    slot, sid = _log(b, today)
    with pytest.raises(ValidationError):
        b.services.sessions.save(
            b.patient_id, slot.id, b.services.sessions.edit_form(sid).entry, today=today
        )
    assert b.services.sessions.adherence(b.patient_id, today=today).attended == 1
    # the one-read overview (correlated counts, red flags, schedule union) on PostgreSQL
    slot2 = b.services.sessions.next_slot(b.patient_id)
    b.services.sessions.record_red_flag_stop(
        b.patient_id, slot2.id, {**ALL_NO, "infection": True}, session_date=today, today=today
    )
    b.services.outcomes.record_nprs(b.patient_id, back=4, leg=3, assessed_on=b.start,
                                    today=today, timepoint="baseline")
    b.services.outcomes.record_walk(b.patient_id, "tug", 9.0, performed_on=today, today=today)
    view = b.services.sessions.overview(b.patient_id, today=today)
    assert view.rows[0].sets > 0 and view.rows[0].exercises > 0
    assert [a.positives for a in view.red_flags] == [("infection",)]
    # a review is done only when each of its instruments is recorded or skipped (issue 11
    # item 4): the pain pair alone leaves the baseline's other instruments to record
    baseline = {a.timepoint: a for a in view.assessments}["baseline"]
    assert baseline.state != "done" and baseline.missing
    assert not {"nprs_back", "nprs_leg"} & set(baseline.missing)


def test_next_slot_skips_an_old_unlogged_slot(db, today):
    b = build_patient(db, today, weeks_ago=3)
    s = b.services.sessions
    slots = s.slots(b.patient_id)
    exercise = [x for x in slots if x.kind == "exercise"]
    form = s.new_form(b.patient_id, exercise[0].id, today=today)
    s.save(b.patient_id, exercise[0].id, dataclasses.replace(mark_all_done(form.entry),
            red_flags=ALL_NO),
           today=today)
    # the education slot (number 0) was never logged: "next" is the slot after the last logged
    assert s.next_slot(b.patient_id).id == exercise[1].id
    assert s.overview(b.patient_id, today=today).next_slot.id == exercise[1].id
