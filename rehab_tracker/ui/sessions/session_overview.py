"""The overview's session panel: open red flags (what followed, clearance status) with the
button that records their outcome and clearance, due and overdue assessments, and adherence.
The sessions feature adds it to the Overview tab (``feature.py``)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QGroupBox, QVBoxLayout, QWidget

from rehab_tracker.services.container import Services
from rehab_tracker.services.patients import PatientRow
from rehab_tracker.services.sessions import RedFlagAlert
from rehab_tracker.ui.sessions.acknowledge import alert_text, outcome_button, record_outcome
from rehab_tracker.ui.widgets.forms import text_label

ALERT_STYLE = "background: #fde7ea; color: #7a0014; padding: 6px; border: 1px solid #b00020;"


class SessionOverviewPanel(QGroupBox):
    def __init__(
        self,
        services: Services,
        today: Callable[[], dt.date],
        parent: QWidget | None = None,
        on_change: Callable[[], None] | None = None,
    ) -> None:
        super().__init__("Red flags and assessments", parent)
        self.setObjectName("sessionOverviewPanel")
        self.services = services
        self.today = today
        self.on_change = on_change
        self.row: PatientRow | None = None
        self.alerts: list[RedFlagAlert] = []
        self.alert = text_label("overviewRedFlag", description="Red flag")
        self.alert.setStyleSheet(ALERT_STYLE)
        self.outcome_button = outcome_button(
            "overviewRedFlagOutcome", self.record_outcome, self.services.principal
        )
        self.assessments = text_label("overviewAssessments", description="Assessments due")
        row = QVBoxLayout()  # the button under the alert: the overview can be narrow
        row.addWidget(self.alert)
        row.addWidget(self.outcome_button, 0, Qt.AlignmentFlag.AlignLeft)
        layout = QVBoxLayout(self)
        layout.addLayout(row)
        layout.addWidget(self.assessments)
        self.set_patient(None)

    def set_patient(self, row: PatientRow | None) -> None:
        self.row = row
        if row is None:
            self.alerts = []
            self.alert.setVisible(False)
            self.outcome_button.setVisible(False)
            self.assessments.setText("")
            return
        data = self.services.sessions.overview(row.id, today=self.today())  # one read
        self.alerts = data.red_flags
        shown = bool(self.alerts)
        self.alert.setVisible(shown)
        self.outcome_button.setVisible(shown)
        if shown:
            self.alert.setText(alert_text(self.alerts[0], len(self.alerts) - 1))
        due = [a for a in data.assessments if a.state in ("due", "overdue")]
        self.assessments.setText(
            "Assessments: "
            + "; ".join(f"{a.label} {a.state} ({a.due_date.isoformat()})" for a in due)
            if due
            else "Assessments: nothing due."
        )

    def record_outcome(self) -> None:
        if not self.alerts:
            return
        if not record_outcome(self, self.services, self.alerts[0], self.today):
            return
        if self.on_change is not None:
            self.on_change()
        else:
            self.set_patient(self.row)
