"""The frame every outcome form shares: date, timepoint, the instrument's fields, notes, the live
score, the draft and Save.

A form subclasses :class:`OutcomeDialog` and fills in ``build`` (its fields), ``update_score``,
``values`` / ``restore_values`` (the draft), ``problems`` (what is wrong as typed), ``record``
(the service call) and ``field_for`` (where a service error goes).
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable
from typing import Any

from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from rehab_tracker.services.container import Services
from rehab_tracker.services.drafts import outcome_key
from rehab_tracker.services.outcomes import TIMEPOINTS
from rehab_tracker.ui.shell.actions import run_action
from rehab_tracker.ui.widgets import dialogs
from rehab_tracker.ui.widgets.date_field import DateField
from rehab_tracker.ui.widgets.fields import (
    DraftAutosaver,
    NumberField,
    add_number_field,
    typed_date_errors,
)
from rehab_tracker.ui.widgets.forms import FieldForm, focus_first_error
from rehab_tracker.ui.widgets.scroll import scrolled

SCORE_STYLE = "font-size: 14pt; font-weight: bold; padding: 4px;"


def body_form(body: QWidget) -> FieldForm:
    """A FieldForm filling ``body`` edge to edge (the fields of a one-column form)."""
    form = FieldForm(body)
    layout = QVBoxLayout(body)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.addWidget(form)
    return form


class OutcomeDialog(QDialog):
    """Shared frame: date, timepoint, the instrument's fields, notes, live score, save."""

    instrument = ""
    title = ""

    def __init__(
        self,
        services: Services,
        patient_id: uuid.UUID,
        today: Callable[[], dt.date],
        *,
        timepoint: str = "other",
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName(f"{self.instrument}Form")
        self.setWindowTitle(self.title)
        self.services = services
        self.patient_id = patient_id
        self.today = today
        self.settings = services.settings.load()
        self.units = self.settings.units
        self.saved_ids: list[uuid.UUID] = []
        record = services.patients.record(patient_id)
        self.surgery_date = record.surgery.surgery_date if record.surgery else None
        self.patient_name = f"{record.details.given_name} {record.details.family_name}"

        self._build_header_fields(timepoint)
        self.score = QLabel()
        self.score.setObjectName("liveScore")
        self.score.setAccessibleName("Score")
        self.score.setStyleSheet(SCORE_STYLE)
        self.score.setWordWrap(True)
        self.body = QWidget()
        self.build(self.body)
        notes_form = self._build_notes()
        buttons = self._build_buttons()
        self._layout(notes_form, buttons)
        dialogs.fit_to_screen(self, 760, 720)
        self._start_autosave()

    # --- building --------------------------------------------------------------------------

    def _build_header_fields(self, timepoint: str) -> None:
        self.form = FieldForm()
        self.date = self.form.add("assessed_on", "&Date", DateField(self.today()))
        self.timepoint = self.form.add("timepoint", "Time &point", QComboBox())
        for key, label in TIMEPOINTS.items():
            self.timepoint.addItem(label, key)
        self.timepoint.setCurrentIndex(list(TIMEPOINTS).index(timepoint))

    def _build_notes(self) -> FieldForm:
        self.notes = QLineEdit()
        self.notes.setObjectName("outcomeNotes")
        notes_form = FieldForm()
        notes_form.add("notes", "N&otes", self.notes)
        return notes_form

    def _build_buttons(self) -> QHBoxLayout:
        """Draft status, Discard draft, Close (keep draft) and Save (also Ctrl+S)."""
        self.status = QLabel()
        self.status.setAccessibleName("Draft status")
        save = QPushButton("&Save")
        save.setObjectName("saveOutcome")
        save.setAccessibleName("Save")
        save.setDefault(True)
        save.clicked.connect(self.save)
        self.save_button = save
        cancel = QPushButton("Close (keep draft)")
        cancel.setAccessibleName("Close, keep draft")
        cancel.clicked.connect(self.reject)
        discard = QPushButton("Discard draft")
        discard.setAccessibleName("Discard draft")
        discard.clicked.connect(self.discard)
        QShortcut(QKeySequence("Ctrl+S"), self, self.save)
        buttons = QHBoxLayout()
        buttons.addWidget(self.status, 1)
        buttons.addWidget(discard)
        buttons.addWidget(cancel)
        buttons.addWidget(save)
        return buttons

    def _layout(self, notes_form: FieldForm, buttons: QHBoxLayout) -> None:
        scroll = scrolled(
            QLabel(f"<b>{self.patient_name}</b>"), self.form, self.body, notes_form, stretch=True
        )
        layout = QVBoxLayout(self)
        layout.addWidget(self.score)
        layout.addWidget(scroll, 1)
        layout.addLayout(buttons)

    def _start_autosave(self) -> None:
        """Restore the draft of this patient's form, then save each edit as the new draft."""
        self.autosave = DraftAutosaver(
            self.services.drafts, outcome_key(self.patient_id, self.instrument), self.payload, self
        )
        draft = self.services.drafts.load(self.autosave.key)
        if draft is not None:
            self.restore_payload(draft.payload)
            self.status.setText("Draft restored: your unsaved entries are back.")
        self.date.dateChanged.connect(self.changed)
        self.timepoint.currentIndexChanged.connect(self.changed)
        self.notes.textChanged.connect(self.changed)
        self.update_score()
        self.check_date()

    def add_number(self, form: FieldForm, key: str, label: str, field: NumberField) -> NumberField:
        """Add a number field of the instrument; each edit updates the score and the draft."""
        add_number_field(form, key, label, field)
        field.textChanged.connect(self.changed)
        return field

    # --- to override -----------------------------------------------------------------------

    def build(self, body: QWidget) -> None:
        raise NotImplementedError

    def update_score(self) -> None:
        raise NotImplementedError

    def values(self) -> dict[str, Any]:
        """Field texts for the draft."""
        raise NotImplementedError

    def restore_values(self, values: dict[str, Any]) -> None:
        raise NotImplementedError

    def problems(self) -> dict[str, str]:
        raise NotImplementedError

    def record(self, on: dt.date | None, timepoint: str, notes: str) -> list[uuid.UUID]:
        raise NotImplementedError

    def field_for(self, key: str) -> NumberField | None:
        return None

    # --- shared ----------------------------------------------------------------------------

    def changed(self, *_args: object) -> None:
        if not hasattr(self, "autosave"):  # still building the form
            return
        self.update_score()
        self.check_date()
        self.autosave.touch()

    def check_date(self) -> bool:
        """The domain's date rule, as typed: not in the future, not before the surgery."""
        errors = typed_date_errors(
            self.date, "assessed_on", today=self.today(), surgery_date=self.surgery_date
        )
        self.form.show_errors(errors)
        return not errors

    def payload(self) -> dict[str, Any]:
        value = self.date.value()
        return {
            "assessed_on": value.isoformat() if value else None,
            "timepoint": self.timepoint.currentData(),
            "notes": self.notes.text(),
            "values": self.values(),
        }

    def restore_payload(self, data: dict[str, Any]) -> None:
        if data.get("assessed_on"):
            self.date.set_value(dt.date.fromisoformat(data["assessed_on"]))
        if data.get("timepoint") in TIMEPOINTS:
            self.timepoint.setCurrentIndex(list(TIMEPOINTS).index(data["timepoint"]))
        self.notes.setText(data.get("notes", ""))
        self.restore_values(data.get("values") or {})

    def show_errors(self, errors: dict[str, str]) -> None:
        general = {}
        for key, message in errors.items():
            field = self.field_for(key)
            if field is not None:
                field.show_error(message)
            elif key in ("assessed_on", "performed_on"):
                self.form.show_errors({"assessed_on": message})
            else:
                general[key] = message
        if general:
            self.score.setText("Not saved: " + " ".join(general.values()))
            self.score.setStyleSheet(SCORE_STYLE + "color: #b00020;")

    def save(self) -> None:
        problems = self.problems()
        if not self.check_date():
            problems["assessed_on"] = self.form.errors["assessed_on"].text()
        if problems:
            self.show_errors(problems)
            focus_first_error(self)
            return
        done = run_action(
            self,
            lambda: self.record(
                self.date.value(), self.timepoint.currentData(), self.notes.text()
            ),
            title=self.title,
            form=self,
        )
        if not done:
            return
        self.saved_ids = done.value
        self.autosave.discard()
        self.accept()

    def discard(self) -> None:
        if dialogs.confirm(self, "Discard draft", "Discard what was typed in this form?"):
            self.autosave.discard()
            self.reject()

    def reject(self) -> None:
        self.autosave.flush_pending()
        super().reject()
