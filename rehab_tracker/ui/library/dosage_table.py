"""Editors for an exercise's default dose per phase and its progression step.

The table holds one row per phase code; its columns are the dose fields that fit the exercise's
dosage type (``reps``: sets, reps, load, effort; ``hold``: sets, holds per set, hold seconds,
load, effort; ``distance``: sets, metres, effort; ``time``: sets, seconds, effort). Cells are
edited with spin boxes; a cell at its lowest value shows blank, meaning "not given".
Every check stays in the domain and the service: these widgets only hold numbers (each spin box
ranging over the domain's limits table, ``domain.dosage.LIMITS``) and hand them over as the
service's ``ExerciseForm`` rows of dose fields.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import (
    QAbstractItemModel,
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QAbstractSpinBox,
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSizePolicy,
    QSpinBox,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from rehab_tracker.domain.dosage import LIMITS, STEP_FIELDS, STEPS_ALLOWED, dosage_errors
from rehab_tracker.domain.template import phase_display_name

Index = QModelIndex | QPersistentModelIndex
Number = int | float

#: the value a spin box shows blank ("not given"): one step below the lowest real value
BLANK = -1


@dataclass(frozen=True)
class Column:
    field: str  # the domain's dose field name
    label: str  # the visible header, also the editor's accessible name
    decimals: int = 0  # 0: whole numbers
    tip: str = ""  # the header's tooltip

    @property
    def maximum(self) -> float:
        """The highest value the domain accepts (``domain.dosage.LIMITS``)."""
        return LIMITS[self.field].maximum


SETS = Column("sets", "Sets")
EFFORT = Column("effort_target", "Effort (0-10)")
LOAD = Column("load_kg", "Load (kg)", decimals=2, tip="Blank: body weight, or set for each patient")

#: the columns of each dosage type, in order
COLUMNS: Mapping[str, tuple[Column, ...]] = {
    "reps": (SETS, Column("reps_min", "Reps min"), Column("reps_max", "Reps max"), LOAD, EFFORT),
    "hold": (
        SETS,
        Column("reps_min", "Holds min", tip="Holds per set, lowest (blank: not given)"),
        Column("reps_max", "Holds max", tip="Holds per set, highest (blank: not given)"),
        Column("hold_seconds", "Hold (s)", decimals=1),
        LOAD,
        EFFORT,
    ),
    "distance": (SETS, Column("distance_m", "Distance (m)", decimals=1), EFFORT),
    "time": (SETS, Column("duration_s", "Duration (s)", decimals=1), EFFORT),
}

#: the progression steps (domain.dosage.STEP_FIELDS): label, decimals
STEPS: Mapping[str, tuple[str, int]] = {
    "load_step_kg": ("Load step (kg)", 2),
    "reps_step": ("Reps step", 0),
    "hold_step_s": ("Hold step (s)", 1),
    "distance_step_m": ("Distance step (m)", 1),
    "duration_step_s": ("Duration step (s)", 1),
}
#: the widest a step's spin box goes (the domain sets no upper bound on a step)
STEP_MAXIMUM = 999


def number_text(value: Number) -> str:
    return f"{value:g}" if isinstance(value, float) else str(value)


def spin_box(decimals: int, maximum: float, blank_text: str) -> QAbstractSpinBox:
    """A spin box whose lowest value (-1) shows ``blank_text`` and means "not given"."""
    box: QSpinBox | QDoubleSpinBox
    if decimals:
        box = QDoubleSpinBox()
        box.setDecimals(decimals)
    else:
        box = QSpinBox()
    box.setRange(BLANK, maximum)  # type: ignore[arg-type]
    box.setSpecialValueText(blank_text)
    box.setKeyboardTracking(True)
    return box


def spin_value(box: QAbstractSpinBox) -> Number | None:
    assert isinstance(box, QSpinBox | QDoubleSpinBox)
    value = box.value()
    return None if value == box.minimum() else value


def set_spin_value(box: QAbstractSpinBox, value: Number | None) -> None:
    assert isinstance(box, QSpinBox | QDoubleSpinBox)
    box.setValue(box.minimum() if value is None else value)  # type: ignore[arg-type]


class DosageTableModel(QAbstractTableModel):
    """Rows of (phase code, dose values); the columns follow the dosage type."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._type = "reps"
        self._rows: list[tuple[str, dict[str, Number]]] = []
        #: phase code -> the name programs show it by (services.programs.phase_names)
        self.phase_names: dict[str, str] = {}

    # --- the data -----------------------------------------------------------------------

    @property
    def dosage_type(self) -> str:
        return self._type

    def columns(self) -> tuple[Column, ...]:
        return COLUMNS.get(self._type, COLUMNS["reps"])

    def set_dosage_type(self, dosage_type: str) -> None:
        """Re-shape the columns; values of fields the new type lacks are dropped on save."""
        if dosage_type == self._type:
            return
        self.beginResetModel()
        self._type = dosage_type
        self.endResetModel()

    def set_rows(self, dosage_type: str, rows: Iterable[tuple[str, Mapping[str, Number]]]) -> None:
        self.beginResetModel()
        self._type = dosage_type
        self._rows = [(phase, dict(values)) for phase, values in rows]
        self.endResetModel()

    def phases(self) -> list[str]:
        return [phase for phase, _ in self._rows]

    def values(self, row: int) -> dict[str, Number]:
        """The values of one row that fit the dosage type (blank ones left out)."""
        _phase, values = self._rows[row]
        return {c.field: values[c.field] for c in self.columns() if values.get(c.field) is not None}

    def doses(self) -> tuple[tuple[str, dict[str, Number]], ...]:
        """The rows as the service takes them: (phase, the dose fields given), in table order."""
        return tuple((phase, self.values(row)) for row, phase in enumerate(self.phases()))

    def add_phase(self, phase: str) -> int:
        """Append a row for ``phase`` (or return the row it already has)."""
        if phase in self.phases():
            return self.phases().index(phase)
        row = len(self._rows)
        self.beginInsertRows(QModelIndex(), row, row)
        self._rows.append((phase, {}))
        self.endInsertRows()
        return row

    def remove_row(self, row: int) -> None:
        if 0 <= row < len(self._rows):
            self.beginRemoveRows(QModelIndex(), row, row)
            del self._rows[row]
            self.endRemoveRows()

    def cell_of(self, phase: str, field: str) -> QModelIndex:
        """The cell of a phase's field (invalid when the table has none)."""
        phases = self.phases()
        fields = [c.field for c in self.columns()]
        if phase not in phases:
            return QModelIndex()
        column = fields.index(field) + 1 if field in fields else 0
        return self.index(phases.index(phase), column)

    def column_of(self, index: Index) -> Column | None:
        if not index.isValid() or index.column() == 0:
            return None
        return self.columns()[index.column() - 1]

    # --- QAbstractTableModel ----------------------------------------------------------------

    def rowCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.columns()) + 1

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal:
            return None
        columns = self.columns()
        if role == Qt.ItemDataRole.ToolTipRole and 0 < section <= len(columns):
            return columns[section - 1].tip or None
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if section == 0:
            return "Phase"
        return columns[section - 1].label if 0 < section <= len(columns) else None

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        base = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        return base if index.column() == 0 else base | Qt.ItemFlag.ItemIsEditable

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        phase, values = self._rows[index.row()]
        column = self.column_of(index)
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            if column is None:
                return phase_display_name(phase, self.phase_names)
            value = values.get(column.field)
            return "" if value is None else number_text(value)
        if role == Qt.ItemDataRole.EditRole:
            return phase if column is None else values.get(column.field)
        if role == Qt.ItemDataRole.TextAlignmentRole and column is not None:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        column = self.column_of(index)
        if column is None or role != Qt.ItemDataRole.EditRole:
            return False
        if value is not None and (not isinstance(value, int | float) or isinstance(value, bool)):
            return False
        if value is not None and not column.decimals:
            value = int(value)
        _phase, values = self._rows[index.row()]
        if values.get(column.field) == value:
            return True
        if value is None:
            values.pop(column.field, None)
        else:
            values[column.field] = value
        self.dataChanged.emit(index, index, [Qt.ItemDataRole.DisplayRole, role])
        return True


