"""The exercise library screen: a searchable list and the selected exercise's edit form."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping
from typing import Any

from PySide6.QtCore import (
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    QUrl,
)
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QLineEdit,
    QListWidget,
    QPlainTextEdit,
    QPushButton,
    QSizePolicy,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from rehab_tracker.domain.dosage import DOSAGE_TYPES
from rehab_tracker.domain.library import BODY_REGIONS
from rehab_tracker.domain.restrictions import MOVEMENTS
from rehab_tracker.domain.roles import Permission
from rehab_tracker.services.container import Services
from rehab_tracker.services.library import IMAGE_SUFFIXES, ExerciseForm, ExerciseRow
from rehab_tracker.ui.library.dosage_table import DosageTableEditor, StepEditor
from rehab_tracker.ui.shell.actions import run_action
from rehab_tracker.ui.widgets import dialogs, permits
from rehab_tracker.ui.widgets.filter_proxy import RowFilterProxy
from rehab_tracker.ui.widgets.forms import FieldForm, buddy_label, name_button, search_box
from rehab_tracker.ui.widgets.scroll import scroll_area
from rehab_tracker.ui.widgets.table_model import RowsTableModel, index_of_id
from rehab_tracker.ui.widgets.tables import row_table, select_row

Index = QModelIndex | QPersistentModelIndex
ROW_ROLE = Qt.ItemDataRole.UserRole + 1
COLUMNS = ("Name", "Body region", "Dosage", "Equipment", "Status")


def region_text(code: str) -> str:
    return code.replace("_", " ").capitalize()


class ExerciseTableModel(RowsTableModel[ExerciseRow]):
    headers = COLUMNS

    def row_of(self, exercise_id: uuid.UUID) -> int | None:
        return index_of_id(self.rows, exercise_id)

    def cell(self, row: ExerciseRow, column: int, role: int) -> Any:
        if role == ROW_ROLE:
            return row
        if role == Qt.ItemDataRole.DisplayRole:
            return (
                row.name,
                region_text(row.body_region),
                row.dosage_type,
                ", ".join(row.equipment),
                "Retired" if row.retired else ("Shipped" if row.builtin else "Clinic"),
            )[column]
        return None


class ExerciseFilterProxy(RowFilterProxy):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._region: str | None = None
        self._show_retired = False

    def set_region(self, region: str | None) -> None:
        self._set("_region", region or None)

    def set_show_retired(self, on: bool) -> None:
        self._set("_show_retired", on)

    def filterAcceptsRow(self, source_row: int, source_parent: Index) -> bool:
        model = self.sourceModel()
        assert isinstance(model, ExerciseTableModel)
        row = model.row_at(source_row)
        if row.retired and not self._show_retired:
            return False
        if self._region is not None and row.body_region != self._region:
            return False
        haystack = f"{row.name} {row.code} {' '.join(row.equipment)}".casefold()
        return not self._text or self._text in haystack


class ExerciseEditor(QWidget):
    """The fields of one exercise (new or existing)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        f = self.form = FieldForm()
        self.name = f.add("name", "&Name", QLineEdit())
        self.body_region = f.add("body_region", "Body re&gion", QComboBox())
        for code in BODY_REGIONS:
            self.body_region.addItem(region_text(code), code)
        self.dosage_type = f.add("dosage_type", "Dosage t&ype", QComboBox())
        for code in DOSAGE_TYPES:
            self.dosage_type.addItem(code.capitalize(), code)
        self.equipment = f.add("equipment", "E&quipment (one per line)", self._text(2))
        self.instructions = f.add("instructions", "&Instructions (one step per line)",
                                  self._text(5))
        self.cautions = f.add("cautions", "Cau&tions (one per line)", self._text(3))
        self.dosage = DosageTableEditor()
        self.dosage_table = self.dosage.table
        self.dosage_table.setToolTip(
            "One row per phase. Select a cell and type, or press F2, to change it; "
            "a blank cell means the value is not given (no load: body weight or set per patient)."
        )
        f.add("default_dosage", "Default &dosage per phase", self.dosage, buddy=self.dosage_table)
        self.progression_note = f.add("progression_note", "Progression not&e", self._text(2))
        self.steps = f.add("progression_steps", "Progression ste&p", StepEditor())
        self._build_movements()
        self.dosage_type.currentIndexChanged.connect(self._dosage_type_changed)

        media_box = QWidget()
        media_box.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        media_layout = QHBoxLayout(media_box)
        media_layout.setContentsMargins(0, 0, 0, 0)
        self.media = QListWidget()
        self.media.setMaximumHeight(self.fontMetrics().lineSpacing() * 5)
        buttons = QVBoxLayout()
        self.add_image = QPushButton("Add im&age…")
        self.add_video = QPushButton("Add video &link…")
        self.open_media = QPushButton("&Open")
        self.remove_media = QPushButton("Remove")
        for button in (self.add_image, self.add_video, self.open_media, self.remove_media):
            buttons.addWidget(name_button(button))
        self.media_hint = QLabel("Save the exercise first, then attach images or video links.")
        self.media_hint.setWordWrap(True)
        column = QVBoxLayout()
        column.addWidget(self.media, 1)
        column.addWidget(self.media_hint)
        media_layout.addLayout(column, 1)
        media_layout.addLayout(buttons)
        f.add("media", "&Media", media_box, buddy=self.media)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(f)


    def _build_movements(self) -> None:
        """What the exercise asks of the back that a surgeon's restriction can rule out: one
        check box per movement (no loaded forward bending, no twisting, sitting limit)."""
        box = QWidget()
        column = QVBoxLayout(box)
        column.setContentsMargins(0, 0, 0, 0)
        self.movements: dict[str, QCheckBox] = {}
        for code, words in MOVEMENTS.items():
            check = QCheckBox(f"It {words}")
            check.setAccessibleName(check.text())
            self.movements[code] = check
            column.addWidget(check)
        first = next(iter(self.movements.values()))
        self.form.add("movements", "Restri&ctions it falls under", box, buddy=first)

    @staticmethod
    def _text(lines: int) -> QPlainTextEdit:
        edit = QPlainTextEdit()
        edit.setTabChangesFocus(True)
        edit.setMinimumHeight(edit.fontMetrics().lineSpacing() * min(lines, 3) + 12)
        edit.setMaximumHeight(edit.fontMetrics().lineSpacing() * lines + 12)
        return edit

    def _dosage_type_changed(self, _index: int) -> None:
        """The table's columns and the step boxes follow the dosage type."""
        dosage_type = self.dosage_type.currentData()
        self.dosage.model.set_dosage_type(dosage_type)
        self.steps.set_dosage_type(dosage_type)

    def show_errors(self, errors: Mapping[str, str]) -> None:
        """Each message at its field; a dose error also selects the cell it is about.

        The service names the dose field as a whole; the domain's check of each row
        (``dosage_errors``) says which phase and field, so the cell can be selected.
        """
        shown = dict(errors)
        if "default_dosage" in errors:
            cells = self.dosage.cell_errors()
            messages = self.dosage.show_cell_errors(cells) if cells else []
            if messages:
                shown["default_dosage"] = "\n".join(messages)
        self.form.show_errors(shown)
        self.dosage_table.setAccessibleDescription(shown.get("default_dosage", ""))

    def set_media_enabled(self, on: bool) -> None:
        """Media are attached to a saved exercise (the files go into its code's folder)."""
        for button in (self.add_image, self.add_video, self.open_media, self.remove_media):
            button.setEnabled(on)
        self.media_hint.setVisible(not on)

    def current_media(self) -> str | None:
        item = self.media.currentItem()
        return item.text() if item is not None else None

    def set_form(self, form: ExerciseForm) -> None:
        self.name.setText(form.name)
        self.body_region.setCurrentIndex(max(self.body_region.findData(form.body_region), 0))
        self.dosage_type.setCurrentIndex(max(self.dosage_type.findData(form.dosage_type), 0))
        self.equipment.setPlainText(form.equipment)
        self.instructions.setPlainText(form.instructions)
        self.cautions.setPlainText(form.cautions)
        self.dosage.know_phases(phase for phase, _values in form.default_dosage)
        self.dosage.model.set_rows(form.dosage_type, form.default_dosage)
        self.progression_note.setPlainText(form.progression_note)
        self.steps.set_steps(form.progression_steps)
        self.steps.set_dosage_type(form.dosage_type)
        self.media.clear()
        self.media.addItems(list(form.media))
        for code, check in self.movements.items():
            check.setChecked(code in form.movements)
        self.form.show_errors({})

    def value(self) -> ExerciseForm:
        return ExerciseForm(
            name=self.name.text(),
            body_region=self.body_region.currentData(),
            dosage_type=self.dosage_type.currentData(),
            equipment=self.equipment.toPlainText(),
            instructions=self.instructions.toPlainText(),
            cautions=self.cautions.toPlainText(),
            default_dosage=self.dosage.model.doses(),
            progression_note=self.progression_note.toPlainText(),
            progression_steps=self.steps.steps(self.dosage_type.currentData()),
            media=tuple(self.media.item(i).text() for i in range(self.media.count())),
            movements=tuple(code for code, check in self.movements.items() if check.isChecked()),
        )


