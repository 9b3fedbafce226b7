"""The questionnaire forms: Oswestry Disability Index, Roland-Morris and the pain ratings (NPRS).

The ODI and RMDQ show neutral item names unless the clinic has loaded the licensed wording in
Settings.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from PySide6.QtWidgets import QCheckBox, QGridLayout, QLabel, QWidget

from rehab_tracker.domain.instruments import (
    ODI_SECTION_COUNT,
    ODI_SECTIONS,
    RMDQ_ITEM_COUNT,
    RMDQ_ITEMS,
)
from rehab_tracker.domain.sessions import PAIN_MESSAGE
from rehab_tracker.domain.units import format_number
from rehab_tracker.services.outcomes import score_odi
from rehab_tracker.ui.outcomes.outcome_forms.base import SCORE_STYLE, OutcomeDialog, body_form
from rehab_tracker.ui.widgets.fields import NumberField

# ------------------------------------------------------------------------------------------ ODI


class OdiDialog(OutcomeDialog):
    instrument = "odi"
    title = "Oswestry Disability Index (ODI)"

    def build(self, body: QWidget) -> None:
        grid = QGridLayout(body)
        grid.addWidget(QLabel("<b>Section</b>"), 0, 0)
        grid.addWidget(QLabel("<b>Score 0-5 (empty = not answered)</b>"), 0, 1)
        self.sections: list[NumberField] = []
        for i in range(ODI_SECTION_COUNT):
            label, field = self._section(i)
            grid.addWidget(label, i + 1, 0)
            grid.addWidget(field.with_error(), i + 1, 1)
            self.sections.append(field)
        note = QLabel(self._wording_note())
        note.setWordWrap(True)
        grid.addWidget(note, ODI_SECTION_COUNT + 1, 0, 1, 2)

    def _section(self, i: int) -> tuple[QLabel, NumberField]:
        """Section ``i``'s label (Alt+1..Alt+9, Alt+0) and its 0-5 field."""
        wording = self.settings.odi_wording
        title = wording.sections[i].title if wording is not None else ODI_SECTIONS[i].capitalize()
        number = f"&{i + 1}" if i < 9 else "1&0"
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
        return label, field

    def _wording_note(self) -> str:
        wording = self.settings.odi_wording
        source = (
            f"The questionnaire's own wording is shown (licence {wording.licence})."
            if wording is not None
            else "Each section is shown by its topic only: the questionnaire's own wording is "
            "licensed, and a clinic with a licence can load it in Settings."
        )
        rule = self.settings.odi_max_missing
        sections = "section" if rule == 1 else "sections"
        if rule is None:
            scored = "A score is given however many sections are unanswered."
        elif rule == 0:
            scored = "A score is given only when every section is answered."
        else:
            scored = f"A score is given with up to {rule} {sections} unanswered."
        return f"{source} {scored}"

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
        form = body_form(body)
        self.back = NumberField("Back pain (0-10)", low=0, high=10, message=PAIN_MESSAGE)
        self.back.setObjectName("nprs_back")
        self.leg = NumberField("Leg pain (0-10)", low=0, high=10, message=PAIN_MESSAGE)
        self.leg.setObjectName("nprs_leg")
        self.add_number(form, "back", "&Back pain (0-10)", self.back)
        self.add_number(form, "leg", "&Leg pain (0-10)", self.leg)

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
