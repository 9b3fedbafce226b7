"""The builder from the main window's Build Program action, and the patient view's Program tab."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction

from rehab_tracker.ui.program.builder import ProgramBuilderDialog
from rehab_tracker.ui.program.program_tab import CurrentPhaseModel, ProgramTab
from rehab_tracker.ui.shell.main_window import MainWindow
from tests.gui.a11y import assert_accessible


def test_build_program_action_opens_builder_and_tab_shows_program(  # type: ignore[no-untyped-def]
    qtbot, window: MainWindow, monkeypatch, answers, qtmodeltester
) -> None:
    window.patient_list.table.selectRow(0)
    patient = window.patient_list.selected_row()
    assert patient is not None
    tab = window.findChild(ProgramTab, "programTab")
    assert tab is not None and "no active program" in tab.summary.text()
    assert not tab.sheet_button.isEnabled()

    def run(self: ProgramBuilderDialog) -> int:
        assert self.create_page is not None
        assert_accessible(self)
        qtbot.mouseClick(self.create_page.create_button, Qt.MouseButton.LeftButton)
        return 1

    monkeypatch.setattr(ProgramBuilderDialog, "exec", run)
    window.findChild(QAction, "buildProgram").trigger()

    program = window.workspace.services.programs.active_program_for(patient.id)
    assert program is not None
    tab = window.findChild(ProgramTab, "programTab")
    assert tab.program is not None and tab.program.id == program.id
    assert "Motor control" in tab.summary.text()
    assert tab.model.rowCount() == len(program.phases[0].prescriptions)
    assert tab.model.data(tab.model.index(0, 2)) == "Not logged yet"
    assert tab.sheet_button.isEnabled()
    qtmodeltester.check(tab.model, force_py=True)
    assert_accessible(tab)


def test_current_phase_model_empty(qtmodeltester) -> None:  # type: ignore[no-untyped-def]
    model = CurrentPhaseModel()
    qtmodeltester.check(model, force_py=True)
