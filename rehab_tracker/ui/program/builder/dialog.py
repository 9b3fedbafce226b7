"""The program builder dialog: the create page for a patient without a program, then one tab per
phase to edit, with undo / redo, Save, the home exercise sheet and Save as template."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QUndoStack
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QStackedWidget,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from rehab_tracker.services.container import Services
from rehab_tracker.services.errors import ServiceError
from rehab_tracker.services.programs import ExerciseInfo, ProgramDetail, ProgramDraft
from rehab_tracker.ui.program import handout
from rehab_tracker.ui.program.builder.cells import HEADER, item_name
from rehab_tracker.ui.program.builder.create_page import CreatePage, esc, template_sources_html
from rehab_tracker.ui.program.builder.phase_editor import PhaseEditor
from rehab_tracker.ui.program.builder.reason_dialog import RestrictionReasonDialog
from rehab_tracker.ui.program.builder.template_dialog import SaveTemplateDialog
from rehab_tracker.ui.shell.actions import run_action
from rehab_tracker.ui.widgets import dialogs
from rehab_tracker.ui.widgets.forms import (
    WARNING_STYLE,
    error_label,
    focus_first_error,
    name_widget,
    push_button,
    text_label,
)
from rehab_tracker.ui.widgets.scroll import scroll_area

PHASE_FIELDS = ("name", "start_date", "end_date")


def _phase_index(head: str) -> int:
    """The phase an error key's head names (``phases[2]`` -> 2), or -1."""
    if head.startswith("phases[") and head.endswith("]"):
        return int(head[len("phases[") : -1])
    return -1


