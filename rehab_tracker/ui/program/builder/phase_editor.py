"""One phase's page in the builder: its name and dates, its prescription table, the row buttons
and the progression suggestion of the selected exercise.

Every change (a field, a cell, a row added, removed or moved, a suggestion accepted) is pushed on
the dialog's undo stack as a command from :mod:`.commands`.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import (
    QAbstractItemView,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from rehab_tracker.services.programs import (
    ExerciseInfo,
    PhaseDraft,
    PrescriptionDraft,
    ProgressionSuggestion,
)
from rehab_tracker.ui.program.builder.cells import COLUMN
from rehab_tracker.ui.program.builder.commands import (
    InsertRowCommand,
    MoveRowCommand,
    PhaseFieldCommand,
    RemoveRowCommand,
    SetDosageCommand,
)
from rehab_tracker.ui.program.builder.delegate import DosageDelegate
from rehab_tracker.ui.program.builder.model import PrescriptionModel
from rehab_tracker.ui.program.suggestion import action_text
from rehab_tracker.ui.widgets.date_field import DateField, date_problems
from rehab_tracker.ui.widgets.forms import FieldForm, push_button, text_label

NO_SELECTION = "Select an exercise to see its suggestion."
NOT_LOGGED = "No suggestion: this exercise has not been logged yet."


class PhaseEditor(QWidget):
    """Name, dates and the prescription table of one phase, with the suggestion panel."""

    def __init__(
        self,
        phase: PhaseDraft,
        undo_stack: QUndoStack,
        exercises: Callable[[], Sequence[ExerciseInfo]],
        suggestions: dict[uuid.UUID, ProgressionSuggestion],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.phase = phase
        self.undo_stack = undo_stack
        self.exercises = exercises
        self._applying = False
        self.setObjectName(f"phase_{phase.code}")
        self._build_fields(phase)
        self.model = PrescriptionModel(phase.items, undo_stack, suggestions, self)
        self.view = self._build_table(phase)
        buttons = self._build_row_buttons()
        self._build_suggestion_box()

        layout = QVBoxLayout(self)
        layout.addWidget(self.form)
        layout.addLayout(buttons)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.suggestion_box)
        self.view.selectionModel().currentRowChanged.connect(lambda *_: self._update_buttons())
        for signal in (
            self.model.rowsInserted,
            self.model.rowsRemoved,
            self.model.rowsMoved,
            self.model.dataChanged,
        ):
            signal.connect(lambda *_: self._update_buttons())
        self._update_buttons()

    # --- building --------------------------------------------------------------------------------

    def _build_fields(self, phase: PhaseDraft) -> None:
        self.form = FieldForm()
        self.name_edit = self.form.add("name", "Phase &name", QLineEdit(phase.name))
        self.start_edit = self.form.add("start_date", "S&tarts", DateField(phase.start_date))
        self.end_edit = self.form.add("end_date", "En&ds", DateField(phase.end_date))
        weeks = QLabel(f"Program weeks {phase.start_week} to {phase.end_week}")
        weeks.setAccessibleName("Program weeks")
        self.form.layout_.addRow("", weeks)
        self._values: dict[str, Any] = {
            "name": phase.name,
            "start_date": phase.start_date,
            "end_date": phase.end_date,
        }
        self.name_edit.editingFinished.connect(self._name_edited)
        self.start_edit.dateChanged.connect(lambda: self._date_edited("start_date"))
        self.end_edit.dateChanged.connect(lambda: self._date_edited("end_date"))

    def _build_table(self, phase: PhaseDraft) -> QTableView:
        view = QTableView()
        view.setObjectName("prescriptionTable")
        view.setAccessibleName(f"Exercises of {phase.name}")
        view.setModel(self.model)
        view.setItemDelegate(DosageDelegate(view))
        view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        view.setEditTriggers(
            QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
            | QAbstractItemView.EditTrigger.AnyKeyPressed
        )
        view.setWordWrap(False)
        view.setMinimumHeight(view.verticalHeader().defaultSectionSize() * 7)
        header = view.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(COLUMN["exercise"], QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(COLUMN["notes"], QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        view.setColumnWidth(COLUMN["exercise"], 240)
        view.setColumnWidth(COLUMN["notes"], 110)
        return view

    def _build_row_buttons(self) -> QHBoxLayout:
        self.add_button = push_button("&Add exercise…", "addExercise")
        self.remove_button = push_button("&Remove", "removeExercise")
        self.up_button = push_button("Move &up", "moveUp")
        self.down_button = push_button("Move do&wn", "moveDown")
        buttons = QHBoxLayout()
        for button in (self.add_button, self.remove_button, self.up_button, self.down_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        self.add_button.clicked.connect(self.add_exercise)
        self.remove_button.clicked.connect(self.remove_selected)
        self.up_button.clicked.connect(lambda: self.move_selected(-1))
        self.down_button.clicked.connect(lambda: self.move_selected(1))
        return buttons

    def _build_suggestion_box(self) -> None:
        """The progression suggestion for the selected exercise, with Accept and Edit."""
        self.suggestion_box = QGroupBox("Progression suggestion")
        self.suggestion_label = text_label("suggestionText", "Progression suggestion")
        self.suggestion_label.setText(NO_SELECTION)
        self.accept_button = push_button("A&ccept suggestion", "acceptSuggestion")
        self.edit_button = push_button("&Edit dosage", "editDosage")
        self.accept_button.clicked.connect(self.accept_suggestion)
        self.edit_button.clicked.connect(self.edit_dosage)
        box = QHBoxLayout(self.suggestion_box)
        box.addWidget(self.suggestion_label, 1)
        box.addWidget(self.accept_button)
        box.addWidget(self.edit_button)

    # --- phase fields ----------------------------------------------------------------------------

    def _name_edited(self) -> None:
        if self._applying:
            return
        new = self.name_edit.text()
        old = self._values["name"]
        if new != old:
            self.undo_stack.push(
                PhaseFieldCommand(self, "name", old, new, f"rename phase to {new!r}")
            )

    def _date_edited(self, key: str) -> None:
        if self._applying:
            return
        edit = self.start_edit if key == "start_date" else self.end_edit
        self.form.show_error(key, edit.problem() or "")
        new = edit.value()
        old = self._values[key]
        if new is not None and new != old:
            label = "start" if key == "start_date" else "end"
            self.undo_stack.push(
                PhaseFieldCommand(self, key, old, new, f"change {self.phase.name} {label} date")
            )

    def apply_field(self, key: str, value: Any) -> None:
        self._applying = True
        try:
            self._values[key] = value
            if key == "name":
                if self.name_edit.text() != value:
                    self.name_edit.setText(value)
            else:
                edit = self.start_edit if key == "start_date" else self.end_edit
                edit.set_value(value)
        finally:
            self._applying = False

    def date_problems(self) -> dict[str, str]:
        """The phase's dates typed that are not dates (the draft keeps the last good ones)."""
        return date_problems(self.form.fields)

    def draft(self) -> PhaseDraft:
        return replace(
            self.phase,
            name=self._values["name"],
            start_date=self._values["start_date"],
            end_date=self._values["end_date"],
            items=tuple(self.model.items),
        )

    # --- rows ------------------------------------------------------------------------------------

    def current_row(self) -> int:
        index = self.view.currentIndex()
        return index.row() if index.isValid() else -1

    def select_row(self, row: int) -> None:
        if 0 <= row < self.model.rowCount():
            self.view.setCurrentIndex(self.model.index(row, 0))
            self.view.selectRow(row)

    def add_exercise(self) -> None:
        # looked up on the package at call time: the name tests replace to drive the picker
        from rehab_tracker.ui.program import builder

        chosen = builder.pick_exercise(
            self, self.exercises(), {item.exercise_code for item in self.model.items}
        )
        if chosen is None:
            return
        item = PrescriptionDraft(
            exercise_code=chosen.code,
            dosage=chosen.dosage_for(self.phase.code),
            exercise_name=chosen.name,
        )
        row = self.current_row() + 1 if self.current_row() >= 0 else self.model.rowCount()
        self.undo_stack.push(InsertRowCommand(self.model, row, item))
        self.select_row(row)

    def remove_selected(self) -> None:
        row = self.current_row()
        if row < 0:
            return
        self.undo_stack.push(RemoveRowCommand(self.model, row))
        self.select_row(min(row, self.model.rowCount() - 1))

    def move_selected(self, step: int) -> None:
        row = self.current_row()
        to = row + step
        if row < 0 or not 0 <= to < self.model.rowCount():
            return
        self.undo_stack.push(MoveRowCommand(self.model, row, to))
        self.select_row(to)

    # --- the suggestion panel --------------------------------------------------------------------

    def _suggestion_text(self, row: int, sug: ProgressionSuggestion | None) -> str:
        if row < 0:
            return NO_SELECTION
        if sug is None:
            return NOT_LOGGED
        current = self.model.items[row].dosage
        state = " (accepted, not saved yet)" if current == sug.suggested and sug.changes else ""
        to = "to" if sug.changes else "at"  # "Hold at 3 x 8-12 reps": the dose stays
        return (
            f"{sug.exercise_name}: {action_text(sug)} {to} {sug.suggested.describe()}{state}.\n"
            f"Why: {sug.reason} (last logged {sug.based_on.isoformat()})"
        )

    def _update_buttons(self) -> None:
        row = self.current_row()
        has = row >= 0
        self.remove_button.setEnabled(has)
        self.up_button.setEnabled(has and row > 0)
        self.down_button.setEnabled(has and row < self.model.rowCount() - 1)
        sug = self.model.suggestion(row) if has else None
        text = self._suggestion_text(row, sug)
        self.suggestion_label.setText(text)
        self.suggestion_label.setAccessibleDescription(text)
        self.accept_button.setEnabled(
            sug is not None and sug.changes and self.model.items[row].dosage != sug.suggested
        )
        self.edit_button.setEnabled(has)

    def accept_suggestion(self) -> None:
        row = self.current_row()
        sug = self.model.suggestion(row) if row >= 0 else None
        if sug is None:
            return
        old = self.model.items[row].dosage
        self.undo_stack.push(
            SetDosageCommand(
                self.model,
                row,
                old,
                sug.suggested,
                f"accept suggestion for {sug.exercise_name}",
            )
        )

    def edit_dosage(self) -> None:
        row = self.current_row()
        if row < 0:
            return
        index = self.model.index(row, COLUMN["sets"])
        self.view.setCurrentIndex(index)
        self.view.setFocus(Qt.FocusReason.OtherFocusReason)
        self.view.edit(index)

    def show_errors(self, errors: dict[str, str]) -> None:
        self.form.show_errors(errors)
