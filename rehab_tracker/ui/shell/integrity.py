"""SQLite's check of every page, in the background once the window is usable (issue 12 item 2).

The open reads a bounded part of the file (``data.sqlite_file``), so that start-up takes the
same time at 10 and at 10,000 patients; the check of every page (``PRAGMA quick_check``,
:class:`rehab_tracker.data.sqlite_file.PageCheck`) runs here on a worker thread, after the
window is attached. A failure is told without a modal dialog: a warning in the status bar and a
message box that does not block the window. Closing the window (or attaching other services)
stops the check within milliseconds. The full ``integrity_check`` stays in ``rehab-tracker db
check`` and after every backup.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject, QThread, Signal
from PySide6.QtWidgets import QLabel, QMainWindow, QMessageBox

from rehab_tracker import APP_NAME
from rehab_tracker.data.sqlite_file import PageCheck

TITLE = "Database check"


def failure_text(path: Path, problem: str) -> str:
    line = " ".join(problem.split())
    return (
        f"The check of every page of {path} found a problem: {line}. What you save may be lost. "
        "Quit Rehab Tracker, keep a copy of the file, then run 'rehab-tracker db check', or "
        "restore the newest good backup (File > Restore from Backup)."
    )


class BackgroundCheck(QThread):
    """Runs one :class:`PageCheck`; ``failed(problem)`` when the file does not pass, and
    ``passed`` when it does (neither when stopped)."""

    failed = Signal(str)
    passed = Signal()

    def __init__(self, path: Path, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.path = path
        self.check = PageCheck(path)

    def run(self) -> None:
        problem = self.check.run()
        if self.check.cancelled:
            return
        if problem is None:
            self.passed.emit()
        else:
            self.failed.emit(problem)

    def stop(self) -> None:
        """Stop the check and wait for the thread to end."""
        self.check.cancel()
        self.wait()


def start(window: QMainWindow, path: Path) -> BackgroundCheck:
    """Check ``path`` in the background; a failure is shown in ``window`` (see the module)."""
    thread = BackgroundCheck(path, window)
    thread.failed.connect(lambda problem: show_failure(window, path, problem))
    thread.start(QThread.Priority.LowPriority)
    return thread


def show_failure(window: QMainWindow, path: Path, problem: str) -> QMessageBox:
    """The warning in the status bar and a message box that does not block the window."""
    text = failure_text(path, problem)
    label = window.findChild(QLabel, "integrityWarning")
    if label is None:
        label = QLabel()
        label.setObjectName("integrityWarning")
        label.setStyleSheet("color: #b00020; font-weight: bold;")
        window.statusBar().addWidget(label, 1)
    label.setText("Database check failed: see the message")
    label.setAccessibleName("Database check failed: see the message")
    label.setToolTip(text)
    box = QMessageBox(
        QMessageBox.Icon.Warning,
        f"{TITLE} - {APP_NAME}",
        text,
        QMessageBox.StandardButton.Ok,
        window,
    )
    box.setObjectName("integrityMessage")
    box.setModal(False)
    box.show()
    return box
