"""The builder from the main window's Build Program action, and the patient view's Program tab."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction

from rehab_tracker.ui.program.builder import ProgramBuilderDialog
from rehab_tracker.ui.program.program_tab import CurrentPhaseModel, ProgramTab
from rehab_tracker.ui.shell.main_window import MainWindow
from tests.gui.a11y import assert_accessible
from tests.staff import staff


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


def test_program_tab_shows_the_red_flag_hold(qtbot, demo_db, today) -> None:  # type: ignore[no-untyped-def]
    """Issue 9 item 1 on screen: the demo's RT-00006 screened positive; the Program tab says
    every logged exercise holds, and why, with nothing to accept."""
    from rehab_tracker.services.container import Services

    services = Services(demo_db, staff("tester"))
    row = next(
        r for r in services.patients.list_patients(today=today) if r.record_number == "RT-00006"
    )
    [flag] = services.sessions.open_red_flags(row.id)
    tab = ProgramTab(services, lambda: today)
    qtbot.addWidget(tab)
    tab.set_patient(row)
    held = [i for i, rx in enumerate(tab.model.rows) if rx.id in tab.model.suggestions]
    assert held
    for i in held:
        assert tab.model.data(tab.model.index(i, 2)).startswith("Hold: ")
    tab.view.setCurrentIndex(tab.model.index(held[0], 0))
    text = tab.reason.text()
    assert f"Hold: red flag on {flag.session_date.isoformat()} not yet cleared." in text
    assert "Accept or edit" not in text  # a hold changes nothing
