"""File > Restore from Backup…: choose a backup, confirm, restore with progress, reopen.

The dialog lists the backups of the open SQLite database, newest first: when each was taken, its
size and its patients (each backup checked and counted read-only by
``data.backup.describe_backups``); one that cannot be restored says why and cannot be chosen. The
confirmation says what happens: the current file is kept beside it as a dated copy, anything
entered since the backup stays only in that copy, and the app reopens on the restored file. The
restore itself is ``data.restore.restore_backup`` (the window's own connections are closed first,
so the check for other programs using the file sees only them).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QProgressDialog,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from rehab_tracker.data.backup import BackupInfo, describe_backups, megabytes
from rehab_tracker.data.locations import backup_dir_for
from rehab_tracker.ui.widgets import dialogs
from rehab_tracker.ui.widgets.table_model import RowsTableModel
from rehab_tracker.ui.widgets.tables import row_table

TITLE = "Restore from Backup"


def when(info: BackupInfo) -> str:
    """The time a backup was taken, in the workstation's time zone."""
    return info.taken.astimezone().strftime("%Y-%m-%d %H:%M")


class BackupsModel(RowsTableModel[BackupInfo]):
    headers = ("Taken", "Size", "Patients", "Check")
    header_tips = (
        "When the backup was taken (this workstation's time)",
        "Size of the backup file",
        "Patients in the backup",
        "Whether the backup passed its check (integrity, a Rehab Tracker database)",
    )

    def cell(self, row: BackupInfo, column: int, role: int) -> Any:
        if role == Qt.ItemDataRole.DisplayRole:
            values = (
                when(row),
                megabytes(row.size),
                "" if row.patients is None else str(row.patients),
                "ok" if row.problem is None else f"cannot be restored: {row.problem}",
            )
            return values[column]
        if role == Qt.ItemDataRole.UserRole:  # sorting: by time, size, count
            return (row.taken, row.size, row.patients or -1, row.problem or "")[column]
        if role == Qt.ItemDataRole.TextAlignmentRole and column in (1, 2):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None


class RestoreDialog(QDialog):
    """The list of backups; ``chosen`` is the selected one once accepted."""

    def __init__(self, database: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("restoreDialog")
        self.setWindowTitle(TITLE)
        self.setAccessibleName(TITLE)
        self.backups = describe_backups(backup_dir_for(database), database.stem)
        self.model = BackupsModel(self)
        self.model.set_rows(self.backups)
        intro = QLabel(
            f"Backups of {database}, newest first. Choose the one to restore."
            if self.backups
            else f"There are no backups of {database} yet (File > Backup Database makes one)."
        )
        intro.setWordWrap(True)
        self.table = row_table(self.model, "backupsTable", "Backups")
        self.table.setSortingEnabled(False)  # newest first, as listed
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.horizontalHeader().setSectionResizeMode(
            QHeaderView.ResizeMode.ResizeToContents
        )
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.verticalHeader().hide()
        intro.setBuddy(self.table)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.restore_button = QPushButton("&Restore…")
        self.restore_button.setObjectName("restoreButton")
        self.restore_button.setAccessibleName("Restore…")
        self.restore_button.setDefault(True)
        buttons.addButton(self.restore_button, QDialogButtonBox.ButtonRole.AcceptRole)
        cancel = buttons.button(QDialogButtonBox.StandardButton.Cancel)
        cancel.setAccessibleName(cancel.text().replace("&", ""))
        cancel.setAutoDefault(False)  # Enter never cancels: it restores, when that is allowed
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        self.table.activated.connect(lambda _index: self.accept())
        self.table.selectionModel().selectionChanged.connect(self._selection_changed)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.table)
        layout.addWidget(buttons)
        self.resize(640, 360)
        if self.backups:
            first_good = next((i for i, b in enumerate(self.backups) if b.problem is None), 0)
            self.table.selectRow(first_good)
        self._selection_changed()
        self.table.setFocus(Qt.FocusReason.OtherFocusReason)

    @property
    def chosen(self) -> BackupInfo | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.row_at(rows[0].row()) if rows else None

    def _selection_changed(self, *_args: object) -> None:
        chosen = self.chosen
        self.restore_button.setEnabled(chosen is not None and chosen.problem is None)

    def accept(self) -> None:
        if self.restore_button.isEnabled():
            super().accept()


def confirmation(database: Path, info: BackupInfo) -> str:
    """What the confirmation says will happen."""
    return (
        f"Restore the backup taken {when(info)} ({info.patients} patients, "
        f"{megabytes(info.size)})?\n\n"
        f"The current database is kept beside it as a dated copy "
        f"({database.stem}-replaced-<date>.db in {database.parent}); anything entered since "
        "the backup is only in that copy.\n\n"
        "Rehab Tracker then reopens on the restored database. Close Rehab Tracker on every "
        "other workstation that uses this file first."
    )


def progress_dialog(parent: QWidget | None) -> tuple[QProgressDialog, Any]:
    """A window-modal progress dialog and the ``progress(done, total)`` callback that feeds it."""
    return dialogs.progress_dialog(parent, TITLE, "Restoring the backup…", "restoreProgress")
