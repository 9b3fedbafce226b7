"""Tools > Audit Trail: the trail filtered by user, patient, dates and kind, newest first.

The table fetches a page of entries at a time as it is scrolled (``canFetchMore`` /
``fetchMore``: the view asks when its last row comes into sight), through the fetch callback
the dialog gives it; the model itself holds plain entries and never reads the database. The
pane below the table shows the selected entry's difference, field by field. Export CSV… writes
every entry the filters match (not only the fetched ones) and records the export as a
disclosure of each patient in it (``services.audit_view``).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QModelIndex, QObject, QPersistentModelIndex, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from rehab_tracker.services.audit_view import AuditFilter, AuditQuery, Page, TrailEntry
from rehab_tracker.services.container import Services
from rehab_tracker.ui.shell.actions import run_action
from rehab_tracker.ui.widgets import dialogs
from rehab_tracker.ui.widgets.date_field import DateField, date_problems
from rehab_tracker.ui.widgets.forms import FieldForm, buddy_label, push_button
from rehab_tracker.ui.widgets.table_model import Index, RowsTableModel

TITLE = "Audit Trail"
ANYONE = "Anyone"
ANY_KIND = "Any kind"
NOT_APPLIED = "The filters were not applied (see the messages above): the table still shows " \
    "the entries of the filters applied before."
#: entries fetched per page as the table scrolls
PAGE_SIZE = 200
#: the widest a column other than When and What changed grows to fit its text, in characters
#: (so the changes keep room at 200%; the full text is in the tooltip and the details)
COLUMN_CHARS = 20
Fetch = Callable[[int | None], Page | None]


class AuditTableModel(RowsTableModel[TrailEntry]):
    """The fetched entries, newest first; ``fetch(before)`` gives the next page (None when it
    failed, already shown to the user)."""

    headers = ("When", "Who", "Kind", "Patient", "Record", "What changed")

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.fetch: Fetch | None = None
        self.more = False

    def start(self, fetch: Fetch) -> None:
        """Show the first page ``fetch`` gives; later pages come as the view scrolls."""
        self.fetch = fetch
        page = fetch(None)
        self.set_rows(page.entries if page else [])
        self.more = bool(page and page.more)

    def canFetchMore(self, parent: Index = QModelIndex()) -> bool:
        return not parent.isValid() and self.more and self.fetch is not None

    def fetchMore(self, parent: Index = QModelIndex()) -> None:
        if not self.canFetchMore(parent):
            return
        assert self.fetch is not None
        page = self.fetch(self.rows[-1].seq if self.rows else None)
        if page is None:
            self.more = False
            return
        self.more = page.more
        if page.entries:
            first = len(self.rows)
            self.beginInsertRows(QModelIndex(), first, first + len(page.entries) - 1)
            self.rows.extend(page.entries)
            self.endInsertRows()

    def cell(self, row: TrailEntry, column: int, role: int) -> Any:
        if role not in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return None
        patient = row.patient.text() if row.patient else ""
        values = (row.when, row.actor, row.kind, patient, row.record, row.summary)
        if role == Qt.ItemDataRole.DisplayRole:  # one line a row: a note's line breaks as spaces
            return " ".join(values[column].split())
        return values[column]


def detail_text(entry: TrailEntry) -> str:
    """The selected entry in full: who, when, which record, then each field's difference."""
    lines = [
        f"Entry {entry.seq}, {entry.when}, by {entry.actor}",
        f"{entry.kind}: {entry.record} ({entry.entity_id})",
    ]
    if entry.patient:
        lines.append(f"Patient: {entry.patient.text()}")
    lines.append("")
    lines += [change.text(arrow="→") for change in entry.changes] or ["(no fields recorded)"]
    return "\n".join(lines)


def ask_csv_path(parent: QWidget) -> Path | None:
    """Where to write the export; None when cancelled (tests replace this)."""
    start = str(Path.home() / "audit-trail.csv")
    path, _ = QFileDialog.getSaveFileName(parent, "Export CSV", start, "CSV files (*.csv)")
    if not path:
        return None
    target = Path(path)
    return target if target.suffix.lower() == ".csv" else target.with_suffix(".csv")


