"""The patient view's Program tab: the current phase, its dosages and progression suggestions.

Read-only: changes (including accepting a suggestion) happen in the program builder, where each is
undoable and saved in one step. The tab also prints the home exercise sheet.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from rehab_tracker.domain.roles import Permission
from rehab_tracker.services.container import Services
from rehab_tracker.services.patients import PatientRow
from rehab_tracker.services.programs import (
    PrescribedExercise,
    ProgramDetail,
    ProgressionSuggestion,
)
from rehab_tracker.ui.program import handout
from rehab_tracker.ui.program.suggestion import suggestion_text
from rehab_tracker.ui.widgets import permits
from rehab_tracker.ui.widgets.forms import name_button, text_label
from rehab_tracker.ui.widgets.scroll import fill_scrolling
from rehab_tracker.ui.widgets.table_model import RowsTableModel

Index = QModelIndex | QPersistentModelIndex
#: the Edit program button's tip for a role that may change programs
BUILD_TIP = "Build or edit the program"
HEADERS = ("Exercise", "Dosage", "Suggestion", "Notes")


class CurrentPhaseModel(RowsTableModel[PrescribedExercise]):
    """The current phase's prescriptions (plain rows) with their suggestions."""

    headers = HEADERS
    numbered_rows = True

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.suggestions: dict[uuid.UUID, ProgressionSuggestion] = {}

    def set_rows(
        self,
        rows: Sequence[PrescribedExercise],
        suggestions: dict[uuid.UUID, ProgressionSuggestion] | None = None,
    ) -> None:
        self.suggestions = dict(suggestions or {})
        super().set_rows(rows)

    def cell(self, rx: PrescribedExercise, column: int, role: int) -> Any:
        sug = self.suggestions.get(rx.id)
        if role == Qt.ItemDataRole.DisplayRole:
            return self._text(rx, column, sug)
        if role == Qt.ItemDataRole.ToolTipRole and column == 2 and sug is not None:
            return sug.reason
        return None

    @staticmethod
    def _text(rx: PrescribedExercise, column: int, sug: ProgressionSuggestion | None) -> str:
        if column == 0:
            return rx.exercise_name
        if column == 1:
            return rx.dosage.describe()
        if column == 3:
            return rx.notes or ""
        return "Not logged yet" if sug is None else suggestion_text(sug)

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable


class ProgramTab(QWidget):
    """Shows the selected patient's program; opens the builder and the home sheet."""

    def __init__(
        self,
        services: Services,
        today: Callable[[], dt.date],
        parent: QWidget | None = None,
        on_saved: Callable[[uuid.UUID], None] | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("programTab")
        self.services = services
        self.today = today
        self.on_saved = on_saved
        self.row: PatientRow | None = None
        self.program: ProgramDetail | None = None
        self.summary = text_label("programTabSummary", description="Program summary")
        self.model = CurrentPhaseModel(self)
        self._build_table()
        self.reason = text_label("suggestionReason", description="Suggestion reason")
        self.view.selectionModel().currentRowChanged.connect(self._show_reason)
        buttons = self._build_buttons()
        inner = QWidget()
        layout = QVBoxLayout(inner)
        layout.addWidget(self.summary)
        layout.addLayout(buttons)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.reason)
        fill_scrolling(self, inner, frame=False)  # usable in a narrow window and at 200% scaling
        self.set_patient(None)

    def _build_table(self) -> None:
        self.view = QTableView()
        self.view.setObjectName("currentPhaseTable")
        self.view.setAccessibleName("Current phase exercises")
        self.view.setModel(self.model)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.view.horizontalHeader().setStretchLastSection(True)
        self.view.setColumnWidth(0, 200)
        self.view.setColumnWidth(1, 170)
        self.view.setColumnWidth(2, 200)

    def _build_buttons(self) -> QHBoxLayout:
        self.build_button = QPushButton("&Edit program…")
        self.build_button.setObjectName("programTabBuild")
        self.sheet_button = QPushButton("Sheet previe&w…")
        self.sheet_button.setObjectName("programTabSheet")
        self.pdf_button = QPushButton("Sheet PDF…")
        self.pdf_button.setObjectName("programTabPdf")
        buttons = QHBoxLayout()
        tips = (BUILD_TIP, "Home exercise sheet", "Save the sheet as PDF")
        for button, tip in zip(
            (self.build_button, self.sheet_button, self.pdf_button), tips, strict=True
        ):
            name_button(button)
            button.setToolTip(tip)
            button.setAccessibleDescription(tip)
            buttons.addWidget(button)
        buttons.addStretch(1)
        self.build_button.clicked.connect(self.open_builder)
        self.sheet_button.clicked.connect(self.preview_sheet)
        self.pdf_button.clicked.connect(self.save_sheet)
        return buttons

    def set_patient(self, row: PatientRow | None) -> None:
        self.row = row
        self.program = None if row is None else self.services.programs.active_program_for(row.id)
        program = self.program
        permits.gate(self.build_button, self.services.principal, Permission.PROGRAMS,
                     enabled=row is not None, tip=BUILD_TIP)
        self.sheet_button.setEnabled(program is not None)
        self.pdf_button.setEnabled(program is not None)
        self.reason.setText("")
        if row is None:
            self.summary.setText("Select a patient.")
            self.model.set_rows([], {})
            return
        if program is None:
            self.summary.setText(f"{row.name} has no active program. Build one from a template.")
            self.model.set_rows([], {})
            return
        today = self.today()
        phase = program.phase_on(today)
        phase_text = (
            f"Current phase: {phase.name} ({phase.start_date.isoformat()} to "
            f"{phase.end_date.isoformat()})."
            if phase is not None
            else "The program's phases have ended."
        )
        early = (
            f" Early start reason: {program.early_start_reason}."
            if program.early_start_reason
            else ""
        )
        self.summary.setText(
            f"{program.name}. {program.intensity.title()} intensity, {program.status}, "
            f"starts {program.start_date.isoformat()}. {phase_text}{early}"
        )
        suggestions = self.services.programs.suggestions(program.id, today=today)
        self.model.set_rows(phase.prescriptions if phase is not None else [], suggestions)

    def _show_reason(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if not current.isValid():
            self.reason.setText("")
            return
        rx = self.model.rows[current.row()]
        sug = self.model.suggestions.get(rx.id)
        if sug is None:
            text = f"{rx.exercise_name}: no session logged yet, so no suggestion."
        elif sug.changes:
            text = f"{rx.exercise_name}: {sug.reason} Accept or edit it in the program builder."
        else:  # the dose stays (a hold or repeat): nothing to accept
            text = f"{rx.exercise_name}: {sug.reason}"
        self.reason.setText(text)

    def open_builder(self) -> None:
        if self.row is None:
            return
        from rehab_tracker.ui.program.builder import open_program_builder

        patient_id = self.row.id
        saved = open_program_builder(self, self.services, self.today, patient_id)
        if saved and self.on_saved is not None:
            self.on_saved(patient_id)
        else:
            self.set_patient(self.row)

    def preview_sheet(self) -> None:
        if self.program is not None:
            handout.preview_sheet(self, self.services, self.program, self.today())

    def save_sheet(self) -> None:
        if self.program is not None:
            handout.save_sheet_pdf(self, self.services, self.program, self.today())
