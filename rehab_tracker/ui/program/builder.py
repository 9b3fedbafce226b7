"""The program builder: create a patient's program from a template, then edit it.

Every edit (a dosage cell, a phase's name or dates, adding, removing or moving an exercise,
accepting a progression suggestion) is a command on one QUndoStack, so Ctrl+Z / Ctrl+Shift+Z
(Ctrl+Y) undo and redo it. Nothing is written until Save, which hands the whole edited program to
``ProgramService.save_edits`` (one unit of work). The widgets never touch the database: they hold
plain dataclasses from the service.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QDate,
    QLocale,
    QModelIndex,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
)
from PySide6.QtGui import (
    QColor,
    QDoubleValidator,
    QIntValidator,
    QKeySequence,
    QStandardItem,
    QStandardItemModel,
    QUndoCommand,
    QUndoStack,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListView,
    QPushButton,
    QScrollArea,
    QStackedWidget,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from rehab_tracker.domain.dosage import DOSAGE_TYPES, LIMITS, Dosage, Limit, fitting_fields
from rehab_tracker.domain.errors import ValidationError
from rehab_tracker.services.container import Services
from rehab_tracker.services.errors import ServiceError
from rehab_tracker.services.programs import (
    ExerciseInfo,
    PhaseDraft,
    PrescriptionDraft,
    ProgramDetail,
    ProgramDraft,
    ProgressionSuggestion,
    TemplateInfo,
)
from rehab_tracker.ui.shell.actions import run_action
from rehab_tracker.ui.widgets import dialogs
from rehab_tracker.ui.widgets.forms import (
    FieldForm,
    date_edit,
    date_of,
    error_label,
    name_widget,
    plain,
)

Index = QModelIndex | QPersistentModelIndex
_ROOT = QModelIndex()

# ------------------------------------------------------------------------------ the table model

#: (key, header) of the prescription table's columns
COLUMNS: tuple[tuple[str, str], ...] = (
    ("exercise", "Exercise"),
    ("sets", "Sets"),
    ("reps_min", "Reps min"),
    ("reps_max", "Reps max"),
    ("hold_seconds", "Hold (s)"),
    ("distance_m", "Distance (m)"),
    ("duration_min", "Time (min)"),
    ("load_kg", "Load (kg)"),
    ("effort_target", "Effort (0-10)"),
    ("notes", "Notes"),
    ("suggestion", "Suggestion"),
)
COLUMN = {key: i for i, (key, _) in enumerate(COLUMNS)}
#: the range of each dose cell: the domain's limits table, the time shown in minutes
CELL_LIMITS: dict[str, Limit] = {
    ("duration_min" if name == "duration_s" else name): limit for name, limit in LIMITS.items()
}
CELL_LIMITS["duration_min"] = replace(
    LIMITS["duration_s"], maximum=LIMITS["duration_s"].maximum / 60.0, unit="min"
)
#: which dosage cells apply to each dosage type (notes always do)
APPLIES: dict[str, frozenset[str]] = {
    kind: frozenset(
        "duration_min" if name == "duration_s" else name
        for name in fitting_fields(kind)
        if name != "dosage_type"
    )
    for kind in DOSAGE_TYPES
}
ACTION_TEXT = {
    "progress": "Progress",
    "hold": "Hold",
    "step_back": "Step back",
    "repeat": "Repeat",
}
NOT_APPLICABLE = "–"


def _fmt(value: float | None) -> str:
    if value is None:
        return ""
    return f"{value:g}"


def cell_value(item: PrescriptionDraft, key: str) -> Any:
    """The model value of one dosage cell (None when empty)."""
    d = item.dosage
    if key == "duration_min":
        return None if d.duration_s is None else round(d.duration_s / 60.0, 4)
    if key == "notes":
        return item.notes
    return getattr(d, key)


def with_cell(item: PrescriptionDraft, key: str, value: Any) -> PrescriptionDraft:
    """``item`` with one cell changed (value already parsed)."""
    if key == "notes":
        return replace(item, notes=value)
    if key == "duration_min":
        return replace(
            item, dosage=replace(item.dosage, duration_s=None if value is None else value * 60.0)
        )
    return replace(item, dosage=replace(item.dosage, **{key: value}))


def parse_cell(key: str, value: Any) -> tuple[bool, Any]:
    """Parse what the user typed for a cell: (ok, value). Blank is None except for sets."""
    if key == "notes":
        text = "" if value is None else str(value).strip()
        return True, text or None
    if value is None or (isinstance(value, str) and not value.strip()):
        return key != "sets", None
    text = str(value).strip().replace(",", ".")
    try:
        number: float = float(text)
    except ValueError:
        return False, None
    limit = CELL_LIMITS[key]
    if limit.whole:
        if not number.is_integer():
            return False, None
        return limit.allows(int(number)), int(number)
    return limit.allows(number), number


class SetCellCommand(QUndoCommand):
    def __init__(self, model: PrescriptionModel, row: int, key: str, old: Any, new: Any) -> None:
        name = model.items[row].exercise_name or model.items[row].exercise_code
        header = dict(COLUMNS)[key]
        super().__init__(f"change {header} of {name}")
        self.model, self.row, self.key, self.old, self.new = model, row, key, old, new

    def redo(self) -> None:
        self.model.apply_cell(self.row, self.key, self.new)

    def undo(self) -> None:
        self.model.apply_cell(self.row, self.key, self.old)


class SetDosageCommand(QUndoCommand):
    def __init__(
        self, model: PrescriptionModel, row: int, old: Dosage, new: Dosage, text: str
    ) -> None:
        super().__init__(text)
        self.model, self.row, self.old, self.new = model, row, old, new

    def redo(self) -> None:
        self.model.apply_dosage(self.row, self.new)

    def undo(self) -> None:
        self.model.apply_dosage(self.row, self.old)


class InsertRowCommand(QUndoCommand):
    def __init__(self, model: PrescriptionModel, row: int, item: PrescriptionDraft) -> None:
        super().__init__(f"add {item.exercise_name or item.exercise_code}")
        self.model, self.row, self.item = model, row, item

    def redo(self) -> None:
        self.model.insert_item(self.row, self.item)

    def undo(self) -> None:
        self.model.remove_item(self.row)


class RemoveRowCommand(QUndoCommand):
    def __init__(self, model: PrescriptionModel, row: int) -> None:
        self.item = model.items[row]
        super().__init__(f"remove {self.item.exercise_name or self.item.exercise_code}")
        self.model, self.row = model, row

    def redo(self) -> None:
        self.model.remove_item(self.row)

    def undo(self) -> None:
        self.model.insert_item(self.row, self.item)


class MoveRowCommand(QUndoCommand):
    def __init__(self, model: PrescriptionModel, row: int, to: int) -> None:
        item = model.items[row]
        super().__init__(f"move {item.exercise_name or item.exercise_code}")
        self.model, self.row, self.to = model, row, to

    def redo(self) -> None:
        self.model.move_item(self.row, self.to)

    def undo(self) -> None:
        self.model.move_item(self.to, self.row)


class PrescriptionModel(QAbstractTableModel):
    """One phase's prescriptions (plain drafts); edits through setData become undo commands."""

    def __init__(
        self,
        items: Sequence[PrescriptionDraft],
        undo_stack: QUndoStack,
        suggestions: dict[uuid.UUID, ProgressionSuggestion] | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.items: list[PrescriptionDraft] = list(items)
        self.undo_stack = undo_stack
        self.suggestions = dict(suggestions or {})

    # --- read ---------------------------------------------------------------------------------

    def rowCount(self, parent: Index = _ROOT) -> int:
        return 0 if parent.isValid() else len(self.items)

    def columnCount(self, parent: Index = _ROOT) -> int:
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal:
            return COLUMNS[section][1] if 0 <= section < len(COLUMNS) else None
        return str(section + 1)

    def suggestion(self, row: int) -> ProgressionSuggestion | None:
        pid = self.items[row].prescription_id
        return None if pid is None else self.suggestions.get(pid)

    def applies(self, row: int, key: str) -> bool:
        return key == "notes" or key in APPLIES.get(self.items[row].dosage.dosage_type, set())

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self.items):
            return None
        item = self.items[index.row()]
        key = COLUMNS[index.column()][0]
        if key == "exercise":
            if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
                return item.exercise_name or item.exercise_code
            if role == Qt.ItemDataRole.UserRole:
                return item.exercise_code
            return None
        if key == "suggestion":
            sug = self.suggestion(index.row())
            if sug is None:
                return None
            if role == Qt.ItemDataRole.DisplayRole:
                return f"{ACTION_TEXT.get(sug.action, sug.action)}: {sug.suggested.describe()}"
            if role == Qt.ItemDataRole.ToolTipRole:
                return sug.reason
            return None
        applies = self.applies(index.row(), key)
        if role == Qt.ItemDataRole.DisplayRole:
            if not applies:
                return NOT_APPLICABLE
            value = cell_value(item, key)
            return value if key == "notes" else _fmt(value)
        if role == Qt.ItemDataRole.EditRole:
            if not applies:
                return None
            value = cell_value(item, key)
            return ("" if value is None else str(value)) if key == "notes" else _fmt(value)
        if role == Qt.ItemDataRole.ForegroundRole and not applies:
            return QColor("#888888")
        if role == Qt.ItemDataRole.TextAlignmentRole and key != "notes":
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        base = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        key = COLUMNS[index.column()][0]
        if key not in ("exercise", "suggestion") and self.applies(index.row(), key):
            base |= Qt.ItemFlag.ItemIsEditable
        return base

    # --- edit (through the undo stack) ---------------------------------------------------------

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if role != Qt.ItemDataRole.EditRole or not index.isValid():
            return False
        if not self.flags(index) & Qt.ItemFlag.ItemIsEditable:
            return False
        key = COLUMNS[index.column()][0]
        ok, parsed = parse_cell(key, value)
        if not ok:
            return False
        old = cell_value(self.items[index.row()], key)
        if parsed == old:
            return True
        self.undo_stack.push(SetCellCommand(self, index.row(), key, old, parsed))
        return True

    def apply_cell(self, row: int, key: str, value: Any) -> None:
        self.items[row] = with_cell(self.items[row], key, value)
        changed = self.index(row, COLUMN[key])
        self.dataChanged.emit(changed, changed)

    def apply_dosage(self, row: int, dosage: Dosage) -> None:
        self.items[row] = replace(self.items[row], dosage=dosage)
        self.dataChanged.emit(self.index(row, 0), self.index(row, len(COLUMNS) - 1))

    def insert_item(self, row: int, item: PrescriptionDraft) -> None:
        self.beginInsertRows(_ROOT, row, row)
        self.items.insert(row, item)
        self.endInsertRows()

    def remove_item(self, row: int) -> None:
        self.beginRemoveRows(_ROOT, row, row)
        del self.items[row]
        self.endRemoveRows()

    def move_item(self, row: int, to: int) -> None:
        if row == to or not (0 <= row < len(self.items) and 0 <= to < len(self.items)):
            return
        destination = to + 1 if to > row else to
        self.beginMoveRows(_ROOT, row, row, _ROOT, destination)
        self.items.insert(to, self.items.pop(row))
        self.endMoveRows()


