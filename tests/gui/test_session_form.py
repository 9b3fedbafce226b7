"""The session form and the red-flag screen, driven through real widgets with the keyboard."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "services"))
from test_sessions_support import build_patient

from rehab_tracker.domain.redflags import RED_FLAGS
from rehab_tracker.domain.sessions import mark_all_done
from rehab_tracker.services.patients import PatientRow
from rehab_tracker.ui.sessions.acknowledge import RedFlagOutcomeDialog
from rehab_tracker.ui.sessions.redflag_dialog import RedFlagDialog
from rehab_tracker.ui.sessions.session_form import SessionFormDialog
from rehab_tracker.ui.sessions.session_tab import SessionsTab, SessionTableModel

ALL_NO = {f.code: False for f in RED_FLAGS}


@pytest.fixture
def built(db, today):
    b = build_patient(db, today)
    s = b.services.sessions
    # log the education session so the next slot is an exercise session
    slot = s.next_slot(b.patient_id)
    if slot.kind == "education":
        form = s.new_form(b.patient_id, slot.id, today=today)
        s.save(b.patient_id, slot.id, form.entry.__class__(**{**mark_all_done(form.entry).__dict__,
               "red_flags": ALL_NO, "session_date": slot.scheduled_date}), today=today)
    return b


def row_for(b) -> PatientRow:
    return next(r for r in b.services.patients.list_patients(today=dt.date(2026, 11, 23))
                if r.id == b.patient_id)


def open_form(qtbot, b, today):
    slot = b.services.sessions.next_slot(b.patient_id)
    form = b.services.sessions.new_form(b.patient_id, slot.id, today=today)
    dialog = SessionFormDialog(b.services, form, lambda: today, red_flags=ALL_NO)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    dialog.activateWindow()
    qtbot.waitUntil(dialog.isActiveWindow, timeout=2000)
    return slot, dialog


def test_keyboard_only_session(qtbot, built, today):
    _slot, dialog = open_form(qtbot, built, today)
    assert dialog.focusWidget() is dialog.pain["pain_back_before"]
    # back before, leg before, back after, leg after: type and Tab
    for value in ("4", "3", "2", "1"):
        qtbot.keyClicks(dialog.focusWidget(), value)
        qtbot.keyClick(dialog.focusWidget(), Qt.Key.Key_Tab)
    box = dialog.exercise_boxes[0]
    effort = box.rows[0]["effort"]
    effort.setFocus()
    qtbot.keyClicks(effort, "5")
    qtbot.keyClick(dialog, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert dialog.result() == dialog.DialogCode.Accepted
    saved = built.services.sessions.edit_form(dialog.saved_id)
    assert (saved.entry.pain_back_before, saved.entry.pain_leg_before) == (4, 3)
    assert (saved.entry.pain_back_after, saved.entry.pain_leg_after) == (2, 1)
    assert saved.entry.exercises[0].sets[0].effort == 5
    assert saved.entry.exercises[0].sets[0].reps == box.exercise.sets[0].reps  # prefilled
    assert saved.red_flag_result == "clear"
    # the draft is gone once saved
    assert built.services.drafts.list_drafts("session:") == []


def test_pain_eleven_refused_at_the_field(qtbot, built, today):
    _slot, dialog = open_form(qtbot, built, today)
    field = dialog.pain["pain_back_before"]
    qtbot.keyClicks(field, "11")
    assert field.error.isVisible() or not dialog.isVisible()
    assert "0 to 10" in field.error.text()
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert dialog.isVisible() and dialog.saved_id is None
    assert built.services.sessions.history(built.patient_id)[-1].number == 0  # only education


def test_set_effort_out_of_range_refused(qtbot, built, today):
    _slot, dialog = open_form(qtbot, built, today)
    effort = dialog.exercise_boxes[0].rows[0]["effort"]
    qtbot.keyClicks(effort, "12")
    assert "Effort" in dialog.exercise_boxes[0].error.text()
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert dialog.saved_id is None


@pytest.mark.parametrize(
    ("offset", "words"), [(1, "future"), (-400, "before the surgery")]
)
def test_bad_date_refused(qtbot, built, today, offset, words):
    _slot, dialog = open_form(qtbot, built, today)
    dialog.date.setFocus()
    dialog.date.set_value(dialog.date.value() + dt.timedelta(days=offset))
    label = dialog.fields.errors["session_date"]
    assert words in label.text()
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert dialog.saved_id is None
    assert words in label.text()


def test_same_slot_twice_refused(qtbot, built, today):
    slot, first = open_form(qtbot, built, today)
    # a second form for the same slot is opened before the first is saved (two workstations)
    form2 = built.services.sessions.new_form(built.patient_id, slot.id, today=today)
    second = SessionFormDialog(built.services, form2, lambda: today, red_flags=ALL_NO)
    qtbot.addWidget(second)
    qtbot.keyClick(first, Qt.Key.Key_D, Qt.KeyboardModifier.ControlModifier)  # all done
    qtbot.mouseClick(second.all_done_button, Qt.MouseButton.LeftButton)
    qtbot.keyClick(first, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert first.saved_id is not None
    qtbot.mouseClick(second.save_button, Qt.MouseButton.LeftButton)
    assert second.saved_id is None
    assert "already logged" in second.banner.text()


def test_missed_session_needs_a_reason(qtbot, built, today):
    _slot, dialog = open_form(qtbot, built, today)
    dialog.attended.setChecked(False)
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert "missed" in dialog.fields.errors["missed_reason"].text()
    qtbot.keyClicks(dialog.missed_reason, "unwell")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert dialog.saved_id is not None


def test_draft_restored_after_close(qtbot, built, today):
    slot, dialog = open_form(qtbot, built, today)
    qtbot.keyClicks(dialog.pain["pain_back_before"], "6")
    qtbot.keyClicks(dialog.notes, "stiff this morning")
    with qtbot.waitSignal(dialog.autosave.saved, timeout=3000):
        pass
    dialog.close()
    form = built.services.sessions.new_form(built.patient_id, slot.id, today=today)
    again = SessionFormDialog(built.services, form, lambda: today)
    qtbot.addWidget(again)
    assert again.pain["pain_back_before"].text() == "6"
    assert again.notes.toPlainText() == "stiff this morning"
    assert "restored" in again.status.text()


def test_a_draft_from_before_the_hold_was_renamed_keeps_its_hold(qtbot, built, today):
    """Drafts typed before the upgrade stored a set's hold under ``hold_s``; reopened, the form
    shows it under the one spelling ``hold_seconds``."""
    slot, dialog = open_form(qtbot, built, today)
    box = next(b for b in dialog.exercise_boxes if "hold_seconds" in b.rows[0])
    payload = dialog.payload()
    dialog.close()
    exercise_id = str(box.exercise.exercise_id)
    saved = next(e for e in payload["exercises"] if e["exercise_id"] == exercise_id)
    for row in saved["sets"]:
        row["hold_s"] = "17"
        del row["hold_seconds"]
    from rehab_tracker.services.drafts import session_key

    built.services.drafts.save(session_key(built.patient_id, slot.id), payload)
    form = built.services.sessions.new_form(built.patient_id, slot.id, today=today)
    again = SessionFormDialog(built.services, form, lambda: today)
    qtbot.addWidget(again)
    reopened = next(b for b in again.exercise_boxes if str(b.exercise.exercise_id) == exercise_id)
    assert [row["hold_seconds"].text() for row in reopened.rows] == ["17"] * len(saved["sets"])


def test_adverse_event_and_correction(qtbot, built, today, answers):
    _slot, dialog = open_form(qtbot, built, today)
    qtbot.mouseClick(dialog.add_event_button, Qt.MouseButton.LeftButton)
    row = dialog.event_rows[0]
    qtbot.keyClicks(row.description, "calf cramp")
    row.severity.setCurrentText("moderate")
    qtbot.keyClicks(row.action, "stretched, stopped exercise 3")
    qtbot.keyClick(dialog, Qt.Key.Key_D, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(dialog, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    sid = dialog.saved_id
    form = built.services.sessions.edit_form(sid)
    assert form.entry.adverse_events[0].severity == "moderate"
    fix = SessionFormDialog(built.services, form, lambda: today)
    qtbot.addWidget(fix)
    qtbot.keyClicks(fix.pain["pain_leg_after"], "2")
    qtbot.mouseClick(fix.save_button, Qt.MouseButton.LeftButton)
    assert built.services.sessions.edit_form(sid).entry.pain_leg_after == 2


def answer_yes(qtbot, b, today, code):
    """The screen of the next slot answered no to everything but ``code``, then Continue."""
    slot = b.services.sessions.next_slot(b.patient_id)
    screen = RedFlagDialog(b.services, b.patient_id, slot, lambda: today)
    qtbot.addWidget(screen)
    screen.show()
    qtbot.mouseClick(screen.all_no, Qt.MouseButton.LeftButton)
    screen.yes[code].click()
    qtbot.mouseClick(screen.continue_button, Qt.MouseButton.LeftButton)
    return screen


def test_an_emergency_answer_stops_the_session_and_the_referral_is_recorded(
    qtbot, built, today, answers
):
    """A yes to calf pain or swelling (possible DVT): the session stops, the message says call
    emergency services, and "Record advice and referral" records what followed at once; the
    Sessions tab then shows the flag, the referral and that it is not cleared."""
    screen = answer_yes(qtbot, built, today, "calf")
    assert screen.outcome == "positive" and screen.stopped_session_id is not None
    text = screen.message.text()
    assert text.startswith("SESSION STOPPED. EMERGENCY: stop the session and call emergency "
                           "services now.")
    assert "possible deep vein thrombosis" in text
    assert not screen.yes["calf"].isEnabled()  # the answers are stored as they are
    assert screen.record_outcome_button.isVisible()
    assert screen.focusWidget() is screen.record_outcome_button

    def referral(w):
        w.advice.setFocus()
        qtbot.keyClicks(w.advice, "Ambulance called: possible DVT.")
        w.referred_to.setFocus()
        qtbot.keyClick(w.referred_to, Qt.Key.Key_Down)  # Emergency services called
        qtbot.keyClick(w.save_button, Qt.Key.Key_Space)

    QTimer.singleShot(0, lambda: _when_active(qtbot, RedFlagOutcomeDialog, referral))
    qtbot.keyClick(screen.record_outcome_button, Qt.Key.Key_Space)
    assert not screen.record_outcome_button.isEnabled()
    assert screen.record_outcome_button.text() == "Advice and referral recorded"
    tab = SessionsTab(built.services, lambda: today)
    qtbot.addWidget(tab)
    tab.show()  # tabs load when shown
    tab.set_patient(row_for(built))
    assert tab.alerts.isVisibleTo(tab) and "calf pain or swelling" in tab.alerts.text()
    assert "Referred to: Emergency services called; not cleared" in tab.alerts.text()
    assert row_for(built).open_red_flag
    cells = [tab.model.data(tab.model.index(i, 5)) for i in range(tab.model.rowCount())]
    assert [c for c in cells if c.startswith("POSITIVE")] == [
        "POSITIVE (emergency): referred to: Emergency services called; not cleared (exercise "
        "and progression on hold)"]


def test_an_urgent_answer_stops_but_is_not_an_emergency_call(qtbot, built, today, answers):
    screen = answer_yes(qtbot, built, today, "one_sided_leg")
    assert screen.outcome == "positive"
    text = screen.message.text()
    assert "not an emergency call" in text and "review today with the surgeon or GP" in text
    assert "possible recurrent disc herniation" in text


def _when_active(qtbot, kind, action, tries=100):
    w = QApplication.activeModalWidget()
    if isinstance(w, kind) and w.isActiveWindow():
        action(w)
    elif tries:
        if isinstance(w, kind):
            w.activateWindow()
        QTimer.singleShot(30, lambda: _when_active(qtbot, kind, action, tries - 1))
    elif w is not None:
        w.reject()


def test_red_flag_incomplete_and_clear(qtbot, built, today):
    slot = built.services.sessions.next_slot(built.patient_id)
    screen = RedFlagDialog(built.services, built.patient_id, slot, lambda: today)
    qtbot.addWidget(screen)
    screen.show()
    screen.activateWindow()
    qtbot.waitUntil(screen.isActiveWindow, timeout=2000)
    qtbot.mouseClick(screen.continue_button, Qt.MouseButton.LeftButton)
    assert screen.outcome is None and "unanswered" in screen.message.text()
    qtbot.keyClick(screen.all_no, Qt.Key.Key_Space)  # "All answers no", from the keyboard
    qtbot.mouseClick(screen.continue_button, Qt.MouseButton.LeftButton)
    assert screen.outcome == "clear"


def test_tab_flow_log_next_by_keyboard_then_delete_and_undo(qtbot, built, today, answers):
    tab = SessionsTab(built.services, lambda: today)
    qtbot.addWidget(tab)
    tab.set_patient(row_for(built))
    tab.show()
    steps = []

    def drive_screen():
        w = QApplication.activeModalWidget()
        if isinstance(w, RedFlagDialog):
            qtbot.keyClick(w.all_no, Qt.Key.Key_Space)
            qtbot.keyClick(w.continue_button, Qt.Key.Key_Space)
            steps.append("screen")
            QTimer.singleShot(50, drive_form)
        else:
            QTimer.singleShot(50, drive_screen)

    def drive_form():
        w = QApplication.activeModalWidget()
        if isinstance(w, SessionFormDialog) and not w.isActiveWindow():
            w.activateWindow()
            QTimer.singleShot(50, drive_form)
        elif isinstance(w, SessionFormDialog):
            qtbot.keyClicks(w.focusWidget(), "3")
            qtbot.keyClick(w.focusWidget(), Qt.Key.Key_D, Qt.KeyboardModifier.ControlModifier)
            qtbot.keyClick(w.focusWidget(), Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
            steps.append("form")
        else:
            QTimer.singleShot(50, drive_form)

    def give_up():  # never hang the suite: close whatever is still open
        w = QApplication.activeModalWidget()
        if w is not None:
            w.reject()

    QTimer.singleShot(50, drive_screen)
    QTimer.singleShot(8000, tab, give_up)
    qtbot.keyClick(tab.log_next_button, Qt.Key.Key_Space)
    assert steps == ["screen", "form"]
    rows = tab.model.rows
    assert rows[-1].pain_back_before == 3 and rows[-1].red_flag_result == "clear"
    assert "2 of" in tab.adherence.text() or "1 of" in tab.adherence.text()
    # delete (confirmed) and undo
    tab.table.selectRow(tab.proxy.mapFromSource(tab.model.index(len(rows) - 1, 0)).row())
    before = len(tab.model.rows)
    qtbot.mouseClick(tab.delete_button, Qt.MouseButton.LeftButton)
    assert answers["confirm"] and len(tab.model.rows) == before - 1
    qtbot.mouseClick(tab.undo_button, Qt.MouseButton.LeftButton)
    assert len(tab.model.rows) == before


def test_delete_log_again_then_undo_is_refused_with_the_date(qtbot, built, today, answers):
    s = built.services.sessions
    slot = s.next_slot(built.patient_id)
    form = s.new_form(built.patient_id, slot.id, today=today)
    first = s.save(built.patient_id, slot.id, form.entry.__class__(
        **{**mark_all_done(form.entry).__dict__, "red_flags": ALL_NO}), today=today)
    tab = SessionsTab(built.services, lambda: today)
    qtbot.addWidget(tab)
    tab.set_patient(row_for(built))
    tab.show()
    tab.reload()
    row = next(i for i, r in enumerate(tab.model.rows) if r.id == first)
    tab.table.selectRow(tab.proxy.mapFromSource(tab.model.index(row, 0)).row())
    qtbot.mouseClick(tab.delete_button, Qt.MouseButton.LeftButton)
    assert first not in [r.id for r in tab.model.rows] and tab.undo_button.isEnabled()
    # the same slot is logged again (the deleted log no longer blocks it)
    again = dt.date(2026, 11, 22)
    form = s.new_form(built.patient_id, slot.id, today=today)
    s.save(built.patient_id, slot.id, form.entry.__class__(
        **{**mark_all_done(form.entry).__dict__,
            "session_date": again, "red_flags": ALL_NO}), today=today)
    tab.reload()
    qtbot.mouseClick(tab.undo_button, Qt.MouseButton.LeftButton)
    assert len(answers["error"]) == 1
    title, text = answers["error"][0]
    assert title == "Undo delete"
    assert f"logged again on {again.isoformat()}" in text and slot.label in text
    assert not tab.undo_button.isEnabled()
    assert first not in [r.id for r in tab.model.rows]
    assert first in [r.id for r in s.history(built.patient_id, include_deleted=True)]


def test_table_model(qtmodeltester, built, today):
    model = SessionTableModel()
    model.set_rows(built.services.sessions.history(built.patient_id))
    qtmodeltester.check(model)
