"""File > Restore from Backup… driven like a user: the list, the keyboard, the confirmation, the
reopened window (issue 10 item 9)."""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QWidget
from sqlalchemy import select

from rehab_tracker.data import locations
from rehab_tracker.data.models import AuditEntry
from rehab_tracker.domain.patients import PatientDetails
from rehab_tracker.ui.shell.main_window import MainWindow
from rehab_tracker.ui.shell.restore import RestoreDialog
from tests.gui.a11y import assert_accessible
from tests.gui.test_patient_dialog import patient_count, with_modal


def _backup(window: MainWindow) -> Path:
    window.findChild(QAction, "backupDatabase").trigger()
    path = window.workspace.services.db.path
    assert path is not None
    backups = sorted(locations.backup_dir_for(path).glob("*.db"))
    assert backups
    return backups[-1]


def _enrol(window: MainWindow, today: dt.date, given: str) -> None:
    window.workspace.services.patients.enrol(
        PatientDetails(given, "Later", dt.date(1985, 3, 3), "female", pathway="conservative"),
        None, today=today)
    window.workspace.refresh_patients()


def test_restore_from_the_menu_with_the_keyboard_reopens_on_the_backup(
    window: MainWindow, qtbot, answers, today: dt.date
) -> None:
    action = window.findChild(QAction, "restoreDatabase")
    assert action is not None and action.isEnabled()
    assert action.text() == "&Restore from Backup…"
    assert action in window.menus["&File"].actions()
    made = _backup(window)
    _enrol(window, today, "Added-after-the-backup")
    assert patient_count(window) == 5
    old_db = window.workspace.services.db
    seen: dict[str, object] = {}

    def handle(dialog: QWidget) -> None:
        assert isinstance(dialog, RestoreDialog)
        assert_accessible(dialog)
        model = dialog.model
        seen["rows"] = [[model.index(r, c).data() for c in range(4)]
                        for r in range(model.rowCount())]
        assert dialog.table.hasFocus()
        qtbot.keyClick(dialog.table, Qt.Key.Key_Return)  # the keyboard: Enter restores

    with_modal(qtbot, action.trigger, handle)

    rows = seen["rows"]
    assert isinstance(rows, list) and len(rows) == 1
    taken, size, patients, check = rows[0]
    assert patients == "4" and size.endswith(" MB") and check == "ok"
    assert taken == dt.datetime.now().strftime("%Y-%m-%d %H:%M") or len(taken) == 16
    title, text = answers["confirm"][-1]
    assert title == "Restore from Backup"
    assert "4 patients" in text and "dated copy" in text and "reopens" in text
    assert answers["error"] == []
    # the window reopened on the restored file: four patients, a working database
    assert window.workspace.services.db is not old_db
    assert patient_count(window) == 4
    names = {window.patient_list.model.index(r, 1).data() for r in range(4)}
    assert not any("Added-after-the-backup" in str(n) for n in names)
    assert "Restored the backup" in answers["inform"][-1][1]
    _enrol(window, today, "After-the-restore")  # the reopened services write
    assert patient_count(window) == 5
    with window.workspace.services.db.reading() as session:
        entry = session.scalars(
            select(AuditEntry).where(AuditEntry.action == "restore")).one()
    assert entry.actor == "tester" and entry.after is not None
    assert entry.after["backup"] == made.name
    path = window.workspace.services.db.path
    assert path is not None
    kept = path.parent / entry.after["replaced_copy"]
    conn = sqlite3.connect(f"{kept.as_uri()}?mode=ro", uri=True)
    try:
        assert conn.execute("SELECT count(*) FROM patients").fetchone()[0] == 5
    finally:
        conn.close()
    # every tab works on the new services (the patient view was rebuilt)
    window.patient_list.table.selectRow(0)
    window.show_patient_view()
    assert window.workspace.patient_view.count() > 1


def test_saying_no_to_the_confirmation_changes_nothing(
    window: MainWindow, qtbot, answers, today: dt.date
) -> None:
    _backup(window)
    _enrol(window, today, "Kept")
    answers["confirm_reply"].append(False)
    old_db = window.workspace.services.db

    def handle(dialog: QWidget) -> None:
        assert isinstance(dialog, RestoreDialog)
        qtbot.mouseClick(dialog.restore_button, Qt.MouseButton.LeftButton)

    with_modal(qtbot, window.findChild(QAction, "restoreDatabase").trigger, handle)
    assert answers["confirm"]
    assert window.workspace.services.db is old_db
    assert patient_count(window) == 5
    path = old_db.path
    assert path is not None
    assert list(path.parent.glob("*-replaced-*")) == []


def test_a_damaged_backup_is_listed_but_cannot_be_chosen(
    window: MainWindow, qtbot, answers
) -> None:
    made = _backup(window)
    made.write_bytes(made.read_bytes()[:4096])  # a backup cut short
    seen: dict[str, object] = {}

    def handle(dialog: QWidget) -> None:
        assert isinstance(dialog, RestoreDialog)
        seen["check"] = dialog.model.index(0, 3).data()
        seen["enabled"] = dialog.restore_button.isEnabled()
        qtbot.keyClick(dialog.table, Qt.Key.Key_Return)  # refused: the dialog stays open
        seen["open"] = dialog.isVisible()
        qtbot.keyClick(dialog, Qt.Key.Key_Escape)

    with_modal(qtbot, window.findChild(QAction, "restoreDatabase").trigger, handle)
    assert str(seen["check"]).startswith("cannot be restored")
    assert seen["enabled"] is False and seen["open"] is True
    assert answers["confirm"] == []
