"""The patients feature: Patient > New Patient and Edit Patient (the patient dialog).

The patient list and the patient view (its Overview tab) are the window's two panes: the shell
builds them (``ui.shell.main_window`` and ``ui.shell.workspace``), the other features add tabs and
overview sections to the view.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtGui import QKeySequence

from rehab_tracker.domain.roles import Permission

if TYPE_CHECKING:
    from rehab_tracker.ui.shell.main_window import MainWindow
    from rehab_tracker.ui.shell.workspace import Workspace


class PatientsFeature:
    """Enrol a patient or edit the selected one's record."""

    workspace: Workspace  # from attach(); the actions need the database, so run after it

    def __init__(self, window: MainWindow) -> None:
        self.window = window
        window.add_action("&Patient", "&New Patient…", self.new_patient, "newPatient",
                          shortcut=QKeySequence.StandardKey.New, fallback="Ctrl+N",
                          permission=Permission.PATIENTS)
        window.add_action("&Patient", "&Edit Patient…", self.edit_patient, "editPatient",
                          shortcut="Ctrl+E", needs_patient=True,
                          permission=Permission.PATIENTS)

    def attach(self, workspace: Workspace) -> None:
        self.workspace = workspace

    def new_patient(self) -> None:
        from rehab_tracker.ui.patients.patient_dialog import PatientDialog

        ws = self.workspace
        dialog = PatientDialog(ws.services, ws.today, parent=self.window)
        if dialog.exec() and dialog.saved_id is not None:
            ws.refresh_patients(select=dialog.saved_id)
            self.window.statusBar().showMessage("Patient saved", 5000)

    def edit_patient(self) -> None:
        ws = self.workspace
        patient_id = ws.selected_id()
        if patient_id is None:
            return
        from rehab_tracker.ui.patients.patient_dialog import PatientDialog

        dialog = PatientDialog(ws.services, ws.today, patient_id, parent=self.window)
        if dialog.exec():
            ws.refresh_patients(select=patient_id)
            self.window.statusBar().showMessage("Patient saved", 5000)


def install(window: MainWindow) -> PatientsFeature:
    return PatientsFeature(window)
