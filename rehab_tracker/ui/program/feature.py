"""The program feature: the Program tab (current phase, prescriptions, progression suggestions,
the printed handout), Program > Build Program (the program builder), and Program > Pause
Program / Resume Program / Complete Program / Stop Program Early with the overview's status line
(:mod:`rehab_tracker.ui.program.status_dialogs`)."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING

from rehab_tracker.domain.program_status import Change, allowed
from rehab_tracker.domain.roles import Permission
from rehab_tracker.ui.widgets import dialogs

if TYPE_CHECKING:
    from PySide6.QtGui import QAction

    from rehab_tracker.services.programs import ProgramDetail
    from rehab_tracker.ui.program.program_tab import ProgramTab
    from rehab_tracker.ui.program.status_dialogs import DialogChange, ProgramStatusPanel
    from rehab_tracker.ui.shell.main_window import MainWindow
    from rehab_tracker.ui.shell.workspace import Workspace


class ProgramFeature:
    workspace: Workspace  # from attach()
    tab: ProgramTab

    def __init__(self, window: MainWindow) -> None:
        self.window = window
        window.add_action("&Program", "&Build Program…", self.open_program_builder,
                          "buildProgram", needs_patient=True, permission=Permission.PROGRAMS)
        self.program: ProgramDetail | None = None
        self.status_actions: dict[Change, QAction] = {
            "pause": window.add_action("&Program", "&Pause Program…", lambda: self.change("pause"),
                                       "pauseProgram", needs_patient=True,
                                       permission=Permission.PROGRAMS),
            "resume": window.add_action("&Program", "&Resume Program", self.resume,
                                        "resumeProgram", needs_patient=True,
                                        permission=Permission.PROGRAMS),
            "complete": window.add_action("&Program", "&Complete Program…",
                                          lambda: self.change("complete"), "completeProgram",
                                          needs_patient=True, permission=Permission.PROGRAMS),
            "stop": window.add_action("&Program", "&Stop Program Early…",
                                      lambda: self.change("stop"), "stopProgram",
                                      needs_patient=True, permission=Permission.PROGRAMS),
        }

    def attach(self, workspace: Workspace) -> None:
        from rehab_tracker.ui.program.program_tab import ProgramTab

        self.workspace = workspace
        from rehab_tracker.ui.program.status_dialogs import ProgramStatusPanel

        self.tab = ProgramTab(workspace.services, workspace.today, on_saved=self.saved)
        workspace.patient_view.add_tab(self.tab, "Progra&m")
        self.status_line: ProgramStatusPanel = ProgramStatusPanel(
            workspace.services, on_program=self._program_shown
        )
        workspace.patient_view.overview.add_section(self.status_line)

    def _program_shown(self, program: ProgramDetail | None) -> None:
        """The selected patient's current program: each status change is enabled when its rules
        allow it from the program's status."""
        self.program = program
        for change, action in self.status_actions.items():
            self.window.allow(action, program is not None and allowed(program.status, change))

    def _current(self, change: Change) -> ProgramDetail | None:
        """The selected patient's current program read again (it may have changed elsewhere),
        when ``change`` is allowed from its status; else None, once the user is told why."""
        ws = self.workspace
        patient_id = ws.selected_id()
        if patient_id is None:
            return None
        program = ws.services.programs.current_program_for(patient_id)
        if program is None:
            dialogs.inform(self.window, "Program", "This patient has no program yet.")
            return None
        if not allowed(program.status, change):
            from rehab_tracker.domain.program_status import status_words

            dialogs.inform(
                self.window, "Program", f"The program is {status_words(program.status)}."
            )
            return None
        return program

    def change(self, change: DialogChange) -> None:
        """Program > Pause Program, Complete Program or Stop Program Early: the dialog."""
        program = self._current(change)
        if program is None:
            return
        from rehab_tracker.ui.program.status_dialogs import DONE, ProgramStatusDialog

        ws = self.workspace
        dialog = ProgramStatusDialog(ws.services, program, change, ws.today, parent=self.window)
        self.last_dialog = dialog
        dialog.exec()
        if dialog.saved:
            self.saved(program.patient_id, DONE[change])

    def resume(self) -> None:
        """Program > Resume Program: resume today, once the user has read what moves."""
        program = self._current("resume")
        if program is None:
            return
        from rehab_tracker.ui.program.status_dialogs import resume_program

        if resume_program(self.window, self.workspace.services, program, self.workspace.today()):
            self.saved(program.patient_id, "Program resumed")

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

    def saved(self, patient_id: uuid.UUID, message: str = "Program saved") -> None:
        self.workspace.refresh_patients(select=patient_id)
        self.window.statusBar().showMessage(message, 5000)


def install(window: MainWindow) -> ProgramFeature:
    return ProgramFeature(window)
