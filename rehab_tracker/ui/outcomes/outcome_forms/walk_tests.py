"""The walking tests: one-value tests (5-minute walk distance, 50-foot walks and Timed Up and Go
in seconds) and the 6-minute walk (ATS 2002) with its predicted distance.

Distances show in metres or feet by the clinic setting and are stored in metres.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable
from typing import Any

from PySide6.QtWidgets import QLabel, QLineEdit, QWidget

from rehab_tracker.domain.errors import ValidationError
from rehab_tracker.domain.patients import age_on
from rehab_tracker.domain.scoring import six_minute_age_caveat
from rehab_tracker.domain.sessions import (
    MAX_COURSE_M,
    MAX_LAPS,
    MAX_RESTS,
    MIN_COURSE_M,
    WALK_LIMITS,
    WALK_TEST_LABELS,
    SixMinuteWalkEntry,
    lap_length_m,
    walk_value_error,
)
from rehab_tracker.domain.units import feet_to_metres, format_number, metres_to_feet
from rehab_tracker.services.container import Services
from rehab_tracker.services.outcomes import SixMinuteWalkResult
from rehab_tracker.ui.outcomes.outcome_forms.base import SCORE_STYLE, OutcomeDialog, body_form
from rehab_tracker.ui.widgets.fields import NumberField
from rehab_tracker.ui.widgets.forms import FieldForm, date_of


def distance_unit(units: str) -> str:
    return "ft" if units == "imperial" else "m"


def to_si(value: float | None, units: str) -> float | None:
    """A distance as typed (feet when imperial) in metres."""
    if value is None:
        return None
    return feet_to_metres(value) if units == "imperial" else value


def from_si(metres: float, units: str) -> float:
    """A distance in metres as shown (feet when imperial)."""
    return metres_to_feet(metres) if units == "imperial" else metres


class WalkTestDialog(OutcomeDialog):
    """5-minute walk (distance), 50-foot walk preferred/fastest and TUG (seconds)."""

    test = "walk_5min"

    def __init__(
        self,
        services: Services,
        patient_id: uuid.UUID,
        today: Callable[[], dt.date],
        *,
        test: str = "walk_5min",
        timepoint: str = "other",
        parent: QWidget | None = None,
    ) -> None:
        self.test = test
        self.instrument = test
        self.title = WALK_TEST_LABELS[test]
        super().__init__(services, patient_id, today, timepoint=timepoint, parent=parent)

    @property
    def is_distance(self) -> bool:
        return WALK_LIMITS[self.test].unit == "m"

    def build(self, body: QWidget) -> None:
        form = body_form(body)
        limit = WALK_LIMITS[self.test]
        message = walk_value_error(self.test, -1.0, self.units) or ""
        if self.is_distance:
            label = f"D&istance ({distance_unit(self.units)})"
            self.value_field = NumberField(
                label,
                low=0,
                high=from_si(limit.high, self.units),
                integer=False,
                low_inclusive=False,
                message=message,
            )
        else:
            label = "&Time (seconds)"
            self.value_field = NumberField(
                label, low=limit.low, high=limit.high, integer=False, message=message
            )
        self.value_field.setObjectName("walkValue")
        self.add_number(form, "value", label, self.value_field)

    def update_score(self) -> None:
        value = self.value_field.value()
        unit = distance_unit(self.units) if self.is_distance else "s"
        self.score.setText(f"{self.title}: {'–' if value is None else format_number(value)} {unit}")
        self.score.setStyleSheet(SCORE_STYLE)

    def values(self) -> dict[str, Any]:
        return {"value": self.value_field.text()}

    def restore_values(self, values: dict[str, Any]) -> None:
        self.value_field.setText(values.get("value", ""))

    def problems(self) -> dict[str, str]:
        if self.value_field.problem():
            return {"value": self.value_field.problem() or ""}
        if self.value_field.value() is None:
            return {"value": walk_value_error(self.test, None, self.units) or ""}
        return {}

    def field_for(self, key: str) -> NumberField | None:
        return self.value_field if key == "value" else None

    def record(self, on: dt.date | None, timepoint: str, notes: str) -> list[uuid.UUID]:
        value = self.value_field.value()
        if self.is_distance:
            value = to_si(value, self.units)
        return [
            self.services.outcomes.record_walk(
                self.patient_id,
                self.test,
                value,
                performed_on=on,
                today=self.today(),
                timepoint=timepoint,
                notes=notes,
            )
        ]


#: the 6-minute walk's 0-10 ratings and optional vital signs: (key, label, low, high, message)
SIX_MINUTE_SCALES: tuple[tuple[str, str, int, int, str], ...] = (
    ("effort_before", "Effort &before (0-10)", 0, 10, "A whole number from 0 to 10."),
    ("effort_after", "Effort &after (0-10)", 0, 10, "A whole number from 0 to 10."),
    ("breathlessness_before", "Breat&hlessness before (0-10)", 0, 10,
     "A whole number from 0 to 10."),
    ("breathlessness_after", "Breathlessness afte&r (0-10)", 0, 10,
     "A whole number from 0 to 10."),
    ("heart_rate_before", "Heart rate before (bpm, optional)", 30, 230,
     "Heart rate: 30 to 230 beats per minute."),
    ("heart_rate_after", "Heart rate after (bpm, optional)", 30, 230,
     "Heart rate: 30 to 230 beats per minute."),
    ("spo2_before", "SpO2 before (%, optional)", 50, 100,
     "SpO2: a whole number from 50 to 100 %."),
    ("spo2_after", "SpO2 after (%, optional)", 50, 100, "SpO2: a whole number from 50 to 100 %."),
)
#: the entry's whole-number fields
SIX_MINUTE_INTS = ("laps", "rests", *(key for key, *_ in SIX_MINUTE_SCALES))


class SixMinuteWalkDialog(OutcomeDialog):
    instrument = "walk_6min"
    title = "6-minute walk test (ATS 2002)"

    def build(self, body: QWidget) -> None:
        form = body_form(body)
        self._add_age_caveat(form)
        unit = distance_unit(self.units)
        self.f: dict[str, NumberField] = {}

        def add(key: str, label: str, **kw: Any) -> NumberField:
            field = NumberField(label, **kw)
            field.setObjectName(f"six_{key}")
            self.f[key] = self.add_number(form, key, label, field)
            return field

        course = add(
            "course_length_m",
            f"&Course length ({unit})",
            low=from_si(MIN_COURSE_M, self.units),
            high=from_si(MAX_COURSE_M, self.units),
            integer=False,
            required=True,
            message=f"Course length: {format_number(from_si(MIN_COURSE_M, self.units), 0)} to "
            f"{format_number(from_si(MAX_COURSE_M, self.units), 0)} {unit} (ATS: 30 m).",
        )
        course.set_value(round(from_si(30.0, self.units), 1))
        # the ATS 2002 worksheet counts a lap each time the patient is back at the start line
        self.lap_note = QLabel()
        self.lap_note.setObjectName("six_lap_note")
        self.lap_note.setWordWrap(True)
        self.lap_note.setAccessibleName("What a lap is")
        form.layout_.addRow(self.lap_note)
        course.textChanged.connect(self._show_lap)
        self._show_lap()
        add(
            "laps",
            "&Laps (out and back to the start line)",
            low=0,
            high=MAX_LAPS,
            required=True,
            message=f"Laps: a whole number from 0 to {MAX_LAPS}.",
        )
        add(
            "partial_lap_m",
            f"Final part&ial lap ({unit})",
            low=0,
            high=from_si(lap_length_m(MAX_COURSE_M), self.units),
            integer=False,
            message="Final partial lap: 0 or more, shorter than a lap (twice the course).",
        )
        add(
            "rests",
            "Rests ta&ken",
            low=0,
            high=MAX_RESTS,
            message=f"Rests: a whole number from 0 to {MAX_RESTS}.",
        )
        self.stop_reason = QLineEdit()
        self.stop_reason.setObjectName("six_stop_reason")
        form.add("stop_reason", "Reason for stopping &early", self.stop_reason)
        self.stop_reason.textChanged.connect(self.changed)
        for key, label, low, high, message in SIX_MINUTE_SCALES:
            add(key, label, low=low, high=high, message=message)

    def _add_age_caveat(self, form: FieldForm) -> None:
        """A line at the top of the fields when the patient's age on the test date lies outside
        the ages the predicted distance was derived at (domain.scoring.six_minute_age_caveat)."""
        self.date_of_birth = self.services.patients.record(self.patient_id).details.date_of_birth
        self.age_caveat = QLabel()
        self.age_caveat.setObjectName("sixAgeCaveat")
        self.age_caveat.setWordWrap(True)
        form.layout_.addRow(self.age_caveat)
        self._show_age_caveat()

    def _show_age_caveat(self) -> None:
        on = date_of(self.date) or self.today()
        caveat = (
            None
            if self.date_of_birth is None
            else six_minute_age_caveat(age_on(self.date_of_birth, on))
        )
        self.age_caveat.setText(caveat or "")
        self.age_caveat.setVisible(caveat is not None)

    def _show_lap(self) -> None:
        """Say what a lap is on the course as typed (ATS 2002: out and back)."""
        unit = distance_unit(self.units)
        course = self.f["course_length_m"].value()
        if course is None:
            lap = "60 m on the ATS 30 m course"
        else:
            lap = (
                f"{format_number(lap_length_m(course), 1)} {unit} on this "
                f"{format_number(course, 1)} {unit} course"
            )
        self.lap_note.setText(
            f"A lap is out to the turn and back to the start line: {lap} (ATS 2002). "
            "Distance = laps × 2 × course length + the final partial lap."
        )

    def entry(self) -> SixMinuteWalkEntry:
        f = self.f
        return SixMinuteWalkEntry(
            course_length_m=to_si(f["course_length_m"].value(), self.units),
            partial_lap_m=to_si(f["partial_lap_m"].value(), self.units) or 0.0,
            stop_reason=self.stop_reason.text(),
            **{k: f[k].int_value() for k in SIX_MINUTE_INTS},
        )

    def update_score(self) -> None:
        if not hasattr(self, "f"):
            return
        self._show_age_caveat()
        try:
            result = self.services.outcomes.six_minute_walk_result(
                self.patient_id, self.entry(), on=date_of(self.date) or self.today()
            )
        except ValidationError as exc:
            if self.f["laps"].value() is None:
                self.score.setText("6-minute walk: enter the laps to see the distance.")
            else:
                self.score.setText("6-minute walk: " + " ".join(exc.errors.values()))
            return
        self.score.setText(self._result_text(result, self.entry()))
        self.score.setToolTip(result.note)
        self.score.setStyleSheet(SCORE_STYLE)

    def _result_text(self, result: SixMinuteWalkResult, entry: SixMinuteWalkEntry) -> str:
        unit = distance_unit(self.units)

        def show(m: float, decimals: int = 0) -> str:
            return format_number(from_si(m, self.units), decimals)

        assert entry.course_length_m is not None  # validated
        sum_ = f"{entry.laps} laps × {show(lap_length_m(entry.course_length_m), 1)} {unit}"
        if entry.partial_lap_m:
            sum_ += f" + {show(entry.partial_lap_m, 1)} {unit}"
        text = f"Distance {show(result.distance_m)} {unit} ({sum_})"
        if result.percent_predicted is not None and result.predicted_m is not None:
            text += (
                f" — {format_number(result.percent_predicted, 0)}% of predicted "
                f"({show(result.predicted_m)} {unit}); lower limit of normal "
                f"{show(result.lower_limit_m or 0)} {unit}"
            )
            if result.lower_limit_m is not None and result.distance_m < result.lower_limit_m:
                text += " — below the lower limit of normal"
        return text

    def values(self) -> dict[str, Any]:
        out = {k: f.text() for k, f in self.f.items()}
        out["stop_reason"] = self.stop_reason.text()
        return out

    def restore_values(self, values: dict[str, Any]) -> None:
        for key, text in values.items():
            if key in self.f:
                self.f[key].setText(str(text))
        self.stop_reason.setText(values.get("stop_reason", ""))

    def problems(self) -> dict[str, str]:
        out = {k: p for k, f in self.f.items() if (p := f.problem())}
        if not out and self.f["laps"].value() is None:
            out["laps"] = f"Laps: a whole number from 0 to {MAX_LAPS}."
        return out

    def field_for(self, key: str) -> NumberField | None:
        return self.f.get(key)

    def record(self, on: dt.date | None, timepoint: str, notes: str) -> list[uuid.UUID]:
        return [
            self.services.outcomes.record_six_minute_walk(
                self.patient_id,
                self.entry(),
                performed_on=on,
                today=self.today(),
                timepoint=timepoint,
                notes=notes,
            )
        ]
