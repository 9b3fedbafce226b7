"""Tools > Check Database… and the app's own full check (issue 12 items 2 and 5): the check runs
in a worker thread behind a progress dialog with Cancel; after File > Backup Database and on the
schedule it runs in the background, and a failure is told in a message that does not block the
window."""

from __future__ import annotations

import threading

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMessageBox, QProgressDialog, QPushButton

from rehab_tracker.services import db_check
from rehab_tracker.ui.checks.feature import TITLE, ChecksFeature
from tests.data import tamper


def _feature(window) -> ChecksFeature:  # type: ignore[no-untyped-def]
    (feature,) = [f for f in window.features if isinstance(f, ChecksFeature)]
    return feature


def _progress(window) -> QProgressDialog | None:  # type: ignore[no-untyped-def]
    return window.findChild(QProgressDialog, "checkProgress")


def test_check_database_shows_progress_then_the_result(qtbot, window, answers) -> None:  # type: ignore[no-untyped-def]
    feature = _feature(window)
    window.findChild(QAction, "checkDatabase").trigger()
    dialog = _progress(window)
    assert dialog is not None and dialog.isVisible() and dialog.windowTitle() == TITLE
    assert feature.task is not None
    labels: list[str] = []
    feature.task.progressed.connect(lambda *_: labels.append(dialog.labelText()))
    qtbot.waitUntil(lambda: bool(answers["inform"]), timeout=120_000)
    assert any(": " in label and " of " in label for label in labels), labels
    ((title, text),) = answers["inform"]
    assert title == TITLE and "result: OK" in text and "audit trail: intact" in text
    qtbot.waitUntil(lambda: feature.task is None and _progress(window) is None)
    assert "Database check: no problems found" in window.statusBar().currentMessage()
    last = db_check.last_check(window.workspace.services.db)
    assert last is not None and last.ok and last.reason == "asked"


def test_cancel_stops_the_check(qtbot, window, answers, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    gate = threading.Event()
    real = db_check.run

    def held(db, reason, progress=None):  # type: ignore[no-untyped-def]
        def step(stage, done, total):  # type: ignore[no-untyped-def]
            gate.wait(30)  # the check waits at its first step until Cancel was pressed
            return progress(stage, done, total)

        return real(db, reason, step)

    monkeypatch.setattr(db_check, "run", held)
    window.findChild(QAction, "checkDatabase").trigger()
    dialog = _progress(window)
    assert dialog is not None
    cancel = next(b for b in dialog.findChildren(QPushButton) if b.text() == "Cancel")
    qtbot.mouseClick(cancel, Qt.MouseButton.LeftButton)
    gate.set()
    qtbot.waitUntil(lambda: _feature(window).task is None, timeout=60_000)
    assert window.statusBar().currentMessage() == "Database check stopped"
    assert answers["inform"] == [] and answers["error"] == []
    assert db_check.last_check(window.workspace.services.db) is None


def test_a_backup_is_followed_by_a_full_check_in_the_background(qtbot, window, answers) -> None:  # type: ignore[no-untyped-def]
    window.findChild(QAction, "backupDatabase").trigger()
    feature = _feature(window)
    assert feature.task is not None and feature.reason == "backup"
    assert _progress(window) is None  # in the background: no dialog
    qtbot.waitUntil(lambda: feature.task is None, timeout=120_000)
    last = db_check.last_check(window.workspace.services.db)
    assert last is not None and last.ok and last.reason == "backup"
    assert not db_check.due(window.workspace.services.db)


def test_a_scheduled_check_that_fails_says_so_without_blocking(  # type: ignore[no-untyped-def]
    qtbot, window, answers, patient_ids
) -> None:
    db = window.workspace.services.db
    tamper.change_birth_date(db, patient_ids[0])
    feature = _feature(window)
    feature.check_if_due()  # never checked: due
    assert feature.reason == "schedule"
    qtbot.waitUntil(lambda: feature.task is None, timeout=120_000)
    box = window.findChild(QMessageBox, "checkProblemsMessage")
    assert box is not None and box.isVisible() and not box.isModal()
    assert "found problems" in box.text() and "differs" in box.detailedText()
    assert answers["error"] == []
    feature.check_if_due()  # just checked: not due again
    assert feature.task is None
    box.close()