class LibraryView(QWidget):
    """List on the left, the edit form on the right; Add / Save / Retire / Restore."""

    def __init__(self, services: Services, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("libraryView")
        self.services = services
        self.current_id: uuid.UUID | None = None
        #: the shown exercise's version when read: a save from an older one is refused
        self.current_version = 0

        self.model = ExerciseTableModel(self)
        self.proxy = ExerciseFilterProxy(self)
        self.proxy.setSourceModel(self.model)
        search_row, filters = self._build_filters()
        self._build_table()
        self.editor = ExerciseEditor()
        self.title = QLabel()
        self._build_buttons()

        # side by side on a wide screen; list above the form when narrow (200% scaling)
        splitter = QSplitter(
            Qt.Orientation.Vertical if dialogs.is_narrow_screen(self) else Qt.Orientation.Horizontal
        )
        splitter.setChildrenCollapsible(False)
        splitter.addWidget(self._list_side(search_row, filters))
        splitter.addWidget(self._form_side())
        splitter.setStretchFactor(0, 1)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([10_000, 10_000])  # equal halves, whatever the window size
        layout = QVBoxLayout(self)
        layout.addWidget(splitter)
        self._connect()
        self.reload()
        self._learn_phases()
        self.new_exercise()

    # --- building ----------------------------------------------------------------------------

    def _build_filters(self) -> tuple[QHBoxLayout, QHBoxLayout]:
        """The search box; the region filter and Show retired."""
        self.search, search_label = search_box("librarySearch", "&Search:")
        self.region = QComboBox()
        self.region.setObjectName("regionFilter")
        region_label = buddy_label("&Region:", self.region)
        self.region.addItem("All regions", None)
        for code in BODY_REGIONS:
            self.region.addItem(region_text(code), code)
        self.show_retired = QCheckBox("Sho&w retired")
        self.show_retired.setObjectName("showRetired")
        self.show_retired.setAccessibleName("Show retired")
        search_row = QHBoxLayout()
        search_row.addWidget(search_label)
        search_row.addWidget(self.search, 1)
        filters = QHBoxLayout()
        filters.addWidget(region_label)
        filters.addWidget(self.region, 1)
        filters.addWidget(self.show_retired)
        return search_row, filters

    def _build_table(self) -> None:
        self.table = row_table(self.proxy, "exerciseTable", "Exercises")
        self.table.verticalHeader().setVisible(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.Interactive)
        # room for the names: about 55 characters of list before the form takes the rest
        self.table.setMinimumWidth(self.fontMetrics().averageCharWidth() * 55)

    def _build_buttons(self) -> None:
        self.new_button = QPushButton("New e&xercise")
        self.save_button = QPushButton("Sa&ve")
        self.retire_button = QPushButton("Retire")
        self.restore_button = QPushButton("Restore")
        for name, button in (("newExercise", self.new_button), ("saveExercise", self.save_button),
                             ("retireExercise", self.retire_button),
                             ("restoreExercise", self.restore_button)):
            name_button(button, name)

    def _list_side(self, search_row: QHBoxLayout, filters: QHBoxLayout) -> QWidget:
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addLayout(search_row)
        left_layout.addLayout(filters)
        left_layout.addWidget(self.table, 1)
        left_layout.addWidget(self.new_button, 0, Qt.AlignmentFlag.AlignLeft)
        return left

    def _form_side(self) -> QWidget:
        scroll = scroll_area(self.editor)
        buttons = QHBoxLayout()
        buttons.addWidget(self.save_button)
        buttons.addStretch(1)
        buttons.addWidget(self.retire_button)
        buttons.addWidget(self.restore_button)
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addWidget(self.title)
        right_layout.addWidget(scroll, 1)
        right_layout.addLayout(buttons)
        return right

    def _connect(self) -> None:
        self.search.textChanged.connect(self.proxy.set_search)
        self.region.currentIndexChanged.connect(
            lambda _i: self.proxy.set_region(self.region.currentData())
        )
        self.show_retired.toggled.connect(self.proxy.set_show_retired)
        self.table.selectionModel().selectionChanged.connect(self._on_selection)
        self.new_button.clicked.connect(self.new_exercise)
        self.save_button.clicked.connect(self.save)
        self.retire_button.clicked.connect(self.retire)
        self.restore_button.clicked.connect(self.restore)
        self.editor.add_image.clicked.connect(self.add_image)
        self.editor.add_video.clicked.connect(self.add_video)
        self.editor.open_media.clicked.connect(self.open_media)
        self.editor.remove_media.clicked.connect(self.remove_media)

    # --- the list ----------------------------------------------------------------------------

    def _learn_phases(self) -> None:
        """Offer the phase codes the shipped doses use (read from the first exercise), shown
        by the names the programs give them."""
        self.editor.dosage.set_phase_names(self.services.programs.phase_names())
        if self.model.rowCount():
            form = self.services.library.detail(self.model.row_at(0).id).form
            self.editor.dosage.know_phases(p for p, _v in form.default_dosage)

    def reload(self, select: uuid.UUID | None = None) -> None:
        self.model.set_rows(self.services.library.list_exercises())
        if select is not None:
            self.select(select)

    def select(self, exercise_id: uuid.UUID) -> bool:
        return select_row(self.table, self.proxy, self.model.row_of(exercise_id))

    def selected_row(self) -> ExerciseRow | None:
        rows = self.table.selectionModel().selectedRows()
        row = rows[0].data(ROW_ROLE) if rows else None
        return row if isinstance(row, ExerciseRow) else None

    def new_exercise(self) -> None:
        self.table.clearSelection()
        self.current_id = None
        self.editor.set_form(ExerciseForm(name="", body_region=BODY_REGIONS[0],
                                          dosage_type=DOSAGE_TYPES[0]))
        self.title.setText("New exercise")
        self._update_buttons(None)
        self.editor.name.setFocus()

    def save(self) -> None:
        form, current, version = self.editor.value(), self.current_id, self.current_version

        def write() -> uuid.UUID:
            if current is None:
                return self.services.library.add(form)
            self.services.library.update(current, form, expected_version=version)
            return current

        done = run_action(self, write, title="Exercise library", form=self.editor,
                          on_conflict=self._on_selection if current is not None else None)
        if done:
            self.reload(select=done.value)

    def retire(self) -> None:
        row = self.selected_row()
        if row is None or row.retired:
            return
        if not dialogs.confirm(
            self,
            "Retire exercise",
            f"Retire “{row.name}”? It will no longer be offered for new programs; "
            "past sessions keep it.",
        ):
            return
        if run_action(self, lambda: self.services.library.retire(row.id), title="Retire exercise"):
            self.reload(select=row.id)

    def restore(self) -> None:
        row = self.selected_row()
        if row is None or not row.retired:
            return
        if run_action(self, lambda: self.services.library.restore(row.id),
                      title="Restore exercise"):
            self.reload(select=row.id)

    # --- media: attached at once to the saved exercise -------------------------------------

    def add_image(self) -> None:
        if self.current_id is None:
            return
        patterns = " ".join(f"*{suffix}" for suffix in IMAGE_SUFFIXES)
        path, _filter = QFileDialog.getOpenFileName(
            self, "Add image", "", f"Images ({patterns})"
        )
        if path:
            self._attach(lambda exercise_id: self.services.library.attach_image(
                exercise_id, path, expected_version=self.current_version), "Add image")

    def add_video(self) -> None:
        if self.current_id is None:
            return
        url, ok = QInputDialog.getText(self, "Add video link", "Web address (https://…):")
        if ok and url.strip():
            self._attach(lambda exercise_id: self.services.library.add_link(
                exercise_id, url, expected_version=self.current_version), "Add video link")

    def _attach(self, attach: Callable[[uuid.UUID], str], title: str) -> None:
        """Attach a medium to the current exercise at once; show it selected in the list."""
        current = self.current_id
        assert current is not None
        done = run_action(self, lambda: attach(current), title=title,
                          on_conflict=self._on_selection)
        if done:
            self.current_version += 1  # one media change: one version
            self.editor.media.addItem(done.value)
            self.editor.media.setCurrentRow(self.editor.media.count() - 1)

    def open_media(self) -> None:
        """A web address opens in the browser; an image in the system viewer."""
        entry = self.editor.current_media()
        if entry is None:
            return
        if "://" in entry:
            url = QUrl(entry)
        else:
            found = run_action(self, lambda: self.services.library.media_file(entry),
                               title="Open media")
            if not found:
                return
            path = found.value
            if not path.is_file():
                dialogs.error(
                    self,
                    "Open media",
                    f"The image {entry} is not in this workstation's media folder.\n"
                    f"Looked for: {path}\n"
                    "It may have been attached on another workstation: copy it from that "
                    f"workstation's media folder into {self.services.library.media_folder()}, "
                    "keeping the same sub-folder.",
                )
                return
            url = QUrl.fromLocalFile(str(path))
        if not QDesktopServices.openUrl(url):
            dialogs.error(self, "Open media", f"No program on this workstation could open {entry}.")

    def remove_media(self) -> None:
        entry = self.editor.current_media()
        if entry is None or self.current_id is None:
            return
        if not dialogs.confirm(
            self,
            "Remove attachment",
            f"Remove “{entry}” from this exercise? An image file stays in the media folder.",
        ):
            return
        current, version = self.current_id, self.current_version
        done = run_action(
            self,
            lambda: self.services.library.remove_media(current, entry, expected_version=version),
            title="Remove attachment",
            on_conflict=self._on_selection,
        )
        if done:
            self.current_version += 1  # one media change: one version
            self.editor.media.takeItem(self.editor.media.currentRow())

    def _on_selection(self, *_args: object) -> None:
        row = self.selected_row()
        if row is None:
            return
        detail = self.services.library.detail(row.id)
        self.current_id, self.current_version = row.id, detail.version
        self.editor.set_form(detail.form)
        self.title.setText(f"{row.name}" + (" (retired)" if row.retired else ""))
        self._update_buttons(row)

    def _update_buttons(self, row: ExerciseRow | None) -> None:
        """Each button for the selection; a role that may not change the library sees the
        writing ones greyed out, saying why (``permits.gate``)."""
        principal, library = self.services.principal, Permission.LIBRARY
        permits.gate(self.retire_button, principal, library,
                     enabled=row is not None and not row.retired)
        self.editor.set_media_enabled(row is not None)
        permits.gate(self.restore_button, principal, library,
                     enabled=row is not None and row.retired)
        for button in (self.new_button, self.save_button):
            permits.gate(button, principal, library, enabled=True)
        for button in (self.editor.add_image, self.editor.add_video, self.editor.remove_media):
            permits.gate(button, principal, library, enabled=row is not None)


class LibraryDialog(dialogs.ViewDialog):
    view: LibraryView

    def __init__(self, services: Services, parent: QWidget | None = None) -> None:
        super().__init__(LibraryView(services), object_name="libraryDialog",
                         title="Exercise library", size=(1180, 720), parent=parent)
