"""The library feature: Tools > Exercise Library (browse and edit the exercises and their
dosage tables)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rehab_tracker.ui.shell.main_window import MainWindow
    from rehab_tracker.ui.shell.workspace import Workspace


class LibraryFeature:
    workspace: Workspace  # from attach()

    def __init__(self, window: MainWindow) -> None:
        self.window = window
        window.add_action("&Tools", "Exercise &Library", self.open_library, "exerciseLibrary",
                          shortcut="Ctrl+Shift+L")

    def attach(self, workspace: Workspace) -> None:
        self.workspace = workspace

    def open_library(self) -> None:
        from rehab_tracker.ui.library.library_view import LibraryDialog

        LibraryDialog(self.workspace.services, parent=self.window).exec()


def install(window: MainWindow) -> LibraryFeature:
    return LibraryFeature(window)
