"""Walking tests: the 5-minute walk, the 50-foot walks, the TUG and the 6-minute walk with its
% of predicted; stored as SI values (metres or seconds) with their details."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from typing import Any

from rehab_tracker.data.models import WalkTest
from rehab_tracker.domain.errors import ValidationError
from rehab_tracker.domain.numbers import is_number
from rehab_tracker.domain.outcomes import threshold_key
from rehab_tracker.domain.patients import age_on
from rehab_tracker.domain.roles import Permission
from rehab_tracker.domain.scoring import predict_six_minute_walk, six_minute_age_caveat
from rehab_tracker.domain.sessions import (
    WALK_TESTS,
    SixMinuteWalkEntry,
    validate_six_minute,
    walk_value_error,
)
from rehab_tracker.domain.thresholds import shown_unit
from rehab_tracker.domain.units import format_number
from rehab_tracker.services import _lookup as lookup
from rehab_tracker.services.access import requires
from rehab_tracker.services.outcomes.records import OutcomeRecords, RowMaker


@dataclass(frozen=True)
class SixMinuteWalkResult:
    distance_m: float
    predicted_m: float | None
    lower_limit_m: float | None
    percent_predicted: float | None
    note: str


def predicted_for(
    distance: float, sex: str, age: int, height_m: float | None, weight_kg: float | None
) -> SixMinuteWalkResult:
    """% of predicted and the lower limit of normal, or a note saying what is missing."""
    p = predict_six_minute_walk(sex, age, height_m, weight_kg)
    if p.predicted_m is None:
        words = {"sex": "sex (male or female)", "height": "height", "weight": "weight"}
        return SixMinuteWalkResult(
            distance,
            None,
            None,
            None,
            "% of predicted needs the patient's " + ", ".join(words[m] for m in p.missing) + ".",
        )
    percent = distance / p.predicted_m * 100 if p.predicted_m > 0 else None
    note = "Enright-Sherrill 1998 reference equation."
    caveat = six_minute_age_caveat(age)
    if caveat is not None:
        note += " " + caveat
    return SixMinuteWalkResult(distance, p.predicted_m, p.lower_limit_m, percent, note)


def _metres(value: object) -> str:
    return f"{format_number(value, 1)} m" if is_number(value) else "?"


def walk_detail(w: WalkTest) -> str:
    """The history's detail column of a walking test (the 6-minute walk's laps and stops)."""
    d = w.details or {}
    if w.test == "walk_6min" and d.get("laps") is not None:
        course = _metres(d.get("course_length_m"))
        if d.get("lap_length_m") is None:  # recorded when a lap was one length of the course
            parts = [f"{d.get('laps')} lengths of the {course} course"]
        else:  # an ATS lap: out and back to the start line
            parts = [
                f"{d.get('laps')} laps of {_metres(d['lap_length_m'])} "
                f"(out and back on the {course} course)"
            ]
        if d.get("partial_lap_m"):
            parts[0] += f" + {_metres(d['partial_lap_m'])}"
        if d.get("rests"):
            parts.append(f"{d.get('rests')} rests")
        if d.get("stop_reason"):
            parts.append(f"stopped: {d.get('stop_reason')}")
        return ", ".join(parts)
    return ""


class WalkTests(OutcomeRecords):
    @requires(Permission.OUTCOMES)
    def record_walk(
        self,
        patient_id: uuid.UUID,
        test: str,
        value: float | None,
        *,
        performed_on: dt.date | None,
        today: dt.date,
        timepoint: str = "other",
        notes: str = "",
        details: dict[str, Any] | None = None,
    ) -> uuid.UUID:
        """A 5-minute walk (metres), 50-foot walk (seconds) or TUG (seconds), SI value.
        The 6-minute walk goes through :meth:`record_six_minute_walk`. Field: ``value``."""
        make = self.walk_row(patient_id, test, value, timepoint, notes, details)
        return self._add_record(patient_id, performed_on, today, "performed_on", timepoint, make)

    def walk_row(
        self,
        patient_id: uuid.UUID,
        test: str,
        value: float | None,
        timepoint: str,
        notes: str,
        details: dict[str, Any] | None = None,
    ) -> RowMaker:
        """The checked walking-test row (field ``value``, SI), to add."""
        if test not in WALK_TESTS:
            raise ValidationError.single("test", "Choose a test from the list.")
        units = self.settings.load().units
        problem = walk_value_error(test, value, units)
        if problem is not None:
            raise ValidationError.single("value", problem)
        assert value is not None
        return self._walk(patient_id, test, float(value), timepoint, notes, details or {})

    def six_minute_walk_result(
        self, patient_id: uuid.UUID, entry: SixMinuteWalkEntry, *, on: dt.date
    ) -> SixMinuteWalkResult:
        """Distance, % of predicted and lower limit of normal (needs sex, age, height, weight)."""
        distance = validate_six_minute(entry, self.settings.load().units)
        with self.db.reading() as session:
            p = lookup.patient(session, patient_id)
            return predicted_for(
                distance, p.sex, age_on(p.date_of_birth, on), p.height_m, p.weight_kg
            )

    @requires(Permission.OUTCOMES)
    def record_six_minute_walk(
        self,
        patient_id: uuid.UUID,
        entry: SixMinuteWalkEntry,
        *,
        performed_on: dt.date | None,
        today: dt.date,
        timepoint: str = "other",
        notes: str = "",
    ) -> uuid.UUID:
        make = self.six_minute_row(patient_id, entry, timepoint, notes)
        return self._add_record(patient_id, performed_on, today, "performed_on", timepoint, make)

    def six_minute_row(
        self, patient_id: uuid.UUID, entry: SixMinuteWalkEntry, timepoint: str, notes: str
    ) -> RowMaker:
        """The checked 6-minute walk row (fields as :func:`validate_six_minute`), to add."""
        distance = validate_six_minute(entry, self.settings.load().units)
        details = dict(entry.details())
        details["distance_m"] = distance
        return self._walk(patient_id, "walk_6min", distance, timepoint, notes, details)

    def _walk(
        self,
        patient_id: uuid.UUID,
        test: str,
        value: float,
        timepoint: str,
        notes: str,
        details: dict[str, Any],
    ) -> RowMaker:
        return lambda program_id, on: WalkTest(
            created_by=self.actor,
            patient_id=patient_id,
            program_id=program_id,
            test=test,
            performed_on=on,
            timepoint=timepoint,
            value=value,
            unit=shown_unit(threshold_key(test)),
            details=details,
            notes=notes.strip() or None,
        )
