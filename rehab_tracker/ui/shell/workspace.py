"""What the main window holds once its database is open: the services, the patient view, the
list refresh and the unsaved-draft openers. ``MainWindow.attach`` builds one and hands it to every
feature's ``attach``; nothing here exists before then, so nothing asks whether it is attached.

This module is imported by ``attach`` (it loads the services-backed patient view), never at
start-up.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QWidget

from rehab_tracker.ui.patients.patient_view import PatientView
from rehab_tracker.ui.widgets import dialogs

if TYPE_CHECKING:
    from rehab_tracker.services.container import Services
    from rehab_tracker.services.drafts import DraftInfo
    from rehab_tracker.services.sessions import RedFlagAlert, SlotInfo
    from rehab_tracker.ui.shell.main_window import MainWindow

#: reopens one unsaved draft (its form restores what was typed); returns the dialog, if any
DraftOpener = Callable[["DraftInfo"], object]


@dataclass
class Offers:
    """What a feature offers the others (the Today view) for the selected patient, set in its
    ``attach``; None while no installed feature offers it. Features reach each other only so."""

    #: sessions: the visit flow of a slot (red-flag clearance and screen, then the form)
    start_visit: Callable[[SlotInfo], object] | None = None
    #: sessions: open a session log to correct it
    correct_session: Callable[[uuid.UUID], object] | None = None
    #: sessions: record an open red flag's outcome and clearance; True once recorded
    review_red_flag: Callable[[RedFlagAlert], bool] | None = None
    #: outcomes: record a scheduled assessment (its instruments, its time point)
    record_assessment: Callable[[Sequence[str], str], object] | None = None


class Workspace:
    """The services-dependent half of the main window (see the module docstring)."""

    def __init__(self, window: MainWindow, services: Services) -> None:
        self.window = window
        self.services = services
        self.today: Callable[[], dt.date] = window.today
        self.patient_view = PatientView(services, window.today)
        self._draft_openers: list[tuple[str, DraftOpener]] = []
        self._on_refresh: list[Callable[[], object]] = []
        self.offers = Offers()

    def selected_id(self) -> uuid.UUID | None:
        return self.window.patient_list.selected_id()

    def refresh_patients(self, select: uuid.UUID | None = None) -> None:
        """Reload the patient list (its ids and first page) and refresh the patient view."""
        patients = self.window.patient_list
        with self.window.keep_page():  # a reload is not the user picking a patient
            patients.reload()
        if select is not None:  # another patient than the one kept: shown (window.set_home)
            patients.select(select)
        self.window.selection_changed()
        self.window.update_welcome()
        for listener in self._on_refresh:
            listener()

    def refresh(self) -> None:
        """Reload the list keeping the selected patient (after a save in a tab or dialog)."""
        self.refresh_patients(select=self.selected_id())

    def show_tab(self, tab: QWidget) -> None:
        self.window.show_patient_page()
        self.patient_view.setCurrentWidget(tab)

    def on_refresh(self, listener: Callable[[], object]) -> None:
        """Call ``listener`` after every reload of the list (after every save)."""
        self._on_refresh.append(listener)

    def add_draft_opener(self, prefix: str, reopen: DraftOpener) -> None:
        """Let Resume Unsaved Draft reopen drafts whose key starts with ``prefix`` (first added,
        first tried)."""
        self._draft_openers.append((prefix, reopen))

    def resume_draft(self) -> object:
        """Reopen the newest draft of the first kind that has one; None when there is none."""
        for prefix, reopen in self._draft_openers:
            drafts = self.services.drafts.list_drafts(prefix)
            if drafts:
                return reopen(drafts[0])
        dialogs.inform(self.window, "Resume draft", "There are no unsaved drafts.")
        return None
