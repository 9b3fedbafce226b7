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
    EXERCISE_STATUS_LABELS,
    EXERCISE_STATUSES,
    LOCATION_LABELS,
    NOTHING_RECORDED,
    PAIN_MESSAGE,
    SET_MAXIMA,
    SEVERITIES,
    AdverseEventEntry,
    ExerciseEntry,
    SessionEntry,
    SetEntry,
    status_of_sets,
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
    focus_first_error,
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
    """One exercise: its status, the prescription and suggestion, a grid of set fields, its error
    label.

    The status (issue 11 item 2) starts as the entry's ("Not recorded" for a new log: the
    prefilled values are what was planned, not what was done). Typing a value sets it from the
    values: "Done as prescribed" while the dose is the planned one (an effort typed beside it
    changes nothing), else "Changed". Choosing "Done as prescribed" or "Not recorded" puts the
    planned values back; "Not done" greys the sets out (they are not saved)."""

    def __init__(self, index: int, exercise: ExerciseEntry, on_edit: Callable[[], None]) -> None:
        super().__init__(f"{index + 1}. {exercise.name}")
        self.setObjectName(f"exercise_{index}")
        self.exercise = exercise
        self.columns = COLUMNS.get(exercise.dosage_type, COLUMNS["reps"])
        #: set while values are put in by the form, not typed: the status stays as it is
        self._quiet = False
        self._title = self.title()
        layout = QVBoxLayout(self)
        self.status = QComboBox()
        self.status.setObjectName(f"ex{index}_status")
        for code in EXERCISE_STATUSES:
            self.status.addItem(EXERCISE_STATUS_LABELS[code], code)
        self.status.setAccessibleName("Status")
        self.status.setAccessibleDescription(f"What was done of {exercise.name}")
        self.status.setCurrentIndex(max(0, EXERCISE_STATUSES.index(exercise.status)
                                        if exercise.status in EXERCISE_STATUSES else 0))
        status_label = QLabel("Status")
        status_label.setBuddy(self.status)
        status_row = QHBoxLayout()
        status_row.addWidget(status_label)
        status_row.addWidget(self.status)
        status_row.addStretch(1)
        layout.addLayout(status_row)
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
        self.status.currentIndexChanged.connect(self._status_chosen)
        self._show_status()

    @property
    def planned(self) -> tuple[SetEntry, ...]:
        """The sets "done as prescribed" stands for (the prefilled ones when none is given)."""
        return self.exercise.planned or self.exercise.sets

    def status_code(self) -> str:
        return str(self.status.currentData())

    def set_status(self, code: str) -> None:
        """Choose a status as the user would (the planned values come back for done)."""
        self.status.setCurrentIndex(EXERCISE_STATUSES.index(code))

    def _set_status_quietly(self, code: str) -> None:
        self.status.blockSignals(True)
        self.status.setCurrentIndex(EXERCISE_STATUSES.index(code))
        self.status.blockSignals(False)
        self._show_status()

    def _status_chosen(self) -> None:
        if self._quiet:
            return
        if self.status_code() in ("done", "not_recorded"):
            self.put_sets(self.planned)
        self._show_status()
        self.on_edit()

    def _show_status(self) -> None:
        """Sets greyed out while not done; the title says the status."""
        code = self.status_code()
        for fields in self.rows:
            for field in fields.values():
                field.setEnabled(code != "not_done")
        self.add_button.setEnabled(code != "not_done")
        self.setTitle(f"{self._title} — {EXERCISE_STATUS_LABELS[code]}")

    def _typed(self) -> None:
        """A value was typed: the status follows the values (done while the dose is planned)."""
        if self._quiet:
            return
        if self.status_code() != "not_done":
            sets = self.entry().sets
            filled = any(not s.empty for s in sets)
            self._set_status_quietly(status_of_sets(self.planned, sets) if filled else "changed")
        self.on_edit()

    def put_sets(self, sets: tuple[SetEntry, ...]) -> None:
        """Show ``sets`` (extra rows emptied) without counting it as typing."""
        self._quiet = True
        try:
            while len(self.rows) < len(sets):
                self.add_set(SetEntry())
            for n, fields in enumerate(self.rows):
                logged = sets[n] if n < len(sets) else SetEntry()
                for key, field in fields.items():
                    field.set_value(getattr(logged, key))
        finally:
            self._quiet = False

    def _add_empty_set(self) -> None:
        self.add_set(SetEntry())
        self._typed()

    def add_set(self, logged: SetEntry) -> None:
        n = len(self.rows) + 1
        self.grid.addWidget(QLabel(f"Set {n}"), n, 0)
        fields: dict[str, NumberField] = {}
        for col, (key, header, integer, high, message) in enumerate(self.columns):
            name = f"{self.exercise.name} set {n} {header}"
            field = NumberField(name, low=0, high=high, integer=integer, message=message)
            field.setObjectName(f"ex{self.objectName().split('_')[1]}_set{n}_{key}")
            field.set_value(getattr(logged, key))
            field.setEnabled(self.status_code() != "not_done")
            field.textChanged.connect(self._typed)
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
        return dataclasses.replace(self.exercise, sets=tuple(sets), status=self.status_code())

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
            "status": self.status_code(),
            "sets": [{k: f.text() for k, f in fields.items()} for fields in self.rows],
        }

    def restore(self, data: dict[str, Any]) -> None:
        """What a draft held. A draft from before the statuses has none: its values changed
        from the planned ones are "Changed", the others stay "Not recorded" (nobody can tell
        whether they were done)."""
        sets = data.get("sets", [])
        self._quiet = True
        try:
            while len(self.rows) < len(sets):
                self.add_set(SetEntry())
            for fields, texts in zip(self.rows, sets, strict=False):
                for key, field in fields.items():
                    field.setText(
                        str(texts.get(key, texts.get(_DRAFT_SPELLINGS.get(key, key), "")))
                    )
        finally:
            self._quiet = False
        status = data.get("status")
        if status not in EXERCISE_STATUSES:
            typed = status_of_sets(self.planned, self.entry().sets)
            status = "changed" if typed == "changed" else self.exercise.status
        self._set_status_quietly(str(status))


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