class DosageDelegate(QStyledItemDelegate):
    """Edits a dosage cell in a line edit that accepts only numbers of the right kind."""

    def createEditor(
        self, parent: QWidget, option: QStyleOptionViewItem, index: Index
    ) -> QWidget:
        editor = QLineEdit(parent)
        key = COLUMNS[index.column()][0]
        limit = CELL_LIMITS.get(key)
        if limit is not None and limit.whole:
            editor.setValidator(QIntValidator(int(limit.minimum), int(limit.maximum), editor))
        elif limit is not None:
            validator = QDoubleValidator(limit.minimum, limit.maximum, 2, editor)
            validator.setNotation(QDoubleValidator.Notation.StandardNotation)
            validator.setLocale(QLocale.c())
            editor.setValidator(validator)
        editor.setAccessibleName(COLUMNS[index.column()][1])
        return editor

    def setEditorData(self, editor: QWidget, index: Index) -> None:
        assert isinstance(editor, QLineEdit)
        value = index.data(Qt.ItemDataRole.EditRole)
        editor.setText("" if value is None else str(value))

    def setModelData(
        self, editor: QWidget, model: Any, index: Index
    ) -> None:
        assert isinstance(editor, QLineEdit)
        model.setData(index, editor.text(), Qt.ItemDataRole.EditRole)


