"""The patient list: a table model that fetches its rows a page at a time as the table scrolls,
and the list widget with find and filters.

The model holds the ids of the matching patients in list order (``ListIds``: one indexed
statement) and the rows fetched so far; Qt's ``canFetchMore``/``fetchMore`` ask for the next page
when the table scrolls to its end, and ``sort`` and the find text and filters read the ids again.
The reads go through a :class:`ListSource` (``PatientService``); the model issues no SQL.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import uuid
from collections.abc import Callable, Sequence
from typing import Any, Protocol

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

from rehab_tracker.data.patient_list import (
    FIRST_PAGE,
    ListIds,
    ListQuery,
    ListSummary,
    PatientRow,
    flags_text,
)
from rehab_tracker.domain.weeks import weeks_since
from rehab_tracker.ui.widgets.forms import buddy_label, search_box
from rehab_tracker.ui.widgets.table_model import RowsTableModel
from rehab_tracker.ui.widgets.tables import row_table

Index = QModelIndex | QPersistentModelIndex
_ROOT = QModelIndex()
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


class ListSource(Protocol):
    """Where the list reads its patients (``services.patients.PatientService``)."""

    def list_ids(self, query: ListQuery, *, today: dt.date) -> ListIds: ...

    def list_rows(self, ids: Sequence[uuid.UUID], *, today: dt.date) -> list[PatientRow]: ...

    def list_summary(self, *, include_archived: bool = False) -> ListSummary: ...


def _texts(row: PatientRow, today: dt.date) -> tuple[str, ...]:
    values = (
        row.record_number,
        row.name,
        row.surgery_date,
        weeks_since(row.surgery_date, today),
        row.program_week,
        row.phase,
        row.next_session,
        flags_text(row),
    )
    return tuple(
        v.isoformat() if isinstance(v, dt.date) else "" if v is None else str(v) for v in values
    )


class PatientTableModel(RowsTableModel[PatientRow]):
    """The matching patients' rows (``rows``), fetched ``page`` rows at a time; no database
    access here (``source`` reads). Display texts are worked out once per row (the view asks
    ``data()`` thousands of times while it sizes its columns), again when ``today`` changes."""

    headers = tuple(header for header, _tip in COLUMNS)
    header_tips = tuple(tip for _header, tip in COLUMNS)

    def __init__(
        self, today: Callable[[], dt.date], parent: QWidget | None = None, page: int = FIRST_PAGE
    ) -> None:
        super().__init__(parent)
        self._today = today
        self.page = page
        self.source: ListSource | None = None
        self.query = ListQuery()
        self.found = ListIds(())
        self.summary = ListSummary(0)
        self._texts: list[tuple[str, ...]] = []
        self._texts_for: dt.date | None = None

    # --- what is shown ----------------------------------------------------------------------

    def show(self, found: ListIds, rows: Sequence[PatientRow]) -> None:
        """Show ``rows``, the first of the patients ``found``."""
        self.beginResetModel()
        self.found = found
        self.rows = list(rows)
        self._texts, self._texts_for = [], None
        self.endResetModel()

    def refresh(self) -> None:
        """Read everything again: the count and phases, the ids and their first page."""
        if self.source is None:
            return
        self.summary = self.source.list_summary(include_archived=self.query.include_archived)
        self.reload()

    def reload(self) -> None:
        """Read the matching ids again and show their first page (nothing without a source)."""
        if self.source is None:
            return
        today = self._today()
        found = self.source.list_ids(self.query, today=today)
        self.show(found, self._read(found, found.page(0, self.page), today))

    def set_query(self, **changes: Any) -> None:
        """Change the search, filters or sort (``ListQuery``'s fields) and reload."""
        query = dataclasses.replace(self.query, **changes)
        if query != self.query:
            self.query = query
            self.reload()

    def _read(
        self, found: ListIds, ids: Sequence[uuid.UUID], today: dt.date
    ) -> list[PatientRow]:
        if all(pid in found.known for pid in ids):
            return [found.known[pid] for pid in ids]
        assert self.source is not None
        return self.source.list_rows(ids, today=today)

    def position_of(self, patient_id: uuid.UUID) -> int | None:
        """The patient's row among the matching ones (fetched or not), or None."""
        return self.found.position(patient_id)

    def fetch_through(self, count: int) -> None:
        """Fetch rows until the first ``count`` matching patients are in the model."""
        wanted = min(count, len(self.found))
        if self.source is None or wanted <= len(self.rows):
            return
        ids = self.found.page(len(self.rows), wanted)
        rows = self._read(self.found, ids, self._today())
        if [r.id for r in rows] != list(ids):  # removed meanwhile (another workstation)
            self.reload()
            return
        self.beginInsertRows(_ROOT, len(self.rows), wanted - 1)
        self.rows.extend(rows)
        self.endInsertRows()

    def total(self) -> int:
        """Patients in the list without the find text and filters."""
        return self.summary.total

    def matching(self) -> int:
        """Patients the find text and filters match (fetched or not)."""
        return len(self.found)

    # --- Qt's model interface ---------------------------------------------------------------

    def canFetchMore(self, parent: Index = _ROOT) -> bool:
        return (
            not parent.isValid()
            and self.source is not None
            and len(self.rows) < len(self.found)
        )

    def fetchMore(self, parent: Index = _ROOT) -> None:
        if not parent.isValid():
            self.fetch_through(len(self.rows) + self.page)

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Sorted by the database (``data.patient_list``): the whole list, not the fetched rows."""
        if 0 <= column < len(self.headers):
            self.set_query(
                sort_column=column, descending=order == Qt.SortOrder.DescendingOrder
            )

    def _text_rows(self) -> list[tuple[str, ...]]:
        today = self._today()
        if self._texts_for != today:
            self._texts, self._texts_for = [], today
        if len(self._texts) < len(self.rows):
            self._texts.extend(_texts(r, today) for r in self.rows[len(self._texts) :])
        return self._texts

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role not in _ROLES or not index.isValid() or not 0 <= index.row() < len(self.rows):
            return None
        if not 0 <= index.column() < len(self.headers):
            return None
        if role == _DISPLAY:
            return self._text_rows()[index.row()][index.column()]
        row = self.rows[index.row()]
        if role == ROW_ROLE:
            return row
        if index.column() == 7 and row.open_red_flag:  # the foreground role
            from PySide6.QtGui import QColor

            return QColor("#b00020")
        return None


_DISPLAY = Qt.ItemDataRole.DisplayRole
#: the roles data() answers (the view asks for many more)
_ROLES = frozenset((_DISPLAY, ROW_ROLE, Qt.ItemDataRole.ForegroundRole))


class PatientList(QWidget):
    """Find field, filters and the table. Emits ``patient_selected(id or None)``, and
    ``open_requested`` when Enter in Find picked the one patient it matches."""

    patient_selected = Signal(object)
    open_requested = Signal()

    def __init__(self, today: Callable[[], dt.date], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = PatientTableModel(today, self)

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
        self.table = row_table(self.model, "patientTable", "Patients", sort_column=1)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.verticalHeader().setVisible(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setResizeContentsPrecision(0)  # size columns by the rows on screen: fast start
        header.setStretchLastSection(True)

    def _connect(self) -> None:
        self.find_edit.textChanged.connect(lambda text: self._change(search=text))
        self.find_edit.returnPressed.connect(self._find_entered)
        self.active_only.toggled.connect(lambda on: self._change(active_only=on))
        self.due_only.toggled.connect(lambda on: self._change(due_only=on))
        self.phase_combo.currentIndexChanged.connect(
            lambda _i: self._change(phase=self.phase_combo.currentData())
        )
        self.model.rowsInserted.connect(self._update_count)
        self.model.modelReset.connect(self._update_count)
        self.table.selectionModel().selectionChanged.connect(self._on_selection)
        self.table.activated.connect(lambda _i: self._on_selection())

    def show_page(
        self, summary: ListSummary, found: ListIds, rows: Sequence[PatientRow]
    ) -> None:
        """Show rows read before the services exist (the fast start-up read)."""
        self.model.summary = summary
        self._keeping_selection(lambda: self.model.show(found, rows))

    def reload(self) -> None:
        """Read the list again, keeping the selection (by patient) and the phase filter."""
        self._keeping_selection(self.model.refresh)

    def _change(self, **changes: Any) -> None:
        self._keeping_selection(lambda: self.model.set_query(**changes))

    def _keeping_selection(self, change: Callable[[], None]) -> None:
        keep = self.selected_id()
        change()
        self._update_phases()
        if keep is not None and not self.select(keep):
            self._on_selection()  # the patient is no longer shown: nobody is selected

    def _update_phases(self) -> None:
        """The phase filter offers the phases of the open programs, keeping the choice."""
        phases = self.model.summary.phases
        current = self.phase_combo.currentData()
        offered = [self.phase_combo.itemData(i) for i in range(1, self.phase_combo.count())]
        if offered == list(phases):
            return
        self.phase_combo.blockSignals(True)
        self.phase_combo.clear()
        self.phase_combo.addItem("All phases", None)
        for phase in phases:
            self.phase_combo.addItem(phase, phase)
        found = self.phase_combo.findData(current)
        self.phase_combo.setCurrentIndex(max(found, 0))
        self.phase_combo.blockSignals(False)
        if self.phase_combo.currentData() != current:
            self.model.set_query(phase=self.phase_combo.currentData())

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
        """Select the patient and scroll to them (fetching the rows up to theirs); False when
        the find text or filters do not show them."""
        position = self.model.position_of(patient_id)
        if position is None:
            return False
        self.model.fetch_through(position + 1)
        if position >= self.model.rowCount():
            return False
        self.table.selectRow(position)
        self.table.scrollTo(self.model.index(position, 0))
        return True

    def _find_entered(self) -> None:
        """Enter in Find: the one match is selected and opened; with several, the table takes
        the focus on the first of them (arrow keys choose, Enter opens)."""
        shown = self.model.matching()
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
        if self.select(patient_id):
            return True
        self.find_edit.clear()
        self.active_only.setChecked(False)
        self.due_only.setChecked(False)
        self.phase_combo.setCurrentIndex(0)
        return self.select(patient_id)

    def _on_selection(self, *_args: object) -> None:
        self.patient_selected.emit(self.selected_id())

    def _update_count(self, *_args: object) -> None:
        shown, total = self.model.matching(), self.model.total()
        self.count_label.setText(f"{shown} of {total} patients shown")