def log_another(parent: QWidget, patient_name: str, on: dt.date, logged: list[str]) -> bool:
    """Ask before a second session on one day (issue 11 item 3): True when the user chose Yes
    (No is the default)."""
    return dialogs.confirm(
        parent,
        "Log another session?",
        f"{patient_name} already has a session logged on {on.isoformat()}: "
        + "; ".join(logged)
        + ".\n\nLog another session on the same day?",
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
        same_day_confirmed: dt.date | None = None,
    ) -> None:
        """``same_day_confirmed``: the date for which the user already said yes to logging
        another session on a day that has one (the Sessions tab asks before the red-flag
        screen); Save asks for any other such date."""
        super().__init__(parent)
        self.setObjectName("sessionForm")
        self.services = services
        self.form = form
        self.today = today
        self.red_flags = dict(red_flags or form.entry.red_flags)
        self.saved_id: uuid.UUID | None = None
        self.same_day_confirmed = same_day_confirmed
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
        self.date.dateChanged.connect(self._show_day)
        self._check_date()
        self._show_day()
        self._show_recorded()
        first = self.pain["pain_back_before"] if self.attended.isChecked() else self.missed_reason
        first.setFocus(Qt.FocusReason.OtherFocusReason)

    # --- building --------------------------------------------------------------------------

    def _build_fields(self, entry: SessionEntry, attended: bool) -> None:
        """Date, location, attendance (or the reason missed) and the four pain ratings."""
        self.fields = FieldForm()
        self.fields.setObjectName("sessionFields")
        self.date = self.fields.add("session_date", "&Date", DateField(entry.session_date))
        self.location = self.fields.add("location", "Lo&cation", QComboBox())
        for code, label in LOCATION_LABELS.items():
            self.location.addItem(label, code)
        self._set_location(entry.location)
        self.attended = self.fields.add(
            "attended", "Atte&nded", QCheckBox("Patient attended")
        )
        self.attended.setAccessibleName("Patient attended")
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
        # the common case in one key: every exercise not recorded yet done as prescribed
        self.all_done_button = self._button(
            "All done as prescribed", "allDone", "All done as prescribed"
        )
        self.all_done_button.setToolTip(
            "Mark every exercise still \"Not recorded\" as done as prescribed (Ctrl+D); "
            "exercises changed or not done stay as they are."
        )
        self.all_done_button.clicked.connect(self.all_done)
        QShortcut(QKeySequence("Ctrl+D"), self, self.all_done)
        self.recorded = text_label("exercisesRecorded", description="Exercises recorded")
        top = QHBoxLayout()
        top.addWidget(self.recorded, 1)
        top.addWidget(self.all_done_button)
        if entry.exercises:
            ex_layout.addLayout(top)
        else:
            self.all_done_button.setVisible(False)
            self.recorded.setVisible(False)
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
        self.day_notes = text_label(
            "sessionDayNotes", style=WARNING_STYLE, description="About this session"
        )
        self.scroll_area = scrolled(
            header, self.day_notes, self.restrictions_label, self.banner, self.fields,
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

    def _set_location(self, code: str) -> None:
        """Choose the location stored as ``code`` (the choice shows its label)."""
        self.location.setCurrentIndex(max(0, self.location.findData(code)))

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
        if hasattr(self, "all_done_button"):
            self.all_done_button.setEnabled(attended)

    def _edited(self, *_args: object) -> None:
        self.autosave.touch()
        self._show_recorded()

    def all_done(self) -> None:
        """Every exercise not recorded yet: done as prescribed (Ctrl+D)."""
        if not self.attended.isChecked():
            return
        for box in self.exercise_boxes:
            if box.status_code() == "not_recorded":
                box.set_status("done")
        self._show_recorded()

    def _show_recorded(self) -> None:
        """"3 of 15 exercises recorded: 2 done as prescribed, 1 not done; 12 not recorded (not
        saved)"."""
        if not self.exercise_boxes:
            return
        codes = [box.status_code() for box in self.exercise_boxes]
        counts = {code: codes.count(code) for code in EXERCISE_STATUSES}
        recorded = len(codes) - counts["not_recorded"]
        parts = [
            f"{counts[code]} {EXERCISE_STATUS_LABELS[code].lower()}"
            for code in ("done", "changed", "not_done")
            if counts[code]
        ]
        text = f"{recorded} of {len(codes)} exercises recorded"
        if parts:
            text += ": " + ", ".join(parts)
        if counts["not_recorded"]:
            text += f"; {counts['not_recorded']} not recorded (not saved)"
        self.recorded.setText(text + ".")
        if recorded and NOTHING_RECORDED in self.banner.text():  # answered: the refusal goes
            rest = [m for m in self.banner.text().split("\n") if m != NOTHING_RECORDED]
            self.banner.setText("\n".join(rest))
            self.banner.setVisible(bool(rest))

    def _show_day(self) -> None:
        """What the form knows of the session's day up front (issue 11 item 3): a red flag not
        cleared, another session logged that day, which scheduled session a log on another day
        than its own fills."""
        on = self.date.value()
        notes = []
        flags = [f for f in self.form.open_red_flags if on is None or f.session_date <= on]
        if flags and self.form.session_id is None:
            first = flags[0]
            notes.append(
                f"Red flag on {first.session_date.isoformat()} not yet cleared ({first.message}) "
                "An attended session is saved only once who cleared exercise to resume is "
                "recorded (Session > Record Red-Flag Outcome); a missed session can be logged."
            )
        self.same_day = (
            self.services.sessions.logged_on(
                self.form.patient_id, on, excluding=self.form.session_id
            )
            if on is not None
            else []
        )
        if self.same_day:
            notes.append(
                f"Already logged on {on.isoformat() if on else ''}: "
                + "; ".join(self.same_day) + ". Saving asks before logging another."
            )
        slot = self.form.slot
        fills = slot.fills_text(on) if slot is not None and on is not None else None
        if fills is not None:
            notes.append(fills)
        self.day_notes.setText("\n".join(notes))
        self.day_notes.setVisible(bool(notes))
        self.day_notes.setAccessibleDescription("\n".join(notes))

    def _date_errors(self) -> dict[str, str]:
        """The domain's date rule, as typed: not in the future, not before the surgery."""
        return typed_date_errors(
            self.date,
            "session_date",
            today=self.today(),
            surgery_date=self.form.surgery_date,
            what="The session date",
        )

    def _check_date(self) -> None:
        errors = self._date_errors()
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
            "location": self.location.currentData(),
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
        self._set_location(str(data.get("location", "clinic")))
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
            location=self.location.currentData(),
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
        else:
            problems.update(self._date_errors())
        if self.attended.isChecked():
            for i, box in enumerate(self.exercise_boxes):
                if box.status_code() in ("done", "changed") and box.has_problems():
                    problems[f"exercises.{i}"] = f"{box.exercise.name}: see the set messages."
            codes = {box.status_code() for box in self.exercise_boxes}
            if codes == {"not_recorded"}:
                problems["exercises"] = NOTHING_RECORDED
        return problems

    def _another_on_the_day(self) -> bool:
        """True to go on: no other session logged on the date, or the user said to log another
        (No is the default)."""
        on = self.date.value()
        if not self.same_day or on is None or on == self.same_day_confirmed:
            return True
        if not log_another(self, self.form.patient_name, on, self.same_day):
            return False
        self.same_day_confirmed = on
        return True

    def save(self) -> None:
        problems = self.live_problems()
        if problems:
            self.show_errors(problems)
            if focus_first_error(self) is None and "exercises" in problems:
                self.all_done_button.setFocus(Qt.FocusReason.OtherFocusReason)
            return
        if self.form.session_id is None and not self._another_on_the_day():
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