# --------------------------------------------------------------------------- the exercise picker


class ExercisePicker(QDialog):
    """Choose an exercise from the library; type to filter by name, region or equipment."""

    def __init__(
        self,
        exercises: Sequence[ExerciseInfo],
        exclude: set[str] | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Add exercise")
        self.setObjectName("exercisePicker")
        self.exercises = [e for e in exercises if e.code not in (exclude or set())]
        self.source = QStandardItemModel(self)
        for e in self.exercises:
            text = f"{e.name}  ({e.body_region.replace('_', ' ')}, {e.dosage_type})"
            item = QStandardItem(text)
            item.setData(e.code, Qt.ItemDataRole.UserRole)
            item.setToolTip(", ".join(e.equipment) or "no equipment")
            item.setEditable(False)
            self.source.appendRow(item)
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.source)
        self.proxy.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.search = QLineEdit()
        self.search.setObjectName("exerciseSearch")
        self.search.setPlaceholderText("Type part of a name")
        self.search.setClearButtonEnabled(True)
        label = QLabel("&Search")
        label.setBuddy(self.search)
        name_widget(self.search, "&Search")
        self.list = QListView()
        self.list.setObjectName("exerciseList")
        self.list.setModel(self.proxy)
        self.list.setAccessibleName("Exercises")
        self.list.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.list.doubleClicked.connect(self.accept)
        self.search.textChanged.connect(self._filter)
        self.search.returnPressed.connect(self.accept)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        row = QHBoxLayout()
        row.addWidget(label)
        row.addWidget(self.search, 1)
        layout.addLayout(row)
        layout.addWidget(self.list, 1)
        layout.addWidget(self.buttons)
        self._select_first()
        dialogs.fit_to_screen(self, 560, 520)

    def _filter(self, text: str) -> None:
        self.proxy.setFilterFixedString(text.strip())
        self._select_first()

    def _select_first(self) -> None:
        if self.proxy.rowCount():
            self.list.setCurrentIndex(self.proxy.index(0, 0))

    def selected(self) -> ExerciseInfo | None:
        index = self.list.currentIndex()
        if not index.isValid():
            return None
        code = index.data(Qt.ItemDataRole.UserRole)
        return next((e for e in self.exercises if e.code == code), None)

    def accept(self) -> None:
        if self.selected() is not None:
            super().accept()


def pick_exercise(
    parent: QWidget, exercises: Sequence[ExerciseInfo], exclude: set[str]
) -> ExerciseInfo | None:
    """Show the picker modally; tests replace this function to drive the picker themselves."""
    picker = ExercisePicker(exercises, exclude, parent)
    return picker.selected() if picker.exec() else None


# ----------------------------------------------------------------------------- one phase's page


