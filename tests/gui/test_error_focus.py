"""A refused save puts the keyboard on the first field in error (in the form's own order), and
that field's accessible description carries the message: not on the form's first field, nor
on whichever field the service happened to name first (the walkthrough of issue 11)."""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "services"))
from test_sessions_support import build_patient

from rehab_tracker.ui.patients.patient_dialog import PatientDialog
from tests.gui import test_session_form
from tests.gui.test_date_fields import show
from tests.gui.test_session_form import ALL_NO, open_form

#: a patient whose next slot is an exercise session (the education one logged)
built = test_session_form.built


def test_patient_dialog_focuses_the_first_field_in_error(qtbot, services, today, answers) -> None:
    dialog = show(qtbot, PatientDialog(services, lambda: today))
    qtbot.keyClicks(dialog.given_name, "Grace")
    qtbot.keyClicks(dialog.family_name, "Hopper")
    qtbot.keyClicks(dialog.date_of_birth, "1976-12-09")
    qtbot.keyClicks(dialog.height_cm, "45")  # outside 100-250 cm
    # a surgery date that is not a date: the surgery section is in error too, further down
    qtbot.keyClicks(dialog.surgery_date, "2026-13-45")
    dialog.given_name.setFocus()
    qtbot.keyClick(dialog.given_name, Qt.Key.Key_Return)  # Enter: the default button, Save
    assert dialog.isVisible() and dialog.saved_id is None
    assert dialog.form.errors["height_cm"].text()
    assert dialog.surgery_form.errors["surgery_date"].text()
    assert QApplication.focusWidget() is dialog.height_cm
    assert "between 100 and 250 cm" in dialog.height_cm.accessibleDescription()


def test_patient_dialog_error_below_the_first_section(qtbot, services, today, answers) -> None:
    """Only the surgery section in error: the keyboard goes there, not to the given name."""
    dialog = show(qtbot, PatientDialog(services, lambda: today))
    qtbot.keyClicks(dialog.given_name, "Grace")
    qtbot.keyClicks(dialog.family_name, "Hopper")
    qtbot.keyClicks(dialog.date_of_birth, "1976-12-09")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert dialog.saved_id is None
    assert QApplication.focusWidget() is dialog.surgery_date
    assert "surgery" in dialog.surgery_date.accessibleDescription()


def test_patient_dialog_refused_by_the_service(  # type: ignore[no-untyped-def]
    qtbot, services, patient_ids, today, answers
) -> None:
    """A refusal only the database can tell (a record number in use) moves the keyboard to
    that field too: the action runner shows it and focuses it."""
    taken = services.patients.record(patient_ids[0]).details.record_number
    dialog = show(qtbot, PatientDialog(services, lambda: today))
    qtbot.keyClicks(dialog.given_name, "Grace")
    qtbot.keyClicks(dialog.family_name, "Hopper")
    qtbot.keyClicks(dialog.record_number, taken)
    qtbot.keyClicks(dialog.date_of_birth, "1976-12-09")
    qtbot.keyClicks(dialog.surgery_date, "2026-10-20")
    qtbot.mouseClick(dialog.levels["L4-L5"], Qt.MouseButton.LeftButton)
    dialog.notes.setFocus()
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert dialog.saved_id is None
    assert "belongs to another patient" in dialog.form.errors["record_number"].text()
    assert QApplication.focusWidget() is dialog.record_number
    assert "belongs to another patient" in dialog.record_number.accessibleDescription()


def test_session_form_focuses_the_first_field_in_error(qtbot, built, today, answers) -> None:
    _slot, dialog = open_form(qtbot, built, today)
    assert dialog.red_flags == ALL_NO
    qtbot.keyClicks(dialog.pain["pain_leg_after"], "11")  # out of range: the fourth rating
    effort = dialog.exercise_boxes[0].rows[0]["effort"]
    effort.clear()
    qtbot.keyClicks(effort, "12")  # out of range too, further down the form
    dialog.notes.setFocus()
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert dialog.saved_id is None
    focused = QApplication.focusWidget()
    assert focused is not None
    first_error = dialog.pain["pain_leg_after"]
    assert focused is first_error or first_error.isAncestorOf(focused), focused
    assert "0 to 10" in first_error.accessibleDescription()
    assert effort.accessibleDescription()  # marked, but after the pain rating


def test_session_form_missed_needs_its_reason_focused(qtbot, db, today, answers) -> None:
    built = build_patient(db, today)
    _slot, dialog = open_form(qtbot, built, today)
    dialog.attended.setChecked(False)
    dialog.notes.setFocus()
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert dialog.saved_id is None
    assert QApplication.focusWidget() is dialog.missed_reason
    assert "missed" in dialog.missed_reason.accessibleDescription()
