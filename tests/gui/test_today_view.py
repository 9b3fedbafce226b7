"""Issue 11 item 5: the Today view is the window's home; Enter on a session logs it (the visit
flow), on a red flag records its outcome, on an assessment opens its form at its time point; the
week calendar; booking and moving a session by keyboard. Driven as a user would, in the real
main window."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "services"))
from test_sessions_support import build_patient

from rehab_tracker.domain.redflags import RED_FLAGS
from rehab_tracker.domain.schedule import short_day
from rehab_tracker.domain.sessions import SessionEntry
from rehab_tracker.ui.outcomes.review_dialog import AssessmentDialog
from rehab_tracker.ui.sessions.acknowledge import RedFlagOutcomeDialog
from rehab_tracker.ui.sessions.redflag_dialog import RedFlagDialog
from rehab_tracker.ui.sessions.session_form import SessionFormDialog
from rehab_tracker.ui.today.booking import BookingDialog
from rehab_tracker.ui.today.feature import TodayFeature
from tests.gui.a11y import assert_accessible
from tests.gui.installed import installed
from tests.gui.test_session_menu import drive, fill_outcome
from tests.staff import staff

ALL_NO = {f.code: False for f in RED_FLAGS}


def make_window(qtbot, db, today):  # type: ignore[no-untyped-def]
    """Two patients training today (a Monday), the window on its home page."""
    from rehab_tracker.app import create_main_window

    a = build_patient(db, today, weeks_ago=2, given="Ana", family="Early")
    b = build_patient(db, today, weeks_ago=6, given="Ben", family="Later")
    win = create_main_window(db, today=today, principal=staff("tester"))
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    return a, b, win, installed(win, TodayFeature).view


def press(qtbot, win, shortcut: str) -> None:  # type: ignore[no-untyped-def]
    """Trigger the menu action bound to ``shortcut`` as the key would."""
    actions = [a for a in win.findChildren(QAction) if a.shortcut().toString() == shortcut]
    assert len(actions) == 1, shortcut
    actions[0].trigger()


def visit(qtbot, check):  # type: ignore[no-untyped-def]
    """The visit flow's steps for ``drive``: the red-flag screen all no, then the session form
    (``check(form)`` first) with the four pains typed, every exercise done as prescribed (issue
    11 item 2) and Save."""

    def screen(w):  # type: ignore[no-untyped-def]
        assert w.windowTitle().startswith("Red-flag screen") or w.isVisible()
        qtbot.keyClick(w.all_no, Qt.Key.Key_Space)
        qtbot.keyClick(w.continue_button, Qt.Key.Key_Space)

    def form(w):  # type: ignore[no-untyped-def]
        check(w)
        for value in ("3", "2", "1", "0"):
            qtbot.keyClicks(w.focusWidget(), value)
            qtbot.keyClick(w.focusWidget(), Qt.Key.Key_Tab)
        qtbot.keyClick(w.focusWidget(), Qt.Key.Key_D, Qt.KeyboardModifier.ControlModifier)
        qtbot.keyClick(w.focusWidget(), Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)

    return [(RedFlagDialog, screen), (SessionFormDialog, form)]


def test_today_is_the_home_and_lists_the_day(qtbot, db, today, answers) -> None:  # type: ignore[no-untyped-def]
    _, _, win, view = make_window(qtbot, db, today)
    assert win.showing_home() and view.isVisibleTo(win)
    assert not win.workspace.patient_view.isVisibleTo(win)
    day = view.day
    assert day.heading.text() == "Today: Monday 23 November 2026"
    assert [r.patient_name for r in day.sessions.rows] == ["Ana Early", "Ben Later"]
    assert day.sessions_title.text() == "Sessions today: 2 (2 to log)"
    assert day.flags_title.text() == "Red flags to review: none open"
    assert {(r.patient_name, r.timepoint) for r in day.assessments.rows} >= {
        ("Ana Early", "baseline"),
        ("Ben Later", "baseline"),
    }
    assert_accessible(view)
    for b in view.findChildren(type(day.log_button)):
        assert b.accessibleName() == b.text().replace("&", "").rstrip("…")

    # picking a patient in the list shows the patient; Ctrl+1 comes back to Today
    table = win.patient_list.table
    table.setFocus()
    qtbot.keyClick(table, Qt.Key.Key_Down)
    assert win.patient_list.selected_id() is not None
    assert win.workspace.patient_view.isVisibleTo(win) and not win.showing_home()
    press(qtbot, win, "Ctrl+1")
    assert win.showing_home() and win.focusWidget() is day.sessions_table


def test_enter_on_a_session_logs_it_and_the_view_updates(qtbot, db, today, answers) -> None:  # type: ignore[no-untyped-def]
    a, _, win, view = make_window(qtbot, db, today)
    press(qtbot, win, "Ctrl+1")
    table = view.day.sessions_table
    assert win.focusWidget() is table
    assert view.day.sessions.rows[table.currentIndex().row()].patient_id == a.patient_id

    def check(w):  # type: ignore[no-untyped-def]
        assert w.form.patient_id == a.patient_id
        assert w.form.slot is not None and w.form.slot.scheduled_date == today

    done = drive(qtbot, win, visit(qtbot, check))
    qtbot.keyClick(table, Qt.Key.Key_Return)
    assert done == ["RedFlagDialog", "SessionFormDialog"]
    rows = a.services.sessions.history(a.patient_id)
    assert [(r.session_date, r.pain_back_before) for r in rows] == [(today, 3)]
    # still home, the list read again: Ana's session is logged
    assert win.showing_home()
    states = {r.patient_name: r.state_text for r in view.day.sessions.rows}
    assert states == {"Ana Early": "attended", "Ben Later": "to log"}
    assert view.day.sessions_title.text() == "Sessions today: 2 (1 to log)"
    assert win.patient_list.selected_id() == a.patient_id


def test_enter_on_a_red_flag_records_its_outcome(qtbot, db, today, answers) -> None:  # type: ignore[no-untyped-def]
    _, b, win, view = make_window(qtbot, db, today)
    slot = next(s for s in b.services.sessions.slots(b.patient_id) if s.scheduled_date == today)
    b.services.sessions.record_red_flag_stop(
        b.patient_id,
        slot.id,
        {**ALL_NO, "new_both_legs": True},
        session_date=today,
        today=today,
    )
    win.workspace.refresh()
    flags = view.day.flags_table
    assert [r.patient_name for r in view.day.flags.rows] == ["Ben Later"]
    assert view.day.flags_title.text() == "Red flags to review: 1"
    states = {r.patient_name: r.state_text for r in view.day.sessions.rows}
    assert states["Ben Later"] == "stopped: red flag"

    def referral(w):  # type: ignore[no-untyped-def]
        fill_outcome(qtbot, w)
        qtbot.keyClick(w.save_button, Qt.Key.Key_Space)

    done = drive(qtbot, win, [(RedFlagOutcomeDialog, referral)])
    flags.setFocus()
    qtbot.keyClick(flags, Qt.Key.Key_Return)
    assert done == ["RedFlagOutcomeDialog"]
    [alert] = b.services.sessions.open_red_flags(b.patient_id)  # a referral is not a clearance
    assert alert.referred_to == "emergency_department"
    assert view.day.flags.rows[0].alert.follow_up.startswith("referred to: Emergency department")
    assert win.showing_home()


def test_enter_on_an_assessment_opens_the_assessment_screen_at_its_time_point(  # type: ignore[no-untyped-def]
    qtbot, db, today, answers
) -> None:
    a, _, win, view = make_window(qtbot, db, today)
    day = view.day
    row = next(
        i
        for i, r in enumerate(day.assessments.rows)
        if (r.patient_name, r.timepoint) == ("Ana Early", "baseline")
    )
    table = day.assessments_table
    table.setFocus()
    table.setCurrentIndex(day.assessments.index(row, 0))

    def screen(w):  # type: ignore[no-untyped-def]
        assert w.timepoint.currentData() == "baseline"
        for field in w.odi_fields:
            qtbot.keyClicks(field, "1")
        qtbot.keyClick(w, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)

    done = drive(qtbot, win, [(AssessmentDialog, screen)])
    qtbot.keyClick(table, Qt.Key.Key_Return)
    assert done == ["AssessmentDialog"]
    [recorded] = a.services.outcomes.history(a.patient_id)
    assert recorded.timepoint == "baseline"
    # the review is done only once every instrument is recorded or skipped: still listed,
    # without the ODI among what it needs
    [still] = [
        r
        for r in day.assessments.rows
        if (r.patient_name, r.timepoint) == ("Ana Early", "baseline")
    ]
    assert "odi" not in still.missing and still.missing


def _type_date(qtbot, field, day: dt.date) -> None:  # type: ignore[no-untyped-def]
    field.setFocus()
    field.selectAll()
    qtbot.keyClicks(field, day.isoformat())
    qtbot.keyClick(field, Qt.Key.Key_Tab)


def _type_time(qtbot, dialog, text: str) -> None:  # type: ignore[no-untyped-def]
    """Tab from the date into the time (its hour selected) and type, e.g. "1745"."""
    assert dialog.focusWidget() is dialog.time
    qtbot.keyClicks(dialog.time, text)


def test_the_week_and_moving_a_session_by_keyboard(qtbot, db, today, answers) -> None:  # type: ignore[no-untyped-def]
    _, _, win, view = make_window(qtbot, db, today)
    press(qtbot, win, "Ctrl+2")
    week = view.week
    assert view.currentWidget() is week and win.focusWidget() is week.table
    assert week.heading.text() == (
        "Week of Monday 23 November 2026 to Sun 29 Nov: 6 sessions"
    )  # 2 patients x 3 days
    first = week.current()
    assert first is not None and first.patient_name == "Ana Early" and first.day == today
    assert week.model.headerData(1, Qt.Orientation.Horizontal) == "Tue 24 Nov"
    tuesday = today + dt.timedelta(days=1)

    def move(w):  # type: ignore[no-untyped-def]
        assert w.windowTitle() == "Move session"
        assert_accessible(w)
        _type_date(qtbot, w.date, tuesday)
        _type_time(qtbot, w, "1745")
        qtbot.keyClick(w.findChild(type(week.log_button), "saveButton"), Qt.Key.Key_Space)

    done = drive(qtbot, win, [(BookingDialog, move)])
    week.move_button.setFocus()  # the cell stays current while the button has the focus
    qtbot.keyClick(week.move_button, Qt.Key.Key_Space)
    assert done == ["BookingDialog"]
    moved = [x for x in week.model.days[1]]
    assert [(x.patient_name, x.time_text, x.slot_id) for x in moved] == [
        ("Ana Early", "17:45", first.slot_id)
    ]
    assert [x.patient_name for x in week.model.days[0]] == ["Ben Later"]
    assert "17:45 Ana Early" in week.model.data(week.model.index(0, 1))
    # the Today page is read again when shown: Ana is no longer on Monday's list
    press(qtbot, win, "Ctrl+1")
    assert [r.patient_name for r in view.day.sessions.rows] == ["Ben Later"]
    # the next week, and back
    press(qtbot, win, "Ctrl+2")
    qtbot.keyClick(week.next_button, Qt.Key.Key_Space)
    assert week.heading.text().startswith("Week of Monday 30 November 2026")
    qtbot.keyClick(week.this_button, Qt.Key.Key_Space)
    assert week.heading.text().startswith("Week of Monday 23 November 2026")


def test_booking_refuses_a_past_date_at_the_field(qtbot, db, today, answers) -> None:  # type: ignore[no-untyped-def]
    _, b, win, view = make_window(qtbot, db, today)
    seen = {}

    def book(w):  # type: ignore[no-untyped-def]
        assert w.windowTitle() == "Book session"
        assert_accessible(w)
        w.patient.setFocus()
        index = w.patient.findText("Ben Later", Qt.MatchFlag.MatchStartsWith)
        w.patient.setCurrentIndex(index)
        assert w.chosen() is not None and w.chosen().patient_id == b.patient_id
        _type_date(qtbot, w.date, today - dt.timedelta(days=3))
        qtbot.keyClick(w.findChild(type(view.day.log_button), "saveButton"), Qt.Key.Key_Space)
        seen["error"] = w.form.errors["date"].text()
        seen["open"] = w.isVisible()
        _type_date(qtbot, w.date, today + dt.timedelta(days=1))
        _type_time(qtbot, w, "0800")
        qtbot.keyClick(w.findChild(type(view.day.log_button), "saveButton"), Qt.Key.Key_Space)

    done = drive(qtbot, win, [(BookingDialog, book)])
    win.findChild(QAction, "bookSession").trigger()
    assert done == ["BookingDialog"]
    assert seen == {
        "error": f"A session is booked for today ({today.isoformat()}) or later.",
        "open": True,
    }
    booked = [x for x in b.services.schedule.week(today) if x.patient_id == b.patient_id]
    assert (today + dt.timedelta(days=1), dt.time(8, 0)) in [(x.day, x.time) for x in booked]
    assert win.statusBar().currentMessage() == "Book session: saved."


def test_a_session_choice_reads_as_a_sentence() -> None:
    """The choice read "planned 2026-12-02 no time set", a run-on (walkthrough of issue 11)."""
    import uuid
    from dataclasses import replace

    from rehab_tracker.services.schedule import Appointment
    from rehab_tracker.ui.today.booking import slot_text

    a = Appointment(
        slot_id=uuid.uuid4(),
        version=1,
        patient_id=uuid.uuid4(),
        record_number="RT-1",
        patient_name="Ana Early",
        program_id=uuid.uuid4(),
        number=3,
        week=1,
        kind="exercise",
        day=dt.date(2026, 12, 2),
        time=None,
        scheduled_on=dt.date(2026, 12, 2),
    )
    assert slot_text(a) == "Session 3 (week 1), planned 2026-12-02, no time set"
    booked = replace(a, time=dt.time(9, 30))
    assert slot_text(booked) == "Session 3 (week 1), planned 2026-12-02 at 09:30"


# --- missed sessions; a session logged on another day (walkthrough of issue 11) -------------


def test_missed_sessions_are_listed_and_enter_logs_one_late(qtbot, db, today, answers) -> None:  # type: ignore[no-untyped-def]
    a, _, win, view = make_window(qtbot, db, today)
    day = view.day
    items = a.services.schedule.today(today=today)
    assert items.missed and items.missed_older > 0
    assert [r.slot_id for r in day.missed.rows] == [x.slot_id for x in items.missed]
    assert day.missed_title.text() == (
        f"Missed / not logged in the last 14 days (clinic default): {len(items.missed)}; "
        f"{items.missed_older} earlier not shown (each patient's Sessions tab)"
    )
    first = day.missed.rows[0]
    assert day.missed.data(day.missed.index(0, 0)) == short_day(first.scheduled_on)
    assert day.missed.data(day.missed.index(0, 4)) == "not logged"
    assert day.missed_table.accessibleName() == "Missed sessions"
    assert_accessible(view)

    table = day.missed_table
    table.setFocus()
    assert table.currentIndex().row() == 0
    seen = {}

    def check(w):  # type: ignore[no-untyped-def]
        seen["slot"] = w.form.slot.id
        seen["note"] = w.day_notes.text()

    done = drive(qtbot, win, visit(qtbot, check))
    qtbot.keyClick(table, Qt.Key.Key_Return)
    assert done == ["RedFlagDialog", "SessionFormDialog"]
    assert seen["slot"] == first.slot_id
    assert seen["note"].startswith("This fills the ")
    assert f" booked for {short_day(first.scheduled_on)}" in seen["note"]
    assert seen["note"].endswith(f"logged {(today - first.scheduled_on).days} days after it.")
    # logged today: off the missed list, on today's list as done with the day it was planned
    assert first.slot_id not in [r.slot_id for r in day.missed.rows]
    assert len(day.missed.rows) == len(items.missed) - 1
    assert day.missed_title.text().startswith(
        f"Missed / not logged in the last 14 days (clinic default): {len(items.missed) - 1};"
    )
    [logged] = [r for r in day.sessions.rows if r.slot_id == first.slot_id]
    assert logged.state_text == f"attended (planned {short_day(first.scheduled_on)})"
    assert day.sessions_title.text() == "Sessions today: 3 (2 to log)"


def test_a_missed_session_moves_to_a_new_date(qtbot, db, today, answers) -> None:  # type: ignore[no-untyped-def]
    _, _, win, view = make_window(qtbot, db, today)
    day = view.day
    before = list(day.missed.rows)
    table = day.missed_table
    table.setFocus()
    table.setCurrentIndex(day.missed.index(1, 0))
    moving = before[1]
    tuesday = today + dt.timedelta(days=1)

    def move(w):  # type: ignore[no-untyped-def]
        assert w.windowTitle() == "Move session"
        assert w.date.value() == today  # not before today
        _type_date(qtbot, w.date, tuesday)
        _type_time(qtbot, w, "1100")
        qtbot.keyClick(w.findChild(type(day.log_button), "saveButton"), Qt.Key.Key_Space)

    done = drive(qtbot, win, [(BookingDialog, move)])
    assert day.move_missed_button.text() == "Mov&e missed session…"
    qtbot.keyClick(day.move_missed_button, Qt.Key.Key_Space)
    assert done == ["BookingDialog"]
    assert [r.slot_id for r in day.missed.rows] == [r.slot_id for r in before if r is not moving]
    week = [x for x in win.workspace.services.schedule.week(today) if x.slot_id == moving.slot_id]
    assert [(x.day, x.time_text) for x in week] == [(tuesday, "11:00")]


def test_a_session_logged_ahead_leaves_its_day(qtbot, db, today, answers) -> None:  # type: ignore[no-untyped-def]
    """Ana's Wednesday session logged today (ahead): Wednesday's list no longer has it; today's
    has it done, saying when it was planned."""
    a, _, win, view = make_window(qtbot, db, today)
    wednesday = today + dt.timedelta(days=2)
    wed = next(s for s in a.services.sessions.slots(a.patient_id) if s.scheduled_date == wednesday)
    a.services.sessions.save(
        a.patient_id, wed.id, SessionEntry(today, red_flags=ALL_NO), today=today
    )
    win.workspace.refresh()
    rows = {r.slot_id: r for r in view.day.sessions.rows}
    assert rows[wed.id].state_text == "attended (planned Wed 25 Nov)"
    assert view.day.sessions_title.text() == "Sessions today: 3 (2 to log)"
    press(qtbot, win, "Ctrl+2")
    week = view.week
    assert wed.id not in [x.slot_id for x in week.model.days[2]]
    assert wed.id in [x.slot_id for x in week.model.days[0]]


def test_with_nothing_missed_the_group_is_only_its_title(qtbot, db, today, answers) -> None:  # type: ignore[no-untyped-def]
    a, _, win, view = make_window(qtbot, db, today)
    day = view.day
    for r in list(day.missed.rows):
        a.services.sessions.save(
            r.patient_id, r.slot_id, SessionEntry(r.scheduled_on, red_flags=ALL_NO), today=today
        )
    win.workspace.refresh()
    older = a.services.schedule.today(today=today).missed_older
    assert day.missed.rows == []
    assert day.missed_title.text() == (
        "Missed / not logged in the last 14 days (clinic default): none; "
        f"{older} earlier not shown (each patient's Sessions tab)"
    )
    assert day.missed_title.isVisible()
    assert not day.missed_table.isVisible() and not day.log_late_button.isVisible()
