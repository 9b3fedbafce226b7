"""What followed a positive red-flag screen: the dialog that records its outcome (advice given,
referred to whom) and its clearance (who cleared exercise to resume, when, a note).

The Sessions tab's and the overview panel's "Record red-flag outcome" button open it on the
oldest open screen; before a new session is logged while a screen is open, :func:`clear_to_log`
opens it asking for the clearance (issue 9 item 1: progression holds until then). Every write goes
through the action runner; field errors show at their fields and nothing is saved on bad input.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from rehab_tracker.domain.redflags import (
    ACTIONS,
    REFERRALS,
    ClearanceEntry,
    RedFlagOutcomeEntry,
    label_of,
)
from rehab_tracker.domain.roles import Permission, Principal
from rehab_tracker.services.container import Services
from rehab_tracker.services.sessions import RedFlagAlert
from rehab_tracker.ui.shell.actions import run_action
from rehab_tracker.ui.widgets import dialogs, permits
from rehab_tracker.ui.widgets.date_field import DateField
from rehab_tracker.ui.widgets.forms import (
    FieldForm,
    focus_first_error,
    push_button,
    save_cancel_row,
    text_label,
)
from rehab_tracker.ui.widgets.scroll import scrolled

TITLE = "Red-flag outcome"
CLEARANCE_TITLE = "Red flag not yet cleared"
CHOOSE = "Choose who…"
CORRECT_TITLE = "Correct red-flag outcome"
WITHDRAW_QUESTION = (
    "Withdraw the recorded clearance? The red flag is open again: progression holds and the "
    "next session asks for a clearance first. The withdrawn clearance stays in the audit trail."
)


def outcome_button(
    object_name: str, slot: Callable[[], None], principal: Principal
) -> QPushButton:
    """The "Record red-flag outcome" button (Alt+G), calling ``slot``; greyed out, saying why,
    for a role that may not record the outcome (``permits.gate``)."""
    button = push_button("Record red-fla&g outcome…", object_name)
    button.clicked.connect(slot)
    permits.gate(button, principal, Permission.RED_FLAG_OUTCOME, enabled=True)
    return button


def alert_text(alert: RedFlagAlert, more: int = 0) -> str:
    """The banner of an open screen: what was answered yes, the action it needs, what has been
    recorded since (the overview panel and the Sessions tab show this)."""
    extra = f" (+{more} more)" if more else ""
    answered = _answered(alert)
    action = ACTIONS.get(alert.action or "", "")
    follow_up = alert.follow_up
    return (
        f"RED FLAG on {alert.session_date.isoformat()}{extra}: yes to {answered}"
        f"{f' ({action})' if action else ''}. {follow_up[:1].upper()}{follow_up[1:]}."
        + (f" Advice given: {alert.advice}" if alert.advice else "")
    )


def _answered(alert: RedFlagAlert) -> str:
    return ", ".join(label_of(c) for c in alert.positives) or "a question"


class RedFlagOutcomeDialog(QDialog):
    """Advice given, referred to whom, and (ticked, or required by ``require_clearance``) the
    clearance. ``saved`` is True once recorded."""

    def __init__(
        self,
        services: Services,
        alert: RedFlagAlert,
        today: Callable[[], dt.date],
        *,
        require_clearance: bool = False,
        clearance: ClearanceEntry | None = None,
        parent: QWidget | None = None,
    ) -> None:
        """``clearance``: the one recorded (a correction of a cleared screen): shown ticked;
        unticked and saved, it is withdrawn (asked first) and the screen is open again."""
        super().__init__(parent)
        self.setObjectName("redFlagOutcomeDialog")
        self.setWindowTitle(
            CLEARANCE_TITLE if require_clearance else CORRECT_TITLE if clearance else TITLE
        )
        self.services = services
        self.alert = alert
        self.today = today
        self.saved = False
        self.recorded_clearance = clearance
        intro = text_label("redFlagOutcomeSummary", description="Red flag")
        intro.setText(
            f"Red flag on {alert.session_date.isoformat()}: yes to {_answered(alert)}."
            f"\n\n{alert.message}"
            + (
                "\n\nThe session is not logged, and progression holds, until the clearance is "
                "recorded: who cleared exercise to resume, and when."
                if require_clearance
                else ""
            )
        )
        self.fields = FieldForm()
        self.fields.setObjectName("redFlagOutcomeFields")
        self._build_outcome()
        self._build_clearance(require_clearance)
        if clearance is not None:
            self._show_clearance(clearance)
        buttons, self.save_button, self.cancel_button = save_cancel_row(
            "&Save", "redFlagOutcome", self.save, self.reject
        )
        layout = QVBoxLayout(self)
        layout.addWidget(scrolled(intro, self.fields, stretch=True))  # fits at 200% scaling
        layout.addLayout(buttons)
        dialogs.fit_to_screen(self, 760, 620)
        first: QWidget = self.advice if not alert.advice or not require_clearance else (
            self.cleared_by
        )
        first.setFocus(Qt.FocusReason.OtherFocusReason)

    def _build_outcome(self) -> None:
        """Advice given, referred to (a choice, none chosen at first), referral details."""
        self.advice = self.fields.add("advice", "&Advice given", QPlainTextEdit())
        self.advice.setTabChangesFocus(True)  # Tab leaves the field, as in every other one
        self.advice.setFixedHeight(70)
        self.advice.setPlainText(self.alert.advice or "")
        self.referred_to = self.fields.add("referred_to", "&Referred to", QComboBox())
        self.referred_to.addItem(CHOOSE, None)
        for code, label in REFERRALS.items():
            self.referred_to.addItem(label, code)
        if self.alert.referred_to is not None:
            self.referred_to.setCurrentIndex(self.referred_to.findData(self.alert.referred_to))
        self.referral_details = self.fields.add(
            "referral_details", "Referral &details", QLineEdit()
        )
        self.referral_details.setText(self.alert.referral_details or "")

    def _build_clearance(self, required: bool) -> None:
        """Cleared to resume (a tick box), cleared by, cleared on, clearance note."""
        self.cleared = self.fields.add(
            "cleared", "Clearance", QCheckBox("E&xercise cleared to resume")
        )
        self.cleared.setAccessibleName("Exercise cleared to resume")
        self.cleared.setChecked(required)
        self.cleared.setEnabled(not required)
        self.cleared_by = self.fields.add(
            "cleared_by", "Cleared &by (name and role)", QLineEdit()
        )
        self.cleared_by.setPlaceholderText("e.g. surgeon Dr Ng")
        self.cleared_on = self.fields.add("cleared_on", "Cleared &on", DateField(self.today()))
        self.cleared_on.dateChanged.connect(self._check_typed_date)
        self.clearance_note = self.fields.add("clearance_note", "Clearance &note", QLineEdit())
        self.cleared.toggled.connect(self._update_clearance)
        self._update_clearance()

    def _show_clearance(self, clearance: ClearanceEntry) -> None:
        """The recorded clearance in the fields, to correct or withdraw."""
        self.cleared.setChecked(True)
        self.cleared_by.setText(clearance.cleared_by)
        if clearance.cleared_on is not None:
            self.cleared_on.set_value(clearance.cleared_on)
        self.clearance_note.setText(clearance.note)

    def _update_clearance(self) -> None:
        on = self.cleared.isChecked()
        for widget in (self.cleared_by, self.cleared_on, self.clearance_note):
            widget.setEnabled(on)

    def outcome(self) -> RedFlagOutcomeEntry:
        code = self.referred_to.currentData()
        return RedFlagOutcomeEntry(
            self.advice.toPlainText(), code or "", self.referral_details.text()
        )

    def clearance(self) -> ClearanceEntry | None:
        if not self.cleared.isChecked():
            return None
        return ClearanceEntry(
            self.cleared_by.text(), self.cleared_on.value(), self.clearance_note.text()
        )

    def _typed_date_problem(self) -> dict[str, str]:
        """The clearance date's message when its text is not a date (and it is asked for)."""
        problem = self.cleared_on.problem() if self.cleared.isChecked() else None
        return {} if problem is None else {"cleared_on": problem}

    def _check_typed_date(self) -> None:
        self.fields.show_error("cleared_on", self._typed_date_problem().get("cleared_on", ""))

    def save(self) -> None:
        if typed := self._typed_date_problem():
            self.show_errors(typed)
            focus_first_error(self)
            return
        outcome, clearance, today = self.outcome(), self.clearance(), self.today()
        session_id = self.alert.session_id
        withdraw = self.recorded_clearance is not None and clearance is None
        if withdraw and not dialogs.confirm(self, self.windowTitle(), WITHDRAW_QUESTION):
            return
        done = run_action(
            self,
            lambda: self.services.sessions.record_red_flag_outcome(
                session_id, outcome, clearance, today=today, withdraw_clearance=withdraw
            ),
            title=self.windowTitle(),
            form=self.show_errors,
        )
        if done:
            self.saved = True
            self.accept()

    def show_errors(self, errors: dict[str, str]) -> None:
        """Each message at its field."""
        self.fields.show_errors(errors)


def record_outcome(
    parent: QWidget,
    services: Services,
    alert: RedFlagAlert,
    today: Callable[[], dt.date],
    *,
    require_clearance: bool = False,
) -> bool:
    """Open the outcome dialog on ``alert``; True once something was recorded."""
    dialog = RedFlagOutcomeDialog(
        services, alert, today, require_clearance=require_clearance, parent=parent
    )
    dialog.exec()
    return dialog.saved


def clear_to_log(
    parent: QWidget,
    services: Services,
    alerts: list[RedFlagAlert],
    today: Callable[[], dt.date],
) -> bool:
    """Before a new session is logged: each open positive screen (oldest first) is shown with
    what was answered yes, and its clearance recorded (with the outcome); False (cancel) at the
    first one not cleared, and the session is not started."""
    return all(
        record_outcome(parent, services, alert, today, require_clearance=True)
        for alert in alerts
    )
