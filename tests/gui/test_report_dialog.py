"""The progress report dialog (audience, notes, save PDF, preview) and the batch export."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, Qt

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from reports.conftest import pdf_text
from reports.sample_data import (
    TODAY,
    add_empty_patient,
    add_missed_weeks_patient,
    add_twelve_week_patient,
)

from rehab_tracker.data.database import Database
from rehab_tracker.services.container import Services
from rehab_tracker.ui.reports import report_dialog
from rehab_tracker.ui.reports.report_dialog import ReportDialog, export_all_reports
from rehab_tracker.ui.widgets import print_preview
from tests.staff import staff


@pytest.fixture
def services(db: Database) -> Services:
    return Services(db, staff("tester"))


def test_save_patient_version_with_notes(qtbot, db, services, tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    patient = add_twelve_week_patient(db)
    dialog = ReportDialog(services, lambda: TODAY, patient)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    # click on the indicator: the button is wider than its text
    indicator = QPoint(8, dialog.patient.height() // 2)
    qtbot.mouseClick(dialog.patient, Qt.MouseButton.LeftButton, pos=indicator)
    assert dialog.audience() == "patient"
    qtbot.keyClicks(dialog.notes, "Keep walking daily.")
    asked: list[str] = []

    def fake_save_path(parent, title, suggested):  # type: ignore[no-untyped-def]
        asked.append(suggested)
        return tmp_path / suggested

    monkeypatch.setattr(print_preview, "get_save_path", fake_save_path)
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert asked == ["RT-00001_Jensen_progress_patient_2026-11-23.pdf"]
    text = pdf_text(tmp_path / asked[0])
    assert "Your progress report" in text and "Maria Jensen" in text
    assert "Keep walking daily." in text
    assert "Saved" in dialog.status.text()


def test_cancelled_save_writes_nothing(qtbot, db, services, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    dialog = ReportDialog(services, lambda: TODAY, add_empty_patient(db))
    qtbot.addWidget(dialog)
    monkeypatch.setattr(print_preview, "get_save_path", lambda *a: None)
    assert dialog.save_pdf() is None and dialog.saved_path is None


def test_preview_uses_the_shared_print_preview(qtbot, db, services, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    shown: list = []
    monkeypatch.setattr(
        print_preview,
        "show_print_preview",
        lambda doc, parent, title, paint=None: shown.append((doc, title)),
    )
    dialog = ReportDialog(services, lambda: TODAY, add_missed_weeks_patient(db))
    qtbot.addWidget(dialog)
    qtbot.mouseClick(dialog.preview_button, Qt.MouseButton.LeftButton)
    doc, title = shown[0]
    assert title == "Progress report — Kim Gaps"
    assert "Weeks with no session attended: 5, 6, 7." in doc.toPlainText()


def test_batch_export_with_progress_dialog(  # type: ignore[no-untyped-def]
    qtbot, db, services, tmp_path, monkeypatch, answers
) -> None:
    add_twelve_week_patient(db)
    add_missed_weeks_patient(db)
    monkeypatch.setattr(report_dialog, "get_export_folder", lambda parent: tmp_path)
    labels: list[str] = []
    from PySide6.QtWidgets import QProgressDialog

    original = QProgressDialog.setLabelText

    def spy(self, text):  # type: ignore[no-untyped-def]
        labels.append(text)
        original(self, text)

    monkeypatch.setattr(QProgressDialog, "setLabelText", spy)
    result = export_all_reports(None, services, lambda: TODAY)
    assert result is not None and len(result.written) == 2
    assert labels[0] == "Report 1 of 2: RT-00003 Kim Gaps" and labels[-1] == "Finished"
    assert len(list(tmp_path.glob("*.pdf"))) == 2
    assert answers["inform"][0][1].startswith("2 of 2 reports written")


def test_batch_export_cancel(qtbot, db, services, tmp_path, monkeypatch, answers) -> None:  # type: ignore[no-untyped-def]
    add_twelve_week_patient(db)
    add_missed_weeks_patient(db)
    monkeypatch.setattr(report_dialog, "get_export_folder", lambda parent: tmp_path)
    from PySide6.QtWidgets import QProgressDialog

    monkeypatch.setattr(QProgressDialog, "wasCanceled", lambda self: True)
    result = export_all_reports(None, services, lambda: TODAY)
    assert result is not None and result.cancelled and result.written == []
    assert "cancelled" in answers["inform"][0][1]


def test_menu_action_opens_dialog(qtbot, window) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtGui import QAction

    action = window.findChild(QAction, "progressReport")
    first = window.workspace.services.patients.list_patients(today=window.today())[0].id
    window.patient_list.select(first)
    assert action.isEnabled()
    action.trigger()
    dialog = window.findChild(ReportDialog)
    assert dialog is not None and dialog.isVisible()
    assert dialog.patient_id == first
    dialog.close()


def test_date_range_typed_restricts_the_report(qtbot, db, services, tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    dialog = ReportDialog(services, lambda: TODAY, add_twelve_week_patient(db))
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    # the whole program by default
    assert dialog.period_start.text() == "2026-07-20" and dialog.period_end.text() == "2026-11-23"
    for field in (dialog.period_start, dialog.period_end):
        label = dialog.range_form.labels["period_start" if field is dialog.period_start
                                         else "period_end"]
        assert label.buddy() is field and field.accessibleName() == label.text().replace("&", "")
    monkeypatch.setattr(print_preview, "get_save_path", lambda p, t, s: tmp_path / s)
    # a start after the end is refused at the field, nothing written
    dialog.period_start.setFocus()
    dialog.period_start.selectAll()
    qtbot.keyClicks(dialog.period_start, "2026-12-01")
    qtbot.keyClick(dialog.period_start, Qt.Key.Key_Tab)
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert not list(tmp_path.glob("*.pdf"))
    error = dialog.range_form.errors["period_start"]
    assert not error.isHidden() and error.text()
    # From 2026-10-05 To 2026-11-16, typed as a user does
    dialog.period_start.setFocus()
    dialog.period_start.selectAll()
    qtbot.keyClicks(dialog.period_start, "2026-10-05")
    qtbot.keyClick(dialog.period_start, Qt.Key.Key_Tab)
    assert dialog.focusWidget() is dialog.period_end
    dialog.period_end.selectAll()
    qtbot.keyClicks(dialog.period_end, "2026-11-16")
    qtbot.keyClick(dialog.period_end, Qt.Key.Key_Tab)
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    (saved,) = tmp_path.glob("*.pdf")
    text = pdf_text(saved)
    assert "Period covered: 05 Oct 2026 to 16 Nov 2026." in text
    assert "Report period 05 Oct 2026 to 16 Nov 2026" in text
    assert "No positive red-flag screen in the period." in text


def test_saving_and_printing_are_disclosures(  # type: ignore[no-untyped-def]
    qtbot, db, services, tmp_path, monkeypatch
) -> None:
    patient = add_twelve_week_patient(db)
    dialog = ReportDialog(services, lambda: TODAY, patient)
    qtbot.addWidget(dialog)
    monkeypatch.setattr(print_preview, "get_save_path", lambda p, t, name: tmp_path / name)
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    printed: list[str] = ["Front desk printer", ""]
    monkeypatch.setattr(  # printed, then a preview closed without printing
        print_preview,
        "show_print_preview",
        lambda doc, parent, title, paint=None: printed.pop(0) or None,
    )
    qtbot.mouseClick(dialog.preview_button, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(dialog.preview_button, Qt.MouseButton.LeftButton)
    history = services.disclosures.history(patient)
    assert [(h.actor, h.kind, h.destination, h.audience) for h in history] == [
        ("tester", "report_print", "Front desk printer", "clinical"),
        ("tester", "report_pdf", str(dialog.saved_path), "clinical"),
    ]
