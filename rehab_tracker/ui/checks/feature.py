"""The database check in the window (issue 12 items 2 and 5): Tools > Check Database… and the
full check the app runs by itself after each backup and on its schedule.

* Tools > Check Database… runs the full check (``services.db_check.run``: the file's integrity,
  the schema, every entry of the audit trail, every record) in a worker thread behind a
  progress dialog with Cancel; the result is shown when it ends.
* In the background, without a dialog: after File > Backup Database, and when the schedule
  says a check is due (``db_check.due``: a week after the last, a clinic default), looked at
  a little after the database opens and every hour after. The result is shown on the status
  bar; a check that finds problems says so in a message that does not block the window.

The check uses its own database connections (one read transaction), so the clinic keeps
working while it runs; closing the window stops it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, Qt, QTimer
from PySide6.QtWidgets import QMessageBox, QProgressDialog

from rehab_tracker.ui.widgets import dialogs
from rehab_tracker.ui.widgets.background import BackgroundTask, progress_dialog, show_progress

if TYPE_CHECKING:
    from rehab_tracker.data.maintenance import CheckReport
    from rehab_tracker.ui.shell.main_window import MainWindow
    from rehab_tracker.ui.shell.workspace import Workspace

TITLE = "Check Database"
#: after the database opens, the wait before the schedule is first looked at (ms): the window
#: is usable first
FIRST_LOOK_MS = 60_000
#: how often the schedule is looked at afterwards (ms)
LOOK_EVERY_MS = 60 * 60 * 1000
#: at most this long the window waits, when it closes, for a check to stop (s)
_STOP_WAIT = 10.0


class ChecksFeature(QObject):
    workspace: Workspace  # from attach()

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.task: BackgroundTask | None = None
        #: the reason of the running check ("asked", "backup", "schedule")
        self.reason = ""
        self.dialog: QProgressDialog | None = None
        #: the last non-modal message about a failed check
        self.message: QMessageBox | None = None
        self.first_look = QTimer(self)
        self.first_look.setSingleShot(True)
        self.first_look.setInterval(FIRST_LOOK_MS)
        self.first_look.timeout.connect(self.check_if_due)
        self.timer = QTimer(self)
        self.timer.setInterval(LOOK_EVERY_MS)
        self.timer.timeout.connect(self.check_if_due)
        window.add_action("&Tools", "&Check Database…", self.check_now, "checkDatabase")
        window.database_backed_up.connect(lambda _path: self.start("backup"))
        window.installEventFilter(self)

    def attach(self, workspace: Workspace) -> None:
        self.workspace = workspace
        self.first_look.start()
        self.timer.start()

    # -- starting -------------------------------------------------------------------------

    def check_now(self) -> None:
        """Tools > Check Database…: a check in the background is taken over by the dialog."""
        if self.task is not None and self.task.running():
            self.reason = "asked"
        else:
            self.start("asked")
        self._show_dialog()

    def check_if_due(self) -> None:
        from rehab_tracker.services import db_check

        if self.task is None and db_check.due(self.workspace.services.db):
            self.start("schedule")

    def start(self, reason: str) -> BackgroundTask | None:
        """A full check in the worker thread (none when one is running already)."""
        from rehab_tracker.data.audit import Cancelled
        from rehab_tracker.services import db_check

        if self.task is not None:
            return None
        db = self.workspace.services.db
        task = BackgroundTask(
            lambda progress: db_check.run(db, reason, progress), self, cancelled_by=(Cancelled,)
        )
        self.task, self.reason = task, reason
        task.progressed.connect(self._progressed)
        task.succeeded.connect(self._succeeded)
        task.failed.connect(self._failed)
        task.cancelled.connect(self._cancelled)
        task.finished.connect(self._finished)
        self.window.statusBar().showMessage("Checking the database…")
        task.start()
        return task

    def _show_dialog(self) -> None:
        if self.dialog is None:
            self.dialog = progress_dialog(self.window, TITLE, "checkProgress")
            self.dialog.canceled.connect(self._cancel_asked)
        self.dialog.show()

    def _cancel_asked(self) -> None:
        if self.task is not None:
            self.task.cancel()
            if self.dialog is not None:
                self.dialog.setLabelText("Stopping the check…")

    # -- outcome --------------------------------------------------------------------------

    def _progressed(self, stage: str, done: int, total: int) -> None:
        if self.dialog is not None:
            show_progress(self.dialog, stage, done, total)

    def _succeeded(self, report: CheckReport) -> None:
        asked = self.reason == "asked"
        self._close_dialog()
        if report.ok:
            self.window.statusBar().showMessage("Database check: no problems found", 10000)
            if asked:
                dialogs.inform(self.window, TITLE, "\n".join(report.lines()))
            return
        self.window.statusBar().showMessage("Database check: problems found", 0)
        if asked:
            dialogs.error(self.window, TITLE, "\n".join(report.lines()))
        else:
            self._tell_problems(report)

    def _tell_problems(self, report: CheckReport) -> None:
        """A message that does not block the window (the clinic can go on working)."""
        when = "after the backup" if self.reason == "backup" else "on its schedule"
        box = QMessageBox(
            QMessageBox.Icon.Warning,
            TITLE,
            f"The database check the app ran {when} found problems. Run "
            "`rehab-tracker db check --full` or Tools > Check Database… for the details, and "
            "keep the backups.",
            QMessageBox.StandardButton.Ok,
            self.window,
        )
        box.setObjectName("checkProblemsMessage")
        box.setDetailedText("\n".join(report.lines()))
        box.setWindowModality(Qt.WindowModality.NonModal)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.show()  # open() would make it window-modal
        self.message = box

    def _failed(self, exc: BaseException) -> None:
        self._close_dialog()
        from rehab_tracker.data.errors import DatabaseError

        if not isinstance(exc, DatabaseError):
            raise exc  # a bug: the app's error handling shows it
        self.window.statusBar().showMessage(f"Database check could not run: {exc}", 0)
        if self.reason == "asked":
            dialogs.error(self.window, TITLE, str(exc))

    def _cancelled(self) -> None:
        self._close_dialog()
        self.window.statusBar().showMessage("Database check stopped", 10000)

    def _finished(self) -> None:
        self.task = None

    def _close_dialog(self) -> None:
        if self.dialog is not None:
            self.dialog.close()
            self.dialog.deleteLater()
            self.dialog = None

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.window and event.type() == QEvent.Type.Close:
            self.stop()
        return False

    def stop(self) -> None:
        """Stop a running check and wait for its thread (the database closes after)."""
        task = self.task
        if task is not None:
            task.cancel()
            task.wait(_STOP_WAIT)


def install(window: MainWindow) -> ChecksFeature:
    return ChecksFeature(window)
