"""The reports feature: the Charts tab and Reports > Progress Report / Export All Reports.

matplotlib and the report code load only when a chart is drawn or a report made: never at
start-up, nor at attach (the Charts tab module imports only Qt).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rehab_tracker.ui.reports.charts_view import ChartsTab
    from rehab_tracker.ui.shell.main_window import MainWindow
    from rehab_tracker.ui.shell.workspace import Workspace


class ReportsFeature:
    workspace: Workspace  # from attach()
    tab: ChartsTab

    def __init__(self, window: MainWindow) -> None:
        self.window = window
        window.add_action("&Reports", "&Progress Report…", self.progress_report,
                          "progressReport", shortcut="Ctrl+P", needs_patient=True)
        window.add_action("&Reports", "&Export All Reports…", self.export_all,
                          "exportAllReports")

    def attach(self, workspace: Workspace) -> None:
        from rehab_tracker.ui.reports.charts_view import ChartsTab

        self.workspace = workspace
        self.tab = ChartsTab(workspace.services, workspace.today)
        workspace.patient_view.add_tab(self.tab, "&Charts")

    def progress_report(self) -> None:
        from rehab_tracker.ui.reports.report_dialog import open_progress_report

        ws = self.workspace
        open_progress_report(self.window, ws.services, ws.today, ws.selected_id())

    def export_all(self) -> None:
        from rehab_tracker.ui.reports.report_dialog import export_all_reports

        export_all_reports(self.window, self.workspace.services, self.workspace.today)


def install(window: MainWindow) -> ReportsFeature:
    return ReportsFeature(window)
