"""The overview's session panel: open red flags with an Acknowledge button, due and overdue
assessments, and adherence. The sessions feature adds it to the Overview tab (``feature.py``)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from PySide6.QtWidgets import QGroupBox, QHBoxLayout, QVBoxLayout, QWidget

from rehab_tracker.services.container import Services
from rehab_tracker.services.patients import PatientRow
from rehab_tracker.services.sessions import RedFlagAlert
from rehab_tracker.ui.sessions.acknowledge import acknowledge_button, acknowledge_red_flag
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
        self.acknowledge_button = acknowledge_button("overviewAcknowledge", self.acknowledge)
        self.assessments = text_label("overviewAssessments", description="Assessments due")
        row = QHBoxLayout()
        row.addWidget(self.alert, 1)
        row.addWidget(self.acknowledge_button)
        layout = QVBoxLayout(self)
        layout.addLayout(row)
        layout.addWidget(self.assessments)
        self.set_patient(None)

    def set_patient(self, row: PatientRow | None) -> None:
        self.row = row
        if row is None:
            self.alerts = []
            self.alert.setVisible(False)
            self.acknowledge_button.setVisible(False)
            self.assessments.setText("")
            return
        data = self.services.sessions.overview(row.id, today=self.today())  # one read
        self.alerts = data.red_flags
        shown = bool(self.alerts)
        self.alert.setVisible(shown)
        self.acknowledge_button.setVisible(shown)
        if shown:
            a = self.alerts[0]
            more = f" (+{len(self.alerts) - 1} more)" if len(self.alerts) > 1 else ""
            self.alert.setText(f"Red flag on {a.session_date.isoformat()}{more}: {a.message}")
        due = [a for a in data.assessments if a.state in ("due", "overdue")]
        self.assessments.setText(
            "Assessments: "
            + "; ".join(f"{a.label} {a.state} ({a.due_date.isoformat()})" for a in due)
            if due
            else "Assessments: nothing due."
        )

    def acknowledge(self) -> None:
        if not self.alerts:
            return
        if not acknowledge_red_flag(self, self.services, self.alerts[0]):
            return
        if self.on_change is not None:
            self.on_change()
        else:
            self.set_patient(self.row)
