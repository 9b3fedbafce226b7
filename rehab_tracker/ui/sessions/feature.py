"""The sessions feature: the Sessions tab, the Overview's red-flag and assessments panel
(red-flag outcome), Session > Log Session / Log Unscheduled Session / Resume Unsaved Draft /
Record Red-Flag Outcome, and the offer to resume unsaved drafts at start-up."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING

from PySide6.QtCore import QTimer

from rehab_tracker.domain.roles import Permission
from rehab_tracker.ui.shell.actions import run_action
from rehab_tracker.ui.widgets import dialogs

if TYPE_CHECKING:
    from rehab_tracker.services.drafts import DraftInfo
    from rehab_tracker.services.sessions import RedFlagAlert
    from rehab_tracker.ui.sessions.session_form import SessionFormDialog
    from rehab_tracker.ui.sessions.session_overview import SessionOverviewPanel
    from rehab_tracker.ui.sessions.session_tab import SessionsTab
    from rehab_tracker.ui.shell.main_window import MainWindow
    from rehab_tracker.ui.shell.workspace import Workspace

#: the draft keys of the session form start with this
DRAFT_PREFIX = "session"


class SessionsFeature:
    workspace: Workspace  # from attach()
    sessions_tab: SessionsTab
    panel: SessionOverviewPanel

    def __init__(self, window: MainWindow) -> None:
        self.window = window
        self.last_dialog: SessionFormDialog | None = None
        add = window.add_action
        add("&Session", "&Log Session…", self.log_session, "logSession",
            shortcut="Ctrl+L", needs_patient=True, permission=Permission.SESSIONS)
        add("&Session", "Log &Unscheduled Session…", self.log_unscheduled, "logUnscheduled",
            needs_patient=True, permission=Permission.SESSIONS)
        add("&Session", "&Resume Unsaved Draft…", self.resume_draft, "resumeDraft",
            permission=Permission.DRAFT)
        add("&Session", "Record Red-Flag &Outcome…", self.record_outcome, "redFlagOutcome",
            needs_patient=True, permission=Permission.RED_FLAG_OUTCOME)

    def attach(self, workspace: Workspace) -> None:
        from rehab_tracker.ui.sessions.session_overview import SessionOverviewPanel
        from rehab_tracker.ui.sessions.session_tab import SessionsTab

        self.workspace = workspace
        services, today = workspace.services, workspace.today
        self.sessions_tab = SessionsTab(services, today, on_change=workspace.refresh)
        self.panel = SessionOverviewPanel(services, today, on_change=workspace.refresh)
        workspace.patient_view.add_tab(self.sessions_tab, "Sessio&ns")
        workspace.patient_view.overview.add_section(self.panel)
        workspace.add_draft_opener(DRAFT_PREFIX, self.reopen)
        offers = workspace.offers
        offers.start_visit = self.sessions_tab.start_session
        offers.correct_session = self.sessions_tab.correct
        offers.review_red_flag = self.review_red_flag
        QTimer.singleShot(0, self.offer_drafts)

    def log_session(self) -> None:
        self.workspace.show_tab(self.sessions_tab)
        self.sessions_tab.log_next()

    def log_unscheduled(self) -> None:
        self.workspace.show_tab(self.sessions_tab)
        self.sessions_tab.log_unscheduled()

    def record_outcome(self) -> None:
        self.workspace.show_tab(self.sessions_tab)
        self.sessions_tab.record_outcome()

    def review_red_flag(self, alert: RedFlagAlert) -> bool:
        """An open red flag's outcome and clearance (the Today view's red-flag list)."""
        from rehab_tracker.ui.sessions.acknowledge import record_outcome

        ws = self.workspace
        recorded = record_outcome(self.window, ws.services, alert, ws.today)
        if recorded:
            ws.refresh()
        return recorded

    def offer_drafts(self) -> None:
        count = len(self.workspace.services.drafts.list_drafts())
        if count:
            self.window.statusBar().showMessage(
                f"{count} unsaved form{'s' if count > 1 else ''} found: "
                "Session > Resume Unsaved Draft (nothing typed was lost).",
                30000,
            )

    def resume_draft(self) -> object:
        """Session > Resume Unsaved Draft: the newest session draft, else a questionnaire's
        (every feature's draft opener, in install order); returns the dialog opened, or None."""
        return self.workspace.resume_draft()

    def reopen(self, draft: DraftInfo) -> SessionFormDialog | None:
        """Open a session form draft (the form restores what was typed)."""
        from rehab_tracker.ui.sessions.session_form import SessionFormDialog

        ws, window = self.workspace, self.window
        payload = draft.payload
        try:  # a draft is whatever was on disk: its ids may be missing or garbled
            patient_id = uuid.UUID(payload["patient_id"])
            session_id = uuid.UUID(payload["session_id"]) if payload.get("session_id") else None
            slot = (uuid.UUID(payload["slot_id"])
                    if payload.get("slot_id") and session_id is None else None)
        except (KeyError, ValueError, TypeError) as exc:
            dialogs.error(window, "Resume draft", f"The draft cannot be reopened: {exc}")
            return None
        ws.refresh_patients(select=patient_id)
        services = ws.services
        opened = run_action(
            window,
            lambda: services.sessions.edit_form(session_id) if session_id is not None
            else services.sessions.new_form(patient_id, slot, today=ws.today()),
            title="Resume draft",
        )
        if not opened:
            return None
        ws.show_tab(self.sessions_tab)
        dialog = SessionFormDialog(services, opened.value, ws.today, parent=window)
        self.last_dialog = dialog
        dialog.open()
        dialog.finished.connect(lambda _r: self._closed(dialog))
        return dialog

    def _closed(self, dialog: SessionFormDialog) -> None:
        self.workspace.refresh()
        session_id = dialog.form.session_id
        if dialog.reload_requested and session_id is not None:  # open the saved one again
            self.sessions_tab.correct(session_id)


def install(window: MainWindow) -> SessionsFeature:
    return SessionsFeature(window)
