"""The action runner and the exception hook, through the real patient dialog.

A busy database or a full disk while saving keeps the dialog open with what was typed and shows
one plain message; a conflict offers Reload; a bug goes to the exception hook, which shows its
dialog and writes a private log without the patient data that was in the exception's message.
"""

from __future__ import annotations

import dataclasses
import errno
import os
import sqlite3
import stat
import subprocess
import sys
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction

from rehab_tracker.data import errors as data_errors
from rehab_tracker.ui.patients.patient_dialog import PatientDialog
from rehab_tracker.ui.shell import errors as ui_errors
from tests.data.helpers import short_busy_timeout
from tests.gui.conftest import enrol_people
from tests.gui.test_patient_dialog import fill_required, patient_count, with_modal
from tests.staff import staff


def typed_values(dialog: PatientDialog) -> tuple[str, str, str]:
    return dialog.given_name.text(), dialog.family_name.text(), dialog.phone.text()


def test_a_busy_database_keeps_the_dialog_open_as_typed(  # type: ignore[no-untyped-def]
    window, qtbot, db, answers, services
) -> None:
    before = patient_count(window)
    short_busy_timeout(db)
    seen = {}

    def handle(dialog: PatientDialog) -> None:
        fill_required(qtbot, dialog)
        qtbot.keyClicks(dialog.phone, "555-0142")
        other = sqlite3.connect(db.path, isolation_level=None)
        try:
            other.execute("BEGIN IMMEDIATE")  # another program holds the write lock
            qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
            seen["open"] = dialog.isVisible()
            seen["typed"] = typed_values(dialog)
        finally:
            other.execute("ROLLBACK")
            other.close()
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)  # free again: saved
        seen["closed"] = not dialog.isVisible()

    with_modal(qtbot, window.findChild(QAction, "newPatient").trigger, handle)
    assert seen["open"] and seen["typed"] == ("Grace", "Hopper", "555-0142")
    [(_title, text)] = answers["error"]
    assert data_errors.DatabaseBusy.message in text and "still in the form" in text
    assert seen["closed"] and patient_count(window) == before + 1


def fill_disk(folder: Path) -> Path:
    filler = folder / "filler"
    with open(filler, "wb") as handle:
        try:
            while True:
                handle.write(b"\0" * 65536)
                handle.flush()
        except OSError as exc:
            assert exc.errno == errno.ENOSPC
    return filler


def test_a_full_disk_keeps_the_dialog_open_and_loses_nothing(  # type: ignore[no-untyped-def]
    qtbot, small_disk, today, answers
) -> None:
    from rehab_tracker.app import create_main_window
    from rehab_tracker.services.container import Services

    enrol_people(Services(small_disk, staff("tester")), today)
    window = create_main_window(small_disk, today=today, principal=staff("tester"))
    qtbot.addWidget(window)
    window.show()
    before = patient_count(window)
    seen = {}

    def handle(dialog: PatientDialog) -> None:
        fill_required(qtbot, dialog)
        qtbot.keyClicks(dialog.phone, "555-0142")
        filler = fill_disk(small_disk.path.parent)
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
        seen["open"] = dialog.isVisible()
        seen["typed"] = typed_values(dialog)
        filler.unlink()  # space is freed: the same form saves
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
        seen["closed"] = not dialog.isVisible()

    with_modal(qtbot, window.findChild(QAction, "newPatient").trigger, handle)
    assert seen["open"] and seen["typed"] == ("Grace", "Hopper", "555-0142")
    [(_title, text)] = answers["error"]
    assert text.startswith(data_errors.DiskFull.message) and "still in the form" in text
    assert seen["closed"] and patient_count(window) == before + 1
    window.close()


