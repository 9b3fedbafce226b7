"""The patient list: a table model of PatientRow, a filter proxy, and the list widget with find."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import (
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from rehab_tracker.data.patient_list import PatientRow
from rehab_tracker.domain.weeks import weeks_since
from rehab_tracker.ui.widgets.filter_proxy import RowFilterProxy
from rehab_tracker.ui.widgets.forms import buddy_label, search_box
from rehab_tracker.ui.widgets.table_model import RowsTableModel, index_of_id
from rehab_tracker.ui.widgets.tables import row_table, select_row

Index = QModelIndex | QPersistentModelIndex
#: the role holding a value that sorts properly (dates, numbers; None sorts first)
SORT_ROLE = Qt.ItemDataRole.UserRole + 1
ROW_ROLE = Qt.ItemDataRole.UserRole + 2

#: (header, tooltip and accessible description): short headers keep the list narrow
COLUMNS = (
    ("Record no.", "Record number"),
    ("Name", "Name"),
    ("Surgery", "Surgery date"),
    ("Post-op wk", "Weeks since surgery"),
    ("Program wk", "Program week"),
    ("Phase", "Program phase"),
    ("Next session", "Next scheduled session"),
    ("Flags", "Red flag, program paused or ended, assessment due, pathway"),
)
#: the columns the list shows whole when the window has the room (up to "Program wk"); the
#: others scroll
KEY_COLUMNS = 5
#: the flag of a program that is not running
ENDED_FLAGS = {
    "paused": "Program paused",
    "completed": "Program completed",
    "stopped": "Program stopped early",
}


def _date(value: dt.date | None) -> str:
    return value.isoformat() if value else ""


def flags_text(row: PatientRow) -> str:
    flags = []
    if row.open_red_flag:
        flags.append("RED FLAG")
    if row.program_status in ENDED_FLAGS:
        flags.append(ENDED_FLAGS[row.program_status])
    if row.assessment_due:
        flags.append("Assessment due")
    if row.pathway == "conservative":
        flags.append("Conservative")
    return ", ".join(flags)


class PatientTableModel(RowsTableModel[PatientRow]):
    """PatientRow dataclasses as table rows; no database access here.

    Display texts and sort keys are worked out once per row (and again when ``today`` changes):
    the view asks ``data()`` thousands of times while it sizes its columns.
    """

    headers = tuple(header for header, _tip in COLUMNS)
    header_tips = tuple(tip for _header, tip in COLUMNS)

    def __init__(self, today: Callable[[], dt.date], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._today = today
        self._cells_for: dt.date | None = None
        self._texts: list[tuple[str, ...]] = []
        self._keys: list[tuple[Any, ...]] = []

    def rows_changed(self) -> None:
        self._cells_for = None

    def row_of(self, patient_id: uuid.UUID) -> int | None:
        return index_of_id(self.rows, patient_id)

    def _values(self, row: PatientRow, today: dt.date) -> tuple[Any, ...]:
        return (
            row.record_number,
            row.name,
            row.surgery_date,
            weeks_since(row.surgery_date, today),
            row.program_week,
            row.phase,
            row.next_session,
            flags_text(row),
        )

    def _cells(self) -> tuple[list[tuple[str, ...]], list[tuple[Any, ...]]]:
        today = self._today()
        if self._cells_for != today:
            self._texts, self._keys = [], []
            for row in self.rows:
                values = self._values(row, today)
                self._texts.append(tuple(
                    _date(v) if isinstance(v, dt.date) else "" if v is None else str(v)
                    for v in values
                ))
                self._keys.append(tuple(
                    "" if v is None else v.isoformat() if isinstance(v, dt.date) else v
                    for v in values
                ))
            self._cells_for = today
        return self._texts, self._keys

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        # the cached cells are looked up by row number, so display and sort roles skip cell()
        if role not in _ROLES or not index.isValid() or not 0 <= index.row() < len(self.rows):
            return None
        if role == _DISPLAY:
            return self._cells()[0][index.row()][index.column()]
        if role == SORT_ROLE:
            return self._cells()[1][index.row()][index.column()]
        return super().data(index, role)

    def cell(self, row: PatientRow, column: int, role: int) -> Any:
        if role == ROW_ROLE:
            return row
        if column == 7 and row.open_red_flag:  # the foreground role
            from PySide6.QtGui import QColor

            return QColor("#b00020")
        return None


_DISPLAY = Qt.ItemDataRole.DisplayRole
#: the roles data() answers (the view asks for many more)
_ROLES = frozenset((_DISPLAY, SORT_ROLE, ROW_ROLE, Qt.ItemDataRole.ForegroundRole))


class PatientFilterProxy(RowFilterProxy):
    """Instant search by name or record number, plus the list's filters."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._active_only = False
        self._phase: str | None = None
        self._due_only = False
        self.setSortRole(SORT_ROLE)

    def set_active_only(self, on: bool) -> None:
        self._set("_active_only", on)

    def set_phase(self, phase: str | None) -> None:
        self._set("_phase", phase or None)

    def set_due_only(self, on: bool) -> None:
        self._set("_due_only", on)

    def filterAcceptsRow(self, source_row: int, source_parent: Index) -> bool:
        model = self.sourceModel()
        assert isinstance(model, PatientTableModel)
        row = model.row_at(source_row)
        if self._text and not (
            self._text in row.name.casefold() or self._text in row.record_number.casefold()
        ):
            return False
        if self._active_only and row.program_status != "active":
            return False
        if self._phase is not None and row.phase != self._phase:
            return False
        return not (self._due_only and not row.assessment_due)

    def lessThan(self, left: Index, right: Index) -> bool:
        a, b = left.data(SORT_ROLE), right.data(SORT_ROLE)
        if type(a) is not type(b):  # blanks ("") against numbers: blanks first
            return isinstance(a, str)
        return bool(a < b)


