"""The neurological screen at an assessment time point: per side, the straight-leg raise with
its angle, myotomes L2-S1 (MRC 0-5), dermatomes L2-S1 and the knee and ankle reflexes; every
finding may be left "not tested". The left and right columns sit side by side; each field's
accessible name is its label ("Left L5 myotome (great toe extension)")."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from rehab_tracker.domain.errors import ValidationError
from rehab_tracker.domain.neuro import (
    LEVELS,
    MRC_HIGH,
    MYOTOME_MOVEMENTS,
    REFLEX_GRADES,
    REFLEXES,
    SENSATION,
    SIDES,
    SLR_MAX_ANGLE,
    SLR_RESULTS,
    NeuroScreenEntry,
    SideFindings,
    abnormal,
    validate_neuro,
)
from rehab_tracker.ui.outcomes.outcome_forms.base import SCORE_STYLE, OutcomeDialog
from rehab_tracker.ui.widgets.fields import NumberField, add_number_field
from rehab_tracker.ui.widgets.forms import FieldForm

NOT_TESTED = "not tested"
ANGLE_MESSAGE = "The angle: a whole number of degrees from 0 to 90."


def _choice(options: tuple[Any, ...], texts: tuple[str, ...] | None = None) -> QComboBox:
    box = QComboBox()
    box.addItem(NOT_TESTED, None)
    for value, text in zip(options, texts or tuple(str(o) for o in options), strict=True):
        box.addItem(text, value)
    return box


class NeuroScreenDialog(OutcomeDialog):
    instrument = "neuro"
    title = "Neurological screen"

    def build(self, body: QWidget) -> None:
        self.choices: dict[str, QComboBox] = {}
        self.angles: dict[str, NumberField] = {}
        self.side_forms: dict[str, FieldForm] = {}
        columns = QHBoxLayout()
        for side in SIDES:
            form = FieldForm()
            self.side_forms[side] = form
            self._build_side(side, form)
            columns.addWidget(form, 1)
        layout = QVBoxLayout(body)
        layout.setContentsMargins(0, 0, 0, 0)
        about = QLabel(
            "Leave a finding 'not tested' when it was not examined. Straight-leg raise: the "
            "angle of hip flexion at which the patient's leg symptoms came on (required when "
            "positive). Strength on the MRC scale: 0 no contraction to 5 normal."
        )
        about.setWordWrap(True)
        layout.addWidget(about)
        layout.addLayout(columns)

    def _add_choice(self, form: FieldForm, key: str, label: str, box: QComboBox) -> None:
        box.setObjectName(key.replace(".", "_"))
        form.add(key, label, box)
        box.currentIndexChanged.connect(self.changed)
        self.choices[key] = box

    def _build_side(self, side: str, form: FieldForm) -> None:
        title = side.capitalize()
        first = "&L" if side == "left" else "&R"  # Alt+L / Alt+R: each column's first field
        self._add_choice(
            form, f"{side}.slr", f"{first}{title[1:]} straight-leg raise", _choice(SLR_RESULTS)
        )
        angle = NumberField(f"{title} SLR angle (degrees)", low=0, high=SLR_MAX_ANGLE,
                            message=ANGLE_MESSAGE)
        angle.setObjectName(f"{side}_slr_angle")
        add_number_field(form, f"{side}.slr_angle", f"{title} SLR angle (degrees)", angle)
        angle.textChanged.connect(self.changed)
        self.angles[f"{side}.slr_angle"] = angle
        grades = tuple(range(MRC_HIGH, -1, -1))
        for level in LEVELS:
            self._add_choice(form, f"{side}.myotome.{level}",
                             f"{title} {level} myotome ({MYOTOME_MOVEMENTS[level]})",
                             _choice(grades, tuple(f"{g}/5" for g in grades)))
        for level in LEVELS:
            self._add_choice(form, f"{side}.dermatome.{level}", f"{title} {level} dermatome",
                             _choice(SENSATION))
        for reflex, root in REFLEXES.items():
            self._add_choice(form, f"{side}.reflex.{reflex}", f"{title} {reflex} reflex ({root})",
                             _choice(REFLEX_GRADES))

    # --- the entry -------------------------------------------------------------------------

    def _side(self, side: str) -> SideFindings:
        c = self.choices

        def group(name: str, keys: tuple[str, ...] | list[str]) -> dict[str, Any]:
            return {k: c[f"{side}.{name}.{k}"].currentData() for k in keys}

        return SideFindings(
            slr=c[f"{side}.slr"].currentData(),
            slr_angle=self.angles[f"{side}.slr_angle"].int_value(),
            myotomes=group("myotome", LEVELS),
            dermatomes=group("dermatome", LEVELS),
            reflexes=group("reflex", list(REFLEXES)),
        )

    def entry(self) -> NeuroScreenEntry:
        return NeuroScreenEntry(left=self._side("left"), right=self._side("right"))

    def update_score(self) -> None:
        if not hasattr(self, "angles"):
            return
        entry = self.entry()
        found = abnormal(entry)
        self.score.setText(
            "Abnormal findings: " + "; ".join(found) if found else "No abnormal finding recorded."
        )
        self.score.setStyleSheet(SCORE_STYLE)

    def values(self) -> dict[str, Any]:
        out: dict[str, Any] = {k: box.currentIndex() for k, box in self.choices.items()}
        out.update({k: f.text() for k, f in self.angles.items()})
        return out

    def restore_values(self, values: dict[str, Any]) -> None:
        for key, value in values.items():
            if key in self.choices and isinstance(value, int):
                self.choices[key].setCurrentIndex(value)
            elif key in self.angles:
                self.angles[key].setText(str(value))

    def problems(self) -> dict[str, str]:
        typed = {k: p for k, f in self.angles.items() if (p := f.problem())}
        if typed:
            return typed
        try:
            validate_neuro(self.entry())
        except ValidationError as exc:
            return exc.errors
        return {}

    def field_for(self, key: str) -> NumberField | None:
        return self.angles.get(key)

    def show_errors(self, errors: dict[str, str]) -> None:
        for side, form in self.side_forms.items():
            form.show_errors({k: m for k, m in errors.items() if k.startswith(f"{side}.")})
        rest = {k: m for k, m in errors.items() if not k.startswith(SIDES)}
        if "examined_on" in rest:
            rest["assessed_on"] = rest.pop("examined_on")
        super().show_errors(rest)

    def record(self, on: dt.date | None, timepoint: str, notes: str) -> list[uuid.UUID]:
        return [
            self.services.outcomes.record_neuro_screen(
                self.patient_id,
                self.entry(),
                examined_on=on,
                today=self.today(),
                timepoint=timepoint,
                notes=notes,
            )
        ]
