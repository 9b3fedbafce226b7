"""The Today feature: the window's home page (the Today view: today's sessions, the sessions
missed or not logged, red flags to review, assessments due; and the week's schedule) in the
patient pane, Session > Today (Ctrl+1), Week Schedule (Ctrl+2) and Book Session, and what the
view's keys do.

The view's keys select the patient (the pane stays on the view) and use what the other features
offer through the workspace (``Workspace.offers``): logging is the Sessions tab's visit flow (an
open red flag's clearance first, the red-flag screen, then the session form) for the chosen slot;
a red flag opens its outcome and clearance; an assessment opens the outcome form of its first
measure at its time point. The view is read again after every save.
"""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING

from rehab_tracker.ui.widgets import dialogs

if TYPE_CHECKING:
    from rehab_tracker.services.schedule import Appointment, AssessmentToDo, FlagToReview
    from rehab_tracker.ui.shell.main_window import MainWindow
    from rehab_tracker.ui.shell.workspace import Workspace
    from rehab_tracker.ui.today.today_view import TodayView


class TodayFeature:
    workspace: Workspace  # from attach()
    view: TodayView

    def __init__(self, window: MainWindow) -> None:
        self.window = window
        menu = window.menus["&Session"]
        menu.addSeparator()
        add = window.add_action
        add("&Session", "&Today", self.show_today, "showToday", shortcut="Ctrl+1")
        add("&Session", "&Week Schedule", self.show_week, "showWeek", shortcut="Ctrl+2")
        add("&Session", "&Book Session…", self.book_new, "bookSession")

    def attach(self, workspace: Workspace) -> None:
        from rehab_tracker.ui.today.today_view import TodayView

        self.workspace = workspace
        self.view = TodayView(workspace.services, workspace.today, self)
        self.window.set_home(self.view)
        workspace.on_refresh(self.view.load_when_visible)

    # --- navigation --------------------------------------------------------------------------

    def show_today(self) -> None:
        self.window.show_home()
        self.view.show_day()

    def show_week(self) -> None:
        self.window.show_home()
        self.view.show_week()

    # --- what the view's keys do -----------------------------------------------------------------

    def _select(self, patient_id: uuid.UUID, title: str) -> bool:
        """Make the patient the selected one (the tabs and dialogs act on it), staying home."""
        with self.window.keep_page():
            found = self.window.patient_list.reveal(patient_id)
        if not found:
            dialogs.error(self.window, title, "This patient is no longer in the patient list.")
            self.workspace.refresh()
        return found

    def log_session(self, appointment: Appointment) -> None:
        """Log the session (its visit flow), or open its log to correct it."""
        offers = self.workspace.offers
        if offers.start_visit is None or offers.correct_session is None:
            return
        if not self._select(appointment.patient_id, "Log session"):
            return
        if appointment.session_id is not None:
            offers.correct_session(appointment.session_id)
            return
        slot = next(
            (
                s
                for s in self.workspace.services.sessions.slots(appointment.patient_id)
                if s.id == appointment.slot_id
            ),
            None,
        )
        if slot is None or not slot.open:
            dialogs.inform(
                self.window,
                "Log session",
                "This session was logged or removed meanwhile; the list is read again.",
            )
            self.workspace.refresh()
            return
        offers.start_visit(slot)

    def review_flag(self, flag: FlagToReview) -> None:
        """The red flag's outcome and clearance (Session > Record Red-Flag Outcome)."""
        review = self.workspace.offers.review_red_flag
        if review is not None and self._select(flag.patient_id, "Red flag"):
            review(flag.alert)

    def record_assessment(self, item: AssessmentToDo) -> None:
        """The outcome form of the assessment's first measure, at its time point."""
        record = self.workspace.offers.record_assessment
        if record is not None and self._select(item.patient_id, "Record assessment"):
            record(item.instruments, item.timepoint)

    def book(self, appointment: Appointment | None) -> None:
        """Book a session (None: choose the patient and session) or move this one."""
        from rehab_tracker.ui.today.booking import BookingDialog

        ws = self.workspace
        dialog = BookingDialog(
            ws.services,
            ws.today,
            patients=ws.services.patients.list_patients(today=ws.today()),
            patient_id=ws.selected_id(),
            appointment=appointment,
            parent=self.window,
        )
        dialog.exec()
        if dialog.saved:
            self.window.statusBar().showMessage(f"{dialog.windowTitle()}: saved.", 10000)
            ws.refresh()

    def book_new(self) -> None:
        self.book(None)


def install(window: MainWindow) -> TodayFeature:
    return TodayFeature(window)
