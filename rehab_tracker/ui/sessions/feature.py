"""Wires sessions, outcomes, red flags and clinic settings into the MainWindow (one call from the
window's constructor): the Sessions and Outcomes tabs, the overview panel (red flag + Acknowledge,
due/overdue assessments), the &Session / &Outcomes / &Tools actions, and the offer to resume
unsaved drafts at start-up."""

from __future__ import annotations

import uuid
from typing import Any

from PySide6.QtCore import QTimer

from rehab_tracker.ui.outcomes.outcome_tab import FORM_LABELS, OutcomesTab
from rehab_tracker.ui.sessions.session_overview import SessionOverviewPanel
from rehab_tracker.ui.sessions.session_tab import SessionsTab
from rehab_tracker.ui.shell.actions import run_action
from rehab_tracker.ui.widgets import dialogs


class SessionFeature:
    """What ``install`` added, for tests and for the resume-draft flow."""

    def __init__(self, window: Any) -> None:
        self.window = window
        services, today = window.services, window.today
        self.sessions_tab = SessionsTab(services, today, on_change=self.refresh)
        self.outcomes_tab = OutcomesTab(services, today, on_change=self.refresh)
        self.panel = SessionOverviewPanel(services, today, on_change=self.refresh)
        view = window.patient_view
        view.add_tab(self.sessions_tab, "Sessio&ns")
        view.add_tab(self.outcomes_tab, "O&utcomes")
        add_section = getattr(view.overview, "add_section", None)
        if callable(add_section):
            add_section(self.panel)

        add = window.add_action
        add(
            "&Session",
            "&Log Session…",
            self.log_session,
            "logSession",
            shortcut="Ctrl+Shift+L",
            needs_patient=True,
        )
        add(
            "&Session",
            "Log &Unscheduled Session…",
            self.log_unscheduled,
            "logUnscheduled",
            needs_patient=True,
        )
        add("&Session", "&Resume Unsaved Draft…", self.resume_draft, "resumeDraft")
        add(
            "&Session",
            "&Acknowledge Red Flag",
            self.acknowledge,
            "acknowledgeRedFlag",
            needs_patient=True,
        )
        add(
            "&Outcomes",
            "&Record Outcome (ODI)…",
            lambda: self.record("odi"),
            "recordOutcome",
            shortcut="Ctrl+Shift+O",
            needs_patient=True,
        )
        for key, text in FORM_LABELS.items():
            if key != "odi":
                add(
                    "&Outcomes",
                    f"Record {text}",
                    lambda k=key: self.record(k),
                    f"record_{key}_action",
                    needs_patient=True,
                )
        add("&Tools", "Clinic &Settings…", self.open_settings, "clinicSettings")
        QTimer.singleShot(0, self.offer_drafts)

    def refresh(self) -> None:
        self.window.refresh_patients(select=self.window.patient_list.selected_id())

    def _show(self, tab: Any) -> None:
        view = self.window.patient_view
        view.setCurrentIndex(view.indexOf(tab))

    def log_session(self) -> None:
        self._show(self.sessions_tab)
        self.sessions_tab.log_next()

    def log_unscheduled(self) -> None:
        self._show(self.sessions_tab)
        self.sessions_tab.log_unscheduled()

    def acknowledge(self) -> None:
        self._show(self.sessions_tab)
        self.sessions_tab.acknowledge()

    def record(self, key: str) -> None:
        self._show(self.outcomes_tab)
        self.outcomes_tab.open_form(key)

    def open_settings(self) -> None:
        from rehab_tracker.ui.clinic.settings_dialog import SettingsDialog

        dialog = SettingsDialog(self.window.services, self.window)
        try:
            if dialog.exec():
                self.refresh()
        finally:
            dialog.deleteLater()

    def offer_drafts(self) -> None:
        count = len(self.window.services.drafts.list_drafts())
        if count:
            self.window.statusBar().showMessage(
                f"{count} unsaved form{'s' if count > 1 else ''} found: "
                "Session > Resume Unsaved Draft (nothing typed was lost).",
                30000,
            )

    def resume_draft(self) -> Any:
        """Open the most recent session draft (its form restores what was typed); returns the
        SessionFormDialog, or None."""
        from rehab_tracker.ui.sessions.session_form import SessionFormDialog

        services = self.window.services
        drafts = [d for d in services.drafts.list_drafts() if d.key.startswith("session")]
        if not drafts:
            others = services.drafts.list_drafts("outcome:")
            if others:
                _, patient, instrument = others[0].key.split(":", 2)
                self.window.refresh_patients(select=uuid.UUID(patient))
                if instrument in FORM_LABELS:
                    self.record(instrument)
                return None
            dialogs.inform(self.window, "Resume draft", "There are no unsaved drafts.")
            return None
        payload = drafts[0].payload
        try:  # a draft is whatever was on disk: its ids may be missing or garbled
            patient_id = uuid.UUID(payload["patient_id"])
            session_id = uuid.UUID(payload["session_id"]) if payload.get("session_id") else None
            slot = (uuid.UUID(payload["slot_id"])
                    if payload.get("slot_id") and session_id is None else None)
        except (KeyError, ValueError, TypeError) as exc:
            dialogs.error(self.window, "Resume draft", f"The draft cannot be reopened: {exc}")
            return None
        self.window.refresh_patients(select=patient_id)
        opened = run_action(
            self.window,
            lambda: services.sessions.edit_form(session_id) if session_id is not None
            else services.sessions.new_form(patient_id, slot, today=self.window.today()),
            title="Resume draft",
        )
        if not opened:
            return None
        form = opened.value
        self._show(self.sessions_tab)
        dialog = SessionFormDialog(services, form, self.window.today, parent=self.window)
        self.last_dialog = dialog
        dialog.open()
        dialog.finished.connect(lambda _r: self.refresh())
        return dialog


def install(window: Any) -> SessionFeature:
    return SessionFeature(window)
