"""The session log form: attendance, pain before/after, every prescribed exercise's sets, adverse
events and notes. Keyboard first: the sets are prefilled from the prescription and the progression
suggestion, so a typical visit is Tab through, type the effort, Ctrl+S.

What is typed is saved as a draft ~500 ms after each edit (DraftService), and restored when the
form is opened again, so a crash or a closed window loses nothing. Every field is checked as it is
typed and again by the service; nothing is saved until everything is valid.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import uuid
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from rehab_tracker.domain.sessions import (
    EFFORT_MESSAGE,
    PAIN_MESSAGE,
    SET_MAXIMA,
    SEVERITIES,
    AdverseEventEntry,
    ExerciseEntry,
    SessionEntry,
    SetEntry,
)
from rehab_tracker.services.container import Services
from rehab_tracker.services.drafts import session_key
from rehab_tracker.services.sessions import SessionForm
from rehab_tracker.ui.shell.actions import run_action
from rehab_tracker.ui.widgets import dialogs
from rehab_tracker.ui.widgets.date_field import DateField
from rehab_tracker.ui.widgets.fields import (
    DraftAutosaver,
    NumberField,
    add_number_field,
    typed_date_errors,
)
from rehab_tracker.ui.widgets.forms import (
    WARNING_STYLE,
    FieldForm,
    error_label,
    push_button,
    text_label,
)
from rehab_tracker.ui.widgets.scroll import scrolled

#: set columns per dosage type: (SetEntry field, header, integer, high, message)
COLUMNS: dict[str, tuple[tuple[str, str, bool, float, str], ...]] = {}
_MAX = SET_MAXIMA
_REPS = ("reps", "Reps", True, _MAX["reps"], f"Reps: a whole number 0 to {_MAX['reps']:.0f}.")
_HOLD = (
    "hold_seconds", "Hold (s)", False, _MAX["hold_seconds"],
    f"Hold: 0 to {_MAX['hold_seconds']:.0f} seconds.",
)
_LOAD = ("load_kg", "Load (kg)", False, _MAX["load_kg"], f"Load: 0 to {_MAX['load_kg']:.0f} kg.")
_DIST = (
    "distance_m", "Distance (m)", False, _MAX["distance_m"],
    f"Distance: 0 to {_MAX['distance_m']:.0f} m.",
)
_TIME = (
    "duration_s", "Time (s)", False, _MAX["duration_s"],
    f"Time: 0 to {_MAX['duration_s']:.0f} seconds.",
)
_EFFORT = ("effort", "Effort 0-10", True, 10, EFFORT_MESSAGE)
COLUMNS.update(
    {
        "reps": (_REPS, _LOAD, _EFFORT),
        "hold": (_REPS, _HOLD, _LOAD, _EFFORT),
        "distance": (_DIST, _EFFORT),
        "time": (_TIME, _EFFORT),
    }
)
PAIN_LABELS = (
    ("pain_back_before", "&Back pain before (0-10)"),
    ("pain_leg_before", "&Leg pain before (0-10)"),
    ("pain_back_after", "Back pain a&fter (0-10)"),
    ("pain_leg_after", "Leg pain af&ter (0-10)"),
)


#: set fields that drafts saved by an older version stored under another name
_DRAFT_SPELLINGS = {"hold_seconds": "hold_s"}


class ExerciseBox(QGroupBox):
    """One exercise: the prescription and suggestion, a grid of set fields, its error label."""

    def __init__(self, index: int, exercise: ExerciseEntry, on_edit: Callable[[], None]) -> None:
        super().__init__(f"{index + 1}. {exercise.name}")
        self.setObjectName(f"exercise_{index}")
        self.exercise = exercise
        self.columns = COLUMNS.get(exercise.dosage_type, COLUMNS["reps"])
        layout = QVBoxLayout(self)
        if exercise.prescribed or exercise.suggestion:
            info = QLabel(
                " — ".join(t for t in (f"Prescribed: {exercise.prescribed}"
                                       if exercise.prescribed else "", exercise.suggestion) if t)
            )
            info.setWordWrap(True)
            info.setStyleSheet("color: palette(mid);")
            layout.addWidget(info)
        self.grid = QGridLayout()
        layout.addLayout(self.grid)
        for col, (_key, header, *_rest) in enumerate(self.columns):
            self.grid.addWidget(QLabel(header), 0, col + 1)
        self.rows: list[dict[str, NumberField]] = []
        self.on_edit = on_edit
        for logged in exercise.sets:
            self.add_set(logged)
        self.add_button = QPushButton("Add set")
        self.add_button.setAccessibleName(f"Add set: {exercise.name}")
        self.add_button.setAutoDefault(False)
        self.add_button.clicked.connect(self._add_empty_set)
        self.error = error_label()
        self.error.setAccessibleName(f"{exercise.name} error")
        layout.addWidget(self.error)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.add_button)
        layout.addLayout(row)

    def _add_empty_set(self) -> None:
        self.add_set(SetEntry())
        self.on_edit()

    def add_set(self, logged: SetEntry) -> None:
        n = len(self.rows) + 1
        self.grid.addWidget(QLabel(f"Set {n}"), n, 0)
        fields: dict[str, NumberField] = {}
        for col, (key, header, integer, high, message) in enumerate(self.columns):
            name = f"{self.exercise.name} set {n} {header}"
            field = NumberField(name, low=0, high=high, integer=integer, message=message)
            field.setObjectName(f"ex{self.objectName().split('_')[1]}_set{n}_{key}")
            field.set_value(getattr(logged, key))
            field.textChanged.connect(self.on_edit)
            field.checked.connect(self._collect_errors)
            self.grid.addWidget(field, n, col + 1)
            fields[key] = field
        self.rows.append(fields)

    def _collect_errors(self) -> None:
        problems = []
        for n, fields in enumerate(self.rows, 1):
            for field in fields.values():
                problem = field.problem()
                if problem:
                    problems.append(f"Set {n}: {problem}")
        self.show_errors(problems)

    def show_errors(self, problems: list[str]) -> None:
        self.error.setText("\n".join(problems))
        self.error.setVisible(bool(problems))

    def has_problems(self) -> bool:
        return any(f.problem() for fields in self.rows for f in fields.values())

    def entry(self) -> ExerciseEntry:
        sets = []
        for fields in self.rows:
            values: dict[str, Any] = {}
            for key, field in fields.items():
                value = field.value()
                if value is not None and key in ("reps", "effort"):
                    value = int(value)
                values[key] = value
            sets.append(SetEntry(**values))
        return dataclasses.replace(self.exercise, sets=tuple(sets))

    def payload(self) -> dict[str, Any]:
        return {
            "exercise_id": str(self.exercise.exercise_id),
            "name": self.exercise.name,
            "dosage_type": self.exercise.dosage_type,
            "prescription_id": (
                str(self.exercise.prescription_id) if self.exercise.prescription_id else None
            ),
            "prescribed": self.exercise.prescribed,
            "suggestion": self.exercise.suggestion,
            "sets": [{k: f.text() for k, f in fields.items()} for fields in self.rows],
        }

    def restore(self, data: dict[str, Any]) -> None:
        sets = data.get("sets", [])
        while len(self.rows) < len(sets):
            self.add_set(SetEntry())
        for fields, texts in zip(self.rows, sets, strict=False):
            for key, field in fields.items():
                field.setText(str(texts.get(key, texts.get(_DRAFT_SPELLINGS.get(key, key), ""))))


class AdverseEventRow(QWidget):
    def __init__(self, index: int, event: AdverseEventEntry, on_edit: Callable[[], None]) -> None:
        super().__init__()
        self.description = QLineEdit(event.description)
        self.description.setAccessibleName(f"Adverse event {index + 1} description")
        self.description.setPlaceholderText("What happened")
        self.severity = QComboBox()
        self.severity.addItems(list(SEVERITIES))
        self.severity.setCurrentText(event.severity)
        self.severity.setAccessibleName(f"Adverse event {index + 1} severity")
        self.action = QLineEdit(event.action_taken)
        self.action.setAccessibleName(f"Adverse event {index + 1} action taken")
        self.action.setPlaceholderText("Action taken")
        self.error = error_label()
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.description, 3)
        row.addWidget(self.severity, 1)
        row.addWidget(self.action, 3)
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        column.addLayout(row)
        column.addWidget(self.error)
        self.description.textChanged.connect(on_edit)
        self.severity.currentTextChanged.connect(on_edit)
        self.action.textChanged.connect(on_edit)

    def entry(self) -> AdverseEventEntry:
        return AdverseEventEntry(
            self.description.text(), self.severity.currentText(), self.action.text()
        )


class SessionFormDialog(QDialog):
    """Log a new session (``form.session_id`` None) or correct a finished one."""

    def __init__(
        self,
        services: Services,
        form: SessionForm,
        today: Callable[[], dt.date],
        *,
        red_flags: dict[str, bool] | None = None,
        attended: bool = True,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("sessionForm")
        self.services = services
        self.form = form
        self.today = today
        self.red_flags = dict(red_flags or form.entry.red_flags)
        self.saved_id: uuid.UUID | None = None
        #: set when the user chose Reload after another workstation corrected this session:
        #: the dialog closed without saving, and whoever opened it opens the saved session again
        self.reload_requested = False
        editing = form.session_id is not None
        self.setWindowTitle(
            f"{'Correct' if editing else 'Log'} {form.title}: {form.patient_name}"
        )
        entry = form.entry
        self._build_fields(entry, attended)
        self.exercises_widget = self._build_exercises(entry)
        self._build_events(entry)
        notes_label = self._build_notes(entry)
        buttons = self._build_buttons()
        self._layout(notes_label, buttons)
        dialogs.fit_to_screen(self, 980, 760)
        self._start_autosave(editing)
        self._update_attended()
        self._connect_edits()
        self.date.dateChanged.connect(self._check_date)
        self._check_date()
        first = self.pain["pain_back_before"] if self.attended.isChecked() else self.missed_reason
        first.setFocus(Qt.FocusReason.OtherFocusReason)

    # --- building --------------------------------------------------------------------------

    def _build_fields(self, entry: SessionEntry, attended: bool) -> None:
        """Date, location, attendance (or the reason missed) and the four pain ratings."""
        self.fields = FieldForm()
        self.fields.setObjectName("sessionFields")
        self.date = self.fields.add("session_date", "&Date", DateField(entry.session_date))
        self.location = self.fields.add("location", "Lo&cation", QComboBox())
        self.location.addItems(["clinic", "home"])
        self.location.setCurrentText(entry.location)
        self.attended = self.fields.add(
            "attended", "Atte&nded", QCheckBox("Patient attended")
        )
        self.attended.setAccessibleName("Attended")
        self.attended.setChecked(entry.attended and attended)
        self.missed_reason = self.fields.add("missed_reason", "&Reason missed", QLineEdit())
        self.missed_reason.setText(entry.missed_reason)
        self.pain: dict[str, NumberField] = {}
        for key, label in PAIN_LABELS:
            field = NumberField(label, low=0, high=10, message=PAIN_MESSAGE)
            field.setObjectName(key)
            field.set_value(getattr(entry, key))
            self.pain[key] = add_number_field(self.fields, key, label, field)

    def _build_exercises(self, entry: SessionEntry) -> QWidget:
        self.exercise_boxes: list[ExerciseBox] = []
        exercises = QWidget()
        ex_layout = QVBoxLayout(exercises)
        ex_layout.setContentsMargins(0, 0, 0, 0)
        for i, exercise in enumerate(entry.exercises):
            box = ExerciseBox(i, exercise, self._edited)
            self.exercise_boxes.append(box)
            ex_layout.addWidget(box)
        if not entry.exercises:
            ex_layout.addWidget(QLabel("No exercises prescribed for this session."))
        return exercises

    def _build_events(self, entry: SessionEntry) -> None:
        self.events_box = QGroupBox("Adverse events")
        self.events_layout = QVBoxLayout(self.events_box)
        self.event_rows: list[AdverseEventRow] = []
        self.add_event_button = QPushButton("Add &adverse event")
        self.add_event_button.setObjectName("addAdverseEvent")
        self.add_event_button.setAccessibleName("Add adverse event")
        self.add_event_button.setAutoDefault(False)
        self.add_event_button.clicked.connect(lambda: self.add_event(AdverseEventEntry("")))
        self.events_layout.addWidget(self.add_event_button)
        for event in entry.adverse_events:
            self.add_event(event)

    def _build_notes(self, entry: SessionEntry) -> QLabel:
        self.notes = QPlainTextEdit(entry.notes)
        self.notes.setTabChangesFocus(True)
        self.notes.setAccessibleName("Notes")
        self.notes.setObjectName("sessionNotes")
        notes_label = QLabel("N&otes")
        notes_label.setBuddy(self.notes)
        self.notes.setMaximumHeight(self.notes.fontMetrics().height() * 5)
        return notes_label

    def _button(self, text: str, object_name: str, accessible: str) -> QPushButton:
        button = push_button(text, object_name, accessible)
        button.setAutoDefault(False)
        return button

    def _build_buttons(self) -> QHBoxLayout:
        """Draft status, Discard draft, Close (keep draft) and Save (Ctrl+S, Ctrl+Return)."""
        self.status = QLabel()
        self.status.setObjectName("draftStatus")
        self.status.setAccessibleName("Draft status")
        self.save_button = self._button("&Save session", "saveSession", "Save session")
        self.save_button.setToolTip("Save (Ctrl+S)")
        self.save_button.clicked.connect(self.save)
        self.discard_button = self._button("Discard draft", "discardDraft", "Discard draft")
        self.discard_button.clicked.connect(self.discard)
        self.close_button = self._button("Close (keep draft)", "closeSession", "Close, keep draft")
        self.close_button.clicked.connect(self.reject)
        for seq in ("Ctrl+S", "Ctrl+Return"):
            QShortcut(QKeySequence(seq), self, self.save)
        buttons = QHBoxLayout()
        buttons.addWidget(self.status, 1)
        buttons.addWidget(self.discard_button)
        buttons.addWidget(self.close_button)
        buttons.addWidget(self.save_button)
        return buttons

    def _layout(self, notes_label: QLabel, buttons: QHBoxLayout) -> None:
        self.banner = error_label()
        self.banner.setObjectName("sessionErrors")
        self.banner.setAccessibleName("Form errors")
        header = QLabel(f"<b>{self.form.patient_name}</b> — {self.form.title}")
        header.setObjectName("sessionHeader")
        header.setWordWrap(True)
        self.restrictions_label = text_label(
            "sessionRestrictions", style=WARNING_STYLE, description="Surgeon restrictions"
        )
        restrictions = self.form.restrictions
        self.restrictions_label.setText(
            "Surgeon restrictions in force: " + "; ".join(r.describe() for r in restrictions)
            if restrictions else ""
        )
        self.restrictions_label.setVisible(bool(restrictions))
        self.scroll_area = scrolled(
            header, self.restrictions_label, self.banner, self.fields,
            QLabel("<b>Exercises</b>"), self.exercises_widget, self.events_box, notes_label,
            self.notes,
        )
        layout = QVBoxLayout(self)
        layout.addWidget(self.scroll_area)
        layout.addLayout(buttons)

    def _start_autosave(self, editing: bool) -> None:
        """Restore this session's draft, if any; each edit then saves the draft again."""
        form = self.form
        key = (
            f"session-edit:{form.session_id}"
            if editing
            else session_key(form.patient_id, form.slot.id if form.slot else None)
        )
        self.autosave = DraftAutosaver(self.services.drafts, key, self.payload, self)
        self.autosave.saved.connect(
            lambda: self.status.setText(f"Draft saved {dt.datetime.now():%H:%M:%S}")
        )
        draft = self.services.drafts.load(key)
        if draft is not None:
            self.restore(draft.payload)
            self.status.setText("Draft restored: your unsaved entries are back.")
            seen = draft.payload.get("version")
            if editing and isinstance(seen, int):  # typed against that version of the log
                self.form = dataclasses.replace(self.form, version=seen)

    def _connect_edits(self) -> None:
        self.date.dateChanged.connect(self._edited)
        self.location.currentTextChanged.connect(self._edited)
        self.attended.toggled.connect(self._update_attended)
        self.attended.toggled.connect(self._edited)
        self.missed_reason.textChanged.connect(self._edited)
        for field in self.pain.values():
            field.textChanged.connect(self._edited)
        self.notes.textChanged.connect(self._edited)

    def add_event(self, event: AdverseEventEntry) -> AdverseEventRow:
        row = AdverseEventRow(len(self.event_rows), event, self._edited)
        self.event_rows.append(row)
        self.events_layout.insertWidget(self.events_layout.count() - 1, row)
        row.description.setFocus()
        return row

    def _update_attended(self) -> None:
        attended = self.attended.isChecked()
        self.missed_reason.setEnabled(not attended)
        self.fields.set_row_visible("missed_reason", not attended)
        for field in self.pain.values():
            field.setEnabled(attended)
        self.exercises_widget.setEnabled(attended)

    def _edited(self, *_args: object) -> None:
        self.autosave.touch()

    def _check_date(self) -> None:
        """The domain's date rule, as typed: not in the future, not before the surgery."""
        errors = typed_date_errors(
            self.date,
            "session_date",
            today=self.today(),
            surgery_date=self.form.surgery_date,
            what="The session date",
        )
        label = self.fields.errors["session_date"]
        label.setText(errors.get("session_date", ""))
        label.setVisible("session_date" in errors)

    # --- draft -----------------------------------------------------------------------------

    def payload(self) -> dict[str, Any]:
        value = self.date.value()
        return {
            "patient_id": str(self.form.patient_id),
            "slot_id": str(self.form.slot.id) if self.form.slot else None,
            "session_id": str(self.form.session_id) if self.form.session_id else None,
            "version": self.form.version,
            "session_date": value.isoformat() if value else None,
            "location": self.location.currentText(),
            "attended": self.attended.isChecked(),
            "missed_reason": self.missed_reason.text(),
            "pain": {k: f.text() for k, f in self.pain.items()},
            "exercises": [box.payload() for box in self.exercise_boxes],
            "adverse_events": [
                {
                    "description": r.description.text(),
                    "severity": r.severity.currentText(),
                    "action_taken": r.action.text(),
                }
                for r in self.event_rows
            ],
            "notes": self.notes.toPlainText(),
            "red_flags": self.red_flags,
        }

    def restore(self, data: dict[str, Any]) -> None:
        if data.get("session_date"):
            self.date.set_value(dt.date.fromisoformat(data["session_date"]))
        self.location.setCurrentText(data.get("location", "clinic"))
        self.attended.setChecked(bool(data.get("attended", True)))
        self.missed_reason.setText(data.get("missed_reason", ""))
        for key, text in (data.get("pain") or {}).items():
            if key in self.pain:
                self.pain[key].setText(str(text))
        for box, saved in zip(self.exercise_boxes, data.get("exercises", []), strict=False):
            if saved.get("exercise_id") == str(box.exercise.exercise_id):
                box.restore(saved)
        for event in data.get("adverse_events", []):
            self.add_event(
                AdverseEventEntry(
                    event.get("description", ""),
                    event.get("severity", "mild"),
                    event.get("action_taken", ""),
                )
            )
        self.notes.setPlainText(data.get("notes", ""))
        if data.get("red_flags") and not self.red_flags:
            self.red_flags = dict(data["red_flags"])

    # --- saving ----------------------------------------------------------------------------

    def entry(self) -> SessionEntry:
        pains = {k: f.int_value() for k, f in self.pain.items()}
        return SessionEntry(
            session_date=self.date.value(),
            location=self.location.currentText(),
            attended=self.attended.isChecked(),
            missed_reason=self.missed_reason.text(),
            exercises=tuple(box.entry() for box in self.exercise_boxes),
            adverse_events=tuple(r.entry() for r in self.event_rows),
            notes=self.notes.toPlainText(),
            red_flags=self.red_flags,
            **pains,
        )

    def live_problems(self) -> dict[str, str]:
        problems = {k: p for k, f in self.pain.items() if (p := f.problem()) and f.isEnabled()}
        if (date_problem := self.date.problem()) is not None:
            problems["session_date"] = date_problem
        if self.attended.isChecked():
            for i, box in enumerate(self.exercise_boxes):
                if box.has_problems():
                    problems[f"exercises.{i}"] = f"{box.exercise.name}: see the set messages."
        return problems

    def save(self) -> None:
        problems = self.live_problems()
        if problems:
            self.show_errors(problems)
            return
        entry = self.entry()
        today = self.today()
        session_id = self.form.session_id

        def write() -> uuid.UUID:
            if session_id is None:
                return self.services.sessions.save(
                    self.form.patient_id,
                    self.form.slot.id if self.form.slot else None,
                    entry,
                    today=today,
                )
            self.services.sessions.update(
                session_id, entry, expected_version=self.form.version, today=today
            )
            return session_id

        done = run_action(self, write, title="Session not saved", form=self,
                          on_conflict=self.reload if session_id is not None else None)
        if not done:
            return
        self.saved_id = done.value
        self.autosave.discard()
        self.accept()

    def show_errors(self, errors: dict[str, str]) -> None:
        field_errors = {k: v for k, v in errors.items() if k in self.fields.errors}
        for key, field in self.pain.items():  # keep live messages the service did not repeat
            if key not in field_errors and field.problem():
                field_errors[key] = field.problem() or ""
        self.fields.show_errors(field_errors)
        per_box: dict[int, list[str]] = {}
        others = []
        for key, message in errors.items():
            if key in self.fields.errors or key in self.pain:
                continue
            parts = key.split(".")
            if parts[0] == "exercises" and len(parts) >= 2 and parts[1].isdigit():
                index = int(parts[1])
                prefix = f"Set {int(parts[3]) + 1}: " if len(parts) >= 4 else ""
                per_box.setdefault(index, []).append(prefix + message)
            elif parts[0] == "adverse_events" and len(parts) >= 2 and parts[1].isdigit():
                row = self.event_rows[int(parts[1])]
                row.error.setText(message)
                row.error.setVisible(True)
            else:
                others.append(message)
        for index, messages in per_box.items():
            if index < len(self.exercise_boxes):
                self.exercise_boxes[index].show_errors(messages)
        self.banner.setText("\n".join(others))
        self.banner.setVisible(bool(others))
        self.banner.setAccessibleDescription("\n".join(others))

    def discard(self) -> None:
        if not dialogs.confirm(
            self, "Discard draft", "Discard what was typed in this session form?"
        ):
            return
        self.autosave.discard()
        self.reject()

    def reject(self) -> None:
        self.autosave.flush_pending()
        super().reject()

    def reload(self) -> None:
        """Another workstation corrected this session and the user chose Reload: what was typed
        (and its draft) is dropped and the dialog closes; :attr:`reload_requested` tells whoever
        opened it to open the saved session again."""
        self.autosave.discard()
        self.reload_requested = True
        self.reject()
