"""The patient-rated forms: the Patient-Specific Functional Scale (up to five activities in the
patient's words, each rated 0-10; the follow-up rates the baseline's activities) and the Global
Rating of Change (-5..+5, at follow-ups). The instructions are the clinic's own words."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from PySide6.QtWidgets import QComboBox, QLabel, QLineEdit, QWidget

from rehab_tracker.domain.errors import ValidationError
from rehab_tracker.domain.grc import (
    GRC_ANCHORS,
    GRC_BASELINE_MESSAGE,
    GRC_HIGH,
    GRC_LOW,
    GRC_MESSAGE,
    GRC_QUESTION,
    grc_text,
)
from rehab_tracker.domain.outcomes import BASELINE
from rehab_tracker.domain.psfs import (
    MAX_ACTIVITIES,
    RATING_MESSAGE,
    PsfsActivity,
    psfs_score,
    validate_psfs,
)
from rehab_tracker.domain.units import format_number
from rehab_tracker.ui.outcomes.outcome_forms.base import SCORE_STYLE, OutcomeDialog, body_form
from rehab_tracker.ui.widgets.fields import NumberField

PSFS_INSTRUCTIONS = (
    "Ask the patient to name up to five activities they find hard, or cannot do, because of "
    "their back or leg problem, in their own words. They rate each from 0 (cannot do it at all) "
    "to 10 (can do it as well as before the problem). At a follow-up the same activities are "
    "rated again. Patient-Specific Functional Scale: Stratford et al. 1995, Physiotherapy "
    "Canada."
)


class PsfsDialog(OutcomeDialog):
    instrument = "psfs"
    title = "Patient-Specific Functional Scale (PSFS)"

    def build(self, body: QWidget) -> None:
        self.baseline = self.services.outcomes.psfs_baseline(self.patient_id)
        form = body_form(body)
        self.fields_form = form
        about = QLabel(PSFS_INSTRUCTIONS)
        about.setWordWrap(True)
        form.layout_.insertRow(1, about)
        if self.baseline is not None:
            same = QLabel("Follow-up: rate the activities named at the baseline PSFS.")
            same.setObjectName("psfsSameActivities")
            same.setWordWrap(True)
            form.layout_.insertRow(2, same)
        self.names: list[QLineEdit] = []
        self.ratings: list[NumberField] = []
        for n in range(1, MAX_ACTIVITIES + 1):
            name = QLineEdit()
            name.setObjectName(f"psfs_activity_{n}")
            form.add(f"activity_{n}", f"Activity &{n}", name)
            name.textChanged.connect(self.changed)
            rating = NumberField(f"Rating {n} (0-10)", low=0, high=10, message=RATING_MESSAGE)
            rating.setObjectName(f"psfs_rating_{n}")
            self.add_number(form, f"rating_{n}", f"Rating {n} (0-10)", rating)
            self.names.append(name)
            self.ratings.append(rating)
        if self.baseline is not None:
            for edit, activity in zip(self.names, self.baseline, strict=False):
                edit.setText(activity.name)
                edit.setReadOnly(True)
            for n in range(len(self.baseline), MAX_ACTIVITIES):
                form.set_row_visible(f"activity_{n + 1}", False)
                form.set_row_visible(f"rating_{n + 1}", False)

    def activities(self) -> list[PsfsActivity]:
        return [
            PsfsActivity(name.text(), rating.int_value())
            for name, rating in zip(self.names, self.ratings, strict=True)
        ]

    def update_score(self) -> None:
        if not hasattr(self, "ratings"):
            return
        rated = [a.rating for a in self.activities() if a.name.strip() and a.rating is not None]
        if not rated:
            self.score.setText("PSFS: name an activity and rate it 0-10 to see the score.")
        else:
            self.score.setText(
                f"PSFS: mean {format_number(psfs_score(rated))} of 10 "
                f"({len(rated)} {'activity' if len(rated) == 1 else 'activities'} rated)"
            )
        self.score.setStyleSheet(SCORE_STYLE)

    def values(self) -> dict[str, Any]:
        return {
            "names": [n.text() for n in self.names],
            "ratings": [r.text() for r in self.ratings],
        }

    def restore_values(self, values: dict[str, Any]) -> None:
        if self.baseline is None:
            for edit, text in zip(self.names, values.get("names", []), strict=False):
                edit.setText(str(text))
        for field, text in zip(self.ratings, values.get("ratings", []), strict=False):
            field.setText(str(text))

    def problems(self) -> dict[str, str]:
        typed = {f"rating_{n}": p for n, r in enumerate(self.ratings, 1) if (p := r.problem())}
        if typed:
            return typed
        names = None if self.baseline is None else [a.name for a in self.baseline]
        try:
            validate_psfs(self.activities(), names)
        except ValidationError as exc:
            return exc.errors
        return {}

    def field_for(self, key: str) -> NumberField | None:
        if key.startswith("rating_"):
            return self.ratings[int(key.split("_")[1]) - 1]
        return None

    def show_errors(self, errors: dict[str, str]) -> None:
        own = {k: m for k, m in errors.items() if k.startswith("activity_")}
        self.fields_form.show_errors(
            {**own, **{k: m for k, m in errors.items() if k.startswith("rating_")}}
        )
        super().show_errors({k: m for k, m in errors.items() if k not in own})

    def record(self, on: dt.date | None, timepoint: str, notes: str) -> list[uuid.UUID]:
        return [
            self.services.outcomes.record_psfs(
                self.patient_id,
                self.activities(),
                assessed_on=on,
                today=self.today(),
                timepoint=timepoint,
                notes=notes,
            )
        ]


class GrcDialog(OutcomeDialog):
    instrument = "grc"
    title = "Global Rating of Change (GRC)"

    def build(self, body: QWidget) -> None:
        form = body_form(body)
        question = QLabel(
            f"Ask: “{GRC_QUESTION}” -5 (very much worse) to +5 (very much better); "
            "asked at follow-ups, not at baseline."
        )
        question.setWordWrap(True)
        form.layout_.insertRow(1, question)
        self.rating = QComboBox()
        self.rating.setObjectName("grcRating")
        self.rating.addItem("Choose a rating", None)
        for value in range(GRC_HIGH, GRC_LOW - 1, -1):
            self.rating.addItem(grc_text(value), value)
        form.add("rating", "&Rating", self.rating)
        self.fields_form = form
        self.rating.currentIndexChanged.connect(self.changed)

    def update_score(self) -> None:
        if not hasattr(self, "rating"):
            return
        value = self.rating.currentData()
        self.score.setText(
            "Global rating of change: "
            + ("choose a rating" if value is None else f"{value:+d} ({GRC_ANCHORS[value]})")
        )
        self.score.setStyleSheet(SCORE_STYLE)

    def values(self) -> dict[str, Any]:
        return {"rating": self.rating.currentData()}

    def restore_values(self, values: dict[str, Any]) -> None:
        index = self.rating.findData(values.get("rating"))
        self.rating.setCurrentIndex(max(index, 0))

    def problems(self) -> dict[str, str]:
        out = {}
        if self.rating.currentData() is None:
            out["rating"] = GRC_MESSAGE
        if self.timepoint.currentData() == BASELINE:
            out["timepoint"] = GRC_BASELINE_MESSAGE
        return out

    def show_errors(self, errors: dict[str, str]) -> None:
        header = ("timepoint", "assessed_on")
        self.fields_form.show_errors({k: m for k, m in errors.items() if k == "rating"})
        self.form.show_errors({k: m for k, m in errors.items() if k in header})
        super().show_errors({k: m for k, m in errors.items() if k not in ("rating", *header)})

    def record(self, on: dt.date | None, timepoint: str, notes: str) -> list[uuid.UUID]:
        return [
            self.services.outcomes.record_grc(
                self.patient_id,
                self.rating.currentData(),
                assessed_on=on,
                today=self.today(),
                timepoint=timepoint,
                notes=notes,
            )
        ]
