"""The Sessions tab: adherence, the session log (a table model fed plain rows), and the actions
log next / unscheduled, correct, delete (confirmed, with Undo) and record a red flag's outcome
and clearance.

``start_session`` is the whole visit flow: the red-flag screen first, then the session form.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import (
    QModelIndex,
    QPersistentModelIndex,
    Qt,
)
from PySide6.QtWidgets import (
    QGridLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
)

from rehab_tracker.domain.roles import Permission
from rehab_tracker.domain.sessions import location_label
from rehab_tracker.services.patients import PatientRow
from rehab_tracker.services.sessions import PatientSessions, SessionRow, SlotInfo
from rehab_tracker.ui.sessions.acknowledge import (
    CORRECT_TITLE,
    RedFlagOutcomeDialog,
    alert_text,
    clear_to_log,
    outcome_button,
    record_outcome,
)
from rehab_tracker.ui.shell.actions import run_action
from rehab_tracker.ui.widgets import dialogs, permits
from rehab_tracker.ui.widgets.forms import push_button, text_label
from rehab_tracker.ui.widgets.lazy_tab import PatientTab
from rehab_tracker.ui.widgets.scroll import scrolled_column
from rehab_tracker.ui.widgets.table_model import RowsTableModel
from rehab_tracker.ui.widgets.tables import log_table
from rehab_tracker.ui.widgets.undo_delete import UndoableDelete

if TYPE_CHECKING:  # the dialogs load when first opened, not at start-up
    from rehab_tracker.ui.sessions.session_form import SessionFormDialog

Index = QModelIndex | QPersistentModelIndex
HEADERS = ("Date", "Session", "Week", "Where", "Status", "Red flags", "Back pain", "Leg pain",
           "Exercises", "Sets", "Adverse events")


def _pain(before: int | None, after: int | None) -> str:
    if before is None and after is None:
        return ""
    return f"{'–' if before is None else before} → {'–' if after is None else after}"


def _red_flag_cell(r: SessionRow) -> str:
    """The Red flags column: the screen's result and, for a positive one, its action, what
    followed and whether it is cleared."""
    if r.red_flag_result != "positive":
        return "clear" if r.red_flag_result == "clear" else "not screened"
    action = f" ({r.red_flag_action})" if r.red_flag_action else ""
    return f"POSITIVE{action}: {r.red_flag_follow_up}"


class SessionTableModel(RowsTableModel[SessionRow]):
    headers = HEADERS

    def cell(self, r: SessionRow, col: int, role: int) -> Any:
        if role == Qt.ItemDataRole.UserRole:
            return str(r.id)
        if role == Qt.ItemDataRole.ToolTipRole and col == 4 and r.missed_reason:
            return r.missed_reason
        if role == Qt.ItemDataRole.ForegroundRole and r.red_flag_result == "positive":
            from PySide6.QtGui import QColor

            return QColor("#b00020")
        if role not in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return None
        status = {
            "final": "attended" if r.attended else f"missed ({r.missed_reason or 'no reason'})",
            "aborted": "stopped: red flag",
            "draft": "draft",
        }.get(r.status, r.status)
        values = (
            r.session_date.isoformat(),
            "unscheduled" if r.number is None else ("education" if r.number == 0 else r.number),
            "" if r.week is None else r.week,
            location_label(r.location),
            status,
            _red_flag_cell(r),
            _pain(r.pain_back_before, r.pain_back_after),
            _pain(r.pain_leg_before, r.pain_leg_after),
            r.exercises,
            r.sets,
            r.adverse_events or "",
        )
        value = values[col]
        return value if isinstance(value, str) else str(value)


class SessionsTab(PatientTab):
    object_name = "sessionsTab"

    def build(self) -> None:
        self.view_data: PatientSessions | None = None
        self._build_status()
        self._build_table()
        self._build_buttons()
        self._build_layout()

    def _build_status(self) -> None:
        """Adherence overall and per week, and the red-flag alert with its outcome button."""
        self.adherence = text_label("adherenceLabel", description="Adherence")
        self.weeks = text_label("adherenceWeeks", description="Adherence per week")
        self.alerts = text_label("sessionRedFlag", description="Red flag")
        self.alerts.setStyleSheet(
            "background: #b00020; color: white; font-weight: bold; padding: 6px;"
        )
        self.alerts.setVisible(False)
        self.outcome_button = outcome_button(
            "recordRedFlagOutcome", self.record_outcome, self.services.principal
        )
        self.outcome_button.setVisible(False)

    def _build_table(self) -> None:
        """The session log, newest first; a double click corrects a session."""
        self.model = SessionTableModel(self)
        self.proxy, self.table = log_table(self, self.model, "sessionTable", "Session log")
        self.table.doubleClicked.connect(lambda _i: self.edit_selected())

    def _build_buttons(self) -> None:
        """Log next, log unscheduled, correct, delete and undo; the tab's message."""

        def button(text: str, name: str, slot: Callable[[], None]) -> QPushButton:
            b = push_button(text, name)
            b.clicked.connect(slot)
            return b

        self.log_next_button = button("&Log next session…", "logNextSession", self.log_next)
        self.log_unscheduled_button = button(
            "Log unsch&eduled session…", "logUnscheduled", self.log_unscheduled
        )
        self.edit_button = button("Correct session…", "editSession", self.edit_selected)
        self.correct_flag_button = button(
            "Correct red-flag outcome…", "correctRedFlagOutcome", self.correct_red_flag
        )
        self.delete_button = button("Delete session", "deleteSession", self.delete_selected)
        self.undo_button = button("Undo delete", "undoDeleteSession", self.undo_delete)
        self.undo_button.setEnabled(False)
        self.message = QLabel()
        self.message.setObjectName("sessionMessage")
        self.message.setAccessibleDescription("Sessions message")
        self.deletion: UndoableDelete[uuid.UUID] = UndoableDelete(
            self, self.undo_button, self.message, self._changed
        )

    def _build_layout(self) -> None:
        """The alert row, adherence, the action buttons in two rows, the message and the log in
        one scrolling column."""
        top = QVBoxLayout()  # the button under the alert: the patient pane can be narrow
        top.addWidget(self.alerts)
        top.addWidget(self.outcome_button, 0, Qt.AlignmentFlag.AlignLeft)
        actions = QGridLayout()  # two rows: fits the patient pane at 1280x800
        for i, b in enumerate((self.log_next_button, self.log_unscheduled_button,
                               self.edit_button, self.correct_flag_button,
                               self.delete_button, self.undo_button)):
            actions.addWidget(b, i // 3, i % 3)
        actions.setColumnStretch(3, 1)
        layout = scrolled_column(self)
        layout.addLayout(top)
        layout.addWidget(self.adherence)
        layout.addWidget(self.weeks)
        layout.addLayout(actions)
        layout.addWidget(self.message)
        layout.addWidget(self.table, 1)

    # --- loading ---------------------------------------------------------------------------

    def set_patient(self, row: PatientRow | None) -> None:
        self.row = row
        enabled = row is not None
        principal = self.services.principal
        for b in (self.log_next_button, self.log_unscheduled_button, self.edit_button,
                  self.delete_button):
            permits.gate(b, principal, Permission.SESSIONS, enabled=enabled)
        permits.gate(self.correct_flag_button, principal, Permission.RED_FLAG_OUTCOME,
                     enabled=enabled, tip="")
        if row is None:
            self.view_data = None
            self.model.set_rows([])
            self.adherence.setText("No patient selected.")
            self.weeks.setText("")
            self.alerts.setVisible(False)
            self.outcome_button.setVisible(False)
            return
        self.load_when_visible()

    def reload(self) -> None:
        if self.row is None:
            return
        data = self.services.sessions.overview(self.row.id, today=self.today())
        self.view_data = data
        self.model.set_rows(data.rows)
        self.adherence.setText(data.adherence.describe())
        self.weeks.setText(
            "Per week: "
            + ", ".join(f"wk {w.week} {w.attended}/{w.planned}" for w in data.adherence.weeks)
            if data.adherence.weeks
            else ""
        )
        if data.red_flags:
            self.alerts.setText(alert_text(data.red_flags[0], len(data.red_flags) - 1))
            self.alerts.setVisible(True)
            self.outcome_button.setVisible(True)
        else:
            self.alerts.setVisible(False)
            self.outcome_button.setVisible(False)
        next_slot = data.next_slot
        permits.gate(self.log_next_button, self.services.principal, Permission.SESSIONS,
                     enabled=next_slot is not None,
                     tip=next_slot.label if next_slot else "Every session is logged")

    def selected_id(self) -> uuid.UUID | None:
        indexes = self.table.selectionModel().selectedRows()
        if not indexes:
            return None
        return uuid.UUID(self.proxy.data(indexes[0], Qt.ItemDataRole.UserRole))

    # --- actions ---------------------------------------------------------------------------

    def log_next(self) -> None:
        if self.row is None:
            return
        slot = self.services.sessions.next_slot(self.row.id)
        if slot is None:
            dialogs.inform(self, "Log session", "Every scheduled session is logged.")
            return
        self.start_session(slot)

    def log_unscheduled(self) -> None:
        self.start_session(None)

    def start_session(self, slot: SlotInfo | None) -> SessionFormDialog | None:
        """Red-flag screen, then the session form (or nothing after a positive screen). An
        earlier positive screen not yet cleared is shown first and needs its clearance."""
        if self.row is None:
            return None
        go_on, same_day = self._before_the_screen(self.row)
        if not go_on:
            return None
        open_flags = self.services.sessions.open_red_flags(self.row.id)
        cleared = clear_to_log(self, self.services, open_flags, self.today)
        if open_flags:
            self._changed()  # an outcome or clearance was (or may have been) recorded
        if not cleared:
            return None
        from rehab_tracker.ui.sessions.redflag_dialog import RedFlagDialog

        screen = RedFlagDialog(self.services, self.row.id, slot, self.today, parent=self)
        screen.exec()
        if screen.outcome == "positive":
            self._changed()
            return None
        if screen.outcome not in ("clear", "missed"):
            return None
        answers = {k: bool(v) for k, v in screen.answers().items() if v is not None}
        return self.open_form(slot, answers if screen.outcome == "clear" else {},
                              attended=screen.outcome == "clear",
                              same_day_confirmed=same_day)

    def _before_the_screen(self, row: PatientRow) -> tuple[bool, dt.date | None]:
        """(go on, the day a second session was confirmed for): a paused or ended program is
        refused, and a session already logged today asks first (issue 11 item 3)."""
        if refusal := self.services.programs.logging_refusal(row.id):
            dialogs.error(self, "Log session", refusal)  # paused or ended: before the screen
            return False, None
        from rehab_tracker.ui.sessions.session_form import log_another

        today = self.today()
        same_day = self.services.sessions.logged_on(row.id, today)
        if not same_day:
            return True, None
        return log_another(self, row.name, today, same_day), today

    def open_form(
        self,
        slot: SlotInfo | None,
        red_flags: dict[str, bool],
        *,
        attended: bool = True,
        same_day_confirmed: dt.date | None = None,
    ) -> SessionFormDialog | None:
        if self.row is None:
            return None
        row = self.row
        opened = run_action(
            self,
            lambda: self.services.sessions.new_form(
                row.id, slot.id if slot else None, today=self.today()
            ),
            title="Log session",
        )
        if not opened:
            return None
        form = opened.value
        from rehab_tracker.ui.sessions.session_form import SessionFormDialog

        dialog = SessionFormDialog(
            self.services, form, self.today, red_flags=red_flags, attended=attended, parent=self,
            same_day_confirmed=same_day_confirmed,
        )
        if dialog.exec():
            self.message.setText("Session saved.")
        self._changed()
        return dialog

    def edit_selected(self) -> None:
        session_id = self.selected_id()
        if session_id is not None:
            self.correct(session_id)

    def correct(self, session_id: uuid.UUID) -> None:
        """Open the session's correction form (again, after a Reload)."""
        from rehab_tracker.ui.sessions.session_form import SessionFormDialog

        reload = True
        while reload:  # Reload after another workstation's correction: open the saved one
            form = self.services.sessions.edit_form(session_id)
            dialog = SessionFormDialog(self.services, form, self.today, parent=self)
            if dialog.exec():
                self.message.setText("Session corrected (the change is in the audit trail).")
            reload = dialog.reload_requested
        self._changed()

    def correct_red_flag(self) -> None:
        """The selected session's red-flag outcome and clearance, open or cleared, to correct
        (a clearance entered by mistake is withdrawn here)."""
        session_id = self.selected_id()
        if session_id is None:
            self.message.setText("Select the session with the positive red-flag screen first.")
            return
        found = run_action(
            self, lambda: self.services.sessions.red_flag_follow_up(session_id),
            title=CORRECT_TITLE,
        )
        if not found:
            return
        flag, clearance = found.value
        dialog = RedFlagOutcomeDialog(
            self.services, flag, self.today, clearance=clearance, parent=self
        )
        dialog.exec()
        if dialog.saved:
            self.message.setText("Red-flag outcome corrected (the change is in the audit trail).")
            self._changed()

    def delete_selected(self) -> None:
        self.deletion.delete(
            self.selected_id(),
            self.services.sessions.delete,
            title="Delete session",
            question="Delete the selected session? You can undo this.",
            done="Session deleted. Press Undo delete (Alt+N) to bring it back.",
        )

    def undo_delete(self) -> None:
        self.deletion.undo(
            self.services.sessions.restore,
            done="Session restored.",
            refused="The deleted session was not restored.",
        )

    def record_outcome(self) -> None:
        """The oldest open red flag's outcome and clearance (the dialog)."""
        if self.view_data is None or not self.view_data.red_flags:
            return
        if record_outcome(self, self.services, self.view_data.red_flags[0], self.today):
            self._changed()
