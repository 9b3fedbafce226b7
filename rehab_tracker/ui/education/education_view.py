"""Patient education: browse the items, add the clinic's own, print one, record what was covered."""

from __future__ import annotations

import datetime as dt
import html
import uuid
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import (
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    QUrl,
)
from PySide6.QtGui import QDesktopServices, QTextDocument
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListView,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from rehab_tracker.domain.roles import Permission
from rehab_tracker.services.container import Services
from rehab_tracker.services.education import EducationForm, EducationRow
from rehab_tracker.services.patients import PatientRow
from rehab_tracker.ui.shell.actions import run_action
from rehab_tracker.ui.widgets import dialogs, permits
from rehab_tracker.ui.widgets.date_field import DateField, date_problems
from rehab_tracker.ui.widgets.filter_proxy import text_filter_proxy
from rehab_tracker.ui.widgets.forms import FieldForm, focus_first_error, name_button, search_box
from rehab_tracker.ui.widgets.table_model import RowsTableModel, index_of_id

Index = QModelIndex | QPersistentModelIndex
ROW_ROLE = Qt.ItemDataRole.UserRole + 1


class EducationListModel(RowsTableModel[EducationRow]):
    """Education items by title (clinic items marked), one column for a list view; optionally
    checkable."""

    headers = ("Title",)

    def __init__(self, *, checkable: bool = False, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._checked: set[uuid.UUID] = set()
        self._checkable = checkable

    def rows_changed(self) -> None:
        self._checked &= {r.id for r in self.rows}

    def checked_ids(self) -> list[uuid.UUID]:
        return [r.id for r in self.rows if r.id in self._checked]

    def row_of(self, item_id: uuid.UUID) -> int | None:
        return index_of_id(self.rows, item_id)

    def cell(self, row: EducationRow, column: int, role: int) -> Any:
        if role == Qt.ItemDataRole.DisplayRole:
            return row.title if row.builtin else f"{row.title} (clinic)"
        if role == Qt.ItemDataRole.ToolTipRole:
            return row.summary
        if role == ROW_ROLE:
            return row
        if role == Qt.ItemDataRole.CheckStateRole and self._checkable:
            return Qt.CheckState.Checked if row.id in self._checked else Qt.CheckState.Unchecked
        return None

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if not (self._checkable and index.isValid() and role == Qt.ItemDataRole.CheckStateRole):
            return False
        item_id = self.rows[index.row()].id
        if Qt.CheckState(value) == Qt.CheckState.Checked:
            self._checked.add(item_id)
        else:
            self._checked.discard(item_id)
        self.dataChanged.emit(index, index, [role])
        return True

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if self._checkable:
            flags |= Qt.ItemFlag.ItemIsUserCheckable
        return flags


def item_html(row: EducationRow) -> str:
    """The item as simple HTML (screen and print)."""
    parts = [f"<h2>{html.escape(row.title)}</h2>", f"<p><i>{html.escape(row.summary)}</i></p>"]
    for paragraph in row.body.replace("\r\n", "\n").split("\n\n"):
        if paragraph.strip():
            parts.append(f"<p>{html.escape(' '.join(paragraph.split()))}</p>")
    if row.url:
        url = html.escape(row.url, quote=True)
        parts.append(f'<p>More: <a href="{url}">{url}</a></p>')
    return "\n".join(parts)


class EducationView(QWidget):
    """Item list with search, the selected item, and Add / Open link / Print."""

    def __init__(self, services: Services, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("educationView")
        self.services = services
        self.model = EducationListModel(parent=self)
        self.proxy = text_filter_proxy(self.model, self)
        self._build_layout(self._build_controls())
        self._connect_signals()
        self.reload()

    def _build_controls(self) -> QLabel:
        """The search field, the item list, the viewer and the buttons; returns the search
        field's label."""
        self.search, search_label = search_box("educationSearch", "&Search:")
        self.list = QListView()
        self.list.setObjectName("educationList")
        self.list.setAccessibleName("Education items")
        self.list.setModel(self.proxy)
        self.list.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.viewer = QTextBrowser()
        self.viewer.setObjectName("educationText")
        self.viewer.setAccessibleName("Education item")
        self.viewer.setOpenLinks(False)
        self.viewer.anchorClicked.connect(QDesktopServices.openUrl)

        self.add_button = QPushButton("&Add clinic item…")
        self.open_button = QPushButton("&Open link")
        self.print_button = QPushButton("&Print…")
        for name, button in (("addEducation", self.add_button), ("openLink", self.open_button),
                             ("printEducation", self.print_button)):
            name_button(button, name)
        permits.gate(self.add_button, self.services.principal, Permission.LIBRARY, enabled=True,
                     tip="A handout or link of the clinic's own")
        return search_label

    def _build_layout(self, search_label: QLabel) -> None:
        """Search and list (with Add) on the left, the item (with Open link and Print) right."""
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        row = QHBoxLayout()
        row.addWidget(search_label)
        row.addWidget(self.search, 1)
        left_layout.addLayout(row)
        left_layout.addWidget(self.list, 1)
        left_layout.addWidget(self.add_button, 0, Qt.AlignmentFlag.AlignLeft)
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addWidget(self.viewer, 1)
        buttons = QHBoxLayout()
        buttons.addWidget(self.open_button)
        buttons.addWidget(self.print_button)
        buttons.addStretch(1)
        right_layout.addLayout(buttons)
        splitter = QSplitter()
        splitter.setChildrenCollapsible(False)
        splitter.addWidget(left)
        splitter.addWidget(right)
        splitter.setStretchFactor(1, 2)
        layout = QVBoxLayout(self)
        layout.addWidget(splitter)

    def _connect_signals(self) -> None:
        self.search.textChanged.connect(self.proxy.setFilterFixedString)
        self.list.selectionModel().selectionChanged.connect(self._show_selected)
        self.add_button.clicked.connect(self.add_item)
        self.open_button.clicked.connect(self.open_link)
        self.print_button.clicked.connect(self.print_item)

    def reload(self, select: uuid.UUID | None = None) -> None:
        self.model.set_rows(self.services.education.list_items())
        source_row = self.model.row_of(select) if select is not None else None
        index = self.proxy.index(0, 0) if source_row is None else self.proxy.mapFromSource(
            self.model.index(source_row, 0)
        )
        if index.isValid():
            self.list.setCurrentIndex(index)
        self._show_selected()

    def selected(self) -> EducationRow | None:
        row = self.list.currentIndex().data(ROW_ROLE)
        return row if isinstance(row, EducationRow) else None

    def _show_selected(self, *_args: object) -> None:
        row = self.selected()
        self.viewer.setHtml(item_html(row) if row else "")
        self.open_button.setEnabled(row is not None and bool(row.url))
        self.print_button.setEnabled(row is not None)

    def add_item(self) -> None:
        dialog = AddEducationDialog(self.services, parent=self)
        if dialog.exec() and dialog.saved_id is not None:
            self.reload(select=dialog.saved_id)

    def open_link(self) -> None:
        row = self.selected()
        if row is not None and row.url:
            QDesktopServices.openUrl(QUrl(row.url))

    def print_item(self) -> None:
        row = self.selected()
        if row is None:
            return
        from PySide6.QtPrintSupport import QPrinter, QPrintPreviewDialog

        document = QTextDocument(self)
        document.setHtml(item_html(row))
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        preview = QPrintPreviewDialog(printer, self)
        preview.setWindowTitle(f"Print: {row.title}")
        preview.paintRequested.connect(document.print_)
        preview.exec()


class AddEducationDialog(QDialog):
    def __init__(self, services: Services, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("addEducationDialog")
        self.setWindowTitle("Add clinic education item")
        self.services = services
        self.saved_id: uuid.UUID | None = None
        f = self.form = FieldForm()
        self.title_edit = f.add("title", "&Title", QLineEdit())
        self.summary = f.add("summary", "&Summary (one line)", QLineEdit())
        self.body = f.add("body", "&Text", QPlainTextEdit())
        self.body.setTabChangesFocus(True)
        self.url = f.add("url", "&Web address (optional)", QLineEdit())
        self.url.setPlaceholderText("https://…")
        buttons = dialogs.save_cancel_buttons(self, self.save)
        layout = QVBoxLayout(self)
        layout.addWidget(f, 1)
        layout.addWidget(buttons)

    def value(self) -> EducationForm:
        return EducationForm(
            title=self.title_edit.text(),
            summary=self.summary.text(),
            body=self.body.toPlainText(),
            url=self.url.text().strip() or None,
        )

    def save(self) -> None:
        done = run_action(self, lambda: self.services.education.add_item(self.value()),
                          form=self.form)
        if not done:
            return
        self.saved_id = done.value
        self.accept()


class RecordEducationDialog(QDialog):
    """Tick the items gone through with the patient and the date; lists what was covered."""

    def __init__(
        self,
        services: Services,
        program_id: uuid.UUID,
        today: Callable[[], dt.date],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("recordEducationDialog")
        self.setWindowTitle("Record education covered")
        self.services = services
        self.program_id = program_id
        self.today = today
        self.model = EducationListModel(checkable=True, parent=self)
        self.model.set_rows(services.education.list_items())

        f = self.form = FieldForm()
        self.items = f.add("items", "&Items covered", QListView())
        self.items.setModel(self.model)
        self.covered_on = f.add("covered_on", "&Date", DateField(today()))
        self.covered_on.dateChanged.connect(
            lambda: f.show_error("covered_on", self.covered_on.problem() or "")
        )
        self.notes = f.add("notes", "&Notes", QLineEdit())
        self.history = QLabel()
        self.history.setObjectName("educationHistory")
        self.history.setWordWrap(True)
        self.history.setTextFormat(Qt.TextFormat.PlainText)
        buttons = dialogs.save_cancel_buttons(self, self.save)
        layout = QVBoxLayout(self)
        layout.addWidget(f, 1)
        layout.addWidget(self.history)
        layout.addWidget(buttons)
        self._show_history()

    def _show_history(self) -> None:
        covered = self.services.education.covered(self.program_id)
        if not covered:
            self.history.setText("Nothing recorded yet.")
        else:
            lines = [f"{c.covered_on.isoformat()}: {c.title}" for c in covered]
            self.history.setText("Already covered:\n" + "\n".join(lines))

    def save(self) -> None:
        covered_on = self.covered_on.value()
        problems = date_problems(self.form.fields)
        self.form.show_errors(problems)
        if covered_on is None or problems:
            focus_first_error(self)
            return
        if not run_action(
            self,
            lambda: self.services.education.record_covered(
                self.program_id,
                self.model.checked_ids(),
                covered_on,
                today=self.today(),
                notes=self.notes.text(),
            ),
            form=self.form,
        ):
            return
        self.accept()


class RecordEducationButton(QPushButton):
    """The Overview's "Record education covered…" button: enabled while the selected patient has
    a program; opens a RecordEducationDialog for it."""

    def __init__(
        self,
        services: Services,
        today: Callable[[], dt.date],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__("Record &education covered…", parent)
        self.setObjectName("recordEducation")
        self.setAccessibleName("Record education covered")
        self.services = services
        self.today = today
        self.program_id: uuid.UUID | None = None
        self.clicked.connect(self.open_record)
        self.set_patient(None)

    def set_patient(self, row: PatientRow | None) -> None:
        self.program_id = row.program_id if row is not None else None
        permits.gate(self, self.services.principal, Permission.OUTCOMES,
                     enabled=self.program_id is not None)

    def open_record(self) -> None:
        if self.program_id is None:
            return
        dialog = RecordEducationDialog(self.services, self.program_id, self.today, parent=self)
        dialog.open()


class EducationDialog(dialogs.ViewDialog):
    view: EducationView

    def __init__(self, services: Services, parent: QWidget | None = None) -> None:
        super().__init__(EducationView(services), object_name="educationDialog",
                         title="Patient education", size=(1000, 680), parent=parent)
