"""The exercise picker: choose an exercise from the library, typing to filter the list."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt
from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QListView,
    QVBoxLayout,
    QWidget,
)

from rehab_tracker.services.programs import ExerciseInfo
from rehab_tracker.ui.widgets import dialogs
from rehab_tracker.ui.widgets.filter_proxy import text_filter_proxy
from rehab_tracker.ui.widgets.forms import search_box


def _item(exercise: ExerciseInfo) -> QStandardItem:
    text = f"{exercise.name}  ({exercise.body_region.replace('_', ' ')}, {exercise.dosage_type})"
    item = QStandardItem(text)
    item.setData(exercise.code, Qt.ItemDataRole.UserRole)
    item.setToolTip(", ".join(exercise.equipment) or "no equipment")
    item.setEditable(False)
    return item


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
            self.source.appendRow(_item(e))
        self.proxy = text_filter_proxy(self.source, self)
        self.search, label = search_box("exerciseSearch", "&Search", "Type part of a name")
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
    """Show the picker modally.

    The phase editor calls it as ``rehab_tracker.ui.program.builder.pick_exercise`` (the package's
    name), so a test replaces that one name to drive the picker itself.
    """
    picker = ExercisePicker(exercises, exclude, parent)
    return picker.selected() if picker.exec() else None
