"""The patient list fetches its rows a page at a time as the table scrolls (issue 12 item 3), and
SQLite's check of every page runs in the background once the window is usable (item 2)."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLabel, QMessageBox

from rehab_tracker.data.database import Database
from tests.data.helpers import make_patient
from tests.data.test_open_check_bounded import _clinic, _pages, _scribble
from tests.gui.conftest import open_window
from tests.staff import staff

PATIENTS = 60


def many_patients(db: Database) -> None:
    with db.unit_of_work("tester") as session:
        for n in range(PATIENTS):
            session.add(
                make_patient(f"RT-{n:05d}", given_name=f"Given{n:02d}", family_name="Sample")
            )


def test_scrolling_to_the_end_fetches_the_next_page(
    qtbot,
    db: Database,
    today: dt.date,  # type: ignore[no-untyped-def]
    answers,
) -> None:
    many_patients(db)
    window = open_window(qtbot, db, today)
    plist = window.patient_list
    model = plist.model
    model.page = 8
    plist.reload()
    bar = plist.table.verticalScrollBar()
    # the view fills its height first (it asks for more while it has room), then scrolls
    qtbot.waitUntil(lambda: bar.maximum() > 0)
    first = model.rowCount()
    assert 8 <= first < PATIENTS and model.canFetchMore()
    assert plist.count_label.text() == f"{PATIENTS} of {PATIENTS} patients shown"
    assert bar.value() < bar.maximum()
    bar.setValue(bar.maximum())  # the user drags the scroll bar to its end
    QApplication.processEvents()
    seen = [first, model.rowCount()]
    assert seen[-1] > first, "scrolling to the end fetched no rows"
    while model.canFetchMore():  # and again, at the new end, until every row is there
        qtbot.waitUntil(lambda: bar.maximum() > bar.value())  # the new rows laid out
        bar.setValue(bar.maximum())
        QApplication.processEvents()
        assert model.rowCount() > seen[-1], "scrolling to the end fetched no rows"
        seen.append(model.rowCount())
    assert model.rowCount() == PATIENTS and len(seen) > 2
    names = [model.index(r, 1).data() for r in range(model.rowCount())]
    assert names == sorted(names) and len(set(names)) == PATIENTS


def test_selecting_a_patient_beyond_the_fetched_rows_fetches_them(  # type: ignore[no-untyped-def]
    qtbot, db: Database, today: dt.date, answers
) -> None:
    many_patients(db)
    window = open_window(qtbot, db, today)
    plist = window.patient_list
    plist.model.page = 5
    plist.reload()
    last = plist.model.found.page(PATIENTS - 1, PATIENTS)[0]
    assert plist.model.rowCount() < PATIENTS
    assert plist.select(last)
    assert plist.selected_id() == last and plist.model.rowCount() == PATIENTS
    # the selection is kept across a reload (after a save), also far down the list
    window.workspace.refresh_patients()
    assert plist.selected_id() == last


def test_find_then_enter_opens_the_one_match_among_many(  # type: ignore[no-untyped-def]
    qtbot, db: Database, today: dt.date, answers
) -> None:
    many_patients(db)
    window = open_window(qtbot, db, today)
    plist = window.patient_list
    qtbot.keyClicks(plist.find_edit, "given4")
    assert plist.count_label.text() == f"10 of {PATIENTS} patients shown"
    qtbot.keyClicks(plist.find_edit, "2")
    assert plist.model.rowCount() == 1
    qtbot.keyClick(plist.find_edit, Qt.Key.Key_Return)
    assert plist.selected_row() is not None and plist.selected_row().name == "Given42 Sample"


def test_a_damaged_page_is_told_after_start_up_without_a_modal_dialog(  # type: ignore[no-untyped-def]
    qtbot, tmp_path, today: dt.date, answers
) -> None:
    path = tmp_path / "clinic.db"
    _clinic(path)
    leaves = _pages(path, "audit_log", "leaf")
    assert len(leaves) > 10
    _scribble(path, leaves[len(leaves) // 2])  # a page the open and the list never read
    from rehab_tracker.app import create_main_window

    window = create_main_window(path, today=today, principal=staff("tester"))
    qtbot.addWidget(window)
    window.show()
    assert window.attached and window.patient_list.model.total() == 300  # usable meanwhile
    qtbot.waitUntil(
        lambda: window.findChild(QMessageBox, "integrityMessage") is not None, timeout=30000
    )
    box = window.findChild(QMessageBox, "integrityMessage")
    assert not box.isModal() and box.isVisible()
    assert "rehab-tracker db check" in box.text() and str(path) in box.text()
    label = window.findChild(QLabel, "integrityWarning")
    assert label is not None and "check failed" in label.text()
    window.patient_list.find_edit.setFocus()  # the window keeps working beside the message
    qtbot.keyClicks(window.patient_list.find_edit, "RT-00012")
    assert window.patient_list.model.rowCount() == 1
    box.close()


def test_a_sound_file_passes_the_background_check_quietly(
    qtbot,
    db: Database,  # type: ignore[no-untyped-def]
    today: dt.date,
    answers,
) -> None:
    window = open_window(qtbot, db, today)
    check = window.page_check
    assert check is not None
    qtbot.waitUntil(check.isFinished, timeout=30000)
    QApplication.processEvents()  # a failure would be delivered to the window now
    assert not check.check.cancelled
    assert window.findChild(QMessageBox, "integrityMessage") is None
    assert window.findChild(QLabel, "integrityWarning") is None
