"""The education feature: Tools > Education (the patient education items) and the Overview's
"Record education covered…" button for the selected patient's program."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rehab_tracker.ui.education.education_view import RecordEducationButton
    from rehab_tracker.ui.shell.main_window import MainWindow
    from rehab_tracker.ui.shell.workspace import Workspace


class EducationFeature:
    workspace: Workspace  # from attach()
    record_button: RecordEducationButton

    def __init__(self, window: MainWindow) -> None:
        self.window = window
        window.add_action("&Tools", "&Education", self.open_education, "education")

    def attach(self, workspace: Workspace) -> None:
        from rehab_tracker.ui.education.education_view import RecordEducationButton

        self.workspace = workspace
        self.record_button = RecordEducationButton(workspace.services, workspace.today)
        workspace.patient_view.overview.add_button(self.record_button)

    def open_education(self) -> None:
        from rehab_tracker.ui.education.education_view import EducationDialog

        EducationDialog(self.workspace.services, parent=self.window).exec()


def install(window: MainWindow) -> EducationFeature:
    return EducationFeature(window)
