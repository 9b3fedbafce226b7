"""No internal codes on screen, one name for each phase, one rounding for each measure: every
demo patient's tabs read as a clinician reads them."""

from __future__ import annotations

import re

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractItemView, QLabel

from rehab_tracker.ui.outcomes.feature import OutcomesFeature
from rehab_tracker.ui.shell.main_window import MainWindow
from tests.gui.conftest import open_window
from tests.gui.installed import installed

#: what a code looks like: a scoring rule id, "12/24 yes", a snake_case word
CODES = re.compile(r"odi-\d|rmdq-\d|nprs-\d|max_missing|\d+/24 yes|\b[a-z]+_[a-z_]+\b")


@pytest.fixture
def demo_window(qtbot, demo_db, today, answers) -> MainWindow:  # type: ignore[no-untyped-def]
    window = open_window(qtbot, demo_db, today)
    window.resize(1400, 900)
    return window


def screen_texts(window: MainWindow) -> list[str]:
    texts = [label.text() for label in window.findChildren(QLabel) if label.isVisible()]
    for view in window.findChildren(QAbstractItemView):
        model = view.model()
        if model is None or not view.isVisible():
            continue
        for r in range(model.rowCount()):
            for c in range(model.columnCount()):
                value = model.index(r, c).data()
                if value is not None:
                    texts.append(str(value))
    return texts


def every_tab(window: MainWindow, qtbot):  # type: ignore[no-untyped-def]
    view = window.workspace.patient_view
    for row in range(window.patient_list.model.rowCount()):
        window.patient_list.table.selectRow(row)
        for tab in range(view.count()):
            if view.tabText(tab).replace("&", "") == "Charts":
                continue  # matplotlib: tests/charts
            view.setCurrentIndex(tab)
            qtbot.wait(0)
            yield window.selected_patient(), view.tabText(tab)


def test_no_internal_codes_on_any_tab(demo_window: MainWindow, qtbot) -> None:
    found = set()
    for _patient, tab in every_tab(demo_window, qtbot):
        for text in screen_texts(demo_window):
            for code in CODES.findall(text):
                found.add((tab.replace("&", ""), code, text[:80]))
    assert not found, sorted(found)


def outcome_rows(window: MainWindow):  # type: ignore[no-untyped-def]
    tab = installed(window, OutcomesFeature).tab
    window.workspace.show_tab(tab)
    return tab.model, [tab.model.row_at(r) for r in range(tab.model.rowCount())]


def test_the_questionnaire_details_read_as_words(demo_window: MainWindow, qtbot) -> None:
    demo_window.patient_list.table.selectRow(0)
    _model, rows = outcome_rows(demo_window)
    odi = next(r.detail for r in rows if r.measure == "odi")
    assert re.fullmatch(
        r"(minimal|moderate|severe|crippled|bed-bound.*); \d+ of 10 sections answered "
        r"\(scored with at most 1 section missing\)",
        odi,
    ), odi
    rmdq = next(r.detail for r in rows if r.measure == "rmdq")
    assert re.fullmatch(r"\d+ of 24 statements ticked", rmdq), rmdq


def test_the_overview_rounds_as_the_outcomes_tab_does(demo_window: MainWindow, qtbot) -> None:
    """One rounding for each measure: the overview's latest value reads as the Outcomes tab and
    the change sentences read it (445 m on the overview against 444.9 m before)."""
    overview = demo_window.workspace.patient_view.overview
    compared = 0
    for row in range(demo_window.patient_list.model.rowCount()):
        demo_window.patient_list.table.selectRow(row)
        model, rows = outcome_rows(demo_window)
        for code in ("walk_6min", "odi"):
            latest = overview.values[code].text()
            if latest == "none yet":
                continue
            shown, _on, day = latest.partition(" on ")
            same = [i for i, r in enumerate(rows) if r.measure == code and str(r.date) == day]
            assert same, latest
            assert shown == model.index(same[0], 3).data(), (code, latest)
            compared += 1
    assert compared >= 10


def test_library_phases_are_named_as_the_program_names_them(qtbot, services) -> None:
    from rehab_tracker.ui.library.library_view import LibraryView

    services.library.ensure_seeded()
    view = LibraryView(services)
    qtbot.addWidget(view)
    view.show()
    view.table.selectRow(0)
    dosage = view.editor.dosage
    shown = [dosage.model.index(r, 0).data() for r in range(dosage.model.rowCount())]
    names = services.programs.phase_names()
    assert names["motor_control"] == "Motor control and endurance"
    assert shown and all(name in names.values() for name in shown), shown
    offered = [dosage.new_phase.itemText(i) for i in range(dosage.new_phase.count())]
    assert all("_" not in text for text in offered), offered
    assert dosage.model.index(0, 0).data(Qt.ItemDataRole.EditRole) in names  # still the code
