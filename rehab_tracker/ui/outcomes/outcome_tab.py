"""The Outcomes tab: change from baseline in words, the assessment schedule, every recorded
measure (a table model fed plain rows), record buttons for each form, delete (confirmed) + undo,
and adding a follow-up assessment."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import (
    QModelIndex,
    QPersistentModelIndex,
    Qt,
)
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from rehab_tracker.domain.assessments import default_timepoint
from rehab_tracker.domain.review import instrument_name
from rehab_tracker.domain.roles import Permission
from rehab_tracker.domain.units import measured_with_unit
from rehab_tracker.services.outcomes import TIMEPOINTS, AssessmentDue, MeasureChange, OutcomeRow
from rehab_tracker.services.patients import PatientRow
from rehab_tracker.ui.outcomes.feature import FORM_LABELS
from rehab_tracker.ui.shell.actions import run_action
from rehab_tracker.ui.widgets import permits
from rehab_tracker.ui.widgets.date_field import DateField, date_problems
from rehab_tracker.ui.widgets.forms import (
    FieldForm,
    button_name,
    push_button,
    text_label,
)
from rehab_tracker.ui.widgets.lazy_tab import PatientTab
from rehab_tracker.ui.widgets.scroll import scrolled_column
from rehab_tracker.ui.widgets.table_model import RowsTableModel
from rehab_tracker.ui.widgets.tables import log_table
from rehab_tracker.ui.widgets.undo_delete import UndoableDelete

Index = QModelIndex | QPersistentModelIndex
HEADERS = ("Date", "Measure", "Time point", "Value", "Details")
STATE_TEXT = {"done": "done", "due": "DUE", "overdue": "OVERDUE", "upcoming": "upcoming"}


def value_text(row: OutcomeRow, units: str) -> str:
    """A recorded value as the change sentences show it (domain.units.measured_with_unit: one
    decimal, whole feet thousands-separated for an imperial clinic), with its unit."""
    if row.kind == "skip":
        return "skipped"
    return measured_with_unit(row.value, row.unit, units)


class OutcomeTableModel(RowsTableModel[OutcomeRow]):
    headers = HEADERS
    units = "metric"

    def set_rows(self, rows: Sequence[OutcomeRow], units: str = "metric") -> None:
        self.units = units
        super().set_rows(rows)

    def cell(self, r: OutcomeRow, column: int, role: int) -> Any:
        if role == Qt.ItemDataRole.UserRole:
            return f"{r.kind}:{r.id}"
        if role not in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return None
        return (
            r.date.isoformat(),
            r.label,
            TIMEPOINTS.get(r.timepoint, r.timepoint),
            value_text(r, self.units),
            r.detail,
        )[column]


class FollowUpDialog(QDialog):
    def __init__(self, today: dt.date, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Add follow-up assessment")
        self.form = FieldForm()
        self.due = self.form.add("due_date", "&Due date", DateField(today + dt.timedelta(weeks=12)))
        self.due.dateChanged.connect(
            lambda: self.form.show_error("due_date", self.due.problem() or "")
        )
        self.label = self.form.add("label", "&Label", QLineEdit("Follow-up"))
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.form)
        layout.addWidget(buttons)

    def accept(self) -> None:
        """Close only on a due date that is a date (its message shows at the field)."""
        problems = date_problems(self.form.fields)
        self.form.show_errors(problems)
        if problems:
            self.due.setFocus()
            return
        super().accept()


class OutcomesTab(PatientTab):
    object_name = "outcomesTab"

    def build(self) -> None:
        self.changes: list[MeasureChange] = []
        self.due: list[AssessmentDue] = []
        self._build_summary_labels()
        self._build_table()
        self._build_layout(self._build_record_box(), self._build_actions())

    def _build_summary_labels(self) -> None:
        """The change from baseline in words and the assessment schedule."""
        self.changes_label = text_label("changesLabel", description="Change from baseline")
        self.changes_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.schedule_label = text_label("assessmentSchedule", description="Assessment schedule")
        self.assessment_button = push_button(
            "Record assessment (all measures)…", "recordAssessmentButton"
        )
        self.assessment_button.clicked.connect(self.open_assessment)

    def _build_table(self) -> None:
        """Every recorded measure, newest first."""
        self.model = OutcomeTableModel(self)
        self.proxy, self.table = log_table(self, self.model, "outcomeTable", "Recorded measures")

    def _build_record_box(self) -> QGroupBox:
        """One record button per form, three to a row."""
        record_box = QGroupBox("Record")
        grid = QGridLayout(record_box)
        self.record_buttons: dict[str, QPushButton] = {}
        for i, (key, text) in enumerate(FORM_LABELS.items()):
            b = push_button(text, f"record_{key}", f"Record {button_name(text)}")
            b.clicked.connect(lambda _c=False, k=key: self.open_form(k))
            grid.addWidget(b, i // 3, i % 3)
            self.record_buttons[key] = b
        return record_box

    def _build_actions(self) -> QHBoxLayout:
        """Delete, Undo delete, Add follow-up and the tab's message."""
        self.delete_button = push_button("Delete measure", "deleteOutcome")
        self.delete_button.clicked.connect(self.delete_selected)
        self.undo_button = push_button("Undo delete", "undoDeleteOutcome")
        self.undo_button.setEnabled(False)
        self.undo_button.clicked.connect(self.undo_delete)
        self.follow_up_button = push_button("Add fo&llow-up…", "addFollowUp")
        self.follow_up_button.clicked.connect(self.add_follow_up)
        self.message = QLabel()
        self.message.setAccessibleDescription("Outcomes message")
        self.deletion: UndoableDelete[tuple[str, uuid.UUID]] = UndoableDelete(
            self, self.undo_button, self.message, self._changed
        )
        actions = QHBoxLayout()
        for b in (self.delete_button, self.undo_button, self.follow_up_button):
            actions.addWidget(b)
        actions.addWidget(self.message, 1)
        return actions

    def _build_layout(self, record_box: QGroupBox, actions: QHBoxLayout) -> None:
        """Summary boxes, record buttons, actions and the table in one scrolling column."""
        changes_box = QGroupBox("Change from baseline")
        QVBoxLayout(changes_box).addWidget(self.changes_label)
        schedule_box = QGroupBox("Assessments")
        schedule_column = QVBoxLayout(schedule_box)
        schedule_column.addWidget(self.schedule_label)
        schedule_column.addWidget(self.assessment_button, 0, Qt.AlignmentFlag.AlignLeft)
        top = QVBoxLayout()  # stacked: the patient pane is narrow at 1280x800
        top.addWidget(changes_box)
        top.addWidget(schedule_box)
        layout = scrolled_column(self)
        layout.addLayout(top)
        layout.addWidget(record_box)
        layout.addLayout(actions)
        layout.addWidget(self.table, 1)

    def set_patient(self, row: PatientRow | None) -> None:
        self.row = row
        for b in [*self.record_buttons.values(), self.delete_button, self.follow_up_button,
                  self.assessment_button]:
            permits.gate(b, self.services.principal, Permission.OUTCOMES,
                         enabled=row is not None)
        if row is None:
            self.model.set_rows([])
            self.changes_label.setText("No patient selected.")
            self.schedule_label.setText("")
            return
        self.load_when_visible()

    def reload(self) -> None:
        if self.row is None:
            return
        units = self.services.settings.units()
        self.model.set_rows(
            self.services.outcomes.history(self.row.id, include_skips=True), units
        )
        self.changes = self.services.outcomes.changes(self.row.id)
        self.changes_label.setText(
            "\n".join(c.sentence for c in self.changes)
            or "Record a baseline and a later measurement to see the change."
        )
        self.changes_label.setToolTip(
            "\n".join(f"{c.label}: threshold source: {c.threshold_source}" for c in self.changes)
        )
        self.due = self.services.outcomes.schedule(self.row.id, today=self.today())
        self.schedule_label.setText(
            "\n".join(
                f"{a.label}: {a.due_date.isoformat()} — {STATE_TEXT[a.state]}"
                + (f" (still to record or skip: {', '.join(map(instrument_name, a.missing))})"
                   if a.state != "done" and 0 < len(a.missing) < len(a.instruments) else "")
                for a in self.due
            )
            or "No program: no assessments scheduled."
        )

    def timepoint_now(self) -> str:
        """The timepoint every form starts with today (domain.assessments.default_timepoint:
        the first review due and not complete, the same for every instrument)."""
        chosen = default_timepoint((a.timepoint, a.due_date, a.state) for a in self.due)
        return chosen if chosen in TIMEPOINTS else "other"

    def open_assessment(self) -> None:
        """The assessment screen (every measure of today's review on one screen)."""
        if self.row is None:
            return
        from rehab_tracker.ui.outcomes.review_dialog import open_assessment

        if open_assessment(self, self.services, self.row.id, self.today):
            self.message.setText("Assessment saved.")
        self._changed()

    def open_form(self, key: str) -> QDialog | None:
        if self.row is None:
            return None
        from rehab_tracker.ui.outcomes.outcome_forms import FORMS

        _text, factory = FORMS[key]
        dialog = factory(
            self.services, self.row.id, self.today, timepoint=self.timepoint_now(), parent=self
        )
        if dialog.exec():
            self.message.setText("Saved.")
        self._changed()
        return dialog

    def selected(self) -> tuple[str, uuid.UUID] | None:
        rows = self.table.selectionModel().selectedRows()
        if not rows:
            return None
        kind, _, ident = str(self.proxy.data(rows[0], Qt.ItemDataRole.UserRole)).partition(":")
        return kind, uuid.UUID(ident)

    def delete_selected(self) -> None:
        self.deletion.delete(
            self.selected(),
            lambda chosen: self.services.outcomes.delete(*chosen),
            title="Delete measure",
            question="Delete the selected measure? You can undo this.",
            done="Deleted. Undo delete brings it back.",
        )

    def undo_delete(self) -> None:
        self.deletion.undo(lambda chosen: self.services.outcomes.restore(*chosen), done="Restored.")

    def add_follow_up(self) -> None:
        if self.row is None:
            return
        dialog = FollowUpDialog(self.today(), self)
        if not dialog.exec():
            return
        row = self.row
        if run_action(
            self,
            lambda: self.services.outcomes.add_follow_up(
                row.id, dialog.due.value(), label=dialog.label.text()
            ),
            title="Add follow-up",
        ):
            self._changed()
