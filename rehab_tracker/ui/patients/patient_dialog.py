"""New / edit patient dialog: details, surgery and surgeon restrictions, checked live by the
domain rules.

Nothing is saved until the rules pass; the service checks again on save. Errors show under their
fields. Escape cancels (asking first when something was typed).
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable

from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QGroupBox,
    QHBoxLayout,
    QLineEdit,
    QPlainTextEdit,
    QRadioButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from rehab_tracker.domain import patients as rules
from rehab_tracker.domain.errors import ValidationError
from rehab_tracker.services.container import Services
from rehab_tracker.ui.patients.restrictions_editor import RestrictionsEditor
from rehab_tracker.ui.shell.actions import run_action
from rehab_tracker.ui.widgets import dialogs
from rehab_tracker.ui.widgets.date_field import DateField, date_problems
from rehab_tracker.ui.widgets.forms import FieldForm, focus_first_error
from rehab_tracker.ui.widgets.scroll import scrolled

SEX_LABELS = {"female": "Female", "male": "Male", "other": "Other", "unknown": "Not stated"}
SIDE_LABELS: dict[str | None, str] = {None: "Not recorded", "left": "Left", "right": "Right",
               "bilateral": "Bilateral", "central": "Central"}


def _optional_spin(suffix: str, low: float, high: float) -> QDoubleSpinBox:
    """A number box where the lowest value shows as blank (meaning: not recorded)."""
    spin = QDoubleSpinBox()
    spin.setDecimals(1)
    spin.setRange(low, high)
    spin.setSuffix(suffix)
    spin.setSpecialValueText(" ")
    spin.setValue(low)
    spin.setKeyboardTracking(True)
    return spin


def _spin_value(spin: QDoubleSpinBox) -> float | None:
    return None if spin.value() == spin.minimum() else spin.value()


class PatientDialog(QDialog):
    """Enrol a patient (``patient_id`` None) or edit one. ``saved_id`` holds the result."""

    def __init__(
        self,
        services: Services,
        today: Callable[[], dt.date],
        patient_id: uuid.UUID | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("patientDialog")
        self.services = services
        self.today = today
        self.patient_id = patient_id
        self.version: int | None = None
        self.saved_id: uuid.UUID | None = None
        self._dirty = False
        self.setWindowTitle("New patient" if patient_id is None else "Edit patient")
        self._build_details()
        self._build_surgery()
        self.restrictions = RestrictionsEditor(today)
        scroll = scrolled(
            self.form, self.surgery_box, self.restrictions, stretch=True, frame=False
        )
        self.buttons = dialogs.save_cancel_buttons(self, self.save)
        self.save_button = self.buttons.button(QDialogButtonBox.StandardButton.Save)
        self.save_button.setDefault(True)
        layout = QVBoxLayout(self)
        layout.addWidget(scroll, 1)
        layout.addWidget(self.buttons)
        self._fit_to_form(scroll)

        if patient_id is not None:
            self._load(patient_id)
        self._connect_changes()
        self._update_pathway()
        self.given_name.setFocus()

    # --- building -------------------------------------------------------------------------

    def _build_details(self) -> None:
        """The patient's details in ``self.form``: names, record number, birth, body, contact,
        pathway and notes."""
        f = self.form = FieldForm()
        self.given_name = f.add("given_name", "&Given name", QLineEdit())
        self.family_name = f.add("family_name", "&Family name", QLineEdit())
        self.record_number = f.add("record_number", "&Record number", QLineEdit())
        self.record_number.setPlaceholderText("Leave blank to number automatically")
        self.date_of_birth = f.add("date_of_birth", "&Date of birth", DateField(optional=True))
        self.sex = f.add("sex", "&Sex", QComboBox())
        for code, text in SEX_LABELS.items():
            self.sex.addItem(text, code)
        self.height_cm = f.add("height_cm", "&Height", _optional_spin(" cm", 0, 300))
        self.weight_kg = f.add("weight_kg", "&Weight", _optional_spin(" kg", 0, 500))
        self.phone = f.add("phone", "&Phone", QLineEdit())
        self.email = f.add("email", "E&mail", QLineEdit())
        self.address = f.add("address", "&Address", self._text_box())
        self._build_pathway()
        self.notes = f.add("notes", "&Notes", self._text_box())

    def _text_box(self) -> QPlainTextEdit:
        """A few lines of free text; Tab moves on to the next field."""
        edit = QPlainTextEdit()
        edit.setTabChangesFocus(True)
        edit.setMaximumHeight(self.fontMetrics().lineSpacing() * 4)
        return edit

    def _build_pathway(self) -> None:
        """Surgical or conservative: two radio buttons in one group, on one row."""
        pathway_box = QWidget()
        row = QHBoxLayout(pathway_box)
        row.setContentsMargins(0, 0, 0, 0)
        self.surgical = QRadioButton("S&urgical")
        self.conservative = QRadioButton("&Conservative")
        self.surgical.setAccessibleName("Surgical")
        self.conservative.setAccessibleName("Conservative")
        self.pathway_group = QButtonGroup(self)
        self.pathway_group.addButton(self.surgical)
        self.pathway_group.addButton(self.conservative)
        self.surgical.setChecked(True)
        row.addWidget(self.surgical)
        row.addWidget(self.conservative)
        row.addStretch(1)
        self.form.add("pathway", "Pathwa&y", pathway_box, buddy=self.surgical)

    def _build_surgery(self) -> None:
        """The surgery group box (shown for the surgical pathway) with ``self.surgery_form``."""
        self.surgery_box = QGroupBox("Surgery")
        s = self.surgery_form = FieldForm()
        self.surgery_date = s.add("surgery_date", "Surgery da&te", DateField(optional=True))
        levels_box = QWidget()
        levels_row = QHBoxLayout(levels_box)
        levels_row.setContentsMargins(0, 0, 0, 0)
        self.levels: dict[str, QCheckBox] = {}
        for level in rules.LEVELS:
            box = QCheckBox(level)
            box.setAccessibleName(level)
            self.levels[level] = box
            levels_row.addWidget(box)
        levels_row.addStretch(1)
        s.add("levels", "&Levels", levels_box, buddy=self.levels[rules.LEVELS[0]])
        self.side = s.add("side", "S&ide", QComboBox())
        for side, side_text in SIDE_LABELS.items():
            self.side.addItem(side_text, side)
        self.procedure = s.add("procedure", "Pr&ocedure", QLineEdit("Lumbar micro-discectomy"))
        self.surgeon = s.add("surgeon", "Surg&eon", QLineEdit())
        self.hospital = s.add("hospital", "Hospital", QLineEdit())
        box_layout = QVBoxLayout(self.surgery_box)
        box_layout.addWidget(s)

    def _fit_to_form(self, scroll: QScrollArea) -> None:
        """Open big enough to show the whole form (wider for the error messages), within the
        screen."""
        content = scroll.widget()
        assert content is not None
        hint = content.sizeHint()
        dialogs.fit_to_screen(
            self,
            hint.width() + 2 * self.fontMetrics().averageCharWidth() * 20,
            hint.height() + self.buttons.sizeHint().height() + 4 * self.fontMetrics().height(),
        )

    # --- reading the form -----------------------------------------------------------------

    def details(self) -> rules.PatientDetails:
        return rules.PatientDetails(
            given_name=self.given_name.text(),
            family_name=self.family_name.text(),
            date_of_birth=self.date_of_birth.value(),
            sex=self.sex.currentData(),
            record_number=self.record_number.text().strip() or None,
            height_cm=_spin_value(self.height_cm),
            weight_kg=_spin_value(self.weight_kg),
            phone=self.phone.text(),
            email=self.email.text(),
            address=self.address.toPlainText(),
            pathway="conservative" if self.conservative.isChecked() else "surgical",
            notes=self.notes.toPlainText(),
        )

    def surgery(self) -> rules.SurgeryDetails | None:
        if self.conservative.isChecked():
            return None
        return rules.SurgeryDetails(
            surgery_date=self.surgery_date.value(),
            levels=tuple(level for level, box in self.levels.items() if box.isChecked()),
            side=self.side.currentData(),
            procedure=self.procedure.text(),
            surgeon=self.surgeon.text(),
            hospital=self.hospital.text(),
        )

    def _typed_date_problems(self) -> dict[str, str]:
        """The date fields whose text is not a date (the surgery's only when it is asked)."""
        problems = date_problems(self.form.fields)
        if self.surgical.isChecked():
            problems |= date_problems(self.surgery_form.fields)
        return problems

    def _errors(self) -> dict[str, str]:
        errors = {**self.restrictions.errors(), **self._typed_date_problems()}
        try:
            rules.validate(self.details(), self.surgery(), today=self.today())
        except ValidationError as exc:
            return {**exc.errors, **errors}
        return errors

    def show_errors(self, errors: dict[str, str]) -> None:
        surgery_keys = self.surgery_form.errors
        restriction = {k: v for k, v in errors.items() if k.startswith("restrictions[")}
        others = {k: v for k, v in errors.items() if k not in restriction}
        self.form.show_errors({k: v for k, v in others.items() if k not in surgery_keys})
        self.surgery_form.show_errors({k: v for k, v in others.items() if k in surgery_keys})
        self.restrictions.show_errors(restriction)

    # --- actions --------------------------------------------------------------------------

    def save(self) -> None:
        errors = self._errors()
        self.show_errors(errors)
        if errors:
            focus_first_error(self)
            return
        done = run_action(self, self._write, form=self,
                          on_conflict=self.reload if self.patient_id is not None else None)
        if not done:
            return
        self.saved_id = done.value
        self._dirty = False
        self.accept()

    def _write(self) -> uuid.UUID:
        if self.patient_id is None:
            return self.services.patients.enrol(
                self.details(), self.surgery(), today=self.today(),
                restrictions=self.restrictions.items(),
            )
        self.services.patients.update(
            self.patient_id,
            self.details(),
            self.surgery(),
            expected_version=self.version,
            today=self.today(),
            restrictions=self.restrictions.items(),
        )
        return self.patient_id

    def reload(self) -> None:
        """Show the saved record again (after another workstation changed it)."""
        if self.patient_id is None:
            return
        self._load(self.patient_id)
        self.show_errors({})
        self._dirty = False

    def reject(self) -> None:
        if self._dirty and not dialogs.confirm(
            self, "Discard changes", "Discard the details you typed?"
        ):
            return
        super().reject()

    # --- internals ------------------------------------------------------------------------

    def _load(self, patient_id: uuid.UUID) -> None:
        record = self.services.patients.record(patient_id)
        self.version = record.version
        d = record.details
        self.given_name.setText(d.given_name)
        self.family_name.setText(d.family_name)
        self.record_number.setText(d.record_number or "")
        self.date_of_birth.set_value(d.date_of_birth)
        self.sex.setCurrentIndex(max(self.sex.findData(d.sex), 0))
        if d.height_cm is not None:
            self.height_cm.setValue(d.height_cm)
        if d.weight_kg is not None:
            self.weight_kg.setValue(d.weight_kg)
        self.phone.setText(d.phone or "")
        self.email.setText(d.email or "")
        self.address.setPlainText(d.address or "")
        self.notes.setPlainText(d.notes or "")
        (self.conservative if d.pathway == "conservative" else self.surgical).setChecked(True)
        s = record.surgery
        if s is not None:
            self.surgery_date.set_value(s.surgery_date)
            for level, box in self.levels.items():
                box.setChecked(level in s.levels)
            self.side.setCurrentIndex(max(self.side.findData(s.side), 0))
            self.procedure.setText(s.procedure)
            self.surgeon.setText(s.surgeon or "")
            self.hospital.setText(s.hospital or "")
        self.restrictions.set_items(record.restrictions)

    def _connect_changes(self) -> None:
        for edit in (self.given_name, self.family_name, self.record_number, self.phone,
                     self.email, self.procedure, self.surgeon, self.hospital):
            edit.textEdited.connect(self._changed)
        for plain in (self.address, self.notes):
            plain.textChanged.connect(self._changed)
        for date in (self.date_of_birth, self.surgery_date):
            date.dateChanged.connect(self._changed)
        for spin in (self.height_cm, self.weight_kg):
            spin.valueChanged.connect(self._changed)
        for combo in (self.sex, self.side):
            combo.currentIndexChanged.connect(self._changed)
        for box in self.levels.values():
            box.toggled.connect(self._changed)
        self.surgical.toggled.connect(self._update_pathway)
        self.surgical.toggled.connect(self._changed)
        self.restrictions.changed.connect(self._changed)

    def _changed(self, *_args: object) -> None:
        self._dirty = True
        # live check: only fields already showing an error are re-checked, so a half-typed
        # form is not covered in red before the user reaches Save
        labels = {**self.form.errors, **self.surgery_form.errors}
        shown = {key for key, label in labels.items() if label.text()}
        shown |= self.restrictions.shown_keys()
        errors = self._errors()
        # a date that is not a date is told as soon as the field is left
        shown |= set(self._typed_date_problems()) | set(self.restrictions.date_problems())
        self.show_errors({k: v for k, v in errors.items() if k in shown})

    def _update_pathway(self, *_args: object) -> None:
        surgical = self.surgical.isChecked()
        self.surgery_box.setVisible(surgical)
        self.surgery_box.setEnabled(surgical)

