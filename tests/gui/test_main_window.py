"""The main window driven as a user would: find, filter, sort, select, menus, size, keyboard."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QApplication

from rehab_tracker.ui.patients.patient_list import PatientTableModel
from rehab_tracker.ui.shell.main_window import MENU_TITLES, MainWindow
from tests.gui.a11y import assert_accessible
from tests.staff import staff


def names_shown(win: MainWindow) -> list[str]:
    model = win.patient_list.model
    return [model.index(r, 1).data() for r in range(model.rowCount())]


def test_lists_patients_sorted_by_name(window: MainWindow) -> None:
    assert names_shown(window) == ["Ada Lovelace", "Brian Kernighan", "Carol Shaw",
                                   "Dennis Ritchie"]
    assert window.patient_list.count_label.text() == "4 of 4 patients shown"
    assert "clinic.db" in window.database_label.text()


def test_find_by_name_and_record_number(window: MainWindow, qtbot) -> None:
    find = window.patient_list.find_edit
    qtbot.keyClicks(find, "love")
    assert names_shown(window) == ["Ada Lovelace"]
    find.clear()
    qtbot.keyClicks(find, "rt-9002")
    assert names_shown(window) == ["Brian Kernighan"]
    find.clear()
    assert len(names_shown(window)) == 4


def test_ctrl_f_focuses_find(window: MainWindow, qtbot) -> None:
    window.patient_list.table.setFocus()
    window.findChild(QAction, "findPatientAction").trigger()
    assert QApplication.focusWidget() is window.patient_list.find_edit


def test_sort_by_clicking_surgery_date_header(window: MainWindow, qtbot) -> None:
    header = window.patient_list.table.horizontalHeader()
    x = header.sectionViewportPosition(2) + header.sectionSize(2) // 2
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton,
                     pos=header.viewport().rect().center().__class__(x, 5))
    proxy = window.patient_list.model
    dates = [proxy.index(r, 2).data() for r in range(proxy.rowCount())]
    assert dates in (sorted(dates), sorted(dates, reverse=True))
    assert dates != [proxy.index(r, 2).data() for r in range(0)]
    assert header.sortIndicatorSection() == 2


def test_filters(window: MainWindow, qtbot) -> None:
    qtbot.mouseClick(window.patient_list.due_only, Qt.MouseButton.LeftButton)
    assert names_shown(window) == []  # no programs yet
    qtbot.mouseClick(window.patient_list.due_only, Qt.MouseButton.LeftButton)
    window.patient_list.active_only.setChecked(True)
    assert names_shown(window) == []
    window.patient_list.active_only.setChecked(False)
    assert window.patient_list.phase_combo.currentText() == "All phases"
    assert len(names_shown(window)) == 4


def test_select_patient_shows_overview(window: MainWindow, qtbot, today: dt.date) -> None:
    qtbot.keyClicks(window.patient_list.find_edit, "Lovelace")
    window.patient_list.table.selectRow(0)
    overview = window.workspace.patient_view.overview
    assert overview.title.text() == "Ada Lovelace  (RT-9001)"
    assert overview.values["surgery_date"].text() == "2026-10-01"
    assert overview.values["levels"].text() == "L5-S1"
    assert overview.values["surgeon"].text() == "Dr Spine"
    assert overview.values["weeks_since"].text() == str((today - dt.date(2026, 10, 1)).days // 7)
    assert overview.values["program"].text() == "No program yet"
    assert overview.values["odi"].text() == "none yet"
    assert not overview.banner.isVisible()
    assert window.findChild(QAction, "editPatient").isEnabled()


def test_conservative_patient_overview(window: MainWindow, qtbot) -> None:
    qtbot.keyClicks(window.patient_list.find_edit, "Ritchie")
    window.patient_list.table.selectRow(0)
    assert "Conservative" in window.workspace.patient_view.overview.values["surgery_date"].text()


def test_menus_and_actions(window: MainWindow) -> None:
    assert list(window.menus) == list(MENU_TITLES)
    shortcuts = {
        "newPatient": "Ctrl+N",
        "editPatient": "Ctrl+E",
        "logSession": "Ctrl+L",
        "exerciseLibrary": "Ctrl+Shift+L",
        "backupDatabase": "Ctrl+B",
        "quit": "Ctrl+Q",
        "findPatientAction": "Ctrl+F",
    }
    for name, keys in shortcuts.items():
        action = window.findChild(QAction, name)
        assert action is not None, name
        assert action.shortcut().toString() == keys
    for name in ("buildProgram", "education", "about"):
        assert window.findChild(QAction, name) is not None


def test_add_action_and_tab_extension_points(window: MainWindow) -> None:
    from PySide6.QtWidgets import QLabel

    calls = []
    action = window.add_action("&Session", "&Log Session…", lambda: calls.append(1), "logSession")
    action.trigger()
    assert calls == [1]
    assert action in window.menus["&Session"].actions()

    class Tab(QLabel):
        def set_patient(self, row) -> None:  # type: ignore[no-untyped-def]
            self.setText(row.name if row else "")

    tab = Tab()
    window.workspace.patient_view.add_tab(tab, "&Sessions")
    window.patient_list.table.selectRow(0)
    assert tab.text() == window.patient_list.selected_row().name


def test_backup_reports_file(window: MainWindow, answers) -> None:
    window.findChild(QAction, "backupDatabase").trigger()
    assert answers["error"] == []
    assert "Backup written to" in answers["inform"][0][1]


def test_build_program_action_exists(window: MainWindow, answers) -> None:
    window.patient_list.table.selectRow(0)
    action = window.findChild(QAction, "buildProgram")
    assert action.isEnabled()
    assert window.menus["&Program"].actions()[0] is action


def test_fits_1280x800(window: MainWindow) -> None:
    limit = QSize(1280, 800)
    hint = window.minimumSizeHint()
    assert hint.width() <= limit.width() and hint.height() <= limit.height()
    assert window.width() <= 1280 and window.height() <= 800


def test_geometry_is_remembered(window: MainWindow, qtbot, db, today) -> None:
    from rehab_tracker.app import create_main_window

    window.resize(700, 500)  # the offscreen screen is 800x600
    window.close()
    again = create_main_window(db, today=today, principal=staff("tester"))
    qtbot.addWidget(again)
    assert again.size() == QSize(700, 500)


def test_every_input_and_action_is_named(window: MainWindow) -> None:
    assert_accessible(window)


def test_model_passes_qtmodeltester(qtmodeltester, services, patient_ids, today) -> None:
    model = PatientTableModel(lambda: today, page=3)
    model.source = services.patients
    model.refresh()
    assert model.rowCount() == 3 and model.canFetchMore()
    qtmodeltester.check(model, force_py=True)
    model.fetchMore()
    assert model.rowCount() == 4 and not model.canFetchMore()
    qtmodeltester.check(model, force_py=True)


def test_window_model_passes_qtmodeltester(window: MainWindow, qtmodeltester) -> None:
    qtmodeltester.check(window.patient_list.model, force_py=True)


@pytest.mark.parametrize("text", ["", "zzz"])
def test_empty_results_keep_working(window: MainWindow, qtbot, text: str) -> None:
    qtbot.keyClicks(window.patient_list.find_edit, text)
    window.workspace.patient_view.set_patient(None)
    assert window.workspace.patient_view.overview.title.text() == "No patient selected"


def test_active_and_phase_filters_with_a_program(window: MainWindow, services, patient_ids,
                                                  today: dt.date) -> None:
    from rehab_tracker.data.models import Program, ProgramPhase, ScheduledSession

    first = today - dt.timedelta(days=30)
    with services.db.unit_of_work("tester") as session:
        program = Program(patient_id=patient_ids[1], name="USC 12-week", start_date=first)
        session.add(program)
        session.flush()
        for position, (name, a, b) in enumerate((("Motor control", 1, 4), ("Strength", 5, 8))):
            session.add(ProgramPhase(
                program_id=program.id, position=position, code=name.lower().replace(" ", "_"),
                name=name, start_week=a, end_week=b,
                start_date=first + dt.timedelta(weeks=a - 1),
                end_date=first + dt.timedelta(weeks=b) - dt.timedelta(days=1),
            ))
        session.add(ScheduledSession(program_id=program.id, number=1, week=1,
                                     scheduled_date=first))
        session.add(ScheduledSession(program_id=program.id, number=20, week=7,
                                     scheduled_date=today + dt.timedelta(days=2)))
    window.workspace.refresh_patients()
    window.patient_list.active_only.setChecked(True)
    assert names_shown(window) == ["Brian Kernighan"]
    window.patient_list.active_only.setChecked(False)
    combo = window.patient_list.phase_combo
    # the phases of the open programs are offered (read in SQL, not from every patient's row);
    # the filter shows who is in the phase today (domain.phases.phase_on)
    assert combo.findText("Motor control") > 0
    combo.setCurrentIndex(combo.findText("Motor control"))
    assert names_shown(window) == []
    combo.setCurrentIndex(combo.findText("Strength"))
    assert names_shown(window) == ["Brian Kernighan"]
    proxy = window.patient_list.model
    assert proxy.index(0, 4).data() == "5"  # program week
    assert proxy.index(0, 6).data() == (today + dt.timedelta(days=2)).isoformat()


def test_opening_a_patient_is_an_access_in_the_trail(window: MainWindow, qtbot) -> None:
    services = window.workspace.services
    qtbot.keyClicks(window.patient_list.find_edit, "Lovelace")
    window.patient_list.table.selectRow(0)
    patient = window.patient_list.selected_row().id
    window.workspace.patient_view.refresh()  # the same record shown again: not a new access
    (entry,) = services.disclosures.history(patient)
    assert (entry.actor, entry.action, entry.kind) == (services.actor, "access", "record")