class SpinDelegate(QStyledItemDelegate):
    """Edits a dose cell with a spin box; every change goes to the model at once."""

    def createEditor(
        self, parent: QWidget, option: QStyleOptionViewItem, index: Index
    ) -> QWidget:
        model = index.model()
        column = model.column_of(index) if isinstance(model, DosageTableModel) else None
        if column is None:
            return super().createEditor(parent, option, index)
        box = spin_box(column.decimals, column.maximum, " ")
        box.setParent(parent)
        box.setFrame(False)
        box.setAutoFillBackground(True)  # the cell's text must not show through the buttons
        phase = model.index(index.row(), 0).data()
        box.setAccessibleName(column.label)
        box.setAccessibleDescription(f"Phase {phase}")
        signal = box.valueChanged  # type: ignore[attr-defined]
        signal.connect(lambda _value: self.commitData.emit(box))
        return box

    def setEditorData(self, editor: QWidget, index: Index) -> None:
        if isinstance(editor, QSpinBox | QDoubleSpinBox):
            value = index.data(Qt.ItemDataRole.EditRole)
            if editor.isVisible() and spin_value(editor) == value:
                return  # our own commit coming back: leave the text being typed alone
            editor.blockSignals(True)
            set_spin_value(editor, value)
            editor.blockSignals(False)
        else:
            super().setEditorData(editor, index)

    def setModelData(self, editor: QWidget, model: QAbstractItemModel, index: Index) -> None:
        if isinstance(editor, QSpinBox | QDoubleSpinBox):
            model.setData(index, spin_value(editor), Qt.ItemDataRole.EditRole)
        else:
            super().setModelData(editor, model, index)


