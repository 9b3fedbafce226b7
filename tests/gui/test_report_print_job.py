"""The printed report carries a document title: the print job's name (what CUPS-PDF names its
file after) and the PDF's /Title, for the report and the home sheet alike."""

from __future__ import annotations

import sys
from pathlib import Path

from pypdf import PdfReader
from PySide6.QtCore import Qt

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from reports.sample_data import TODAY, add_twelve_week_patient

from rehab_tracker.services.container import Services
from rehab_tracker.ui.reports.report_dialog import ReportDialog
from tests.staff import staff


def _print_from_preview(monkeypatch, tmp_path: Path) -> list[tuple[str, Path]]:  # type: ignore[no-untyped-def]
    """Replace the preview's exec with what its Print button does, into a PDF file."""
    from PySide6.QtPrintSupport import QPrinter, QPrintPreviewDialog

    printed: list[tuple[str, Path]] = []

    def exec_(self) -> int:  # type: ignore[no-untyped-def]
        printer = self.printer()
        out = tmp_path / f"printed-{len(printed)}.pdf"
        printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
        printer.setOutputFileName(str(out))
        self.paintRequested.emit(printer)
        printed.append((printer.docName(), out))
        return 1

    monkeypatch.setattr(QPrintPreviewDialog, "exec", exec_)
    return printed


def test_printed_report_has_a_document_title(qtbot, db, tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    printed = _print_from_preview(monkeypatch, tmp_path)
    dialog = ReportDialog(Services(db, staff("tester")), lambda: TODAY, add_twelve_week_patient(db))
    qtbot.addWidget(dialog)
    qtbot.mouseClick(dialog.preview_button, Qt.MouseButton.LeftButton)
    job, out = printed[0]
    assert job == "Progress report - Maria Jensen (RT-00001)"
    reader = PdfReader(str(out))
    assert reader.metadata is not None and reader.metadata.title == job
    # printed as saved: the summary first, each page with its footer
    first = " ".join((reader.pages[0].extract_text() or "").split())
    assert "Summary" in first and "Page 1 of" in first and job in first


def test_the_preview_prints_on_ctrl_p(qtbot) -> None:  # type: ignore[no-untyped-def]
    """Qt's preview toolbar takes no focus: the walkthrough of issue 11 could print from the
    preview only with the mouse. Its Print button is on the standard print key (Ctrl+P)."""
    from PySide6.QtGui import QAction, QKeySequence

    from rehab_tracker.reports.handout import a4_printer
    from rehab_tracker.ui.widgets.print_preview import preview_dialog

    printer = a4_printer()
    dialog = preview_dialog(printer, None, "Progress report")
    qtbot.addWidget(dialog)
    key = QKeySequence(QKeySequence.StandardKey.Print)
    bound = [a.text() for a in dialog.findChildren(QAction) if a.shortcut() == key]
    assert bound == ["Print"]
