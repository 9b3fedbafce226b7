"""The USC trial's performance tests: the five-repetition sit-to-stand and the modified
Biering-Sorensen hold (seconds), each with what the test is and, for the hold, the reason it
stopped and whether it reached the clinic-default maximum."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from PySide6.QtWidgets import QLabel, QLineEdit, QWidget

from rehab_tracker.domain.performance import (
    PERFORMANCE_INSTRUCTIONS,
    SORENSEN,
    SORENSEN_MAX_S,
    reached_maximum,
)
from rehab_tracker.domain.units import format_number
from rehab_tracker.ui.outcomes.outcome_forms.walk_tests import WalkTestDialog
from rehab_tracker.ui.widgets.forms import FieldForm


class PerformanceTestDialog(WalkTestDialog):
    """A timed performance test (``test``: ``sts_5x`` or ``sorensen``)."""

    def build(self, body: QWidget) -> None:
        super().build(body)
        form = body.findChild(FieldForm)
        assert form is not None
        self.fields_form = form
        about = QLabel(PERFORMANCE_INSTRUCTIONS[self.test])
        about.setObjectName("testInstructions")
        about.setWordWrap(True)
        form.layout_.insertRow(1, about)
        self.stop_reason = QLineEdit()
        self.stop_reason.setObjectName("stopReason")
        label = "Reason the hold &stopped" if self.test == SORENSEN else "&What stopped the test"
        form.add("stop_reason", label, self.stop_reason)
        self.stop_reason.textChanged.connect(self.changed)

    def update_score(self) -> None:
        super().update_score()
        value = self.value_field.value()
        if value is not None and reached_maximum(self.test, value):
            self.score.setText(
                self.score.text()
                + f" — held to the {format_number(SORENSEN_MAX_S)} s maximum (clinic default)"
            )

    def values(self) -> dict[str, Any]:
        return {**super().values(), "stop_reason": self.stop_reason.text()}

    def restore_values(self, values: dict[str, Any]) -> None:
        super().restore_values(values)
        self.stop_reason.setText(values.get("stop_reason", ""))

    def show_errors(self, errors: dict[str, str]) -> None:
        if "stop_reason" in errors:
            self.fields_form.errors["stop_reason"].setText(errors.pop("stop_reason"))
            self.fields_form.errors["stop_reason"].setVisible(True)
        super().show_errors(errors)

    def record(self, on: dt.date | None, timepoint: str, notes: str) -> list[uuid.UUID]:
        return [
            self.services.outcomes.record_performance_test(
                self.patient_id,
                self.test,
                self.value_field.value(),
                performed_on=on,
                today=self.today(),
                timepoint=timepoint,
                notes=notes,
                stop_reason=self.stop_reason.text(),
            )
        ]