class PatientList(QWidget):
    """Find field, filters and the table. Emits ``patient_selected(id or None)``, and
    ``open_requested`` when Enter in Find picked the one patient it matches."""

    patient_selected = Signal(object)
    open_requested = Signal()

    def __init__(self, today: Callable[[], dt.date], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = PatientTableModel(today, self)
        self.proxy = PatientFilterProxy(self)
        self.proxy.setSourceModel(self.model)

        top, filters = self._build_find_and_filters()
        self._build_table()
        self.count_label = QLabel()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(top)
        layout.addLayout(filters)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.count_label)

        self._connect()

    def _build_find_and_filters(self) -> tuple[QHBoxLayout, QGridLayout]:
        self.find_edit, find_label = search_box("findPatient", "F&ind:", "Name or record number")

        self.active_only = QCheckBox("&Active program only")
        self.active_only.setAccessibleName("Active program only")
        self.due_only = QCheckBox("Assessment &due")
        self.due_only.setAccessibleName("Assessment due")
        self.phase_combo = QComboBox()
        self.phase_combo.setObjectName("phaseFilter")
        phase_label = buddy_label("Phase:", self.phase_combo)
        self.phase_combo.addItem("All phases", None)

        top = QHBoxLayout()
        top.addWidget(find_label)
        top.addWidget(self.find_edit, 1)
        # the check boxes on one line, the phase on the next: the list's narrowest width is
        # then the check boxes', and the patient's tabs keep the room (200%, small screens)
        filters = QGridLayout()
        filters.addWidget(self.active_only, 0, 0)
        filters.addWidget(self.due_only, 0, 1)
        phase = QHBoxLayout()
        phase.addWidget(phase_label)
        phase.addWidget(self.phase_combo, 1)
        filters.addLayout(phase, 1, 0, 1, 2)
        filters.setColumnStretch(1, 1)
        return top, filters

    def _build_table(self) -> None:
        self.table = row_table(self.proxy, "patientTable", "Patients", sort_column=1)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.verticalHeader().setVisible(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setResizeContentsPrecision(0)  # size columns by the rows on screen: fast start
        header.setStretchLastSection(True)

    def _connect(self) -> None:
        self.find_edit.textChanged.connect(self.proxy.set_search)
        self.find_edit.returnPressed.connect(self._find_entered)
        self.active_only.toggled.connect(self.proxy.set_active_only)
        self.due_only.toggled.connect(self.proxy.set_due_only)
        self.phase_combo.currentIndexChanged.connect(
            lambda _i: self.proxy.set_phase(self.phase_combo.currentData())
        )
        self.proxy.rowsInserted.connect(self._update_count)
        self.proxy.rowsRemoved.connect(self._update_count)
        self.proxy.modelReset.connect(self._update_count)
        self.proxy.layoutChanged.connect(self._update_count)
        self.table.selectionModel().selectionChanged.connect(self._on_selection)
        self.table.activated.connect(lambda _i: self._on_selection())

    def set_rows(self, rows: Sequence[PatientRow]) -> None:
        """Replace the rows, keeping the selection (by patient) and the phase filter choices."""
        keep = self.selected_id()
        self.model.set_rows(rows)
        phases = sorted({r.phase for r in rows if r.phase})
        current = self.phase_combo.currentData()
        self.phase_combo.blockSignals(True)
        self.phase_combo.clear()
        self.phase_combo.addItem("All phases", None)
        for phase in phases:
            self.phase_combo.addItem(phase, phase)
        found = self.phase_combo.findData(current)
        self.phase_combo.setCurrentIndex(max(found, 0))
        self.phase_combo.blockSignals(False)
        self.proxy.set_phase(self.phase_combo.currentData())
        self._update_count()
        if keep is not None:
            self.select(keep)

    def key_columns_width(self) -> int:
        """The list's width that shows its KEY_COLUMNS whole (with the table's frame and its
        vertical scroll bar, when shown)."""
        header = self.table.horizontalHeader()
        width = sum(header.sectionSize(i) for i in range(KEY_COLUMNS)) + 2 * self.table.frameWidth()
        bar = self.table.verticalScrollBar()
        return width + (bar.sizeHint().width() if bar.isVisible() else 0)

    def selected_id(self) -> uuid.UUID | None:
        row = self.selected_row()
        return row.id if row else None

    def selected_row(self) -> PatientRow | None:
        indexes = self.table.selectionModel().selectedRows()
        if not indexes:
            return None
        row = indexes[0].data(ROW_ROLE)
        return row if isinstance(row, PatientRow) else None

    def select(self, patient_id: uuid.UUID) -> bool:
        return select_row(self.table, self.proxy, self.model.row_of(patient_id))

    def _find_entered(self) -> None:
        """Enter in Find: the one match is selected and opened; with several, the table takes
        the focus on the first of them (arrow keys choose, Enter opens)."""
        shown = self.proxy.rowCount()
        if shown == 0:
            return
        self.table.selectRow(0)
        if shown == 1:
            self.open_requested.emit()
        else:
            self.table.setFocus(Qt.FocusReason.OtherFocusReason)

    def reveal(self, patient_id: uuid.UUID) -> bool:
        """Select the patient, clearing the find text and the filters when they hide them;
        False when the patient is not in the list at all."""
        if self.select(patient_id) or self.model.row_of(patient_id) is None:
            return self.selected_id() == patient_id
        self.find_edit.clear()
        self.active_only.setChecked(False)
        self.due_only.setChecked(False)
        self.phase_combo.setCurrentIndex(0)
        return self.select(patient_id)

    def _on_selection(self, *_args: object) -> None:
        self.patient_selected.emit(self.selected_id())

    def _update_count(self, *_args: object) -> None:
        shown, total = self.proxy.rowCount(), self.model.rowCount()
        self.count_label.setText(f"{shown} of {total} patients shown")
