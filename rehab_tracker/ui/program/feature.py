"""The program feature: the Program tab (current phase, prescriptions, progression suggestions,
the printed handout) and Program > Build Program (the program builder)."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rehab_tracker.ui.program.program_tab import ProgramTab
    from rehab_tracker.ui.shell.main_window import MainWindow
    from rehab_tracker.ui.shell.workspace import Workspace


class ProgramFeature:
    workspace: Workspace  # from attach()
    tab: ProgramTab

    def __init__(self, window: MainWindow) -> None:
        self.window = window
        window.add_action("&Program", "&Build Program…", self.open_program_builder,
                          "buildProgram", needs_patient=True)

    def attach(self, workspace: Workspace) -> None:
        from rehab_tracker.ui.program.program_tab import ProgramTab

        self.workspace = workspace
        self.tab = ProgramTab(workspace.services, workspace.today, on_saved=self.saved)
        workspace.patient_view.add_tab(self.tab, "Progra&m")

    def open_program_builder(self) -> None:
        ws = self.workspace
        patient_id = ws.selected_id()
        if patient_id is None:
            return
        from rehab_tracker.ui.program.builder import open_program_builder

        if open_program_builder(self.window, ws.services, ws.today, patient_id):
            self.saved(patient_id)
        else:
            ws.patient_view.refresh()

    def saved(self, patient_id: uuid.UUID) -> None:
        self.workspace.refresh_patients(select=patient_id)
        self.window.statusBar().showMessage("Program saved", 5000)


def install(window: MainWindow) -> ProgramFeature:
    return ProgramFeature(window)
