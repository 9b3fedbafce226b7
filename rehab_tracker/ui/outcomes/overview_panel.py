"""The Overview's "Change since baseline" panel: every measure's change from baseline in words,
each PSFS activity's change, the Global Rating of Change and what changed in the neurological
screen (OutcomeService.overview_summary: the lines the report shows too)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QGroupBox, QVBoxLayout, QWidget

from rehab_tracker.services.patients import PatientRow
from rehab_tracker.ui.widgets.forms import text_label

if TYPE_CHECKING:
    from rehab_tracker.services.container import Services
    from rehab_tracker.services.outcomes.summary import OverviewSummary


def summary_text(summary: OverviewSummary) -> str:
    """The panel's lines: changes, then PSFS activities, GRC, neurological screen."""
    notes = summary.notes
    lines = list(summary.changes)
    if notes.psfs_activities:
        lines.append("PSFS activities: " + "; ".join(notes.psfs_activities) + ".")
    lines.extend(f"{line}." for line in notes.grc[:1])  # the newest rating
    if notes.neuro is not None:
        lines.extend(notes.neuro.lines)
    return "\n".join(lines)


class ChangesPanel(QGroupBox):
    def __init__(self, services: Services, parent: QWidget | None = None) -> None:
        super().__init__("Change since baseline", parent)
        self.setObjectName("overviewChanges")
        self.services = services
        self.label = text_label("overviewChangesText", description="Change since baseline")
        self.label.setTextFormat(Qt.TextFormat.PlainText)
        self.label.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextSelectableByKeyboard
            | Qt.TextInteractionFlag.TextSelectableByMouse
        )
        QVBoxLayout(self).addWidget(self.label)

    def set_patient(self, row: PatientRow | None) -> None:
        if row is None:
            self.label.setText("")
            self.setVisible(False)
            return
        summary = self.services.outcomes.overview_summary(row.id)
        self.label.setText(
            "Record a baseline and a later measurement to see the change."
            if summary.empty
            else summary_text(summary)
        )
        self.setVisible(True)
