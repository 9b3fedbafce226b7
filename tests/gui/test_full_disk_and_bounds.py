"""What the user sees when a save cannot be stored, through the real patient dialog (issue 10
items 3 and 4).

- A value longer than its column (the 43-character phone that raised ``DataError`` on
  PostgreSQL) or holding a control character is told at its field, on both backends; nothing is
  written and the dialog stays open as typed.
- Editing a patient on a full disk (a tiny tmpfs, as root): one clear message, the dialog keeps
  what was typed, the committed record is unchanged and the file passes ``db check``; once
  space is freed the same form saves.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction

from rehab_tracker.data import errors as data_errors
from rehab_tracker.data import maintenance
from rehab_tracker.data.database import Database
from rehab_tracker.services.container import Services
from rehab_tracker.ui.patients.patient_dialog import PatientDialog
from tests.gui.conftest import enrol_people
from tests.gui.test_actions import fill_disk
from tests.gui.test_patient_dialog import fill_required, patient_count, with_modal
from tests.staff import staff

PHONE_43 = "+44 (0)20 7946 0958 ext. 12345 / mobile 077"


def _window(qtbot, db: Database, today):  # type: ignore[no-untyped-def]
    from rehab_tracker.app import create_main_window

    window = create_main_window(db, today=today, principal=staff("tester"))
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    return window


def test_a_43_character_phone_and_a_control_character_are_told_at_their_fields(  # type: ignore[no-untyped-def]
    qtbot, any_db, today, answers
) -> None:
    enrol_people(Services(any_db, staff("tester")), today)
    window = _window(qtbot, any_db, today)
    before = patient_count(window)
    seen = {}

    def handle(dialog: PatientDialog) -> None:
        fill_required(qtbot, dialog)
        qtbot.keyClicks(dialog.phone, PHONE_43)
        dialog.notes.setPlainText("Pasted from a report\x00 with a NUL")
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
        seen["open"] = dialog.isVisible()
        seen["phone"] = dialog.form.errors["phone"].text()
        seen["notes"] = dialog.form.errors["notes"].text()
        seen["typed"] = dialog.phone.text()
        seen["focus"] = dialog.focusWidget() is dialog.phone
        dialog.phone.clear()  # fixed: the live check clears the message
        qtbot.keyClicks(dialog.phone, "020 7946 0958")
        seen["phone_after"] = dialog.form.errors["phone"].text()

    with_modal(qtbot, window.findChild(QAction, "newPatient").trigger, handle)
    assert seen["open"] and seen["typed"] == PHONE_43 and seen["focus"]
    assert seen["phone"] == "At most 40 characters (this has 43)."
    assert "control character (U+0000)" in seen["notes"]
    assert seen["phone_after"] == ""
    assert answers["error"] == []  # told at the fields, not in a dialog
    assert patient_count(window) == before
    window.close()


def _truncate_wal(path: Path) -> None:
    """Fold the WAL back into the file and empty it, so the next write needs new disk blocks
    (a WAL left at its size would take the frames of a small write without growing)."""
    conn = sqlite3.connect(path)
    try:
        assert conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()[0] == 0
    finally:
        conn.close()


def test_editing_on_a_full_disk_keeps_the_form_and_the_committed_record(  # type: ignore[no-untyped-def]
    qtbot, small_disk, today, answers
) -> None:
    services = Services(small_disk, staff("tester"))
    ids = enrol_people(services, today)
    committed = {pid: services.patients.record(pid) for pid in ids}
    window = _window(qtbot, small_disk, today)
    window.patient_list.table.selectRow(0)
    edited = window.patient_list.selected_id()
    assert small_disk.path is not None
    seen = {}

    def handle(dialog: PatientDialog) -> None:
        dialog.phone.clear()
        qtbot.keyClicks(dialog.phone, "555-0142")
        qtbot.keyClicks(dialog.notes, "Seen on the ward.")
        _truncate_wal(small_disk.path)
        filler = fill_disk(small_disk.path.parent)
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
        seen["open"] = dialog.isVisible()
        seen["typed"] = (dialog.phone.text(), dialog.notes.toPlainText())
        seen["stored"] = services.patients.record(edited)  # read while the disk is full
        filler.unlink()  # space is freed: the same form saves
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
        seen["closed"] = not dialog.isVisible()

    with_modal(qtbot, window.findChild(QAction, "editPatient").trigger, handle)
    [(_title, text)] = answers["error"]  # one message
    assert text.startswith(data_errors.DiskFull.message) and "still in the form" in text
    assert seen["open"] and seen["typed"] == ("555-0142", "Seen on the ward.")
    assert seen["stored"] == committed[edited]  # the failed save changed nothing committed
    assert seen["closed"]
    after = services.patients.record(edited)
    assert (after.details.phone, after.details.notes) == ("555-0142", "Seen on the ward.")
    assert after.version == committed[edited].version + 1
    for pid in ids:  # every other committed record as it was
        if pid != edited:
            assert services.patients.record(pid) == committed[pid]
    report = maintenance.check(small_disk)
    assert report.ok, report.lines()
    window.close()


def test_a_session_typed_on_a_full_disk_gets_one_message_and_is_kept(  # type: ignore[no-untyped-def]
    qtbot, small_disk, today, answers
) -> None:
    """The form's draft autosave runs while the disk is full too: it must not add messages of
    its own (nor reach the exception hook); the Save tells the user once."""
    from rehab_tracker.domain.redflags import RED_FLAGS
    from rehab_tracker.ui.sessions.session_form import SessionFormDialog
    from tests.services.test_sessions_support import build_patient

    all_no = {f.code: False for f in RED_FLAGS}
    built = build_patient(small_disk, today)
    sessions = built.services.sessions
    committed = sessions.history(built.patient_id)
    slot = sessions.next_slot(built.patient_id)
    assert slot is not None
    form = sessions.new_form(built.patient_id, slot.id, today=today)
    dialog = SessionFormDialog(built.services, form, lambda: today, red_flags=all_no)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    assert small_disk.path is not None
    _truncate_wal(small_disk.path)
    filler = fill_disk(small_disk.path.parent)
    qtbot.keyClicks(dialog.pain["pain_back_before"], "4")
    qtbot.keyClicks(dialog.pain["pain_leg_before"], "3")
    qtbot.wait(900)  # the draft autosave fires on the full disk
    qtbot.keyClick(dialog, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert dialog.isVisible()
    assert [dialog.pain[k].text() for k in ("pain_back_before", "pain_leg_before")] == ["4", "3"]
    [(_title, text)] = answers["error"]
    assert text.startswith(data_errors.DiskFull.message) and "still in the form" in text
    assert sessions.history(built.patient_id) == committed
    filler.unlink()
    qtbot.keyClick(dialog, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert dialog.result() == dialog.DialogCode.Accepted
    saved = sessions.edit_form(dialog.saved_id).entry
    assert (saved.pain_back_before, saved.pain_leg_before) == (4, 3)
    assert maintenance.check(small_disk).ok