class DosageTableEditor(QWidget):
    """The table of default doses plus its add / remove phase controls."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self.model = DosageTableModel(self)
        self.table = QTableView()
        self.table.setObjectName("dosageTable")
        self.table.setModel(self.model)
        self.table.setItemDelegate(SpinDelegate(self.table))
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectItems)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(
            QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
            | QAbstractItemView.EditTrigger.AnyKeyPressed
            | QAbstractItemView.EditTrigger.SelectedClicked
        )
        self.table.setTabKeyNavigation(False)  # Tab moves on to the next field; arrows move cells
        self.table.verticalHeader().setVisible(False)
        # columns fit their header, and are wide enough for a spin box editor
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setMinimumSectionSize(self.fontMetrics().averageCharWidth() * 9)
        header.setStretchLastSection(True)
        lines = self.fontMetrics().lineSpacing()
        self.table.setMinimumHeight(lines * 7)
        self.table.setMaximumHeight(lines * 10)

        self.new_phase = QComboBox()
        self.new_phase.setObjectName("newPhase")
        self.new_phase.setEditable(True)
        self.new_phase.setAccessibleName("New phase")
        new_label = QLabel("New p&hase:")
        new_label.setBuddy(self.new_phase)
        self.add_button = QPushButton("Add phase")
        self.add_button.setObjectName("addPhase")
        self.remove_button = QPushButton("Remove phase")
        self.remove_button.setObjectName("removePhase")
        for button in (self.add_button, self.remove_button):
            button.setAccessibleName(button.text())
        self._known: list[str] = []

        row = QHBoxLayout()
        row.addWidget(new_label)
        row.addWidget(self.new_phase, 1)
        row.addWidget(self.add_button)
        row.addWidget(self.remove_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.table)
        layout.addLayout(row)

        self.add_button.clicked.connect(self._add_phase)
        self.remove_button.clicked.connect(self._remove_phase)
        self.model.modelReset.connect(self._refresh_phases)
        self.model.rowsInserted.connect(self._refresh_phases)
        self.model.rowsRemoved.connect(self._refresh_phases)

    def set_phase_names(self, names: Mapping[str, str]) -> None:
        """Show the phases by the names programs give them (the codes stay what is saved)."""
        self.model.phase_names = dict(names)
        rows = self.model.rowCount()
        if rows:
            self.model.dataChanged.emit(self.model.index(0, 0), self.model.index(rows - 1, 0))
        self._refresh_phases()

    def know_phases(self, phases: Iterable[str]) -> None:
        """Phase codes offered in the New phase box (those the library's doses use)."""
        for phase in phases:
            if phase not in self._known:
                self._known.append(phase)
        self._refresh_phases()

    def _refresh_phases(self, *_args: object) -> None:
        present = set(self.model.phases())
        self.new_phase.clear()
        for code in self._known:
            if code not in present:
                self.new_phase.addItem(phase_display_name(code, self.model.phase_names), code)
        self.remove_button.setEnabled(self.model.rowCount() > 0)

    def _chosen_phase(self) -> str:
        """The code of the phase in the New phase box: an offered name's code, or what was
        typed (a clinic's own phase code)."""
        text = self.new_phase.currentText().strip()
        found = self.new_phase.findText(text)
        if found >= 0:
            return str(self.new_phase.itemData(found))
        named = [code for code, name in self.model.phase_names.items() if name == text]
        return named[0] if named else text

    def _add_phase(self) -> None:
        phase = self._chosen_phase()
        if not phase:
            return
        self.know_phases([phase])
        row = self.model.add_phase(phase)
        self.table.setCurrentIndex(self.model.index(row, 1))
        self.table.setFocus()

    def _remove_phase(self) -> None:
        self.model.remove_row(self.table.currentIndex().row())

    def show_cell_errors(self, errors: Mapping[str, str]) -> list[str]:
        """Select the first cell named by ``default_dosage.<phase>.<field>`` keys.

        Returns the messages in table order (for the error label under the table).
        """
        messages = []
        first: QModelIndex | None = None
        for key, message in errors.items():
            _prefix, _dot, rest = key.partition(".")
            phase, _dot, field = rest.partition(".")
            index = self.model.cell_of(phase, field)
            if index.isValid() and first is None:
                first = index
            messages.append(message)
        if first is not None:
            self.table.setCurrentIndex(first)
            self.table.scrollTo(first)
        return messages

    def cell_errors(self) -> dict[str, str]:
        """The domain's errors of each row, keyed ``default_dosage.<phase>.<field>``."""
        out: dict[str, str] = {}
        for row, phase in enumerate(self.model.phases()):
            _dose, errors = dosage_errors(
                self.model.values(row),
                self.model.dosage_type,
                prefix=f"default_dosage.{phase}.",
                who=phase.replace("_", " "),
            )
            out.update(errors)
        return out


class StepEditor(QWidget):
    """Labelled spin boxes for the progression steps that fit the dosage type."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.form = QFormLayout(self)
        self.form.setContentsMargins(0, 0, 0, 0)
        self.boxes: dict[str, QAbstractSpinBox] = {}
        self.labels: dict[str, QLabel] = {}
        for name in STEP_FIELDS:
            label, decimals = STEPS[name]
            box = spin_box(decimals, STEP_MAXIMUM, "Not used")
            box.setObjectName(name)
            box.setAccessibleName(label)
            text = QLabel(label)
            text.setBuddy(box)
            self.form.addRow(text, box)
            self.boxes[name] = box
            self.labels[name] = text
        self.set_dosage_type("reps")

    def set_dosage_type(self, dosage_type: str) -> None:
        first: QWidget | None = None
        for name, box in self.boxes.items():
            fits = name in STEPS_ALLOWED.get(dosage_type, frozenset())
            self.form.setRowVisible(box, fits)
            if fits and first is None:
                first = box
        if first is not None:
            self.setFocusProxy(first)

    def set_steps(self, steps: Mapping[str, Number]) -> None:
        for name, box in self.boxes.items():
            set_spin_value(box, steps.get(name))

    def steps(self, dosage_type: str) -> dict[str, Number]:
        """The steps given that fit ``dosage_type`` (name -> number)."""
        fits = STEPS_ALLOWED.get(dosage_type, frozenset())
        out: dict[str, Number] = {}
        for name, box in self.boxes.items():
            value = spin_value(box)
            if value is not None and name in fits:
                out[name] = value
        return out
