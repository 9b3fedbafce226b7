"""Tools > Clinic Settings: typing the clinic details, errors at the field, nothing saved."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QApplication, QLineEdit, QPushButton

from rehab_tracker.services.settings import ClinicDetails
from rehab_tracker.ui.clinic.settings_dialog import SettingsDialog
from rehab_tracker.ui.widgets.forms import plain


def show(qtbot, dialog):  # type: ignore[no-untyped-def]
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    return dialog


def test_typing_clinic_details(qtbot, services, answers) -> None:  # type: ignore[no-untyped-def]
    d = show(qtbot, SettingsDialog(services))
    for key, edit in d.clinic.items():
        label = d.clinic_form.labels[key]
        assert edit.accessibleName() == plain(label.text()) and label.buddy() is edit
    qtbot.keyClicks(d.clinic["phone"], "0113 496 0000")
    qtbot.keyClicks(d.clinic["email"], "reception@")
    assert d.findChild(QLineEdit, "clinic_name") is d.clinic["name"]
    qtbot.mouseClick(d.clinic["name"], Qt.MouseButton.LeftButton)
    save = d.findChild(QPushButton, "saveSettings")
    qtbot.mouseClick(save, Qt.MouseButton.LeftButton)
    assert d.result() != d.DialogCode.Accepted
    errors = d.clinic_form.errors
    assert "clinic name" in errors["name"].text() and not errors["name"].isHidden()
    assert "Email" in errors["email"].text() and errors["phone"].isHidden()
    assert services.settings.clinic_details() == ClinicDetails()
    # fix both and save
    qtbot.keyClicks(d.clinic["name"], "Riverside Physiotherapy")
    qtbot.keyClicks(d.clinic["email"], "riverside.example")
    qtbot.keyClicks(d.clinic["address"], "1 River Road, Leeds")
    qtbot.mouseClick(save, Qt.MouseButton.LeftButton)
    assert d.result() == d.DialogCode.Accepted
    assert services.settings.clinic_details() == ClinicDetails(
        "Riverside Physiotherapy", "1 River Road, Leeds", "0113 496 0000",
        "reception@riverside.example",
    )


def test_tools_menu_opens_it_with_the_stored_details(qtbot, window, answers) -> None:  # type: ignore[no-untyped-def]
    window.workspace.services.settings.set_clinic_details(
        ClinicDetails("Riverside", phone="01134960000"))
    seen = []

    def look() -> None:
        w = QApplication.activeModalWidget()
        if isinstance(w, SettingsDialog):
            seen.append((w.clinic["name"].text(), w.clinic["phone"].text()))
            w.reject()
        else:
            QTimer.singleShot(20, look)

    QTimer.singleShot(50, look)
    action = window.findChild(QAction, "clinicSettings")
    assert action is not None
    action.trigger()
    assert seen == [("Riverside", "01134960000")]


def test_saving_settings_is_one_transaction(qtbot, services, answers) -> None:  # type: ignore[no-untyped-def]
    """A failure while writing the third setting leaves none of the dialog's changes saved."""
    from sqlalchemy import event

    from rehab_tracker.data.errors import DiskFull
    from rehab_tracker.data.models import Setting

    def disk_full(_mapper, _conn, row) -> None:  # type: ignore[no-untyped-def]
        if row.key == "odi_rule":
            raise DiskFull()

    d = show(qtbot, SettingsDialog(services))
    qtbot.keyClicks(d.clinic["name"], "Riverside Physiotherapy")
    d.units.setFocus()
    qtbot.keyClick(d.units, Qt.Key.Key_Down)  # Imperial
    assert d.units.currentData() == "imperial"
    qtbot.keyClick(d.odi_rule, Qt.Key.Key_Down)
    event.listen(Setting, "before_insert", disk_full)
    try:
        qtbot.mouseClick(d.findChild(QPushButton, "saveSettings"), Qt.MouseButton.LeftButton)
    finally:
        event.remove(Setting, "before_insert", disk_full)
    assert answers["error"] and "disk" in answers["error"][-1][1]
    assert d.result() != d.DialogCode.Accepted
    assert services.settings.clinic_details() == ClinicDetails(), "clinic saved alone"
    assert services.settings.load().units == "metric", "units saved alone"


def test_choosing_the_progression_pain_ceiling(qtbot, services, answers) -> None:  # type: ignore[no-untyped-def]
    """The pain ceiling is a clinic default (7/10): the clinic picks another with the keyboard
    and the progression reads it from then on."""
    d = show(qtbot, SettingsDialog(services))
    box = d.pain_ceiling
    label = d.form.labels["progression_pain_ceiling"]
    assert box.accessibleName() == plain(label.text()) and label.buddy() is box
    assert box.currentText() == "7/10 (clinic default)"
    box.setFocus()
    qtbot.keyClick(box, Qt.Key.Key_Up)
    assert box.currentText() == "6/10"
    qtbot.keyClicks(d.clinic["name"], "Riverside Physiotherapy")
    qtbot.mouseClick(d.findChild(QPushButton, "saveSettings"), Qt.MouseButton.LeftButton)
    assert d.result() == d.DialogCode.Accepted
    assert services.settings.load().progression_pain_ceiling == 6