class AuditDialog(QDialog):
    """The audit viewer; build it with :func:`open_audit_dialog` (which asks the service first
    whether the user may look)."""

    def __init__(self, services: Services, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("auditDialog")
        self.setWindowTitle(TITLE)
        self.service = services.audit_view
        self.query: AuditQuery | None = None
        layout = QVBoxLayout(self)
        layout.addLayout(self._build_filters())
        layout.addWidget(self._build_entries(), 1)
        self.status = QLabel()
        self.status.setObjectName("auditStatus")
        self.status.setWordWrap(True)
        self.status.setAccessibleName("Status")
        layout.addWidget(self.status)
        self.export_button = push_button("&Export CSV…", "auditExport")
        self.export_button.clicked.connect(self.export)
        box = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        box.rejected.connect(self.reject)
        box.addButton(self.export_button, QDialogButtonBox.ButtonRole.ActionRole)
        layout.addWidget(box)
        close = box.button(QDialogButtonBox.StandardButton.Close)
        close.setObjectName("auditClose")
        QWidget.setTabOrder(self.detail, self.export_button)  # in the order they are shown
        QWidget.setTabOrder(self.export_button, close)
        self.apply_button.setDefault(True)
        dialogs.fit_to_screen(self, 1100, 760)

    def _build_filters(self) -> QHBoxLayout:
        """User, patient and kind on the left, the dates on the right, then the buttons."""
        self.left, self.right = FieldForm(), FieldForm()
        self.user = self.left.add("user", "&User", QComboBox())
        self.user.setEditable(True)
        self.user.setObjectName("auditUser")
        self.patient = self.left.add("patient", "Pa&tient record number", QLineEdit())
        self.patient.setObjectName("auditPatient")
        self.patient.setPlaceholderText("RT-00012")
        self.kind = self.left.add("kind", "&Kind", QComboBox())
        self.kind.setObjectName("auditKind")
        self.since = self.right.add("since", "&From", DateField(optional=True))
        self.since.setObjectName("auditFrom")
        self.until = self.right.add("until", "T&o", DateField(optional=True))
        self.until.setObjectName("auditTo")
        self.apply_button = push_button("&Apply Filters", "auditApply")
        self.apply_button.clicked.connect(self.apply)
        self.clear_button = push_button("C&lear Filters", "auditClear")
        self.clear_button.clicked.connect(self.clear)
        filters = QHBoxLayout()
        filters.addWidget(self.left, 3)
        filters.addWidget(self.right, 2)
        buttons = QVBoxLayout()
        buttons.addWidget(self.apply_button)
        buttons.addWidget(self.clear_button)
        buttons.addStretch(1)
        filters.addLayout(buttons)
        return filters

    def _build_entries(self) -> QSplitter:
        """The table of entries above the selected entry's details."""
        self.model = AuditTableModel(self)
        self.model.rowsInserted.connect(self._update_status)  # a page fetched on scrolling
        self.table = QTableView()
        self.table.setObjectName("auditTable")
        self.table.setModel(self.model)
        self.table.setTabKeyNavigation(False)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setWordWrap(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        self.table.verticalHeader().setVisible(False)
        self.table.selectionModel().currentRowChanged.connect(self._show_detail)
        table_label = buddy_label("Entr&ies", self.table)
        self.detail = QPlainTextEdit()
        self.detail.setObjectName("auditDetail")
        self.detail.setReadOnly(True)
        self.detail.setTabChangesFocus(True)
        detail_label = buddy_label("&Details", self.detail)
        upper, lower = QWidget(), QWidget()
        upper_layout, lower_layout = QVBoxLayout(upper), QVBoxLayout(lower)
        for layout, label, widget in ((upper_layout, table_label, self.table),
                                      (lower_layout, detail_label, self.detail)):
            layout.setContentsMargins(0, 0, 0, 0)
            layout.addWidget(label)
            layout.addWidget(widget, 1)
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(upper)
        splitter.addWidget(lower)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 1)
        return splitter

    # --- filters ---------------------------------------------------------------------------

    def load_choices(self) -> bool:
        """Fill the user and kind lists from the trail and show its newest entries."""
        done = run_action(self, self.service.choices, title=TITLE)
        if not done:
            return False
        self.user.addItem(ANYONE)
        self.user.addItems(done.value.users)
        self.kind.addItem(ANY_KIND, "")
        for key, label in done.value.kinds:
            self.kind.addItem(label, key)
        return self.apply()

    def filters(self) -> AuditFilter:
        user = self.user.currentText().strip()
        return AuditFilter(
            user=None if user in ("", ANYONE) else user,
            patient=self.patient.text().strip() or None,
            since=self.since.value(),
            until=self.until.value(),
            kind=self.kind.currentData() or None,
        )

    def show_errors(self, errors: dict[str, str]) -> None:
        self.left.show_errors({k: v for k, v in errors.items() if k in self.left.fields})
        self.right.show_errors({k: v for k, v in errors.items() if k not in self.left.fields})

    def apply(self) -> bool:
        """Show the entries the filters match (errors at their fields, the table kept)."""
        for field in (self.since, self.until):
            field.settle()
        problems = date_problems({"since": self.since, "until": self.until})
        if problems:
            self.show_errors(problems)
        done = None if problems else run_action(
            self, lambda: self.service.query(self.filters()), title=TITLE, form=self)
        if not done:
            if self.query is not None:
                self.status.setText(NOT_APPLIED)
            return False
        self.show_errors({})
        self.query = done.value
        self.model.start(self._fetch)
        widest = self.table.fontMetrics().horizontalAdvance("n" * COLUMN_CHARS)
        for column in range(len(self.model.headers) - 1):  # the changes take the rest
            self.table.resizeColumnToContents(column)
            if column:  # the time is never cut
                self.table.setColumnWidth(column, min(self.table.columnWidth(column), widest))
        self._update_status()
        if self.model.rows:
            self.table.selectRow(0)
        else:
            self.detail.clear()
        return True

    def clear(self) -> None:
        self.user.setCurrentIndex(0)
        self.patient.clear()
        self.kind.setCurrentIndex(0)
        self.since.set_value(None)
        self.until.set_value(None)
        self.apply()

    def _fetch(self, before: int | None) -> Page | None:
        query = self.query
        if query is None:
            return None
        done = run_action(self, lambda: self.service.page(query, before=before,
                                                          limit=PAGE_SIZE), title=TITLE)
        return done.value if done else None

    def _update_status(self) -> None:
        more = self.model.more
        count = len(self.model.rows)
        if not count:
            self.status.setText("No entries match the filters.")
            return
        noun = "entry" if count == 1 else "entries"
        self.status.setText(f"{count} {noun} shown, newest first"
                            + ("; scroll down for older ones." if more else "."))

    def _show_detail(self, current: QModelIndex | QPersistentModelIndex) -> None:
        if current.isValid() and current.row() < len(self.model.rows):
            self.detail.setPlainText(detail_text(self.model.row_at(current.row())))
        else:
            self.detail.clear()

    # --- export ----------------------------------------------------------------------------

    def export(self) -> None:
        query = self.query
        if query is None:
            return
        path = ask_csv_path(self)
        if path is None:
            return
        progress, step = dialogs.progress_dialog(self, "Export CSV", f"Writing {path.name}…",
                                                 "auditExportProgress")
        try:
            done = run_action(self, lambda: self.service.export_csv(query, path, progress=step),
                              title="Export CSV")
        finally:
            progress.close()
            progress.deleteLater()
        if done:
            made = done.value
            patients = "no patient" if not made.patients else (
                f"{made.patients} patient" + ("s" if made.patients != 1 else ""))
            self.status.setText(f"Exported {made.rows} entries to {path}; recorded as a "
                                f"disclosure of {patients}.")


def open_audit_dialog(services: Services, parent: QWidget | None = None) -> AuditDialog | None:
    """The audit viewer with its newest entries shown, or None when the user may not look (the
    service refused; the user has been told)."""
    dialog = AuditDialog(services, parent)
    if not dialog.load_choices() and dialog.query is None:
        dialog.deleteLater()
        return None
    return dialog