def _phase_error(editor: PhaseEditor, rest: str, message: str) -> str | None:
    """Show a phase field's error at the field (None), or the line for the error banner."""
    if rest in PHASE_FIELDS:
        editor.show_errors({rest: message})
        return None
    if rest.startswith("items["):
        row = int(rest[len("items[") : rest.index("]")])
        field_name = rest[rest.index("]") + 2 :]
        if 0 <= row < editor.model.rowCount():
            item = editor.model.items[row]
            label = HEADER.get(field_name, field_name)
            return f"{editor.phase.name}, {item_name(item)}, {label}: {message}"
    return f"{editor.phase.name}: {message}"


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
        self._build_undo()

        self.stack = QStackedWidget()
        self.title = text_label("builderTitle", rich=True)
        self.editor_page = QWidget()
        self._build_editor_labels()
        self._build_editor_buttons()
        self._layout_editor_page()
        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addWidget(self.stack, 1)

        existing = services.programs.active_program_for(patient_id)
        self.create_page: CreatePage | None = None
        if existing is None:
            self._add_create_page()
        self.stack.addWidget(self.editor_page)
        if existing is not None:
            self.load(existing)
        else:
            self._update_title()
        dialogs.fit_to_screen(self, 1180, 760)
        self.focus_first_input()

    # --- building --------------------------------------------------------------------------------

    def _build_undo(self) -> None:
        """One undo stack for every phase; Ctrl+Z undoes, Ctrl+Shift+Z and Ctrl+Y redo."""
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

    def _build_editor_labels(self) -> None:
        self.summary = text_label("programSummary", "Program")
        self.warnings_label = text_label("programWarnings", "Warnings", style=WARNING_STYLE)
        self.restrictions_label = text_label(
            "builderRestrictions", style=WARNING_STYLE, description="Surgeon restrictions"
        )
        self.sources_label = text_label("programSources", "Template sources", rich=True)
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

    def _build_editor_buttons(self) -> None:
        self.undo_button = push_button("Undo", "undoButton")
        self.redo_button = push_button("Redo", "redoButton")
        self.undo_button.clicked.connect(self.undo_stack.undo)
        self.redo_button.clicked.connect(self.undo_stack.redo)
        self.undo_stack.canUndoChanged.connect(self.undo_button.setEnabled)
        self.undo_stack.canRedoChanged.connect(self.redo_button.setEnabled)
        self.undo_button.setEnabled(False)
        self.redo_button.setEnabled(False)
        self.sheet_button = push_button("Home exercise s&heet…", "handoutPreview")
        self.pdf_button = push_button("Save sheet as &PDF…", "handoutPdf")
        self.template_button = push_button("Save as te&mplate…", "saveAsTemplate")
        self.save_button = push_button("&Save", "saveProgram")
        self.close_button = push_button("Close", "closeBuilder")
        self.sheet_button.clicked.connect(self.preview_handout)
        self.pdf_button.clicked.connect(self.save_handout_pdf)
        self.save_button.clicked.connect(self.save)
        self.template_button.clicked.connect(self.save_as_template)
        self.close_button.clicked.connect(self.reject)

    def _layout_editor_page(self) -> None:
        editor = QVBoxLayout(self.editor_page)
        editor.setContentsMargins(0, 0, 0, 0)
        editor.addWidget(self.summary)
        editor.addWidget(self.warnings_label)
        editor.addWidget(self.restrictions_label)
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

    def _add_create_page(self) -> None:
        self.create_page = CreatePage(self.services, self.patient_id, self.today)
        self.create_page.create_button.clicked.connect(self.create_program)
        cancel = QPushButton("Cancel")
        cancel.setObjectName("cancelCreate")
        cancel.clicked.connect(self.reject)
        self.create_page.bottom.addWidget(cancel)
        self.stack.addWidget(self.create_page)

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
            f"<b>{esc(self.program.patient_name)}</b> ({esc(self.program.record_number)}) "
            f"- {esc(self.program.name)}{mark}"
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
        self.focus_first_input()

    def focus_first_input(self) -> None:
        """The keyboard in the page's first input: the template choice on the create page,
        the shown phase's name in the editor (never the scroll area round them, nor the check
        box above the phases)."""
        if self.stack.currentWidget() is self.create_page and self.create_page is not None:
            self.create_page.template_combo.setFocus(Qt.FocusReason.OtherFocusReason)
        elif editors := self.phase_editors():
            editors[max(self.tabs.currentIndex(), 0)].name_edit.setFocus(
                Qt.FocusReason.OtherFocusReason
            )

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
        self._add_phase_tabs(program)
        on = program.phase_on(self.today())
        index = next((i for i, p in enumerate(program.phases) if on and p.id == on.id), 0)
        self.tabs.setCurrentIndex(current if current >= 0 and self.tabs.count() > current
                                  else index)
        self.summary.setText(self._summary(program))
        self.warnings_label.setText("\n".join(program.warnings))
        self.warnings_label.setVisible(bool(program.warnings))
        active = self.services.restrictions.active(program.patient_id, today=self.today())
        self.restrictions_label.setText(
            "Surgeon restrictions in force (suggestions keep within them; a dose past one "
            "needs a reason): " + "; ".join(r.describe() for r in active)
        )
        self.restrictions_label.setVisible(bool(active))
        self.sources_label.setText(self._sources_html(program))
        self.error.setVisible(False)
        self.stack.setCurrentWidget(self.editor_page)
        self._update_title()

    def _add_phase_tabs(self, program: ProgramDetail) -> None:
        suggestions = self.services.programs.suggestions(program.id, today=self.today())
        for phase in program.to_draft().phases:
            editor = PhaseEditor(phase, self.undo_stack, self.exercises, suggestions)
            scroll = scroll_area(editor, frame=False)  # usable at 200% on a small screen
            self.tabs.addTab(scroll, f"{phase.name} (weeks {phase.start_week}-{phase.end_week})")

    @staticmethod
    def _summary(program: ProgramDetail) -> str:
        first, last = (program.sessions[1:2] or program.sessions[:1]), program.sessions[-1:]
        dates = (
            f"sessions {first[0].date.isoformat()} to {last[0].date.isoformat()}"
            if first and last
            else "no sessions"
        )
        intensity = "high" if program.intensity == "high" else "low"
        return (
            f"Status: {program.status}. Intensity: {intensity}. Starts "
            f"{program.start_date.isoformat()} (education), {dates}."
            + (f" Early start reason: {program.early_start_reason}" if
               program.early_start_reason else "")
        )

    def _sources_html(self, program: ProgramDetail) -> str:
        if not program.template_code:
            return "Built without a template. The dosages are the clinic's defaults."
        try:
            info = self.services.programs.template(program.template_code)
        except ServiceError:
            return "The dosages are the clinic's defaults, not the trial's."
        return template_sources_html(info)

    def draft(self) -> ProgramDraft:
        return ProgramDraft(phases=tuple(editor.draft() for editor in self.phase_editors()))

    def save(self) -> bool:
        """Write every edit in one unit of work; True when saved (or nothing to save)."""
        if self.program is None:
            return False
        if not self.dirty:
            return True
        typed = {f"phases[{i}].{key}": message for i, editor in enumerate(self.phase_editors())
                 for key, message in editor.date_problems().items()}
        for editor in self.phase_editors():
            editor.show_errors({})
        if typed:  # a date that is not a date is never saved as the last good one
            self._show_errors(typed)
            focus_first_error(self)
            return False
        program_id, version = self.program.id, self.program.version
        draft, today = self.draft(), self.today()
        breaches = self.services.programs.restriction_breaches(program_id, draft, today=today)
        reason = self._ask_reason(breaches) if breaches else None
        if breaches and reason is None:
            self._show_errors({"restriction_reason": "A dose goes past a surgeon restriction "
                                                     "and no reason was given."})
            return False
        if not run_action(
            self,
            lambda: self.services.programs.save_edits(
                program_id,
                draft,
                expected_version=version,
                restriction_reason=reason,
                today=today,
            ),
            title="Save program",
            form=self._show_errors,
            on_conflict=lambda: self.load(self.services.programs.program(program_id)),
        ):
            return False
        self.saved = True
        self.load(self.services.programs.program(self.program.id))
        return True

    def _ask_reason(self, breaches: dict[str, str]) -> str | None:
        """The reason the therapist gives for doses past a restriction; None when cancelled."""
        editors = self.phase_editors()
        lines = []
        for key, message in breaches.items():
            index = _phase_index(key.partition(".")[0])
            name = editors[index].phase.name if 0 <= index < len(editors) else ""
            lines.append(f"{name}: {message}" if name else message)
        dialog = RestrictionReasonDialog(breaches, lines, self)
        return dialog.reason if dialog.exec() else None

    def _show_errors(self, errors: dict[str, str]) -> None:
        """A phase field's error at its field; the others, named, in the line under the tabs."""
        editors = self.phase_editors()
        lines = []
        for key, message in errors.items():
            head, _, rest = key.partition(".")
            phase_index = _phase_index(head)
            if 0 <= phase_index < len(editors):
                line = _phase_error(editors[phase_index], rest, message)
                if line is not None:
                    lines.append(line)
            else:
                lines.append(message)
        text = "Not saved. " + " ".join(lines) if lines else "Not saved: see the fields above."
        self.error.setText(text)
        self.error.setAccessibleDescription(text)
        self.error.setVisible(True)

    # --- handout -------------------------------------------------------------------------------

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
        assert self.program is not None
        handout.preview_sheet(self, self.services, self.program, self.today())

    def save_handout_pdf(self) -> None:
        if not self._ensure_saved_for_sheet():
            return
        assert self.program is not None
        handout.save_sheet_pdf(self, self.services, self.program, self.today())

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
