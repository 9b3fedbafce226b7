"""The Charts tab: lazy loading, picker, hover values, PNG/SVG export, and its menu wiring."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from reports.sample_data import TODAY, add_missed_weeks_patient, add_twelve_week_patient

from rehab_tracker.data.database import Database
from rehab_tracker.services.container import Services
from rehab_tracker.ui.reports import charts_view
from rehab_tracker.ui.reports.charts_view import ChartsTab
from tests.staff import staff


@pytest.fixture
def tab(qtbot, db: Database):  # type: ignore[no-untyped-def]
    services = Services(db, staff("tester"))
    add_twelve_week_patient(db)
    add_missed_weeks_patient(db)
    widget = ChartsTab(services, lambda: TODAY)
    qtbot.addWidget(widget)
    rows = {r.record_number: r for r in services.patients.list_patients(today=TODAY)}
    widget.resize(900, 600)
    return widget, rows


def test_loads_only_when_shown_then_draws_odi(qtbot, tab) -> None:  # type: ignore[no-untyped-def]
    widget, rows = tab
    widget.set_patient(rows["RT-00001"])
    assert widget.data is None and widget.canvas is None  # hidden: nothing loaded yet
    widget.show()
    qtbot.waitExposed(widget)
    assert widget.data is not None and widget.data.patient.name == "Maria Jensen"
    assert widget.current_key() == "odi"
    line = next(a for a in widget.figure.findobj() if a.get_gid() == "series:odi")
    assert list(line.get_ydata()) == [42.0, 30.0, 24.0]
    assert widget.canvas.accessibleName() == "Disability (ODI) chart"


def test_picker_switches_chart_by_keyboard(qtbot, tab) -> None:  # type: ignore[no-untyped-def]
    widget, rows = tab
    widget.show()
    widget.set_patient(rows["RT-00003"])
    widget.picker.setFocus()
    qtbot.keyClick(widget.picker, Qt.Key.Key_End)
    assert widget.current_key() == "adherence"
    assert "27 of 36" in widget.figure.axes[0].get_title(loc="left")
    widget.picker.setCurrentIndex(2)
    assert widget.current_key() == "walking"
    assert len(widget.figure.axes) == 4


def test_hover_shows_the_value(qtbot, tab) -> None:  # type: ignore[no-untyped-def]
    widget, rows = tab
    widget.show()
    widget.set_patient(rows["RT-00001"])
    qtbot.waitExposed(widget)
    widget.canvas.draw()
    ax = widget.figure.axes[0]
    x, y = ax.transData.transform((11.0, 30.0))  # the mid-program ODI point
    found = widget.hit(x, y)
    assert found is not None and found[1].startswith("ODI: 30%")
    # through matplotlib's own event: a motion event at that pixel
    from matplotlib.backend_bases import MouseEvent

    event = MouseEvent("motion_notify_event", widget.canvas, x, y)
    widget.canvas.callbacks.process("motion_notify_event", event)
    assert widget.hover_text.startswith("ODI: 30%")
    assert "05 Oct 2026" in widget.message.text()
    far = MouseEvent("motion_notify_event", widget.canvas, x + 200, y + 150)
    widget.canvas.callbacks.process("motion_notify_event", far)
    assert not widget._annotation.get_visible()


def test_export_png_and_svg(qtbot, tab, tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    widget, rows = tab
    widget.show()
    widget.set_patient(rows["RT-00001"])
    monkeypatch.setattr(
        charts_view, "get_export_path", lambda parent, suggested, kind: tmp_path / suggested
    )
    qtbot.mouseClick(widget.export_png, Qt.MouseButton.LeftButton)
    png = tmp_path / "RT-00001_odi.png"
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    widget.picker.setCurrentIndex(1)
    qtbot.mouseClick(widget.export_svg, Qt.MouseButton.LeftButton)
    svg = (tmp_path / "RT-00001_pain.svg").read_text()
    assert svg.lstrip().startswith("<?xml") and "<svg" in svg
    assert "Saved" in widget.message.text()


def test_no_patient(qtbot, tab) -> None:  # type: ignore[no-untyped-def]
    widget, _rows = tab
    widget.show()
    widget.set_patient(None)
    assert widget.canvas is None and not widget.export_png.isEnabled()


def test_main_window_has_charts_tab_and_report_actions(window) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtGui import QAction

    from rehab_tracker.ui.reports.feature import ReportsFeature
    from tests.gui.installed import installed

    view, charts_tab = window.workspace.patient_view, installed(window, ReportsFeature).tab
    titles = [view.tabText(i) for i in range(view.count())]
    assert "&Charts" in titles
    report = window.findChild(QAction, "progressReport")
    assert report is not None and report.shortcut().toString() == "Ctrl+P"
    assert report in window.menus["&Reports"].actions()
    assert window.findChild(QAction, "exportAllReports") is not None
    window.workspace.show_tab(charts_tab)  # the patient view comes in front of the Today view
    assert charts_tab.isVisible()
    selected = window.patient_list.selected_id()
    assert charts_tab.patient_id == selected
    if selected is not None:
        assert charts_tab.canvas is not None
