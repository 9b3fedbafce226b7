"""The editor of a prescription cell: a line edit that takes only numbers in the cell's range."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QLocale, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QDoubleValidator, QIntValidator
from PySide6.QtWidgets import QLineEdit, QStyledItemDelegate, QStyleOptionViewItem, QWidget

from rehab_tracker.ui.program.builder.cells import CELL_LIMITS, COLUMNS

Index = QModelIndex | QPersistentModelIndex


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