class PhaseFieldCommand(QUndoCommand):
    def __init__(self, editor: PhaseEditor, key: str, old: Any, new: Any, text: str) -> None:
        super().__init__(text)
        self.editor, self.key, self.old, self.new = editor, key, old, new

    def redo(self) -> None:
        self.editor.apply_field(self.key, self.new)

    def undo(self) -> None:
        self.editor.apply_field(self.key, self.old)


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

        self.form = FieldForm()
        self.name_edit = self.form.add("name", "Phase &name", QLineEdit(phase.name))
        self.start_edit = self.form.add("start_date", "S&tarts", date_edit(phase.start_date))
        self.end_edit = self.form.add("end_date", "En&ds", date_edit(phase.end_date))
        weeks = QLabel(f"Program weeks {phase.start_week} to {phase.end_week}")
        weeks.setAccessibleName("Program weeks")
        self.form.layout_.addRow("", weeks)
        self._values: dict[str, Any] = {
            "name": phase.name,
            "start_date": phase.start_date,
            "end_date": phase.end_date,
        }
        self.name_edit.editingFinished.connect(self._name_edited)
        self.start_edit.dateChanged.connect(lambda _d: self._date_edited("start_date"))
        self.end_edit.dateChanged.connect(lambda _d: self._date_edited("end_date"))

        self.model = PrescriptionModel(phase.items, undo_stack, suggestions, self)
        self.view = QTableView()
        self.view.setObjectName("prescriptionTable")
        self.view.setAccessibleName(f"Exercises of {phase.name}")
        self.view.setModel(self.model)
        self.view.setItemDelegate(DosageDelegate(self.view))
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setEditTriggers(
            QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
            | QAbstractItemView.EditTrigger.AnyKeyPressed
        )
        self.view.setWordWrap(False)
        self.view.setMinimumHeight(self.view.verticalHeader().defaultSectionSize() * 7)
        header = self.view.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(COLUMN["exercise"], QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(COLUMN["notes"], QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        self.view.setColumnWidth(COLUMN["exercise"], 240)
        self.view.setColumnWidth(COLUMN["notes"], 110)

        self.add_button = QPushButton("&Add exercise…")
        self.remove_button = QPushButton("&Remove")
        self.up_button = QPushButton("Move &up")
        self.down_button = QPushButton("Move do&wn")
        buttons = QHBoxLayout()
        for button, name in (
            (self.add_button, "addExercise"),
            (self.remove_button, "removeExercise"),
            (self.up_button, "moveUp"),
            (self.down_button, "moveDown"),
        ):
            button.setObjectName(name)
            name_widget(button, button.text().rstrip("…"))
            buttons.addWidget(button)
        buttons.addStretch(1)
        self.add_button.clicked.connect(self.add_exercise)
        self.remove_button.clicked.connect(self.remove_selected)
        self.up_button.clicked.connect(lambda: self.move_selected(-1))
        self.down_button.clicked.connect(lambda: self.move_selected(1))

        # progression suggestion for the selected exercise
        self.suggestion_box = QGroupBox("Progression suggestion")
        self.suggestion_label = QLabel("Select an exercise to see its suggestion.")
        self.suggestion_label.setObjectName("suggestionText")
        self.suggestion_label.setWordWrap(True)
        self.suggestion_label.setAccessibleName("Progression suggestion")
        self.accept_button = QPushButton("A&ccept suggestion")
        self.accept_button.setObjectName("acceptSuggestion")
        name_widget(self.accept_button, "Accept suggestion")
        self.edit_button = QPushButton("&Edit dosage")
        self.edit_button.setObjectName("editDosage")
        name_widget(self.edit_button, "Edit dosage")
        self.accept_button.clicked.connect(self.accept_suggestion)
        self.edit_button.clicked.connect(self.edit_dosage)
        box = QHBoxLayout(self.suggestion_box)
        box.addWidget(self.suggestion_label, 1)
        box.addWidget(self.accept_button)
        box.addWidget(self.edit_button)

        layout = QVBoxLayout(self)
        layout.addWidget(self.form)
        layout.addLayout(buttons)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.suggestion_box)
        self.view.selectionModel().currentRowChanged.connect(lambda *_: self._update_buttons())
        self.model.rowsInserted.connect(lambda *_: self._update_buttons())
        self.model.rowsRemoved.connect(lambda *_: self._update_buttons())
        self.model.rowsMoved.connect(lambda *_: self._update_buttons())
        self.model.dataChanged.connect(lambda *_: self._update_buttons())
        self._update_buttons()

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
        new = date_of(edit)
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
                edit.setDate(QDate(value.year, value.month, value.day))
        finally:
            self._applying = False

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
        chosen = pick_exercise(
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

    def _update_buttons(self) -> None:
        row = self.current_row()
        has = row >= 0
        self.remove_button.setEnabled(has)
        self.up_button.setEnabled(has and row > 0)
        self.down_button.setEnabled(has and row < self.model.rowCount() - 1)
        sug = self.model.suggestion(row) if has else None
        if not has:
            text = "Select an exercise to see its suggestion."
        elif sug is None:
            text = "No suggestion: this exercise has not been logged yet."
        else:
            action = ACTION_TEXT.get(sug.action, sug.action)
            current = self.model.items[row].dosage
            state = " (accepted, not saved yet)" if current == sug.suggested and sug.changes else ""
            text = (
                f"{sug.exercise_name}: {action} to {sug.suggested.describe()}{state}.\n"
                f"Why: {sug.reason} (last logged {sug.based_on.isoformat()})"
            )
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


# ------------------------------------------------------------------------------- the dialog


WEEKDAY_LABELS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


class CreatePage(QWidget):
    """Template, intensity, start date, weekdays, early-start reason; preview and warnings."""

    def __init__(
        self,
        services: Services,
        patient_id: uuid.UUID,
        today: Callable[[], dt.date],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.services = services
        self.patient_id = patient_id
        self.today = today
        self.templates: list[TemplateInfo] = services.programs.templates()
        self.form = FieldForm()
        self.template_combo = self.form.add("template", "&Template", QComboBox())
        self.template_combo.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.template_combo.setMinimumContentsLength(24)
        for t in self.templates:
            self.template_combo.addItem(t.name, t.code)
            self.template_combo.setItemData(
                self.template_combo.count() - 1, t.name, Qt.ItemDataRole.ToolTipRole
            )
        self.intensity_combo = self.form.add("intensity", "&Intensity", QComboBox())
        start = services.programs.suggested_start(patient_id, today=today())
        self.start_edit = self.form.add("start_date", "&Start date (education day)",
                                        date_edit(start))
        days = QWidget()
        row = QHBoxLayout(days)
        row.setContentsMargins(0, 0, 0, 0)
        self.weekday_boxes: list[QCheckBox] = []
        for i, label in enumerate(WEEKDAY_LABELS):
            box = QCheckBox(label)
            box.setObjectName(f"weekday{i}")
            box.setAccessibleName(label)
            box.setChecked(i in (0, 2, 4))
            box.toggled.connect(self.update_preview)
            self.weekday_boxes.append(box)
            row.addWidget(box)
        row.addStretch(1)
        self.form.add("weekdays", "Training &weekdays", days, buddy=self.weekday_boxes[0])
        self.early_check = QCheckBox("Start &early (before the usual weeks after surgery)")
        self.early_check.setObjectName("earlyStart")
        name_widget(self.early_check, self.early_check.text())
        self.form.add("early_start", "", self.early_check)
        self.reason_edit = self.form.add(
            "early_start_reason", "Early start &reason", QLineEdit()
        )
        self.reason_edit.setObjectName("earlyStartReason")
        self.preview_label = QLabel()
        self.preview_label.setObjectName("schedulePreview")
        self.preview_label.setWordWrap(True)
        self.preview_label.setAccessibleName("Schedule")
        self.warnings_label = QLabel()
        self.warnings_label.setObjectName("planWarnings")
        self.warnings_label.setWordWrap(True)
        self.warnings_label.setStyleSheet("color: #8a5300;")
        self.warnings_label.setAccessibleName("Warnings")
        self.info_label = QLabel()
        self.info_label.setObjectName("templateInfo")
        self.info_label.setWordWrap(True)
        self.info_label.setTextFormat(Qt.TextFormat.RichText)
        self.info_label.setAccessibleName("About the template")
        info_box = QGroupBox("About the template")
        QVBoxLayout(info_box).addWidget(self.info_label)

        self.create_button = QPushButton("&Create program")
        self.create_button.setObjectName("createProgram")
        self.create_button.setDefault(True)
        name_widget(self.create_button, "Create program")

        inner = QWidget()
        layout = QVBoxLayout(inner)
        layout.addWidget(self.form)
        layout.addWidget(self.preview_label)
        layout.addWidget(self.warnings_label)
        layout.addWidget(info_box)
        layout.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(inner)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(scroll, 1)
        self.bottom = QHBoxLayout()
        self.bottom.addStretch(1)
        self.bottom.addWidget(self.create_button)
        outer.addLayout(self.bottom)

        self.template_combo.currentIndexChanged.connect(self._template_changed)
        self.intensity_combo.currentIndexChanged.connect(self.update_preview)
        self.start_edit.dateChanged.connect(self.update_preview)
        self.early_check.toggled.connect(self._early_toggled)
        self.reason_edit.textChanged.connect(lambda _t: self.form.show_errors({}))
        self._early_needed = False
        self._template_changed()

    def template(self) -> TemplateInfo | None:
        code = self.template_combo.currentData()
        return next((t for t in self.templates if t.code == code), None)

    def _template_changed(self) -> None:
        info = self.template()
        self.intensity_combo.blockSignals(True)
        self.intensity_combo.clear()
        if info is not None:
            for code, name in info.variants:
                self.intensity_combo.addItem(name, code)
            sources = "".join(f"<li>{_esc(s)}</li>" for s in info.sources)
            self.info_label.setText(
                f"<p>{_esc(info.description)}</p>"
                f"<p><b>Dosages are clinic defaults.</b> {_esc(info.dosage_note)}</p>"
                f"<p>Sources:</p><ul>{sources}</ul>"
            )
        self.intensity_combo.blockSignals(False)
        self.update_preview()

    def weekdays(self) -> tuple[int, ...]:
        return tuple(i for i, box in enumerate(self.weekday_boxes) if box.isChecked())

    def _early_toggled(self, checked: bool) -> None:
        self.reason_edit.setEnabled(checked and self._early_needed)
        if checked:
            self.reason_edit.setFocus()
        self.update_preview()

    def early_reason(self) -> str | None:
        if self._early_needed and self.early_check.isChecked():
            return self.reason_edit.text().strip() or None
        return None

    def update_preview(self) -> None:
        info = self.template()
        start = date_of(self.start_edit)
        if info is None or start is None:
            self.create_button.setEnabled(False)
            return
        try:
            preview = self.services.programs.preview(
                self.patient_id,
                info.code,
                self.intensity_combo.currentData() or "high",
                start,
                today=self.today(),
                early_start_reason="(checking)",
                weekdays=self.weekdays(),
            )
        except ValidationError as exc:
            self._early_needed = False
            self.preview_label.setText("")
            self.warnings_label.setText("")
            self.form.show_errors(exc.errors)
            self.create_button.setEnabled(False)
            self._sync_early()
            return
        except ServiceError as exc:
            self.form.show_errors({"template": str(exc)})
            self.create_button.setEnabled(False)
            return
        self.form.show_errors({})
        self._early_needed = preview.early_start
        phases = "; ".join(
            f"{name}: {a.isoformat()} to {b.isoformat()}" for name, a, b in preview.phases
        )
        self.preview_label.setText(
            f"{preview.sessions} exercise sessions from {preview.exercise_start.isoformat()} "
            f"to {preview.end_date.isoformat()}. {phases}."
        )
        warnings = list(preview.warnings)
        if preview.early_start:
            warnings.insert(
                0,
                f"This start is earlier than {info.start_weeks_min} weeks after surgery: "
                "tick 'Start early' and give the reason to go ahead.",
            )
        self.warnings_label.setText("\n".join(warnings))
        self.warnings_label.setVisible(bool(warnings))
        self._sync_early()
        self.create_button.setEnabled(bool(self.weekdays()))

    def _sync_early(self) -> None:
        self.early_check.setEnabled(self._early_needed)
        self.reason_edit.setEnabled(self._early_needed and self.early_check.isChecked())

    def submit(self) -> uuid.UUID | None:
        info = self.template()
        start = date_of(self.start_edit)
        if info is None or start is None:
            return None

        def refused(errors: dict[str, str]) -> None:
            if "start_date" in errors and self._early_needed:
                errors["early_start_reason"] = "Give the reason for starting early."
            self.form.show_errors(errors)

        done = run_action(
            self,
            lambda: self.services.programs.create_from_template(
                self.patient_id,
                info.code,
                self.intensity_combo.currentData() or "high",
                start,
                today=self.today(),
                early_start_reason=self.early_reason(),
                weekdays=self.weekdays(),
            ),
            title="Build program",
            form=refused,
        )
        return done.value if done else None


def _esc(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


class SaveTemplateDialog(QDialog):
    """Code and name for saving the program as a clinic template; errors at the fields."""

    def __init__(
        self, services: Services, program: ProgramDetail, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("saveTemplateDialog")
        self.setWindowTitle("Save as template")
        self.services = services
        self.program = program
        self.saved_code: str | None = None
        self.form = FieldForm()
        self.code_edit = self.form.add("code", "&Code", QLineEdit())
        self.code_edit.setPlaceholderText("e.g. clinic-usc-gentle")
        self.name_edit = self.form.add("name", "&Name", QLineEdit(f"{program.name} (clinic)"))
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        note = QLabel(
            "The template keeps the phases and the current dosages (the same for both "
            "intensities); the sources of the original template travel with it."
        )
        note.setWordWrap(True)
        layout.addWidget(note)
        layout.addWidget(self.form)
        layout.addWidget(buttons)

    def accept(self) -> None:
        done = run_action(
            self,
            lambda: self.services.programs.save_as_template(
                self.program.id, self.code_edit.text().strip(), self.name_edit.text()
            ),
            form=self.form,
        )
        if not done:
            return
        self.saved_code = done.value
        super().accept()


class ProgramBuilderDialog(QDialog):
    """Create (when the patient has no program) and edit a patient's program."""

    def __init__(
        self,
        services: Services,
        today: Callable[[], dt.date],
        patient_id: uuid.UUID,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("programBuilder")
        self.setWindowTitle("Program builder")
        self.services = services
        self.today = today
        self.patient_id = patient_id
        self.program: ProgramDetail | None = None
        self.saved = False
        self._exercises: list[ExerciseInfo] | None = None
        self.undo_stack = QUndoStack(self)
        self.undo_action = self.undo_stack.createUndoAction(self, "&Undo")
        self.undo_action.setObjectName("undo")
        self.undo_action.setShortcuts([QKeySequence(QKeySequence.StandardKey.Undo)])
        self.redo_action = self.undo_stack.createRedoAction(self, "&Redo")
        self.redo_action.setObjectName("redo")
        self.redo_action.setShortcuts(
            [QKeySequence("Ctrl+Shift+Z"), QKeySequence("Ctrl+Y")]
        )
        for action in (self.undo_action, self.redo_action):
            action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            self.addAction(action)
        self.undo_stack.cleanChanged.connect(self._update_title)

        self.stack = QStackedWidget()
        self.title = QLabel()
        self.title.setObjectName("builderTitle")
        self.title.setWordWrap(True)
        self.title.setTextFormat(Qt.TextFormat.RichText)

        # editor page
        self.editor_page = QWidget()
        self.summary = QLabel()
        self.summary.setObjectName("programSummary")
        self.summary.setWordWrap(True)
        self.summary.setAccessibleName("Program")
        self.warnings_label = QLabel()
        self.warnings_label.setObjectName("programWarnings")
        self.warnings_label.setWordWrap(True)
        self.warnings_label.setStyleSheet("color: #8a5300;")
        self.warnings_label.setAccessibleName("Warnings")
        self.sources_label = QLabel()
        self.sources_label.setObjectName("programSources")
        self.sources_label.setWordWrap(True)
        self.sources_label.setTextFormat(Qt.TextFormat.RichText)
        self.sources_label.setAccessibleName("Template sources")
        self.defaults_note = QLabel(
            "Dosages are the clinic's defaults, not the trial's: adjust them for this patient."
        )
        self.defaults_note.setObjectName("defaultsNote")
        self.defaults_note.setWordWrap(True)
        self.sources_toggle = QCheckBox("Show template s&ources and dosage note")
        self.sources_toggle.setObjectName("showSources")
        name_widget(self.sources_toggle, self.sources_toggle.text())
        self.sources_toggle.toggled.connect(self.sources_label.setVisible)
        self.sources_label.setVisible(False)
        self.tabs = QTabWidget()
        self.tabs.setObjectName("phaseTabs")
        self.tabs.setAccessibleName("Phases")
        self.error = error_label()
        self.error.setObjectName("saveErrors")
        self.error.setAccessibleName("Errors")
        self.undo_button = QPushButton("Undo")
        self.redo_button = QPushButton("Redo")
        self.undo_button.setObjectName("undoButton")
        self.redo_button.setObjectName("redoButton")
        self.undo_button.clicked.connect(self.undo_stack.undo)
        self.redo_button.clicked.connect(self.undo_stack.redo)
        self.undo_stack.canUndoChanged.connect(self.undo_button.setEnabled)
        self.undo_stack.canRedoChanged.connect(self.redo_button.setEnabled)
        self.undo_button.setEnabled(False)
        self.redo_button.setEnabled(False)
        self.sheet_button = QPushButton("Home exercise s&heet…")
        self.sheet_button.setObjectName("handoutPreview")
        self.pdf_button = QPushButton("Save sheet as &PDF…")
        self.pdf_button.setObjectName("handoutPdf")
        self.template_button = QPushButton("Save as te&mplate…")
        self.template_button.setObjectName("saveAsTemplate")
        self.save_button = QPushButton("&Save")
        self.save_button.setObjectName("saveProgram")
        self.close_button = QPushButton("Close")
        self.close_button.setObjectName("closeBuilder")
        for button in (
            self.undo_button,
            self.redo_button,
            self.sheet_button,
            self.pdf_button,
            self.template_button,
            self.save_button,
            self.close_button,
        ):
            name_widget(button, plain(button.text()).rstrip("…"))
        self.sheet_button.clicked.connect(self.preview_handout)
        self.pdf_button.clicked.connect(self.save_handout_pdf)
        self.save_button.clicked.connect(self.save)
        self.template_button.clicked.connect(self.save_as_template)
        self.close_button.clicked.connect(self.reject)
        editor = QVBoxLayout(self.editor_page)
        editor.setContentsMargins(0, 0, 0, 0)
        editor.addWidget(self.summary)
        editor.addWidget(self.warnings_label)
        notes = QHBoxLayout()
        notes.addWidget(self.defaults_note, 1)
        notes.addWidget(self.sources_toggle)
        editor.addLayout(notes)
        editor.addWidget(self.sources_label)
        editor.addWidget(self.tabs, 1)
        editor.addWidget(self.error)
        extras = QHBoxLayout()  # two rows so the buttons fit a small screen at 200% scaling
        extras.addWidget(self.sheet_button)
        extras.addWidget(self.pdf_button)
        extras.addWidget(self.template_button)
        extras.addStretch(1)
        editor.addLayout(extras)
        bottom = QHBoxLayout()
        bottom.addWidget(self.undo_button)
        bottom.addWidget(self.redo_button)
        bottom.addStretch(1)
        bottom.addWidget(self.save_button)
        bottom.addWidget(self.close_button)
        editor.addLayout(bottom)

        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addWidget(self.stack, 1)

        existing = services.programs.active_program_for(patient_id)
        self.create_page: CreatePage | None = None
        if existing is None:
            self.create_page = CreatePage(services, patient_id, today)
            self.create_page.create_button.clicked.connect(self.create_program)
            cancel = QPushButton("Cancel")
            cancel.setObjectName("cancelCreate")
            cancel.clicked.connect(self.reject)
            self.create_page.bottom.addWidget(cancel)
            self.stack.addWidget(self.create_page)
        self.stack.addWidget(self.editor_page)
        if existing is not None:
            self.load(existing)
        else:
            self._update_title()
        dialogs.fit_to_screen(self, 1180, 760)

    # --- helpers -------------------------------------------------------------------------------

    def exercises(self) -> list[ExerciseInfo]:
        if self._exercises is None:
            self._exercises = self.services.programs.exercises()
        return self._exercises

    @property
    def dirty(self) -> bool:
        return not self.undo_stack.isClean()

    def phase_editors(self) -> list[PhaseEditor]:
        out = []
        for i in range(self.tabs.count()):
            widget = self.tabs.widget(i)
            if isinstance(widget, QScrollArea):
                widget = widget.widget()
            assert isinstance(widget, PhaseEditor)
            out.append(widget)
        return out

    def _update_title(self) -> None:
        if self.program is None:
            self.title.setText("<b>Build a program</b>")
            return
        mark = " (unsaved changes)" if self.dirty else ""
        self.title.setText(
            f"<b>{_esc(self.program.patient_name)}</b> ({_esc(self.program.record_number)}) "
            f"- {_esc(self.program.name)}{mark}"
        )
        self.setWindowTitle(f"Program builder - {self.program.patient_name}{mark}")

    # --- create ----------------------------------------------------------------------------------

    def create_program(self) -> None:
        assert self.create_page is not None
        program_id = self.create_page.submit()
        if program_id is None:
            return
        self.saved = True
        self.load(self.services.programs.program(program_id))

    # --- edit ------------------------------------------------------------------------------------

    def load(self, program: ProgramDetail) -> None:
        """Show ``program`` in the editor (discarding the undo history)."""
        self.program = program
        current = self.tabs.currentIndex()
        while self.tabs.count():
            widget = self.tabs.widget(0)
            self.tabs.removeTab(0)
            if widget is not None:
                widget.deleteLater()
        self.undo_stack.clear()
        suggestions = self.services.programs.suggestions(program.id, today=self.today())
        for phase in program.to_draft().phases:
            editor = PhaseEditor(phase, self.undo_stack, self.exercises, suggestions)
            scroll = QScrollArea()  # usable at 200% scaling on a small screen: scroll, not squash
            scroll.setWidgetResizable(True)
            scroll.setFrameShape(QScrollArea.Shape.NoFrame)
            scroll.setWidget(editor)
            self.tabs.addTab(scroll, f"{phase.name} (weeks {phase.start_week}-{phase.end_week})")
        on = program.phase_on(self.today())
        index = next((i for i, p in enumerate(program.phases) if on and p.id == on.id), 0)
        self.tabs.setCurrentIndex(current if current >= 0 and self.tabs.count() > current
                                  else index)
        first, last = (program.sessions[1:2] or program.sessions[:1]), program.sessions[-1:]
        dates = (
            f"sessions {first[0].date.isoformat()} to {last[0].date.isoformat()}"
            if first and last
            else "no sessions"
        )
        intensity = "high" if program.intensity == "high" else "low"
        self.summary.setText(
            f"Status: {program.status}. Intensity: {intensity}. Starts "
            f"{program.start_date.isoformat()} (education), {dates}."
            + (f" Early start reason: {program.early_start_reason}" if
               program.early_start_reason else "")
        )
        self.warnings_label.setText("\n".join(program.warnings))
        self.warnings_label.setVisible(bool(program.warnings))
        self.sources_label.setText(self._sources_html(program))
        self.error.setVisible(False)
        self.stack.setCurrentWidget(self.editor_page)
        self._update_title()

    def _sources_html(self, program: ProgramDetail) -> str:
        if not program.template_code:
            return "Built without a template. The dosages are the clinic's defaults."
        try:
            info = self.services.programs.template(program.template_code)
        except ServiceError:
            return "The dosages are the clinic's defaults, not the trial's."
        sources = "".join(f"<li>{_esc(s)}</li>" for s in info.sources)
        return (
            f"<p><b>Dosages are clinic defaults.</b> {_esc(info.dosage_note)}</p>"
            f"<p>Sources:</p><ul>{sources}</ul>"
        )

    def draft(self) -> ProgramDraft:
        return ProgramDraft(phases=tuple(editor.draft() for editor in self.phase_editors()))

    def save(self) -> bool:
        """Write every edit in one unit of work; True when saved (or nothing to save)."""
        if self.program is None:
            return False
        if not self.dirty:
            return True
        for editor in self.phase_editors():
            editor.show_errors({})
        program_id, version = self.program.id, self.program.version
        if not run_action(
            self,
            lambda: self.services.programs.save_edits(
                program_id,
                self.draft(),
                expected_version=version,
            ),
            title="Save program",
            form=self._show_errors,
            on_conflict=lambda: self.load(self.services.programs.program(program_id)),
        ):
            return False
        self.saved = True
        self.load(self.services.programs.program(self.program.id))
        return True

    def _show_errors(self, errors: dict[str, str]) -> None:
        editors = self.phase_editors()
        lines = []
        for key, message in errors.items():
            head, _, rest = key.partition(".")
            phase_index = -1
            if head.startswith("phases[") and head.endswith("]"):
                phase_index = int(head[len("phases[") : -1])
            if 0 <= phase_index < len(editors):
                editor = editors[phase_index]
                if rest in ("name", "start_date", "end_date"):
                    editor.show_errors({rest: message})
                    continue
                if rest.startswith("items["):
                    row = int(rest[len("items[") : rest.index("]")])
                    field_name = rest[rest.index("]") + 2 :]
                    if 0 <= row < editor.model.rowCount():
                        item = editor.model.items[row]
                        label = dict(COLUMNS).get(field_name, field_name)
                        lines.append(
                            f"{editor.phase.name}, {item.exercise_name or item.exercise_code}, "
                            f"{label}: {message}"
                        )
                        continue
                lines.append(f"{editor.phase.name}: {message}")
            else:
                lines.append(message)
        text = "Not saved. " + " ".join(lines) if lines else "Not saved: see the fields above."
        self.error.setText(text)
        self.error.setAccessibleDescription(text)
        self.error.setVisible(True)

    # --- handout -------------------------------------------------------------------------------

    def _handout_document(self) -> Any:
        from rehab_tracker.reports.handout import build_handout_document

        assert self.program is not None
        return build_handout_document(
            self.program, today=self.today(), clinic_contact=self.services.programs.clinic_contact()
        )

    def _ensure_saved_for_sheet(self) -> bool:
        if self.program is None:
            return False
        if self.dirty and not dialogs.confirm(
            self,
            "Unsaved changes",
            "This uses the saved program. Save your changes first?",
        ):
            return True
        return self.save() if self.dirty else True

    def preview_handout(self) -> None:
        if not self._ensure_saved_for_sheet():
            return
        from rehab_tracker.ui.widgets.print_preview import show_print_preview

        show_print_preview(self._handout_document(), self, "Home exercise sheet")

    def save_handout_pdf(self) -> None:
        if not self._ensure_saved_for_sheet():
            return
        from rehab_tracker.ui.widgets.print_preview import ask_and_save_pdf

        assert self.program is not None
        name = f"home-exercises-{self.program.record_number}.pdf"
        ask_and_save_pdf(self._handout_document(), self, name)

    def save_as_template(self) -> None:
        if not self._ensure_saved_for_sheet() or self.program is None:
            return
        dialog = SaveTemplateDialog(self.services, self.program, self)
        if dialog.exec() and dialog.saved_code:
            dialogs.inform(self, "Save as template", f"Saved as template {dialog.saved_code!r}.")

    # --- closing ---------------------------------------------------------------------------------

    def reject(self) -> None:
        if self.dirty and not dialogs.confirm(
            self,
            "Unsaved changes",
            "The program has changes that are not saved. Close and lose them?",
        ):
            return
        super().reject()


def open_program_builder(
    parent: QWidget | None,
    services: Services,
    today: Callable[[], dt.date],
    patient_id: uuid.UUID,
) -> bool:
    """Show the builder modally; True when something was saved."""
    dialog = ProgramBuilderDialog(services, today, patient_id, parent)
    dialog.exec()
    return dialog.saved

