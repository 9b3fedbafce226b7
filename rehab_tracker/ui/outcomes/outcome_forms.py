"""Outcome measure forms, each with a live score: ODI, RMDQ, NPRS, single-value walking tests
(5-minute walk, 50-foot walks, Timed Up and Go) and the 6-minute walk.

Every form: date (not in the future, not before surgery), timepoint, notes; fields checked as
typed with the allowed range beside the field; drafts saved ~500 ms after each edit under
``outcome:<patient>:<instrument>`` and restored on reopen; nothing saved until valid.
Distances show in metres or feet by the clinic setting and are stored in metres.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable
from typing import Any

from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from rehab_tracker.domain.errors import ValidationError
from rehab_tracker.domain.instruments import (
    ODI_SECTION_COUNT,
    ODI_SECTIONS,
    RMDQ_ITEM_COUNT,
    RMDQ_ITEMS,
)
from rehab_tracker.domain.sessions import (
    MAX_COURSE_M,
    MAX_LAPS,
    MAX_RESTS,
    MIN_COURSE_M,
    WALK_LIMITS,
    WALK_TEST_LABELS,
    SixMinuteWalkEntry,
    walk_value_error,
)
from rehab_tracker.domain.units import feet_to_metres, format_number, metres_to_feet
from rehab_tracker.services.container import Services
from rehab_tracker.services.drafts import outcome_key
from rehab_tracker.services.outcomes import TIMEPOINTS, score_odi
from rehab_tracker.ui.shell.actions import run_action
from rehab_tracker.ui.widgets import dialogs
from rehab_tracker.ui.widgets.fields import DraftAutosaver, NumberField
from rehab_tracker.ui.widgets.forms import FieldForm, date_edit, date_of, set_date

SCORE_STYLE = "font-size: 14pt; font-weight: bold; padding: 4px;"


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

        self.form = FieldForm()
        self.date = self.form.add("assessed_on", "&Date", date_edit(today()))
        self.timepoint = self.form.add("timepoint", "Time&point", QComboBox())
        for key, label in TIMEPOINTS.items():
            self.timepoint.addItem(label, key)
        self.timepoint.setCurrentIndex(list(TIMEPOINTS).index(timepoint))
        self.score = QLabel()
        self.score.setObjectName("liveScore")
        self.score.setAccessibleName("Score")
        self.score.setStyleSheet(SCORE_STYLE)
        self.score.setWordWrap(True)
        self.body = QWidget()
        self.build(self.body)
        self.notes = QLineEdit()
        self.notes.setObjectName("outcomeNotes")
        notes_form = FieldForm()
        notes_form.add("notes", "N&otes", self.notes)
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

        inner = QWidget()
        column = QVBoxLayout(inner)
        column.addWidget(QLabel(f"<b>{self.patient_name}</b>"))
        column.addWidget(self.form)
        column.addWidget(self.body)
        column.addWidget(notes_form)
        column.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(inner)
        buttons = QHBoxLayout()
        buttons.addWidget(self.status, 1)
        buttons.addWidget(discard)
        buttons.addWidget(cancel)
        buttons.addWidget(save)
        layout = QVBoxLayout(self)
        layout.addWidget(self.score)
        layout.addWidget(scroll, 1)
        layout.addLayout(buttons)
        dialogs.fit_to_screen(self, 760, 720)

        self.autosave = DraftAutosaver(
            services.drafts, outcome_key(patient_id, self.instrument), self.payload, self
        )
        draft = services.drafts.load(self.autosave.key)
        if draft is not None:
            self.restore_payload(draft.payload)
            self.status.setText("Draft restored: your unsaved entries are back.")
        self.date.dateChanged.connect(self.changed)
        self.timepoint.currentIndexChanged.connect(self.changed)
        self.notes.textChanged.connect(self.changed)
        self.update_score()
        self.check_date()

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
        value = date_of(self.date)
        today = self.today()
        message = ""
        if value is not None and value > today:
            message = f"The date cannot be in the future (today is {today.isoformat()})."
        elif value is not None and self.surgery_date and value < self.surgery_date:
            message = f"The date cannot be before the surgery ({self.surgery_date.isoformat()})."
        self.form.show_errors({"assessed_on": message} if message else {})
        return not message

    def payload(self) -> dict[str, Any]:
        value = date_of(self.date)
        return {
            "assessed_on": value.isoformat() if value else None,
            "timepoint": self.timepoint.currentData(),
            "notes": self.notes.text(),
            "values": self.values(),
        }

    def restore_payload(self, data: dict[str, Any]) -> None:
        if data.get("assessed_on"):
            set_date(self.date, dt.date.fromisoformat(data["assessed_on"]))
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
            return
        done = run_action(
            self,
            lambda: self.record(
                date_of(self.date), self.timepoint.currentData(), self.notes.text()
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
        if self.autosave.enabled and self.autosave.timer.isActive():
            self.autosave.flush()
        super().reject()


# ------------------------------------------------------------------------------------------ ODI


class OdiDialog(OutcomeDialog):
    instrument = "odi"
    title = "Oswestry Disability Index (ODI)"

    def build(self, body: QWidget) -> None:
        wording = self.settings.odi_wording
        grid = QGridLayout(body)
        grid.addWidget(QLabel("<b>Section</b>"), 0, 0)
        grid.addWidget(QLabel("<b>Score 0-5 (empty = not answered)</b>"), 0, 1)
        self.sections: list[NumberField] = []
        for i in range(ODI_SECTION_COUNT):
            title = (
                wording.sections[i].title
                if wording is not None
                else ODI_SECTIONS[i].capitalize()
            )
            number = f"&{i + 1}" if i < 9 else "1&0"  # Alt+1..Alt+9, Alt+0
            label = QLabel(f"{number}. {title}")
            field = NumberField(
                f"ODI section {i + 1} ({ODI_SECTIONS[i]})",
                low=0,
                high=5,
                message=f"Section {i + 1}: a whole number from 0 to 5, or empty.",
            )
            field.setObjectName(f"odi_section_{i + 1}")
            field.setAccessibleName(f"{i + 1}. {title}")  # what the label shows
            if wording is not None:
                field.setToolTip(
                    "\n".join(f"{n}: {t}" for n, t in enumerate(wording.sections[i].options))
                )
            label.setBuddy(field)
            field.textChanged.connect(self.changed)
            grid.addWidget(label, i + 1, 0)
            grid.addWidget(field.with_error(), i + 1, 1)
            self.sections.append(field)
        source = (
            f"Licensed wording loaded (licence {wording.licence})."
            if wording is not None
            else "Neutral section names; a licensed clinic can load the wording in Settings."
        )
        rule = self.settings.odi_max_missing
        note = QLabel(
            f"{source} Missing-section rule: "
            f"{'any number may be missing' if rule is None else f'at most {rule} missing'}."
        )
        note.setWordWrap(True)
        grid.addWidget(note, ODI_SECTION_COUNT + 1, 0, 1, 2)

    def _answers(self) -> list[int | None]:
        return [f.int_value() for f in self.sections]

    def update_score(self) -> None:
        if any(f.problem() for f in self.sections):
            self.score.setText("ODI: fix the sections marked in red.")
            return
        result = score_odi(self._answers(), self.settings.odi_max_missing)
        if result.percent is None:
            self.score.setText(f"ODI: no score yet ({result.answered}/10 sections answered).")
        else:
            self.score.setText(
                f"ODI {format_number(result.percent)}% — {result.band} "
                f"({result.answered}/10 sections answered)"
            )
        self.score.setStyleSheet(SCORE_STYLE)

    def values(self) -> dict[str, Any]:
        return {"sections": [f.text() for f in self.sections]}

    def restore_values(self, values: dict[str, Any]) -> None:
        for field, text in zip(self.sections, values.get("sections", []), strict=False):
            field.setText(str(text))

    def problems(self) -> dict[str, str]:
        return {f"section_{i + 1}": p for i, f in enumerate(self.sections) if (p := f.problem())}

    def field_for(self, key: str) -> NumberField | None:
        if key.startswith("section_"):
            return self.sections[int(key.split("_")[1]) - 1]
        return None

    def record(self, on: dt.date | None, timepoint: str, notes: str) -> list[uuid.UUID]:
        return [
            self.services.outcomes.record_odi(
                self.patient_id,
                self._answers(),
                assessed_on=on,
                today=self.today(),
                timepoint=timepoint,
                notes=notes,
            )
        ]


# ----------------------------------------------------------------------------------------- RMDQ


class RmdqDialog(OutcomeDialog):
    instrument = "rmdq"
    title = "Roland-Morris Disability Questionnaire (RMDQ)"

    def build(self, body: QWidget) -> None:
        wording = self.settings.rmdq_wording
        grid = QGridLayout(body)
        self.items: list[QCheckBox] = []
        for i in range(RMDQ_ITEM_COUNT):
            text = wording.items[i] if wording is not None else RMDQ_ITEMS[i]
            box = QCheckBox(f"{text}: yes")
            box.setObjectName(f"rmdq_item_{i + 1}")
            box.setAccessibleName(f"RMDQ item {i + 1}: yes")
            box.toggled.connect(self.changed)
            grid.addWidget(box, i % 12, i // 12)
            self.items.append(box)

    def update_score(self) -> None:
        yes = sum(b.isChecked() for b in self.items)
        self.score.setText(f"RMDQ {yes} / 24")

    def values(self) -> dict[str, Any]:
        return {"items": [b.isChecked() for b in self.items]}

    def restore_values(self, values: dict[str, Any]) -> None:
        for box, value in zip(self.items, values.get("items", []), strict=False):
            box.setChecked(bool(value))

    def problems(self) -> dict[str, str]:
        return {}

    def record(self, on: dt.date | None, timepoint: str, notes: str) -> list[uuid.UUID]:
        return [
            self.services.outcomes.record_rmdq(
                self.patient_id,
                [b.isChecked() for b in self.items],
                assessed_on=on,
                today=self.today(),
                timepoint=timepoint,
                notes=notes,
            )
        ]


# ----------------------------------------------------------------------------------------- NPRS


class NprsDialog(OutcomeDialog):
    instrument = "nprs"
    title = "Pain (NPRS 0-10, last 24 hours)"

    def build(self, body: QWidget) -> None:
        form = FieldForm(body)
        layout = QVBoxLayout(body)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(form)
        self.back = NumberField(
            "Back pain (0-10)", low=0, high=10, message="Pain must be a whole number from 0 to 10."
        )
        self.back.setObjectName("nprs_back")
        self.leg = NumberField(
            "Leg pain (0-10)", low=0, high=10, message="Pain must be a whole number from 0 to 10."
        )
        self.leg.setObjectName("nprs_leg")
        form.add("back", "&Back pain (0-10)", self.back)
        form.add("leg", "&Leg pain (0-10)", self.leg)
        self.back.use_error_label(form.errors["back"])
        self.leg.use_error_label(form.errors["leg"])
        self.back.textChanged.connect(self.changed)
        self.leg.textChanged.connect(self.changed)

    def update_score(self) -> None:
        back, leg = self.back.int_value(), self.leg.int_value()
        self.score.setText(
            f"Back pain {'–' if back is None else back}/10, "
            f"leg pain {'–' if leg is None else leg}/10"
        )
        self.score.setStyleSheet(SCORE_STYLE)

    def values(self) -> dict[str, Any]:
        return {"back": self.back.text(), "leg": self.leg.text()}

    def restore_values(self, values: dict[str, Any]) -> None:
        self.back.setText(values.get("back", ""))
        self.leg.setText(values.get("leg", ""))

    def problems(self) -> dict[str, str]:
        out = {k: p for k, f in (("back", self.back), ("leg", self.leg)) if (p := f.problem())}
        if not out and self.back.value() is None and self.leg.value() is None:
            out["back"] = "Enter back pain, leg pain or both (0 to 10)."
        return out

    def field_for(self, key: str) -> NumberField | None:
        return {"back": self.back, "leg": self.leg}.get(key)

    def record(self, on: dt.date | None, timepoint: str, notes: str) -> list[uuid.UUID]:
        return self.services.outcomes.record_nprs(
            self.patient_id,
            back=self.back.int_value(),
            leg=self.leg.int_value(),
            assessed_on=on,
            today=self.today(),
            timepoint=timepoint,
            notes=notes,
        )


# -------------------------------------------------------------------------------- walking tests


def _distance_unit(units: str) -> str:
    return "ft" if units == "imperial" else "m"


def _to_si(value: float | None, units: str) -> float | None:
    if value is None:
        return None
    return feet_to_metres(value) if units == "imperial" else value


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

    def build(self, body: QWidget) -> None:
        form = FieldForm(body)
        layout = QVBoxLayout(body)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(form)
        limit = WALK_LIMITS[self.test]
        if limit.unit == "m":
            unit = _distance_unit(self.units)
            high = metres_to_feet(limit.high) if self.units == "imperial" else limit.high
            label = f"D&istance ({unit})"
            self.value_field = NumberField(
                label,
                low=0,
                high=high,
                integer=False,
                low_inclusive=False,
                message=walk_value_error(self.test, -1.0, self.units) or "",
            )
        else:
            label = "&Time (seconds)"
            self.value_field = NumberField(
                label,
                low=limit.low,
                high=limit.high,
                integer=False,
                message=walk_value_error(self.test, -1.0, self.units) or "",
            )
        self.value_field.setObjectName("walkValue")
        form.add("value", label, self.value_field)
        self.value_field.use_error_label(form.errors["value"])
        self.value_field.textChanged.connect(self.changed)

    def update_score(self) -> None:
        value = self.value_field.value()
        unit = _distance_unit(self.units) if WALK_LIMITS[self.test].unit == "m" else "s"
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
        if WALK_LIMITS[self.test].unit == "m":
            value = _to_si(value, self.units)
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


class SixMinuteWalkDialog(OutcomeDialog):
    instrument = "walk_6min"
    title = "6-minute walk test (ATS 2002)"

    def build(self, body: QWidget) -> None:
        form = FieldForm(body)
        layout = QVBoxLayout(body)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(form)
        unit = _distance_unit(self.units)
        imperial = self.units == "imperial"

        def conv(m: float) -> float:
            return metres_to_feet(m) if imperial else m

        self.f: dict[str, NumberField] = {}

        def add(key: str, label: str, **kw: Any) -> NumberField:
            field = NumberField(label, **kw)
            field.setObjectName(f"six_{key}")
            form.add(key, label, field)
            field.use_error_label(form.errors[key])
            field.textChanged.connect(self.changed)
            self.f[key] = field
            return field

        course = add(
            "course_length_m",
            f"&Course length ({unit})",
            low=conv(MIN_COURSE_M),
            high=conv(MAX_COURSE_M),
            integer=False,
            required=True,
            message=f"Course length: {format_number(conv(MIN_COURSE_M), 0)} to "
            f"{format_number(conv(MAX_COURSE_M), 0)} {unit} (ATS: 30 m).",
        )
        course.set_value(round(conv(30.0), 1))
        add(
            "laps",
            "&Laps completed",
            low=0,
            high=MAX_LAPS,
            required=True,
            message=f"Laps: a whole number from 0 to {MAX_LAPS}.",
        )
        add(
            "partial_lap_m",
            f"Part&ial lap ({unit})",
            low=0,
            high=conv(MAX_COURSE_M),
            integer=False,
            message="Partial lap: 0 or more, shorter than the course.",
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
        for key, label in (
            ("effort_before", "Effort &before (0-10)"),
            ("effort_after", "Effort &after (0-10)"),
            ("breathlessness_before", "Breat&hlessness before (0-10)"),
            ("breathlessness_after", "Breathlessness afte&r (0-10)"),
        ):
            add(key, label, low=0, high=10, message="A whole number from 0 to 10.")
        for key, label in (
            ("heart_rate_before", "Heart rate before (bpm, optional)"),
            ("heart_rate_after", "Heart rate after (bpm, optional)"),
        ):
            add(key, label, low=30, high=230, message="Heart rate: 30 to 230 beats per minute.")
        for key, label in (
            ("spo2_before", "SpO2 before (%, optional)"),
            ("spo2_after", "SpO2 after (%, optional)"),
        ):
            add(key, label, low=50, high=100, message="SpO2: a whole number from 50 to 100 %.")

    def entry(self) -> SixMinuteWalkEntry:
        f = self.f
        imperial = self.units == "imperial"

        def si(key: str) -> float | None:
            value = f[key].value()
            if value is None:
                return None
            return feet_to_metres(value) if imperial else value

        ints = {
            k: f[k].int_value()
            for k in (
                "laps",
                "rests",
                "effort_before",
                "effort_after",
                "breathlessness_before",
                "breathlessness_after",
                "heart_rate_before",
                "heart_rate_after",
                "spo2_before",
                "spo2_after",
            )
        }
        return SixMinuteWalkEntry(
            course_length_m=si("course_length_m"),
            partial_lap_m=si("partial_lap_m") or 0.0,
            stop_reason=self.stop_reason.text(),
            **ints,
        )

    def update_score(self) -> None:
        if not hasattr(self, "f"):
            return
        unit = _distance_unit(self.units)
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

        def show(m: float) -> str:
            return format_number(metres_to_feet(m) if self.units == "imperial" else m, 0)

        text = f"Distance {show(result.distance_m)} {unit}"
        if result.percent_predicted is not None and result.predicted_m is not None:
            text += (
                f" — {format_number(result.percent_predicted, 0)}% of predicted "
                f"({show(result.predicted_m)} {unit}); lower limit of normal "
                f"{show(result.lower_limit_m or 0)} {unit}"
            )
            if result.lower_limit_m is not None and result.distance_m < result.lower_limit_m:
                text += " — below the lower limit of normal"
        self.score.setText(text)
        self.score.setToolTip(result.note)
        self.score.setStyleSheet(SCORE_STYLE)

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


FORMS: dict[str, tuple[str, Callable[..., OutcomeDialog]]] = {
    "odi": ("&ODI…", OdiDialog),
    "rmdq": ("&RMDQ…", RmdqDialog),
    "nprs": ("&Pain (NPRS)…", NprsDialog),
    "walk_6min": ("&6-minute walk…", SixMinuteWalkDialog),
    "walk_5min": ("&5-minute walk…", lambda *a, **k: WalkTestDialog(*a, test="walk_5min", **k)),
    "walk_50ft_preferred": (
        "50-foot walk, pref&erred…",
        lambda *a, **k: WalkTestDialog(*a, test="walk_50ft_preferred", **k),
    ),
    "walk_50ft_fastest": (
        "50-foot walk, &fastest…",
        lambda *a, **k: WalkTestDialog(*a, test="walk_50ft_fastest", **k),
    ),
    "tug": ("&Timed Up and Go…", lambda *a, **k: WalkTestDialog(*a, test="tug", **k)),
}
