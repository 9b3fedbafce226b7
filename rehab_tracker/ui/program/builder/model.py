"""One phase's prescriptions as a Qt table model; an edit through ``setData`` is an undo command.

The model holds plain ``PrescriptionDraft`` rows from the service and never touches the database.
Its ``apply_*`` and ``*_item`` methods are what the undo commands call to change the rows.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor, QUndoStack
from PySide6.QtWidgets import QWidget

from rehab_tracker.domain.dosage import Dosage
from rehab_tracker.services.programs import PrescriptionDraft, ProgressionSuggestion
from rehab_tracker.ui.program.builder import cells
from rehab_tracker.ui.program.builder.cells import COLUMN, COLUMNS, cell_value, parse_cell
from rehab_tracker.ui.program.builder.commands import SetCellCommand
from rehab_tracker.ui.program.suggestion import suggestion_text

Index = QModelIndex | QPersistentModelIndex
_ROOT = QModelIndex()
_GREY = "#888888"
_RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)


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
        return cells.applies(self.items[row], key)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self.items):
            return None
        key = COLUMNS[index.column()][0]
        if key == "exercise":
            return self._exercise_data(index.row(), role)
        if key == "suggestion":
            return self._suggestion_data(index.row(), role)
        return self._dose_data(index.row(), key, role)

    def _exercise_data(self, row: int, role: int) -> Any:
        item = self.items[row]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return cells.item_name(item)
        return item.exercise_code if role == Qt.ItemDataRole.UserRole else None

    def _suggestion_data(self, row: int, role: int) -> Any:
        sug = self.suggestion(row)
        if sug is None:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return suggestion_text(sug)
        return sug.reason if role == Qt.ItemDataRole.ToolTipRole else None

    def _dose_data(self, row: int, key: str, role: int) -> Any:
        """A dose or notes cell; a cell the dosage type lacks shows a grey dash."""
        item = self.items[row]
        fits = cells.applies(item, key)
        if role == Qt.ItemDataRole.DisplayRole:
            if not fits:
                return cells.NOT_APPLICABLE
            return item.notes if key == "notes" else cells.fmt(cell_value(item, key))
        if role == Qt.ItemDataRole.EditRole:
            return cells.cell_text(item, key) if fits else None
        if role == Qt.ItemDataRole.ForegroundRole:
            return None if fits else QColor(_GREY)
        if role == Qt.ItemDataRole.TextAlignmentRole and key != "notes":
            return _RIGHT
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

    # --- what the undo commands call -------------------------------------------------------------

    def apply_cell(self, row: int, key: str, value: Any) -> None:
        self.items[row] = cells.with_cell(self.items[row], key, value)
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
