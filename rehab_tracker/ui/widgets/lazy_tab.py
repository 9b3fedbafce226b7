"""A patient-view tab that reads its data only when it is on screen.

Selecting a patient tells every tab; only the visible one loads at once, the others when they
are first shown, so moving through the patient list stays quick.
"""

from __future__ import annotations

from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import QWidget


class LazyTab(QWidget):
    """Subclasses implement ``reload()``; call ``load_when_visible()`` when their data changes."""

    stale = False

    def reload(self) -> None:
        raise NotImplementedError

    def load_when_visible(self) -> None:
        if self.isVisible():
            self.stale = False
            self.reload()
        else:
            self.stale = True

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self.stale:
            self.stale = False
            self.reload()
