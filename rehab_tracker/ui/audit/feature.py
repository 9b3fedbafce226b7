"""The audit feature: Tools > Audit Trail (Ctrl+Shift+T), the trail filtered and exported.

Who may open it is the service's check (``Permission.AUDIT``, an administrator); the menu action
declares the permission too, so for other roles it is greyed out and its tip says why.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rehab_tracker.domain.roles import Permission

if TYPE_CHECKING:
    from rehab_tracker.ui.shell.main_window import MainWindow
    from rehab_tracker.ui.shell.workspace import Workspace


class AuditFeature:
    workspace: Workspace  # from attach()

    def __init__(self, window: MainWindow) -> None:
        self.window = window
        window.add_action("&Tools", "Audit &Trail…", self.open_trail, "auditTrail",
                          shortcut="Ctrl+Shift+T", permission=Permission.AUDIT)

    def attach(self, workspace: Workspace) -> None:
        self.workspace = workspace

    def open_trail(self) -> None:
        from rehab_tracker.ui.audit.audit_dialog import open_audit_dialog

        dialog = open_audit_dialog(self.workspace.services, self.window)
        if dialog is None:
            return
        try:
            dialog.exec()
        finally:
            dialog.deleteLater()


def install(window: MainWindow) -> AuditFeature:
    return AuditFeature(window)
