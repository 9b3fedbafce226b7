"""The clinic feature: Tools > Clinic Settings (the clinic's name and contact details, units,
the ODI missing-section rule, change thresholds, licensed questionnaire wording)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rehab_tracker.domain.roles import Permission

if TYPE_CHECKING:
    from rehab_tracker.ui.shell.main_window import MainWindow
    from rehab_tracker.ui.shell.workspace import Workspace


class ClinicFeature:
    workspace: Workspace  # from attach()

    def __init__(self, window: MainWindow) -> None:
        self.window = window
        window.add_action("&Tools", "Clinic &Settings…", self.open_settings, "clinicSettings",
                          permission=Permission.SETTINGS)

    def attach(self, workspace: Workspace) -> None:
        self.workspace = workspace

    def open_settings(self) -> None:
        from rehab_tracker.ui.clinic.settings_dialog import SettingsDialog

        dialog = SettingsDialog(self.workspace.services, self.window)
        try:
            if dialog.exec():
                self.workspace.refresh()
        finally:
            dialog.deleteLater()


def install(window: MainWindow) -> ClinicFeature:
    return ClinicFeature(window)
