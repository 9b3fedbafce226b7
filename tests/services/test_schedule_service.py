"""Issue 11 item 5: the clinic's day (booked sessions, red flags to review, assessments due or
overdue) and week, read clinic-wide in a fixed number of statements; booking or moving a session
(audited, versioned, refused with a clear field message). On SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import pytest
from sqlalchemy import event, select

sys.path.insert(0, str(Path(__file__).resolve().parent))
from test_sessions_support import Built, build_patient

from rehab_tracker.data.database import Database
from rehab_tracker.data.models import AuditEntry, ScheduledSession
from rehab_tracker.domain.errors import ValidationError
from rehab_tracker.domain.redflags import RED_FLAGS
from rehab_tracker.domain.sessions import SessionEntry
from rehab_tracker.services.errors import ConflictError

ALL_NO = {f.code: False for f in RED_FLAGS}


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def database(request: pytest.FixtureRequest) -> Database:
    return request.getfixturevalue("db" if request.param == "sqlite" else "pg_db")  # type: ignore[no-any-return]


@pytest.fixture
def two(database: Database, today: dt.date) -> tuple[Built, Built]:
    """Two patients in week 3 and week 7 of their programs (today is a Monday: both train)."""
    return (
        build_patient(database, today, weeks_ago=2, given="Ana", family="Early"),
        build_patient(database, today, weeks_ago=6, given="Ben", family="Later"),
    )


def _slot_on(b: Built, day: dt.date):  # type: ignore[no-untyped-def]
    return next(s for s in b.services.sessions.slots(b.patient_id) if s.scheduled_date == day)


def test_today_lists_each_patients_session_of_the_day(two, today) -> None:  # type: ignore[no-untyped-def]
    a, _ = two
    items = a.services.schedule.today(today=today)
    assert [(x.patient_name, x.day, x.time, x.logged) for x in items.booked] == [
        ("Ana Early", today, None, False),
        ("Ben Later", today, None, False),
    ]
    assert items.booked[0].name.startswith("Session ") and items.booked[0].state_text == "to log"

    slot = _slot_on(a, today)
    a.services.sessions.save(
        a.patient_id, slot.id, SessionEntry(today, red_flags=ALL_NO), today=today
    )
    logged = {x.patient_name: x for x in a.services.schedule.today(today=today).booked}
    assert logged["Ana Early"].logged and logged["Ana Early"].state_text == "attended"
    assert not logged["Ben Later"].logged
    tomorrow = today + dt.timedelta(days=1)  # a Tuesday: nobody trains
    assert a.services.schedule.today(today=tomorrow).booked == []


def test_booking_a_time_orders_the_day_and_moving_changes_the_week(two, today) -> None:  # type: ignore[no-untyped-def]
    a, _ = two
    s = a.services.schedule
    ben = next(x for x in s.today(today=today).booked if x.patient_name == "Ben Later")
    s.book(ben.slot_id, today, dt.time(8, 15, 42), expected_version=ben.version, today=today)
    booked = s.today(today=today).booked
    assert [(x.patient_name, x.time_text) for x in booked] == [
        ("Ben Later", "08:15"),
        ("Ana Early", "no time set"),
    ]

    # move Ana's session from Monday to Tuesday 17:00: the week shows it there, today not
    ana = booked[1]
    tuesday = today + dt.timedelta(days=1)
    s.book(ana.slot_id, tuesday, dt.time(17, 0), expected_version=ana.version, today=today)
    assert [x.patient_name for x in s.today(today=today).booked] == ["Ben Later"]
    week = s.week(today + dt.timedelta(days=3))
    assert (ana.slot_id, tuesday, dt.time(17, 0)) in [(x.slot_id, x.day, x.time) for x in week]
    assert all(today <= x.day <= today + dt.timedelta(days=6) for x in week)
    assert [x.day for x in week] == sorted(x.day for x in week)
    # every reader of the schedule sees the moved date (the Sessions tab's slot)
    assert _slot_on(a, tuesday).id == ana.slot_id

    with a.services.db.reading() as session:
        trail = session.scalars(
            select(AuditEntry).where(
                AuditEntry.entity == "scheduled_sessions",
                AuditEntry.entity_id == str(ana.slot_id),
                AuditEntry.action == "update",
            )
        ).all()
    assert [(t.action, t.before["scheduled_date"], t.after["scheduled_date"]) for t in trail] == [
        ("update", today.isoformat(), tuesday.isoformat())
    ]
    assert trail[0].after["appointment_time"] == "17:00:00" and trail[0].actor == "tester"


def test_a_stale_move_is_refused(two, today) -> None:  # type: ignore[no-untyped-def]
    a, _ = two
    s = a.services.schedule
    first = s.today(today=today).booked[0]
    s.book(first.slot_id, today, dt.time(9, 0), expected_version=first.version, today=today)
    with pytest.raises(ConflictError, match="booking was changed at another workstation"):
        s.book(first.slot_id, today, dt.time(10, 0), expected_version=first.version, today=today)
    assert s.today(today=today).booked[0].time == dt.time(9, 0)


def test_bad_bookings_say_why_at_the_field_and_save_nothing(two, today) -> None:  # type: ignore[no-untyped-def]
    a, _ = two
    s = a.services.schedule
    slot = next(x for x in s.today(today=today).booked if x.patient_id == a.patient_id)
    v = slot.version

    def refused(day, at):  # type: ignore[no-untyped-def]
        with pytest.raises(ValidationError) as err:
            s.book(slot.slot_id, day, at, expected_version=v, today=today)
        return err.value.errors

    assert refused(None, None) == {
        "date": "Give the date of the session.",
        "time": "Give the time of the session (hh:mm).",
    }
    assert refused(today - dt.timedelta(days=1), dt.time(9, 0)) == {
        "date": f"A session is booked for today ({today.isoformat()}) or later."
    }
    wednesday = today + dt.timedelta(days=2)  # the patient's next session is already there
    assert refused(wednesday, dt.time(9, 0))["date"].endswith(
        f"of this program is already on {wednesday.isoformat()}."
    )
    a.services.sessions.save(
        a.patient_id, slot.slot_id, SessionEntry(today, red_flags=ALL_NO), today=today
    )
    assert refused(today, dt.time(9, 0)) == {
        "slot": f"{slot.name} is already logged; a logged session keeps its date."
    }
    with a.services.db.reading() as session:
        row = session.get(ScheduledSession, slot.slot_id)
        assert row is not None and (row.scheduled_date, row.appointment_time, row.version) == (
            today,
            None,
            v,
        )
    assert [x.slot_id for x in s.bookable(a.patient_id)][:1] != [slot.slot_id]


def test_open_red_flags_and_assessments_due_of_every_patient(two, today) -> None:  # type: ignore[no-untyped-def]
    a, b = two
    slot = _slot_on(b, today)
    b.services.sessions.record_red_flag_stop(
        b.patient_id,
        slot.id,
        {**ALL_NO, "saddle_numbness": True},
        session_date=today,
        today=today,
    )
    items = a.services.schedule.today(today=today)
    [flag] = items.red_flags
    assert (flag.patient_name, flag.alert.session_date) == ("Ben Later", today)
    assert flag.alert.positives == ("saddle_numbness",) and flag.alert.action == "emergency"
    # the booked list says the session was stopped
    assert {x.patient_name: x.state_text for x in items.booked}["Ben Later"] == (
        "stopped: red flag"
    )

    # both programs' baselines are overdue (nothing recorded), Ben's mid-program one is due
    # by the schedule's one rule; recording Ana's baseline ODI takes it off what the review
    # still needs (done once every instrument is recorded or skipped: issue 11 item 4)
    due = {(x.patient_name, x.timepoint): x.state for x in items.assessments}
    outcomes = a.services.outcomes.schedule(a.patient_id, today=today)
    expected_ana = {
        ("Ana Early", o.timepoint): o.state for o in outcomes if o.state in ("due", "overdue")
    }
    assert {k: v for k, v in due.items() if k[0] == "Ana Early"} == expected_ana
    assert ("Ana Early", "baseline") in due
    a.services.outcomes.record_odi(
        a.patient_id, [1] * 10, assessed_on=today, today=today, timepoint="baseline"
    )
    after = a.services.schedule.today(today=today).assessments
    [baseline] = [x for x in after if (x.patient_name, x.timepoint) == ("Ana Early", "baseline")]
    assert "odi" not in baseline.missing and baseline.missing
    ana = {o.timepoint: o for o in a.services.outcomes.schedule(a.patient_id, today=today)}
    assert baseline.missing == ana["baseline"].missing  # the Outcomes tab's one rule


def test_the_day_is_read_in_a_fixed_number_of_statements(database: Database, today) -> None:  # type: ignore[no-untyped-def]
    """No statement per patient: 2 patients and 6 patients read the same number."""

    def statements() -> int:
        count = [0]

        def seen(*_args: object) -> None:
            count[0] += 1

        engine = database.engine
        event.listen(engine, "before_cursor_execute", seen)
        try:
            services.schedule.today(today=today)
            services.schedule.week(today)
        finally:
            event.remove(engine, "before_cursor_execute", seen)
        return count[0]

    services = build_patient(database, today, weeks_ago=1, given="P", family="One").services
    build_patient(database, today, weeks_ago=4, given="P", family="Two")
    few = statements()
    for i in range(4):
        build_patient(database, today, weeks_ago=i, given="Q", family=f"More{i}")
    assert statements() == few


# --- a session logged on another date than its own; the missed ones (walkthrough of issue 11) ---


def _log(b: Built, slot_id, on: dt.date, today: dt.date) -> None:  # type: ignore[no-untyped-def]
    b.services.sessions.save(b.patient_id, slot_id, SessionEntry(on, red_flags=ALL_NO), today=today)


def test_a_session_logged_ahead_is_on_the_day_it_was_logged_and_frees_its_own(two, today) -> None:  # type: ignore[no-untyped-def]
    """Ana's Wednesday session logged on Tuesday: it is Tuesday's (done), no longer Wednesday's
    (to do), and Wednesday is free to book another of her sessions."""
    a, _ = two
    s = a.services.schedule
    tuesday, wednesday = today + dt.timedelta(days=1), today + dt.timedelta(days=2)
    friday = today + dt.timedelta(days=4)
    wed = _slot_on(a, wednesday)
    _log(a, wed.id, tuesday, tuesday)

    on_wednesday = s.today(today=wednesday).booked
    assert [x.patient_name for x in on_wednesday] == ["Ben Later"]
    [done] = [x for x in s.today(today=tuesday).booked if x.patient_id == a.patient_id]
    assert (done.slot_id, done.day, done.scheduled_on, done.logged) == (
        wed.id,
        tuesday,
        wednesday,
        True,
    )
    assert done.state_text == "attended (planned Wed 25 Nov)"
    week = {(x.slot_id, x.day) for x in s.week(today)}
    assert (wed.id, tuesday) in week and (wed.id, wednesday) not in week

    # Friday's session can move to Wednesday: its own session is done already
    fri = next(x for x in s.bookable(a.patient_id) if x.day == friday)
    s.book(fri.slot_id, wednesday, dt.time(10, 0), expected_version=fri.version, today=tuesday)
    assert [x.slot_id for x in s.today(today=wednesday).booked if x.patient_id == a.patient_id] == [
        fri.slot_id
    ]


def test_a_session_logged_late_leaves_its_day_and_the_missed_list(two, today) -> None:  # type: ignore[no-untyped-def]
    """Ben's Monday session logged on Tuesday is Tuesday's; Monday no longer lists it, and a
    session booked for Monday can take its place."""
    _, b = two
    s = b.services.schedule
    tuesday = today + dt.timedelta(days=1)
    monday = _slot_on(b, today)
    _log(b, monday.id, tuesday, tuesday)
    assert [x.patient_name for x in s.today(today=today).booked] == ["Ana Early"]
    assert monday.id not in [x.slot_id for x in s.today(today=tuesday).missed]
    [late] = [x for x in s.today(today=tuesday).booked if x.patient_id == b.patient_id]
    assert (late.slot_id, late.state_text) == (monday.id, "attended (planned Mon 23 Nov)")
    wednesday = next(x for x in s.bookable(b.patient_id) if x.day > tuesday)
    s.book(wednesday.slot_id, today, dt.time(9, 0), expected_version=wednesday.version, today=today)
    assert [x.slot_id for x in s.today(today=today).booked if x.patient_id == b.patient_id] == [
        wednesday.slot_id
    ]


def test_the_missed_sessions_of_the_last_two_weeks_are_listed(two, today) -> None:  # type: ignore[no-untyped-def]
    """Past sessions not logged, of the last 14 days (a clinic default), oldest first, with how
    many older ones are not shown; logging one (on any date) or moving it takes it off."""
    from rehab_tracker.domain.schedule import MISSED_WINDOW_DAYS

    assert MISSED_WINDOW_DAYS == 14
    a, b = two
    s = a.services.schedule
    first = today - dt.timedelta(days=14)

    def open_past(x: Built, since: dt.date | None) -> list:  # type: ignore[type-arg]
        return [
            slot.id
            for slot in x.services.sessions.slots(x.patient_id)
            if slot.open
            and slot.scheduled_date < today
            and (since is None or slot.scheduled_date >= since)
        ]

    items = s.today(today=today)
    ids = [x.slot_id for x in items.missed]
    assert sorted(map(str, ids)) == sorted(map(str, open_past(a, first) + open_past(b, first)))
    assert [x.scheduled_on for x in items.missed] == sorted(x.scheduled_on for x in items.missed)
    assert all(first <= x.day < today and not x.logged for x in items.missed)
    assert {x.state_text for x in items.missed} == {"not logged"}
    older = len(open_past(a, None)) + len(open_past(b, None)) - len(ids)
    assert items.missed_older == older > 0  # Ben is in week 7: weeks 1-4 lie further back

    # logged late on its own date, logged late today, moved to tomorrow: each leaves the list
    one, two_, three = items.missed[0], items.missed[1], items.missed[2]
    by_patient = {a.patient_id: a, b.patient_id: b}
    _log(by_patient[one.patient_id], one.slot_id, one.day, today)
    _log(by_patient[two_.patient_id], two_.slot_id, today, today)
    s.book(
        three.slot_id,
        today + dt.timedelta(days=1),
        dt.time(8, 0),
        expected_version=three.version,
        today=today,
    )
    after = s.today(today=today)
    assert [x.slot_id for x in after.missed] == [x.slot_id for x in items.missed[3:]]
    assert after.missed_older == older
    # the one logged today is among today's sessions, done
    assert two_.slot_id in [x.slot_id for x in after.booked if x.logged]
