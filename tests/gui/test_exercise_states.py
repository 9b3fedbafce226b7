"""Each exercise of the session form is explicitly recorded (issue 11 item 2): "Not recorded"
(untouched: not stored), "Done as prescribed", "Changed" (values edited) or "Not done"."""

from __future__ import annotations

from PySide6.QtCore import Qt

from tests.gui import test_session_form as base

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
