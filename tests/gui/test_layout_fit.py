"""Layout at 100%: every patient tab shown whole, the Sessions table's header over its columns
after switching patients (issue 11 item 7)."""

from __future__ import annotations

from PySide6.QtCore import Qt

from rehab_tracker.ui.sessions.feature import SessionsFeature
from tests.gui.conftest import open_window
from tests.gui.installed import installed


def test_every_patient_tab_is_shown_whole_at_100_percent(qtbot, demo_db, today, answers) -> None:  # type: ignore[no-untyped-def]
    window = open_window(qtbot, demo_db, today)
    window.patient_list.table.selectRow(0)
    bar = window.workspace.patient_view.tabBar()
    assert bar.width() >= bar.sizeHint().width()  # no scroll buttons needed
    for i in range(bar.count()):
        text = bar.tabText(i).replace("&", "")
        assert bar.tabRect(i).width() >= bar.fontMetrics().horizontalAdvance(text), text
        assert bar.rect().contains(bar.tabRect(i)), text


def test_the_sessions_header_stays_over_its_columns(qtbot, demo_db, today, answers) -> None:  # type: ignore[no-untyped-def]
    window = open_window(qtbot, demo_db, today)
    window.resize(1000, 700)
    tab = installed(window, SessionsFeature).sessions_tab
    window.patient_list.table.selectRow(0)
    window.workspace.show_tab(tab)
    table = tab.table
    header = table.horizontalHeader()
    bar = table.horizontalScrollBar()
    bar.setValue(bar.maximum())  # scrolled to the last columns, then another patient
    for row in (4, 1, 7):
        window.patient_list.table.selectRow(row)
        qtbot.wait(10)
        assert tab.model.rowCount() > 0
        for column in range(header.count()):
            assert header.sectionViewportPosition(column) == table.columnViewportPosition(column)
            width = header.sectionSize(column)
            assert width == table.columnWidth(column)
            for r in range(tab.model.rowCount()):
                text = str(table.model().index(r, column).data() or "")
                assert table.fontMetrics().horizontalAdvance(text) < width, (column, text)
    window.workspace.show_tab(window.workspace.patient_view.overview)
    window.patient_list.table.selectRow(2)  # switched while the tab is hidden: loads on show
    window.workspace.show_tab(tab)
    qtbot.keyClick(table, Qt.Key.Key_Home)
    for column in range(header.count()):
        assert header.sectionViewportPosition(column) == table.columnViewportPosition(column)
