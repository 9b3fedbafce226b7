"""Clinic Settings: the clinician who signs the reports (typed, checked at the field, saved with
the rest) and the clinic logo (chosen from a file, shown, removed), driven as a user would."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QImage
from PySide6.QtWidgets import QFileDialog, QPushButton

from rehab_tracker.services.settings import ReportSigner
from rehab_tracker.ui.clinic.settings_dialog import SettingsDialog
from rehab_tracker.ui.widgets.forms import plain


def _show(qtbot, services) -> SettingsDialog:  # type: ignore[no-untyped-def]
    dialog = SettingsDialog(services)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    return dialog


def test_typing_the_signing_clinician(qtbot, services, answers) -> None:  # type: ignore[no-untyped-def]
    d = _show(qtbot, services)
    for key, edit in d.signer.items():
        label = d.clinic_form.labels[key]
        assert edit.accessibleName() == plain(label.text()) and label.buddy() is edit
    qtbot.keyClicks(d.clinic["name"], "Riverside Physiotherapy")
    # a registration number without a name is refused at the name field, nothing saved
    qtbot.keyClicks(d.signer["signer_registration"], "HCPC PH123456")
    save = d.findChild(QPushButton, "saveSettings")
    qtbot.mouseClick(save, Qt.MouseButton.LeftButton)
    assert d.result() != d.DialogCode.Accepted
    error = d.clinic_form.errors["signer_name"]
    assert "clinician's name" in error.text() and not error.isHidden()
    assert d.focusWidget() is d.signer["signer_name"]
    assert services.settings.report_signer() == ReportSigner()
    assert services.settings.clinic_details().empty
    qtbot.keyClicks(d.signer["signer_name"], "Dr Ana Ruiz")
    qtbot.keyClick(d.signer["signer_name"], Qt.Key.Key_Return)  # Save is the default button
    assert d.result() == d.DialogCode.Accepted
    assert services.settings.report_signer() == ReportSigner("Dr Ana Ruiz", "HCPC PH123456")
    again = _show(qtbot, services)
    assert again.signer["signer_name"].text() == "Dr Ana Ruiz"


def test_choosing_and_removing_the_logo(qtbot, services, answers, tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    image = QImage(60, 30, QImage.Format.Format_RGB32)
    image.fill(QColor("#003a66"))
    logo = tmp_path / "logo.png"
    assert image.save(str(logo))
    (tmp_path / "notes.png").write_text("not an image")
    chosen = [logo, tmp_path / "notes.png"]
    monkeypatch.setattr(
        QFileDialog, "getOpenFileName", lambda *a, **k: (str(chosen.pop(0)), "")
    )
    d = _show(qtbot, services)
    assert "none" in d.logo_status.text() and not d.remove_logo_button.isEnabled()
    qtbot.mouseClick(d.findChild(QPushButton, "chooseLogo"), Qt.MouseButton.LeftButton)
    assert services.settings.clinic_logo() == Path(logo).read_bytes()
    assert "printed in the report header" in d.logo_status.text()
    # a file that is not an image is refused with a message; the stored logo stays
    qtbot.mouseClick(d.findChild(QPushButton, "chooseLogo"), Qt.MouseButton.LeftButton)
    assert any("PNG or JPEG" in str(shown) for shown in answers["error"])
    assert services.settings.clinic_logo() == Path(logo).read_bytes()
    d.remove_logo_button.setFocus()
    qtbot.keyClick(d.remove_logo_button, Qt.Key.Key_Space)
    assert services.settings.clinic_logo() is None
    assert "none" in d.logo_status.text()
    # the rest of the form still saves (the logo's version moved; the others did not)
    qtbot.keyClicks(d.clinic["name"], "Riverside")
    qtbot.mouseClick(d.findChild(QPushButton, "saveSettings"), Qt.MouseButton.LeftButton)
    assert d.result() == d.DialogCode.Accepted
