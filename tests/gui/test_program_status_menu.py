"""Program > Pause Program…, Resume Program, Complete Program…, Stop Program Early… in the real
main window, driven as a user does: the menu action, typing into the dialog's fields (the date
field: Tab in, type, Tab out), Save, the confirmation; the overview's status line, the patient
list and the Sessions tab's refusal follow (issue 11 item 11)."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction

from rehab_tracker.ui.program.feature import ProgramFeature
from rehab_tracker.ui.program.status_dialogs import ProgramStatusDialog
from rehab_tracker.ui.sessions.feature import SessionsFeature
from tests.gui.a11y import assert_accessible
from tests.gui.installed import installed
from tests.gui.test_session_menu import drive, make_window


def action(win, name):
    found = win.findChild(QAction, name)
    assert found is not None, name
    return found


def retype(qtbot, field, text):
    """Select the field's text and type ``text`` over it, then Tab out (as a user does)."""
    field.setFocus()
    qtbot.keyClick(field, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(field, Qt.Key.Key_Backspace)
    qtbot.keyClicks(field, text)
    qtbot.keyClick(field, Qt.Key.Key_Tab)


def test_pause_then_resume_from_the_menu(qtbot, db, today, answers):
    b, win = make_window(qtbot, db, today)
    feature = installed(win, ProgramFeature)
    assert action(win, "pauseProgram").isEnabled()
    assert not action(win, "resumeProgram").isEnabled()  # not paused
    assert not feature.status_line.isVisible()
    paused_on = today - dt.timedelta(days=7)

    def fill(w):
        assert_accessible(w)
        assert w.day.hasFocus()
        retype(qtbot, w.day, "")  # an empty date is refused at the field, nothing saved
        qtbot.mouseClick(w.save_button, Qt.MouseButton.LeftButton)
        assert w.fields.errors["paused_on"].text() == "Enter the date."
        retype(qtbot, w.day, paused_on.isoformat())
        qtbot.keyClicks(w.reason, "Revision operation")
        qtbot.mouseClick(w.save_button, Qt.MouseButton.LeftButton)

    done = drive(qtbot, win, [(ProgramStatusDialog, fill)])
    action(win, "pauseProgram").trigger()
    assert done == ["ProgramStatusDialog"]
    detail = b.services.programs.program(b.program_id)
    assert detail.status == "paused" and detail.paused_on == paused_on
    assert feature.status_line.isVisible()
    assert "paused since" in feature.status_line.text()
    assert "Revision operation" in feature.status_line.text()
    assert action(win, "resumeProgram").isEnabled() and not action(win, "pauseProgram").isEnabled()
    row = win.patient_list.selected_row()
    assert row is not None and row.program_status == "paused"
    win.patient_list.active_only.setChecked(True)  # "Active program only" leaves paused out
    assert win.patient_list.model.rowCount() == 0
    win.patient_list.active_only.setChecked(False)
    win.patient_list.select(b.patient_id)

    # Session > Log Session refuses before the red-flag screen
    action(win, "logSession").trigger()
    assert (
        win.workspace.patient_view.currentWidget() is installed(win, SessionsFeature).sessions_tab
    )
    assert answers["error"] and "paused since" in answers["error"][-1][1]

    action(win, "resumeProgram").trigger()
    title, question = answers["confirm"][-1]
    assert title == "Resume program" and "1 week later" in question
    after = b.services.programs.program(b.program_id)
    assert after.status == "active" and after.paused_days == 7
    assert not feature.status_line.isVisible()
    assert win.statusBar().currentMessage() == "Program resumed"


def test_complete_asks_for_the_end_assessment_and_confirms(qtbot, db, today, answers):
    b, win = make_window(qtbot, db, today, weeks_ago=13)
    steps = []

    def fill(w):
        assert_accessible(w)
        assert w.fields.labels["end_assessment"].isVisible()  # not recorded: a reason is asked
        assert "not recorded" in w.assessment.text()
        qtbot.keyClicks(w.reason, "Goals met")
        qtbot.mouseClick(w.save_button, Qt.MouseButton.LeftButton)
        steps.append(w.fields.errors["end_assessment"].text())
        w.skip_reason.setFocus()
        qtbot.keyClicks(w.skip_reason, "Moved away before the last visit")
        answers["confirm_reply"].append(False)  # No: nothing saved, the dialog stays
        qtbot.mouseClick(w.save_button, Qt.MouseButton.LeftButton)
        steps.append(b.services.programs.program(b.program_id).status)
        answers["confirm_reply"].append(True)
        qtbot.keyClick(w.skip_reason, Qt.Key.Key_Return)  # Enter: the default button, Save

    done = drive(qtbot, win, [(ProgramStatusDialog, fill)])
    action(win, "completeProgram").trigger()
    assert done == ["ProgramStatusDialog"]
    assert "end-of-program assessment is not recorded" in steps[0]
    assert steps[1] == "active"
    assert "Complete" in answers["confirm"][-1][1] and "doses" in answers["confirm"][-1][1]
    detail = b.services.programs.program(b.program_id)
    assert detail.status == "completed" and detail.end_reason == "Goals met"
    assert detail.end_assessment_skip_reason == "Moved away before the last visit"
    feature = installed(win, ProgramFeature)
    assert f"completed on {today.isoformat()}" in feature.status_line.text()
    # the list flags the completed program and leaves it out of "Active program only"
    patients = win.patient_list
    row = next(r for r in patients.model.rows if r.id == b.patient_id)
    assert row.program_status == "completed" and row.program_week is None
    flags = patients.model.index(patients.model.position_of(b.patient_id), 7).data()
    assert "Program completed" in flags
    patients.active_only.setChecked(True)
    assert patients.model.rowCount() == 0
    patients.active_only.setChecked(False)
    patients.select(b.patient_id)
    for name in ("pauseProgram", "resumeProgram", "completeProgram", "stopProgram"):
        assert not action(win, name).isEnabled(), name


def test_complete_with_the_end_assessment_recorded_asks_no_reason(qtbot, db, today, answers):
    b, win = make_window(qtbot, db, today, weeks_ago=13)
    b.services.outcomes.record_nprs(
        b.patient_id, back=2, leg=1, assessed_on=today, today=today, timepoint="end"
    )
    seen = []

    def fill(w):
        seen.append((w.assessment.text(), w.fields.labels["end_assessment"].isVisible()))
        qtbot.mouseClick(w.save_button, Qt.MouseButton.LeftButton)

    drive(qtbot, win, [(ProgramStatusDialog, fill)])
    action(win, "completeProgram").trigger()
    assert seen == [("End-of-program assessment: recorded.", False)]
    assert b.services.programs.program(b.program_id).status == "completed"


def test_stop_early_needs_a_reason(qtbot, db, today, answers):
    b, win = make_window(qtbot, db, today)
    messages = []

    def fill(w):
        assert_accessible(w)
        assert w.windowTitle() == "Stop program early"
        qtbot.mouseClick(w.save_button, Qt.MouseButton.LeftButton)
        messages.append(w.fields.errors["reason"].text())
        w.reason.setFocus()
        qtbot.keyClicks(w.reason, "Recurrent herniation: surgical review")
        qtbot.mouseClick(w.save_button, Qt.MouseButton.LeftButton)

    done = drive(qtbot, win, [(ProgramStatusDialog, fill)])
    action(win, "stopProgram").trigger()
    assert done == ["ProgramStatusDialog"]
    assert messages == ["Say why the program is stopped early."]
    detail = b.services.programs.program(b.program_id)
    assert detail.status == "stopped" and detail.end_reason.startswith("Recurrent herniation")
    assert win.statusBar().currentMessage() == "Program stopped early"
