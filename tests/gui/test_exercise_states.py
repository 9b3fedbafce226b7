"""Each exercise of the session form is explicitly recorded (issue 11 item 2): "Not recorded"
(untouched: not stored), "Done as prescribed", "Changed" (values edited) or "Not done"."""

from __future__ import annotations

from PySide6.QtCore import Qt

from tests.gui import test_session_form as base
from tests.gui.a11y import assert_accessible

built = base.built  # a patient whose next slot is an exercise session
open_form = base.open_form


def retype(qtbot, field, text):
    field.setFocus()
    field.selectAll()
    qtbot.keyClicks(field, text)


def saved_row(b, session_id):
    return next(r for r in b.services.sessions.history(b.patient_id) if r.id == session_id)


def test_editing_only_exercise_one_records_only_exercise_one(qtbot, built, today):
    _slot, dialog = open_form(qtbot, built, today)
    assert len(dialog.exercise_boxes) > 1
    first = dialog.exercise_boxes[0]
    retype(qtbot, first.rows[0]["reps"], "7")
    qtbot.keyClick(dialog, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert dialog.saved_id is not None, dialog.banner.text()
    row = saved_row(built, dialog.saved_id)
    assert row.exercises == 1
    assert row.sets == len(first.rows)


def statuses(dialog):
    return [box.status_code() for box in dialog.exercise_boxes]


def test_nothing_recorded_is_refused_then_ctrl_d_in_a_set_field_marks_the_rest_done(
    qtbot, built, today
):
    _slot, dialog = open_form(qtbot, built, today)
    assert set(statuses(dialog)) == {"not_recorded"}  # prefilled is not done
    qtbot.keyClick(dialog, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert dialog.saved_id is None and dialog.isVisible()
    assert "No exercise is recorded" in dialog.banner.text()
    assert dialog.focusWidget() is dialog.all_done_button
    assert built.services.sessions.history(built.patient_id)[-1].number == 0  # nothing saved
    first, second = dialog.exercise_boxes[:2]
    assert dialog.banner.isVisible()
    retype(qtbot, first.rows[0]["reps"], "7")
    assert first.status_code() == "changed" and "Changed" in first.title()
    # the key works from inside a set field, and leaves the changed exercise as it is
    second.rows[0]["effort"].setFocus()
    qtbot.keyClick(second.rows[0]["effort"], Qt.Key.Key_D, Qt.KeyboardModifier.ControlModifier)
    assert statuses(dialog) == ["changed"] + ["done"] * (len(dialog.exercise_boxes) - 1)
    assert not dialog.banner.isVisible()  # the refusal was answered
    assert first.rows[0]["reps"].text() == "7"
    assert dialog.recorded.text().startswith(f"{len(dialog.exercise_boxes)} of ")
    qtbot.keyClick(dialog, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert dialog.saved_id is not None, dialog.banner.text()
    saved = built.services.sessions.edit_form(dialog.saved_id).entry.exercises
    assert [e.status for e in saved] == statuses(dialog)
    assert saved[0].sets[0].reps == 7


def test_all_done_button_has_its_label_as_accessible_name(qtbot, built, today):
    _slot, dialog = open_form(qtbot, built, today)
    assert_accessible(dialog)  # each Status too: its accessible name is its label's text
    button = dialog.all_done_button
    assert button.accessibleName() == button.text() == "All done as prescribed"
    assert "Ctrl+D" in button.toolTip()
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    assert set(statuses(dialog)) == {"done"}


def test_effort_typed_alone_is_done_as_prescribed_and_done_puts_the_plan_back(
    qtbot, built, today
):
    _slot, dialog = open_form(qtbot, built, today)
    box = dialog.exercise_boxes[0]
    planned = box.rows[0]["reps"].text()
    qtbot.keyClicks(box.rows[0]["effort"], "5")
    assert box.status_code() == "done"  # the effort is not prescribed
    retype(qtbot, box.rows[0]["reps"], "3")
    assert box.status_code() == "changed"
    # choosing Done as prescribed with the keyboard puts the planned values back
    box.status.setFocus()
    while box.status_code() != "done":
        qtbot.keyClick(box.status, Qt.Key.Key_Up)
    assert box.rows[0]["reps"].text() == planned


def test_not_done_is_stored_without_sets_and_never_counted(qtbot, built, today):
    _slot, dialog = open_form(qtbot, built, today)
    box = dialog.exercise_boxes[0]
    box.status.setFocus()
    while box.status_code() != "not_done":
        qtbot.keyClick(box.status, Qt.Key.Key_Down)
    assert not box.rows[0]["reps"].isEnabled()  # greyed out: not saved
    qtbot.keyClick(dialog, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert dialog.saved_id is not None, dialog.banner.text()
    row = saved_row(built, dialog.saved_id)
    assert (row.exercises, row.sets) == (0, 0)
    form = built.services.sessions.edit_form(dialog.saved_id)
    stored = form.entry.exercises[0]
    assert (stored.status, stored.sets) == ("not_done", ())
    # the correction lists the exercises nobody recorded, so they can still be recorded
    assert [e.status for e in form.entry.exercises[1:]] == ["not_recorded"] * (
        len(dialog.exercise_boxes) - 1
    )


def test_a_correction_can_record_an_exercise_left_out(qtbot, built, today):
    _slot, dialog = open_form(qtbot, built, today)
    retype(qtbot, dialog.exercise_boxes[0].rows[0]["reps"], "7")
    qtbot.keyClick(dialog, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    sid = dialog.saved_id
    assert saved_row(built, sid).exercises == 1
    form = built.services.sessions.edit_form(sid)
    fix = base.SessionFormDialog(built.services, form, lambda: today)
    qtbot.addWidget(fix)
    fix.show()
    qtbot.waitExposed(fix)
    fix.activateWindow()
    qtbot.waitUntil(fix.isActiveWindow, timeout=2000)
    assert fix.exercise_boxes[0].status_code() == "changed"
    qtbot.keyClick(fix, Qt.Key.Key_D, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(fix, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert fix.result() == fix.DialogCode.Accepted, fix.banner.text()
    assert saved_row(built, sid).exercises == len(fix.exercise_boxes)


def test_the_draft_keeps_each_status(qtbot, built, today):
    slot, dialog = open_form(qtbot, built, today)
    retype(qtbot, dialog.exercise_boxes[0].rows[0]["reps"], "7")
    dialog.exercise_boxes[1].set_status("not_done")
    qtbot.mouseClick(dialog.close_button, Qt.MouseButton.LeftButton)
    form = built.services.sessions.new_form(built.patient_id, slot.id, today=today)
    again = base.SessionFormDialog(built.services, form, lambda: today)
    qtbot.addWidget(again)
    assert statuses(again)[:3] == ["changed", "not_done", "not_recorded"]
