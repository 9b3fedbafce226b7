"""PDFs saved from the GUI are private, 0600 (issue 10 item 12): the progress report's "Save
PDF", Export All Reports (its folder 0700 when the app creates it) and the home sheet. The tests
set the usual umask 022, so the modes are the app's doing."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from reports.sample_data import TODAY, add_twelve_week_patient

from rehab_tracker.reports.handout import write_pdf
from rehab_tracker.services.container import Services
from rehab_tracker.ui.reports import report_dialog
from rehab_tracker.ui.reports.report_dialog import ReportDialog, export_all_reports
from rehab_tracker.ui.widgets import print_preview
from tests.data.helpers import file_mode
from tests.staff import staff

pytestmark = [
    pytest.mark.skipif(os.name != "posix", reason="POSIX file modes"),
    pytest.mark.usefixtures("usual_umask"),
]


def test_saved_progress_report_and_exported_reports_are_private(  # type: ignore[no-untyped-def]
    qtbot, db, tmp_path, monkeypatch, answers
) -> None:
    services = Services(db, staff("tester"))
    patient = add_twelve_week_patient(db)
    dialog = ReportDialog(services, lambda: TODAY, patient)
    qtbot.addWidget(dialog)
    dialog.show()
    monkeypatch.setattr(print_preview, "get_save_path", lambda p, t, name: tmp_path / name)
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert dialog.saved_path is not None and file_mode(dialog.saved_path) == 0o600

    folder = tmp_path / "export" / "november"
    monkeypatch.setattr(report_dialog, "get_export_folder", lambda parent: folder)
    result = export_all_reports(None, services, lambda: TODAY)
    assert result is not None and len(result.written) == 1
    assert file_mode(result.written[0]) == 0o600
    assert file_mode(folder) == 0o700 and file_mode(folder.parent) == 0o700


def test_a_printed_to_file_document_is_private(qapp, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtGui import QTextDocument

    doc = QTextDocument()
    doc.setPlainText("Home exercise sheet for Ada Lovelace")
    target = tmp_path / "sheets" / "sheet.pdf"
    write_pdf(doc, target)
    assert file_mode(target) == 0o600 and file_mode(target.parent) == 0o700
