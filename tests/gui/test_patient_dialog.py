"""New and edit patient through the menu, typing into real fields; keyboard-only enrolment."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QApplication, QWidget

from rehab_tracker.ui.patients.patient_dialog import PatientDialog
from rehab_tracker.ui.shell.main_window import MainWindow
from tests.gui.a11y import assert_accessible


def with_modal(qtbot, trigger: Callable[[], None], handle: Callable[[QWidget], None]) -> None:
    """Trigger something that opens a modal dialog, and drive the dialog with ``handle``."""
    done = []

    def drive() -> None:
        dialog = QApplication.activeModalWidget()
        if dialog is None:
            QTimer.singleShot(10, drive)
            return
        dialog.activateWindow()
        qtbot.waitUntil(lambda: QApplication.activeWindow() is dialog, timeout=2000)
        try:
            handle(dialog)
        finally:
            done.append(True)
            if dialog.isVisible():
                dialog.done(0)

    QTimer.singleShot(0, drive)
    trigger()
    qtbot.waitUntil(lambda: bool(done))


def patient_count(window: MainWindow) -> int:
    return window.patient_list.model.rowCount()


def fill_required(qtbot, dialog: PatientDialog) -> None:
    qtbot.keyClicks(dialog.given_name, "Grace")
    qtbot.keyClicks(dialog.family_name, "Hopper")
    qtbot.keyClicks(dialog.date_of_birth, "1976-12-09")
    qtbot.keyClicks(dialog.surgery_date, "2026-10-20")
    qtbot.mouseClick(dialog.levels["L4-L5"], Qt.MouseButton.LeftButton)


def test_invalid_details_show_field_errors_and_save_nothing(window, qtbot, today) -> None:
    before = patient_count(window)
    seen = {}

    def handle(dialog: PatientDialog) -> None:
        fill_required(qtbot, dialog)
        dialog.date_of_birth.clear()
        qtbot.keyClicks(dialog.date_of_birth, f"{today.year + 1}-01-01")  # future
        qtbot.keyClicks(dialog.height_cm, "45")  # 45 cm: outside the allowed range
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
        seen["dob"] = dialog.form.errors["date_of_birth"].text()
        seen["height"] = dialog.form.errors["height_cm"].text()
        seen["visible"] = dialog.isVisible()
        seen["given"] = dialog.form.errors["given_name"].text()
        # live: fixing the height clears its message at once
        dialog.height_cm.clear()
        qtbot.keyClicks(dialog.height_cm, "172")
        seen["height_after"] = dialog.form.errors["height_cm"].text()
        assert_accessible(dialog)

    with_modal(qtbot, window.findChild(QAction, "newPatient").trigger, handle)
    assert "future" in seen["dob"]
    assert "between 100 and 250 cm" in seen["height"]
    assert seen["given"] == ""
    assert seen["height_after"] == ""
    assert seen["visible"]
    assert patient_count(window) == before


def test_valid_patient_is_saved_and_listed(window, qtbot, services) -> None:
    before = patient_count(window)

    def handle(dialog: PatientDialog) -> None:
        fill_required(qtbot, dialog)
        qtbot.keyClicks(dialog.height_cm, "168")
        qtbot.keyClicks(dialog.surgeon, "Dr Vertebra")
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
        assert not dialog.isVisible()

    with_modal(qtbot, window.findChild(QAction, "newPatient").trigger, handle)
    assert patient_count(window) == before + 1
    row = window.patient_list.selected_row()
    assert row is not None and row.name == "Grace Hopper"
    assert row.record_number.startswith("RT-")
    record = services.patients.record(row.id)
    assert record.details.height_cm == 168
    assert record.surgery is not None and record.surgery.levels == ("L4-L5",)
    assert record.surgery.surgeon == "Dr Vertebra"
    assert window.workspace.patient_view.overview.title.text().startswith("Grace Hopper")


def test_conservative_pathway_hides_surgery(window, qtbot, services) -> None:
    def handle(dialog: PatientDialog) -> None:
        qtbot.keyClicks(dialog.given_name, "Alan")
        qtbot.keyClicks(dialog.family_name, "Kay")
        qtbot.keyClicks(dialog.date_of_birth, "1970-05-17")
        qtbot.mouseClick(dialog.conservative, Qt.MouseButton.LeftButton)
        assert dialog.surgery_box.isHidden()
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)

    with_modal(qtbot, window.findChild(QAction, "newPatient").trigger, handle)
    row = window.patient_list.selected_row()
    assert row.name == "Alan Kay" and row.pathway == "conservative"
    assert services.patients.record(row.id).surgery is None


def test_edit_patient(window, qtbot, services) -> None:
    qtbot.keyClicks(window.patient_list.find_edit, "Lovelace")
    window.patient_list.table.selectRow(0)

    def handle(dialog: PatientDialog) -> None:
        assert dialog.given_name.text() == "Ada"
        assert dialog.levels["L5-S1"].isChecked()
        dialog.phone.clear()
        qtbot.keyClicks(dialog.phone, "555-0100")
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)

    with_modal(qtbot, window.findChild(QAction, "editPatient").trigger, handle)
    row = window.patient_list.selected_row()
    assert services.patients.record(row.id).details.phone == "555-0100"


def test_edit_conflict_is_shown(window, qtbot, services, answers, today) -> None:
    window.patient_list.table.selectRow(0)
    patient_id = window.patient_list.selected_id()

    def handle(dialog: PatientDialog) -> None:
        # another workstation saves the same patient meanwhile
        record = services.patients.record(patient_id)
        changed = dataclasses.replace(record.details, phone="555-0199")
        services.patients.update(patient_id, changed, record.surgery,
                                 expected_version=record.version, today=today)
        qtbot.keyClicks(dialog.phone, "1")
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
        assert dialog.isVisible()

    with_modal(qtbot, window.findChild(QAction, "editPatient").trigger, handle)
    # the conflict is shown with a Reload choice (the test's answer: keep what was typed)
    assert "another workstation" in answers["reload"][0][1]


def test_escape_asks_before_discarding(window, qtbot, answers) -> None:
    before = patient_count(window)
    answers["confirm_reply"].append(False)
    state = {}

    def handle(dialog: PatientDialog) -> None:
        qtbot.keyClicks(dialog.given_name, "Someone")
        qtbot.keyClick(dialog.given_name, Qt.Key.Key_Escape)
        state["still_open"] = dialog.isVisible()
        answers["confirm_reply"].append(True)
        qtbot.keyClick(dialog.given_name, Qt.Key.Key_Escape)
        state["closed"] = not dialog.isVisible()

    with_modal(qtbot, window.findChild(QAction, "newPatient").trigger, handle)
    assert state == {"still_open": True, "closed": True}
    assert len(answers["confirm"]) == 2
    assert patient_count(window) == before


def test_keyboard_only_enrolment(window, qtbot, services, today) -> None:
    """Tab from field to field, type, Enter saves."""
    before = patient_count(window)

    def handle(dialog: PatientDialog) -> None:
        def type_then_tab(text: str) -> None:
            qtbot.keyClicks(QApplication.focusWidget(), text)
            qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)

        assert QApplication.focusWidget() is dialog.given_name
        type_then_tab("Barbara")
        type_then_tab("Liskov")
        type_then_tab("")  # record number: automatic
        assert QApplication.focusWidget() is dialog.date_of_birth
        qtbot.keyClicks(dialog.date_of_birth, "19791107")  # ISO 8601 without the dashes
        assert dialog.date_of_birth.value() == dt.date(1979, 11, 7)
        # jump to the surgery date by its mnemonic, as a keyboard user would
        qtbot.keyClick(dialog, Qt.Key.Key_T, Qt.KeyboardModifier.AltModifier)
        assert QApplication.focusWidget() is dialog.surgery_date
        assert dialog.date_of_birth.text() == "1979-11-07"  # shown back once left
        qtbot.keyClicks(dialog.surgery_date, "20261005")
        qtbot.keyClick(dialog, Qt.Key.Key_L, Qt.KeyboardModifier.AltModifier)
        assert QApplication.focusWidget() is dialog.levels["L1-L2"]
        # the label's key moves to the first box and does not tick it (Qt clicks a button
        # buddy, a beat later: the walkthrough of issue 11 saved L1-L2 nobody chose)
        qtbot.wait(400)
        assert not dialog.levels["L1-L2"].isChecked()
        for _ in range(3):
            qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
        assert QApplication.focusWidget() is dialog.levels["L4-L5"]
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Space)
        qtbot.keyClick(dialog, Qt.Key.Key_G, Qt.KeyboardModifier.AltModifier)
        qtbot.keyClick(dialog.given_name, Qt.Key.Key_Return)

    with_modal(qtbot, window.findChild(QAction, "newPatient").trigger, handle)
    assert patient_count(window) == before + 1
    row = window.patient_list.selected_row()
    assert row.name == "Barbara Liskov"
    assert row.surgery_date == dt.date(2026, 10, 5)
    assert row.levels == ("L4-L5",)


def test_surgery_edited_elsewhere_is_a_conflict_not_an_overwrite(
    window, qtbot, services, answers, today
) -> None:
    """Another desk changes only the surgeon; this desk, from its older form, types the hospital
    and saves: refused with the conflict message, its typing kept; Reload shows the surgeon."""
    window.patient_list.table.selectRow(0)
    patient_id = window.patient_list.selected_id()
    seen = {}
    before = services.patients.record(patient_id).surgery
    assert before is not None

    def handle(dialog: PatientDialog) -> None:
        record = services.patients.record(patient_id)
        assert record.surgery is not None
        services.patients.update(patient_id, record.details,
                                 dataclasses.replace(record.surgery, surgeon="Ms Okafor"),
                                 expected_version=record.version, today=today)
        dialog.hospital.clear()
        qtbot.keyClicks(dialog.hospital, "St Mary's")
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
        seen["kept"] = (dialog.isVisible(), dialog.hospital.text(), dialog.surgeon.text())
        answers["reload_reply"].append(True)  # now choose Reload
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
        seen["reloaded"] = (dialog.isVisible(), dialog.hospital.text(), dialog.surgeon.text())

    with_modal(qtbot, window.findChild(QAction, "editPatient").trigger, handle)
    _title, text = answers["reload"][0]
    assert "changed at another workstation" in text and "Reload" in text
    assert seen["kept"] == (True, "St Mary's", before.surgeon)  # the form stays as typed
    surgery = services.patients.record(patient_id).surgery
    assert surgery is not None
    assert (surgery.surgeon, surgery.hospital) == ("Ms Okafor", before.hospital)
    # Reload shows the other desk's save
    assert seen["reloaded"] == (True, before.hospital or "", "Ms Okafor")