def test_a_conflict_offers_reload(window, qtbot, services, answers, today) -> None:  # type: ignore[no-untyped-def]
    window.patient_list.table.selectRow(0)
    patient_id = window.patient_list.selected_id()
    answers["reload_reply"].append(True)
    seen = {}

    def handle(dialog: PatientDialog) -> None:
        record = services.patients.record(patient_id)  # another desk saves meanwhile
        services.patients.update(patient_id, dataclasses.replace(record.details,
                                                                 phone="555-0199"),
                                 record.surgery, expected_version=record.version, today=today)
        dialog.phone.clear()
        qtbot.keyClicks(dialog.phone, "555-0000")
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
        seen["open"] = dialog.isVisible()
        seen["phone"] = dialog.phone.text()  # reloaded: the other desk's change
        qtbot.keyClicks(dialog.phone, "7")
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
        seen["closed"] = not dialog.isVisible()

    with_modal(qtbot, window.findChild(QAction, "editPatient").trigger, handle)
    [(_title, text)] = answers["reload"]
    assert "another workstation" in text
    assert answers["error"] == []
    assert seen["open"] and seen["phone"] == "555-0199" and seen["closed"]
    assert services.patients.record(patient_id).details.phone == "555-01997"


def test_a_bug_goes_to_the_exception_hook_and_a_private_log(  # type: ignore[no-untyped-def]
    window, qtbot, answers, monkeypatch, tmp_path
) -> None:
    secret = "Grace Hopper, born 1976-12-09"

    def broken(*_args, **_kwargs):  # type: ignore[no-untyped-def]
        raise RuntimeError(f"cannot enrol {secret}")

    monkeypatch.setattr(window.workspace.services.patients, "enrol", broken)
    log = tmp_path / "logs" / "rehab-tracker.log"
    hook = ui_errors.ExceptionHook(log).install()
    seen = {}
    try:
        def handle(dialog: PatientDialog) -> None:
            fill_required(qtbot, dialog)
            qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
            seen["open"] = dialog.isVisible()
            seen["typed"] = typed_values(dialog)

        with_modal(qtbot, window.findChild(QAction, "newPatient").trigger, handle)
    finally:
        hook.uninstall()
    assert sys.excepthook is not hook
    assert seen["open"] and seen["typed"][:2] == ("Grace", "Hopper")
    [(title, text)] = answers["error"]
    assert title == ui_errors.ExceptionHook.TITLE and str(log) in text
    written = log.read_text(encoding="utf-8")
    assert "RuntimeError" in written
    assert "patient_dialog.py" in written and "in _write" in written and "in save" in written
    assert "Hopper" not in written and "1976" not in written and "cannot enrol" not in written
    assert stat.S_IMODE(os.stat(log).st_mode) == 0o600
    assert stat.S_IMODE(os.stat(log.parent).st_mode) == 0o700


def test_an_environment_problem_outside_an_action_is_told_plainly_not_as_a_bug(  # type: ignore[no-untyped-def]
    window, qtbot, answers, monkeypatch, tmp_path
) -> None:
    """A tab that reads while the database is busy (no action runner around a read) reaches the
    hook: the user sees the database's plain message, not "something went wrong"."""
    log = tmp_path / "logs" / "rehab-tracker.log"
    hook = ui_errors.ExceptionHook(log).install()
    try:
        problem = data_errors.DatabaseBusy("busy")
        hook(type(problem), problem, None)
    finally:
        hook.uninstall()
    [(title, text)] = answers["error"]
    assert title == ui_errors.ExceptionHook.ENVIRONMENT_TITLE
    assert text == str(problem) and "IT support" not in text
    written = log.read_text(encoding="utf-8")
    assert "DatabaseBusy" in written and "unexpected error" not in written


def test_the_log_stays_private_after_a_rollover(tmp_path: Path) -> None:
    log = tmp_path / "app.log"
    handler = ui_errors.PrivateRotatingFileHandler(log, maxBytes=200, backupCount=2)
    record = ui_errors.log.makeRecord("rehab_tracker", 40, __file__, 1, "x" * 150, (), None)
    for _ in range(4):
        handler.emit(record)
    handler.close()
    files = sorted(tmp_path.glob("app.log*"))
    assert len(files) == 3
    assert {stat.S_IMODE(f.stat().st_mode) for f in files} == {0o600}


def test_importing_the_app_installs_no_hook() -> None:
    """The hook belongs to the composition root's start-up (run_gui), not to an import."""
    code = (
        "import sys; hook = sys.excepthook\n"
        "import rehab_tracker.app, rehab_tracker.ui.shell.actions, rehab_tracker.ui.shell.errors\n"
        "import rehab_tracker.ui.shell.main_window\n"
        "assert sys.excepthook is hook, sys.excepthook\n"
    )
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
