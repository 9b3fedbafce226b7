"""Issue 9 item 4: the service, not only the screen dialog, refuses to save an attended session
whose red-flag screen is missing or incomplete (nothing is saved). On SQLite and PostgreSQL."""

from __future__ import annotations

import dataclasses
import datetime as dt
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
from test_sessions_support import Built, build_patient

from rehab_tracker.data.database import Database
from rehab_tracker.data.models import SessionLog
from rehab_tracker.domain.errors import ValidationError
from rehab_tracker.domain.redflags import RED_FLAGS
from rehab_tracker.domain.sessions import SessionEntry, mark_all_done

ALL_NO = {f.code: False for f in RED_FLAGS}


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def built(request: pytest.FixtureRequest, today) -> Built:  # type: ignore[no-untyped-def]
    database: Database = request.getfixturevalue("db" if request.param == "sqlite" else "pg_db")
    return build_patient(database, today)


def _entry(b: Built, today, **changes) -> tuple[object, SessionEntry]:  # type: ignore[no-untyped-def]
    slot = b.services.sessions.next_slot(b.patient_id)
    assert slot is not None
    form = b.services.sessions.new_form(b.patient_id, slot.id, today=today)
    return slot.id, dataclasses.replace(mark_all_done(form.entry), **changes)


def _refused(b: Built, today, red_flags) -> str:  # type: ignore[no-untyped-def]
    slot_id, entry = _entry(b, today, red_flags=red_flags)
    with pytest.raises(ValidationError) as info:
        b.services.sessions.save(b.patient_id, slot_id, entry, today=today)
    assert b.services.sessions.history(b.patient_id) == []  # nothing saved
    return info.value.errors["red_flags"]


def test_an_attended_session_without_a_screen_is_refused(built: Built, today) -> None:  # type: ignore[no-untyped-def]
    message = _refused(built, today, {})
    assert message.startswith("An attended session is saved only with a complete red-flag "
                              "screen.")
    assert f"{len(RED_FLAGS)} questions are unanswered" in message


def test_an_attended_session_with_an_incomplete_screen_is_refused(built: Built, today) -> None:  # type: ignore[no-untyped-def]
    answers = {**ALL_NO}
    del answers["calf"]
    message = _refused(built, today, answers)
    assert "1 question is unanswered (calf pain or swelling)" in message


def test_a_screen_answered_with_the_earlier_question_set_is_refused(built: Built, today) -> None:  # type: ignore[no-untyped-def]
    old = dict.fromkeys(
        ("both_legs", "saddle_numbness", "bladder_bowel", "progressive_weakness", "infection"),
        False,
    )
    assert "ask the questions again" in _refused(built, today, old)


def test_a_complete_screen_is_saved_clear_and_a_missed_session_needs_none(
    built: Built, today  # type: ignore[no-untyped-def]
) -> None:
    s = built.services.sessions
    slot_id, entry = _entry(built, today, red_flags=ALL_NO)
    s.save(built.patient_id, slot_id, entry, today=today)
    slot_id, entry = _entry(built, today, attended=False, missed_reason="Unwell",
                            exercises=(), red_flags={})
    s.save(built.patient_id, slot_id, entry, today=today)
    assert [r.red_flag_result for r in s.history(built.patient_id)] == ["clear", "not_screened"]


def test_a_missed_session_corrected_to_attended_needs_a_screen(built: Built, today) -> None:  # type: ignore[no-untyped-def]
    s = built.services.sessions
    slot_id, entry = _entry(built, today, attended=False, missed_reason="Unwell",
                            exercises=(), red_flags={})
    sid = s.save(built.patient_id, slot_id, entry, today=today)
    form = s.edit_form(sid)
    corrected = dataclasses.replace(mark_all_done(form.entry), attended=True, missed_reason="")
    with pytest.raises(ValidationError) as info:
        s.update(sid, corrected, expected_version=form.version, today=today)
    assert "an attended session needs one" in info.value.errors["red_flags"]
    assert s.edit_form(sid).entry.attended is False  # nothing saved
    s.update(sid, dataclasses.replace(corrected, red_flags=ALL_NO),
             expected_version=form.version, today=today)
    assert s.history(built.patient_id)[0].red_flag_result == "clear"


def test_a_log_screened_with_the_earlier_questions_can_still_be_corrected(
    built: Built, today  # type: ignore[no-untyped-def]
) -> None:
    """Existing data survives: correcting the pain of an old log keeps its stored screen."""
    s = built.services.sessions
    slot_id, entry = _entry(built, today, red_flags=ALL_NO)
    sid = s.save(built.patient_id, slot_id, entry, today=today)
    old = dict.fromkeys(("both_legs", "saddle_numbness", "infection"), False)
    with built.services.db.unit_of_work("tester") as session:
        log = session.get(SessionLog, sid)
        assert log is not None
        log.red_flags = old
    form = s.edit_form(sid)
    corrected = dataclasses.replace(mark_all_done(form.entry), pain_back_after=1)
    s.update(sid, corrected, expected_version=form.version, today=today)
    assert s.edit_form(sid).entry.red_flags == old
    assert s.history(built.patient_id)[0].red_flag_result == "clear"


def test_an_attended_session_waits_for_the_clearance_of_an_open_red_flag(
    built: Built, today
) -> None:  # type: ignore[no-untyped-def]
    """Issue 9 item 1 in the service: after a positive screen, no attended session is saved until
    the clearance is recorded (a missed session may be); then it is."""
    from rehab_tracker.domain.redflags import ClearanceEntry, RedFlagOutcomeEntry

    b = built
    stop_day = today - dt.timedelta(days=2)
    stop = b.services.sessions.record_red_flag_stop(
        b.patient_id, None, {**ALL_NO, "calf": True}, session_date=stop_day, today=today
    )
    slot_id, entry = _entry(b, today, red_flags=ALL_NO)
    with pytest.raises(ValidationError) as info:
        b.services.sessions.save(b.patient_id, slot_id, entry, today=today)
    message = info.value.errors["red_flags"]
    assert message.startswith(f"Red flag on {stop_day.isoformat()} not yet cleared")
    assert len(b.services.sessions.history(b.patient_id)) == 1  # the stopped session only
    missed = dataclasses.replace(
        entry, attended=False, red_flags={}, exercises=(), missed_reason="unwell"
    )
    assert b.services.sessions.save(b.patient_id, slot_id, missed, today=today)

    b.services.sessions.record_red_flag_outcome(
        stop,
        RedFlagOutcomeEntry("Sent to the emergency department.", "emergency_department"),
        ClearanceEntry("Dr Ng, vascular team", today, "Scan clear; exercise may resume."),
        today=today,
    )
    next_slot, entry = _entry(b, today, red_flags=ALL_NO)
    assert b.services.sessions.save(b.patient_id, next_slot, entry, today=today)
