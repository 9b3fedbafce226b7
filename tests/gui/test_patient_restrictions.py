"""Surgeon restrictions in the patient dialog, driven as a user would: add one, change its end
date, remove it; bad input is refused at its field and nothing is saved."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction

from rehab_tracker.domain.restrictions import Restriction
from rehab_tracker.ui.patients.patient_dialog import PatientDialog
from tests.gui.a11y import assert_accessible
from tests.gui.test_patient_dialog import with_modal


def _edit_ada(window, qtbot, handle) -> object:
    qtbot.keyClicks(window.patient_list.find_edit, "Lovelace")
    window.patient_list.table.selectRow(0)
    patient_id = window.patient_list.selected_id()
    with_modal(qtbot, window.findChild(QAction, "editPatient").trigger, handle)
    return patient_id


def _click(qtbot, widget) -> None:
    qtbot.mouseClick(widget, Qt.MouseButton.LeftButton)


def test_add_change_the_end_date_of_and_remove_a_restriction(window, qtbot, services) -> None:
    seen: dict[str, object] = {}

    def add(dialog: PatientDialog) -> None:
        _click(qtbot, dialog.restrictions.add_button)
        (row,) = dialog.restrictions.rows
        assert row.kind.currentText() == "Lifting limit"
        assert row.limit.accessibleName() == "Limit (kg)"
        qtbot.keyClicks(row.limit, "5")
        qtbot.keyClicks(row.until, "20261220")
        assert_accessible(dialog)
        _click(qtbot, dialog.save_button)
        seen["closed"] = not dialog.isVisible()

    patient_id = _edit_ada(window, qtbot, add)
    assert seen["closed"]
    (saved,) = services.patients.record(patient_id).restrictions
    assert (saved.kind, saved.limit, saved.until, saved.set_by) == (
        "lifting", 5.0, dt.date(2026, 12, 20), "surgeon")
    # the overview shows it
    overview = window.workspace.patient_view.overview
    assert "Lifting limit 5 kg until 2026-12-20 (surgeon)" in overview.restrictions_label.text()

    def change_end(dialog: PatientDialog) -> None:
        (row,) = dialog.restrictions.rows
        assert row.limit.text() == "5" and row.until.text() == "2026-12-20"
        row.until.setFocus()
        row.until.selectAll()
        qtbot.keyClicks(row.until, "2027-01-15")  # the surgeon extended it
        assert row.until.value() == dt.date(2027, 1, 15)
        _click(qtbot, dialog.save_button)

    with_modal(qtbot, window.findChild(QAction, "editPatient").trigger, change_end)
    (changed,) = services.patients.record(patient_id).restrictions
    assert changed.id == saved.id and changed.until == dt.date(2027, 1, 15)

    def remove(dialog: PatientDialog) -> None:
        (row,) = dialog.restrictions.rows
        _click(qtbot, row.remove_button)
        assert dialog.restrictions.rows == []
        _click(qtbot, dialog.save_button)

    with_modal(qtbot, window.findChild(QAction, "editPatient").trigger, remove)
    assert services.patients.record(patient_id).restrictions == ()
    assert "None recorded" in overview.restrictions_label.text()


def test_bad_restrictions_are_refused_at_their_fields_and_nothing_is_saved(
    window, qtbot, services, today
) -> None:
    seen: dict[str, str] = {}

    def handle(dialog: PatientDialog) -> None:
        _click(qtbot, dialog.restrictions.add_button)
        lifting = dialog.restrictions.rows[0]
        qtbot.keyClicks(lifting.limit, "80")
        qtbot.keyClicks(lifting.until, "20261220")
        _click(qtbot, dialog.restrictions.add_button)
        other = dialog.restrictions.rows[1]
        other.kind.setFocus()
        for _ in range(4):  # down to "Other (free text)"
            qtbot.keyClick(other.kind, Qt.Key.Key_Down)
        assert other.kind.currentData() == "other"
        assert other.form.labels["limit"].isHidden()
        other.starts_on.selectAll()
        qtbot.keyClicks(other.starts_on, "2026-11-10")
        qtbot.keyClicks(other.until, "20261101")  # before the start
        _click(qtbot, dialog.save_button)
        seen["limit"] = lifting.form.errors["limit"].text()
        seen["until"] = other.form.errors["until"].text()
        seen["detail"] = other.form.errors["detail"].text()
        seen["open"] = str(dialog.isVisible())
        # not a number at all
        lifting.limit.clear()
        qtbot.keyClicks(lifting.limit, "five")
        _click(qtbot, dialog.save_button)
        seen["nan"] = lifting.form.errors["limit"].text()
        # fixed as typed: the message goes at once
        lifting.limit.clear()
        qtbot.keyClicks(lifting.limit, "5")
        seen["fixed"] = lifting.form.errors["limit"].text()

    patient_id = _edit_ada(window, qtbot, handle)
    assert "from 0 to 50 kg" in seen["limit"]
    assert "cannot be before the start" in seen["until"]
    assert "surgeon's words" in seen["detail"]
    assert seen["nan"] == "Enter a number, like 5 or 2.5."
    assert seen["fixed"] == ""
    assert seen["open"] == "True"
    assert services.patients.record(patient_id).restrictions == ()


def test_a_new_patient_is_enrolled_with_a_restriction(window, qtbot, services) -> None:
    from tests.gui.test_patient_dialog import fill_required

    def handle(dialog: PatientDialog) -> None:
        fill_required(qtbot, dialog)
        _click(qtbot, dialog.restrictions.add_button)
        row = dialog.restrictions.rows[0]
        row.kind.setFocus()
        qtbot.keyClick(row.kind, Qt.Key.Key_Down)  # no loaded forward bending
        qtbot.keyClicks(row.until, "20261231")
        qtbot.keyClicks(row.detail, "No bending to pick things up")
        _click(qtbot, dialog.save_button)

    with_modal(qtbot, window.findChild(QAction, "newPatient").trigger, handle)
    row = window.patient_list.selected_row()
    (saved,) = services.patients.record(row.id).restrictions
    assert saved == Restriction(
        "no_loaded_flexion", dt.date(2026, 12, 31), detail="No bending to pick things up",
        starts_on=saved.starts_on, id=saved.id,
    )
