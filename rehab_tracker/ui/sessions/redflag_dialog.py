"""The red-flag screen asked at the start of every session (clinic or home).

Every question needs a yes or no ("All answers no" answers them in one key press, Alt+N); each
says what it screens for and what a yes means (emergency or urgent review). Any yes stops the
session: the message says what to do (an emergency answer: call emergency services), the stop is
stored with the session (an aborted log the overview shows until its clearance is recorded), and
"Record advice and referral" (Alt+A) records what followed at once.
"""

from __future__ import annotations

import datetime as dt
import html
import uuid
from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QButtonGroup,
    QDialog,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from rehab_tracker.domain.redflags import ACTIONS, RED_FLAGS, screen
from rehab_tracker.services.container import Services
from rehab_tracker.services.sessions import SlotInfo
from rehab_tracker.ui.shell.actions import run_action
from rehab_tracker.ui.widgets import dialogs
from rehab_tracker.ui.widgets.forms import name_button
from rehab_tracker.ui.widgets.scroll import scrolled

STOP_STYLE = (
    "background: #b00020; color: white; font-weight: bold; padding: 8px; border-radius: 3px;"
)


class RedFlagDialog(QDialog):
    """``outcome`` after exec: "clear" (go on to the session form), "positive" (stopped and
    stored), "missed" (the patient did not attend: no screen), or None (cancelled)."""

    def __init__(
        self,
        services: Services,
        patient_id: uuid.UUID,
        slot: SlotInfo | None,
        today: Callable[[], dt.date],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("redFlagDialog")
        self.setWindowTitle("Red-flag screen")
        self.services = services
        self.patient_id = patient_id
        self.slot = slot
        self.today = today
        self.outcome: str | None = None
        self.stopped_session_id: uuid.UUID | None = None

        intro = QLabel(
            "Ask before every session. Any yes stops the session: an emergency answer means "
            "calling emergency services now, the others an urgent same-day review by the "
            "surgeon or GP."
            + (f"\n{slot.label}" if slot is not None else "\nUnscheduled session")
        )
        intro.setWordWrap(True)
        grid = self._build_questions()
        self._build_message()
        buttons = self._build_buttons()
        scroll = scrolled(intro, grid, self.message, stretch=True)
        layout = QVBoxLayout(self)
        layout.addWidget(scroll)
        layout.addLayout(buttons)
        dialogs.fit_to_screen(self, 900, 560)
        self.no[RED_FLAGS[0].code].setFocus(Qt.FocusReason.OtherFocusReason)

    def _build_questions(self) -> QGridLayout:
        """One row per red flag: the question, Yes and No (a button group each)."""
        grid = QGridLayout()
        self.groups: dict[str, QButtonGroup] = {}
        self.yes: dict[str, QRadioButton] = {}
        self.no: dict[str, QRadioButton] = {}
        for row, flag in enumerate(RED_FLAGS):
            question = QLabel(
                f"{row + 1}. {html.escape(flag.question)}<br><small>Screens for "
                f"{html.escape(flag.purpose)}. Yes: {html.escape(ACTIONS[flag.action])}.</small>"
            )
            question.setTextFormat(Qt.TextFormat.RichText)
            question.setToolTip(f"Source: {flag.source}")
            question.setWordWrap(True)
            yes = QRadioButton("Yes")
            no = QRadioButton("No")
            yes.setObjectName(f"redflag_{flag.code}_yes")
            no.setObjectName(f"redflag_{flag.code}_no")
            yes.setAccessibleName(f"Yes: {flag.label}")
            no.setAccessibleName(f"No: {flag.label}")
            yes.setAccessibleDescription(f"{flag.question} Screens for {flag.purpose}.")
            no.setAccessibleDescription(f"{flag.question} Screens for {flag.purpose}.")
            group = QButtonGroup(self)
            group.addButton(yes)
            group.addButton(no)
            group.buttonToggled.connect(self._changed)
            self.groups[flag.code] = group
            self.yes[flag.code] = yes
            self.no[flag.code] = no
            question.setBuddy(no)
            grid.addWidget(question, row, 0)
            grid.addWidget(yes, row, 1)
            grid.addWidget(no, row, 2)
        grid.setColumnStretch(0, 1)
        return grid

    def _build_message(self) -> None:
        """The screen's result (the urgent-referral message), hidden until there is one."""
        self.message = QLabel()
        self.message.setObjectName("redFlagMessage")
        self.message.setWordWrap(True)
        self.message.setAccessibleName("Screen result")
        self.message.setVisible(False)

    def _build_buttons(self) -> QHBoxLayout:
        """All answers no, Patient did not attend, Continue, Cancel."""
        self.all_no = QPushButton("All answers &no")
        self.all_no.setObjectName("redFlagAllNo")
        self.all_no.clicked.connect(self.answer_all_no)
        self.not_attended = QPushButton("Patient did no&t attend…")
        self.not_attended.setObjectName("redFlagNotAttended")
        self.not_attended.clicked.connect(self._missed)
        self.continue_button = QPushButton("&Continue")
        self.continue_button.setObjectName("redFlagContinue")
        self.continue_button.setDefault(True)
        self.continue_button.clicked.connect(self.submit)
        self.cancel = QPushButton("Cancel")
        self.cancel.setObjectName("redFlagCancel")
        self.cancel.clicked.connect(self.reject)
        self.record_outcome_button = QPushButton("Record &advice and referral…")
        self.record_outcome_button.setObjectName("redFlagRecordOutcome")
        self.record_outcome_button.clicked.connect(self.record_outcome)
        self.record_outcome_button.setVisible(False)
        for button in (self.all_no, self.not_attended, self.continue_button, self.cancel,
                       self.record_outcome_button):
            name_button(button)
        buttons = QHBoxLayout()
        buttons.addWidget(self.all_no)
        buttons.addWidget(self.not_attended)
        buttons.addWidget(self.record_outcome_button)
        buttons.addStretch(1)
        buttons.addWidget(self.continue_button)
        buttons.addWidget(self.cancel)
        return buttons

    def answers(self) -> dict[str, bool | None]:
        out: dict[str, bool | None] = {}
        for code in self.groups:
            if self.yes[code].isChecked():
                out[code] = True
            elif self.no[code].isChecked():
                out[code] = False
            else:
                out[code] = None
        return out

    def answer_all_no(self) -> None:
        for button in self.no.values():
            button.setChecked(True)
        self.continue_button.setFocus()

    def _changed(self, *_args: object) -> None:
        if self.outcome is None:
            self.message.setVisible(False)

    def _missed(self) -> None:
        self.outcome = "missed"
        self.accept()

    def submit(self) -> None:
        if self.outcome == "positive":
            self.accept()
            return
        result = screen(self.answers())
        if result.outcome == "incomplete":
            self.message.setStyleSheet("color: #b00020;")
            self.message.setText(result.message)
            self.message.setVisible(True)
            return
        if result.outcome == "clear":
            self.outcome = "clear"
            self.accept()
            return
        today = self.today()
        done = run_action(
            self,
            lambda: self.services.sessions.record_red_flag_stop(
                self.patient_id,
                self.slot.id if self.slot is not None else None,
                self.answers(),
                session_date=today,
                today=today,
                location=self.slot.location if self.slot is not None else "clinic",
            ),
            title="Red-flag screen",
        )
        if not done:
            return
        self.stopped_session_id = done.value
        self.outcome = "positive"
        self.message.setStyleSheet(STOP_STYLE)
        self.message.setText(
            "SESSION STOPPED. " + result.message + " The stop is recorded with this session "
            "and shown on the patient's overview until the clearance is recorded (who cleared "
            "exercise to resume, and when)."
        )
        self.message.setVisible(True)
        for group in self.groups.values():
            for button in group.buttons():
                button.setEnabled(False)
        self.all_no.setEnabled(False)
        self.not_attended.setEnabled(False)
        self.cancel.setEnabled(False)
        self.continue_button.setText("&Close")
        self.continue_button.setAccessibleName("Close")
        self.record_outcome_button.setVisible(True)
        self.record_outcome_button.setFocus()

    def record_outcome(self) -> None:
        """After the stop: the advice given and the referral (the outcome dialog)."""
        from rehab_tracker.ui.sessions.acknowledge import record_outcome

        alert = next(
            (a for a in self.services.sessions.open_red_flags(self.patient_id)
             if a.session_id == self.stopped_session_id),
            None,
        )
        if alert is not None and record_outcome(self, self.services, alert, self.today):
            self.record_outcome_button.setText("Advice and referral recorded")
            self.record_outcome_button.setAccessibleName("Advice and referral recorded")
            self.record_outcome_button.setEnabled(False)
            self.continue_button.setFocus()
