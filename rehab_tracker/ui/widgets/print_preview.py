"""Print preview and "Save as PDF" for any QTextDocument (the home sheet, reports).

QtPrintSupport is imported inside the functions, off the start-up path. Tests replace
:func:`get_save_path` (the file dialog) and :func:`show_print_preview`'s ``exec`` as needed.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtGui import QTextDocument
from PySide6.QtWidgets import QFileDialog, QWidget

from rehab_tracker.reports.handout import a4_printer, write_pdf
from rehab_tracker.ui.shell.actions import run_action
from rehab_tracker.ui.widgets import dialogs

if TYPE_CHECKING:
    from PySide6.QtPrintSupport import QPrinter, QPrintPreviewDialog


def show_print_preview(
    document: QTextDocument,
    parent: QWidget | None,
    title: str,
    paint: Callable[[QPrinter], None] | None = None,
) -> str | None:
    """A print preview of ``document`` on A4, from which the user can print.

    The print job is named after the document's title (its DocumentTitle, else ``title``): the
    name a print queue shows and CUPS-PDF names its file after, and the PDF's /Title.
    ``paint`` draws the document on the printer (default: ``document.print_``). Returns where
    it was printed (the printer's name, or the file of "print to file"), None when it was not."""
    from PySide6.QtPrintSupport import QPrintPreviewDialog

    printer = a4_printer()
    printer.setDocName(
        document.metaInformation(QTextDocument.MetaInformation.DocumentTitle) or title
    )
    dialog = preview_dialog(printer, parent, title)
    dialog.paintRequested.connect(paint or document.print_)
    dialogs.fit_to_screen(dialog, 900, 1000)
    if dialog.exec() != QPrintPreviewDialog.DialogCode.Accepted:  # accepted once it printed
        return None
    return printed_to(printer)


def preview_dialog(printer: QPrinter, parent: QWidget | None, title: str) -> QPrintPreviewDialog:
    """Qt's print preview of ``printer``, its Print button also on Ctrl+P: Qt's toolbar takes no
    keyboard focus, so without the key a keyboard user could not print from the preview."""
    from PySide6.QtGui import QAction, QKeySequence
    from PySide6.QtPrintSupport import QPrintPreviewDialog

    dialog = QPrintPreviewDialog(printer, parent)
    dialog.setWindowTitle(f"{title} - print preview")
    dialog.setObjectName("printPreview")
    for action in dialog.findChildren(QAction):
        if action.text().replace("&", "") == "Print":
            action.setShortcut(QKeySequence(QKeySequence.StandardKey.Print))
            action.setToolTip(f"Print ({action.shortcut().toString()})")
    return dialog


def printed_to(printer: QPrinter) -> str:
    """Where ``printer`` sent its pages: the file of "print to file", else the printer."""
    return printer.outputFileName() or printer.printerName() or "the default printer"


def get_save_path(parent: QWidget | None, title: str, suggested: str) -> Path | None:
    """Ask where to save a PDF; None when cancelled."""
    start = str(Path.home() / suggested)
    path, _ = QFileDialog.getSaveFileName(parent, title, start, "PDF files (*.pdf)")
    if not path:
        return None
    target = Path(path)
    return target if target.suffix.lower() == ".pdf" else target.with_suffix(".pdf")


def save_pdf(document: QTextDocument, path: Path) -> None:
    write_pdf(document, path)


def ask_and_save_pdf(
    document: QTextDocument, parent: QWidget | None, suggested: str, title: str = "Save as PDF"
) -> Path | None:
    """Ask for a file name and write ``document`` there as PDF; tells the user either way."""
    target = get_save_path(parent, title, suggested)
    if target is None:
        return None
    if not run_action(parent, lambda: save_pdf(document, target), title=title):
        return None
    dialogs.inform(parent, title, f"Saved {target}")
    return target
