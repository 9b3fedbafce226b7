"""A patient-view tab that reads its data only when it is on screen.

Selecting a patient tells every tab; only the visible one loads at once, the others when they
are first shown, so moving through the patient list stays quick.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import QWidget

if TYPE_CHECKING:
    from rehab_tracker.services.container import Services
    from rehab_tracker.services.patients import PatientRow


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


class PatientTab(LazyTab):
    """A lazy patient-view tab over the services (the Sessions and Outcomes tabs).

    ``row`` is the selected patient (None: nobody). Subclasses set ``object_name`` and implement
    ``build()`` (the widgets, called once), ``set_patient()`` and ``reload()``; after an action
    ``_changed()`` reloads the tab and tells the window (``on_change``).
    """

    object_name = ""

    def __init__(
        self,
        services: Services,
        today: Callable[[], dt.date],
        parent: QWidget | None = None,
        on_change: Callable[[], None] | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName(self.object_name)
        self.services = services
        self.today = today
        self.on_change = on_change
        self.row: PatientRow | None = None
        self.build()
        self.set_patient(None)

    def build(self) -> None:
        raise NotImplementedError

    def set_patient(self, row: PatientRow | None) -> None:
        raise NotImplementedError

    def _changed(self) -> None:
        self.reload()
        if self.on_change is not None:
            self.on_change()
