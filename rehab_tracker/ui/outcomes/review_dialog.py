"""One assessment screen per time point (issue 11 item 4): the ODI, the RMDQ, back and leg pain
and the walking tests of a review together, each recorded or skipped with a reason, saved in one
unit of work (:meth:`~rehab_tracker.services.outcomes.review.AssessmentReviews.record_review`).

The screen opens at the first review due and not complete, the time point every outcome form
defaults to (:func:`rehab_tracker.domain.assessments.default_timepoint`), says which instruments
the review still needs (updated on every edit: what is typed or skipped as Save would take it
comes off the line), and marks each instrument as scheduled for it or optional. What is typed is
checked as typed (the range beside each field); the service checks everything again and its messages
show at their fields; nothing is saved until all of it is right.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable, Iterable
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
    QVBoxLayout,
    QWidget,
)

from rehab_tracker.domain.instruments import ODI_SECTION_COUNT, ODI_SECTIONS, RMDQ_ITEM_COUNT
from rehab_tracker.domain.review import REVIEW_TIMEPOINTS, instrument_name, skip_reason_error
from rehab_tracker.domain.sessions import (
    MAX_COURSE_M,
    MAX_LAPS,
    MAX_RESTS,
    MIN_COURSE_M,
    PAIN_MESSAGE,
    WALK_LIMITS,
    SixMinuteWalkEntry,
    lap_length_m,
    walk_value_error,
)
from rehab_tracker.domain.units import format_number
from rehab_tracker.services.container import Services
from rehab_tracker.services.drafts import outcome_key
from rehab_tracker.services.outcomes import TIMEPOINTS, score_odi
from rehab_tracker.services.outcomes.review import SINGLE_WALKS, ReviewEntry, ReviewPlan
from rehab_tracker.ui.outcomes.outcome_forms.walk_tests import distance_unit, from_si, to_si
from rehab_tracker.ui.shell.actions import run_action
from rehab_tracker.ui.widgets import dialogs
from rehab_tracker.ui.widgets.date_field import DateField
from rehab_tracker.ui.widgets.fields import (
    DraftAutosaver,
    NumberField,
    add_number_field,
    typed_date_errors,
)
from rehab_tracker.ui.widgets.forms import FieldForm, error_label, push_button
from rehab_tracker.ui.widgets.scroll import scrolled

TITLE = "Assessment"
#: the screen's draft is ``outcome:<patient id>:assessment`` (Session > Resume Unsaved Draft)
DRAFT_NAME = "assessment"
#: the group boxes of the screen: (title, the instruments in it)
GROUPS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("Oswestry Disability Index (ODI)", ("odi",)),
    ("Roland-Morris Disability Questionnaire (RMDQ)", ("rmdq",)),
    ("Pain (NPRS 0-10, last 24 hours)", ("nprs_back", "nprs_leg")),
    ("Walking tests", ("walk_5min", "walk_50ft_preferred", "walk_50ft_fastest", "tug")),
    ("6-minute walk (ATS 2002)", ("walk_6min",)),
)

#: the instruments' short names, in the skip reasons' labels
SHORT_NAMES: dict[str, str] = {
    "odi": "the ODI",
    "rmdq": "the RMDQ",
    "nprs_back": "back pain",
    "nprs_leg": "leg pain",
    "walk_5min": "the 5-minute walk",
    "walk_50ft_preferred": "the 50-foot walk (preferred)",
    "walk_50ft_fastest": "the 50-foot walk (fastest)",
    "walk_6min": "the 6-minute walk",
    "tug": "the TUG",
}


class InstrumentPart:
    """One instrument's Skip box and its reason, in the instrument's form; ``inputs`` are the
    fields Skip disables."""

    def __init__(self, code: str, form: FieldForm) -> None:
        self.code = code
        self.form = form
        self.name = instrument_name(code)
        self.inputs: list[QWidget] = []
        self.skip = form.add(f"skipped.{code}", "", QCheckBox(f"Skip: {self.name}"))
        self.skip.setObjectName(f"skip_{code}")
        self.skip.setAccessibleName(f"Skip: {self.name}")
        self.reason = form.add(f"skip.{code}", f"Why {SHORT_NAMES[code]} is skipped", QLineEdit())
        self.reason.setObjectName(f"skip_reason_{code}")
        self.reason.setPlaceholderText("e.g. patient unwell today, no corridor free")
        self.skip.toggled.connect(self.sync)
        self.sync()

    def sync(self) -> None:
        """The reason shows (and takes the focus) once Skip is ticked; the fields are off."""
        skipped = self.skip.isChecked()
        self.form.set_row_visible(f"skip.{self.code}", skipped)
        self.reason.setEnabled(skipped)
        if skipped and self.skip.hasFocus():
            self.reason.setFocus(Qt.FocusReason.OtherFocusReason)
        for widget in self.inputs:
            widget.setEnabled(not skipped)

    @property
    def skipped(self) -> bool:
        return self.skip.isChecked()


class AssessmentDialog(QDialog):
    """The review of one patient at one time point; ``saved_ids`` once saved."""

    def __init__(
        self,
        services: Services,
        patient_id: uuid.UUID,
        today: Callable[[], dt.date],
        *,
        timepoint: str | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("assessmentDialog")
        self.setWindowTitle(TITLE)
        self.services = services
        self.patient_id = patient_id
        self.today = today
        self.saved_ids: list[uuid.UUID] = []
        settings = services.settings.load()
        self.units = settings.units
        self.odi_max_missing = settings.odi_max_missing
        record = services.patients.record(patient_id)
        self.surgery_date = record.surgery.surgery_date if record.surgery else None
        self.patient_name = f"{record.details.given_name} {record.details.family_name}"
        self.parts: dict[str, InstrumentPart] = {}
        self.forms: list[FieldForm] = []
        self.numbers: dict[str, NumberField] = {}
        self.groups: dict[str, QGroupBox] = {}
        start = timepoint or services.outcomes.review_timepoint(patient_id, today=today())
        self._build_header(start)
        boxes = [self._build_group(title, codes) for title, codes in GROUPS]
        self._build_buttons()
        self.notes = QLineEdit()
        self.notes.setObjectName("assessmentNotes")
        notes_form = FieldForm()
        notes_form.add("notes", "N&otes", self.notes)
        layout = QVBoxLayout(self)
        layout.addWidget(self.banner)
        name = QLabel(f"<b>{self.patient_name}</b>")
        layout.addWidget(
            scrolled(name, self.header, self.plan_label, *boxes, notes_form, stretch=True), 1
        )
        layout.addLayout(self.buttons)
        dialogs.fit_to_screen(self, 900, 820)
        self.timepoint.currentIndexChanged.connect(self.show_plan)
        self.date.dateChanged.connect(self.check_date)
        self._start_autosave()
        self.on_every_edit(self.show_still_to_do)
        self.show_plan()
        self.update_scores()
        self.date.setFocus(Qt.FocusReason.OtherFocusReason)

    # --- building --------------------------------------------------------------------------

    def _build_header(self, timepoint: str) -> None:
        self.banner = error_label()
        self.banner.setObjectName("assessmentErrors")
        self.banner.setAccessibleName("Not saved")
        self.header = FieldForm()
        self.date = self.header.add("assessed_on", "&Date", DateField(self.today()))
        self.timepoint = self.header.add("timepoint", "&Time point", QComboBox())
        for code in REVIEW_TIMEPOINTS:
            self.timepoint.addItem(TIMEPOINTS[code], code)
        self.timepoint.setCurrentIndex(max(0, self.timepoint.findData(timepoint)))
        self.plan_label = QLabel()
        self.plan_label.setObjectName("assessmentPlan")
        self.plan_label.setAccessibleName("What the review needs")
        self.plan_label.setWordWrap(True)

    def _build_group(self, title: str, codes: tuple[str, ...]) -> QGroupBox:
        box = QGroupBox(title)
        box.setObjectName(f"group_{codes[0]}")
        column = QVBoxLayout(box)
        for code in codes:
            form = FieldForm()
            self.forms.append(form)
            self.parts[code] = InstrumentPart(code, form)  # Skip first: seen before the fields
            self._build_instrument(code, form, column)
            self.parts[code].inputs = self._inputs_of(code)
            self.parts[code].sync()
            self.groups[code] = box
        return box

    def _build_instrument(self, code: str, form: FieldForm, column: QVBoxLayout) -> None:
        if code == "odi":
            self._build_odi(form, column)
        elif code == "rmdq":
            self._build_rmdq(form, column)
        elif code in ("nprs_back", "nprs_leg"):
            where = "back" if code == "nprs_back" else "leg"
            field = NumberField(f"{where.title()} pain (0-10)", low=0, high=10,
                                message=PAIN_MESSAGE)
            field.setObjectName(code)
            self._number(form, f"nprs.{where}", f"{where.title()} pain (0-10)", field)
            column.addWidget(form)
        elif code == "walk_6min":
            self._build_six_minute(form, column)
        else:
            self._build_walk(code, form, column)

    def _number(self, form: FieldForm, key: str, label: str, field: NumberField) -> NumberField:
        add_number_field(form, key, label, field)
        field.textChanged.connect(self.update_scores)
        self.numbers[key] = field
        return field

    def _build_odi(self, form: FieldForm, column: QVBoxLayout) -> None:
        self.odi_score = QLabel()
        self.odi_score.setObjectName("odiScore")
        self.odi_score.setAccessibleName("ODI score")
        column.addWidget(self.odi_score)
        self.odi_fields = []
        for i in range(ODI_SECTION_COUNT):
            label = f"{i + 1}. {ODI_SECTIONS[i].capitalize()} (0-5)"
            field = NumberField(label, low=0, high=5,
                                message=f"Section {i + 1}: a whole number from 0 to 5, or empty.")
            field.setObjectName(f"odi_section_{i + 1}")
            self.odi_fields.append(self._number(form, f"odi.section_{i + 1}", label, field))
        note = QLabel(
            "Leave a section empty if it was not answered. Each section is shown by its "
            "topic only: the questionnaire's own wording is licensed."
        )
        note.setWordWrap(True)
        form.add("odi.sections", "", note)
        column.addWidget(form)

    def _build_rmdq(self, form: FieldForm, column: QVBoxLayout) -> None:
        self.rmdq_record = QCheckBox("Record the RMDQ (an unticked item is a 'no')")
        self.rmdq_record.setObjectName("rmdqRecord")
        self.rmdq_record.setAccessibleName("Record the RMDQ (an unticked item is a 'no')")
        form.add("rmdq.items", "", self.rmdq_record)
        column.addWidget(form)
        items = QWidget()
        grid = QGridLayout(items)
        self.rmdq_items: list[QCheckBox] = []
        for i in range(RMDQ_ITEM_COUNT):
            item = QCheckBox(f"RMDQ item {i + 1}: yes")
            item.setObjectName(f"rmdq_item_{i + 1}")
            item.setAccessibleName(f"RMDQ item {i + 1}: yes")
            item.toggled.connect(self.update_scores)
            grid.addWidget(item, i // 3, i % 3)  # three columns fit a narrow window at 200%
            self.rmdq_items.append(item)
        self.rmdq_items_box = items
        self.rmdq_score = QLabel()
        self.rmdq_score.setObjectName("rmdqScore")
        self.rmdq_score.setAccessibleName("RMDQ score")
        column.addWidget(items)
        column.addWidget(self.rmdq_score)
        self.rmdq_record.toggled.connect(self._sync_rmdq)
        self._sync_rmdq()

    def _sync_rmdq(self) -> None:
        on = self.rmdq_record.isChecked() and self.rmdq_record.isEnabled()
        self.rmdq_items_box.setEnabled(on)
        self.update_scores()

    def _build_walk(self, code: str, form: FieldForm, column: QVBoxLayout) -> None:
        limit = WALK_LIMITS[code]
        message = walk_value_error(code, -1.0, self.units) or ""
        if limit.unit == "m":
            label = f"{instrument_name(code)}: distance ({distance_unit(self.units)})"
            field = NumberField(label, low=0, high=from_si(limit.high, self.units), integer=False,
                                low_inclusive=False, message=message)
        else:
            label = f"{instrument_name(code)}: time (seconds)"
            field = NumberField(label, low=limit.low, high=limit.high, integer=False,
                                message=message)
        field.setObjectName(code)
        self._number(form, f"{code}.value", label, field)
        column.addWidget(form)

    def _build_six_minute(self, form: FieldForm, column: QVBoxLayout) -> None:
        unit = distance_unit(self.units)
        low, high = from_si(MIN_COURSE_M, self.units), from_si(MAX_COURSE_M, self.units)
        course = NumberField(f"Course length ({unit})", low=low, high=high, integer=False,
                             message=f"Course length: {format_number(low, 0)} to "
                             f"{format_number(high, 0)} {unit} (ATS: 30 m).")
        course.setObjectName("six_course_length_m")
        self._number(form, "walk_6min.course_length_m", f"Course length ({unit})", course)
        course.set_value(round(from_si(30.0, self.units), 1))
        laps = NumberField("Laps (out and back to the start line)", low=0, high=MAX_LAPS,
                           message=f"Laps: a whole number from 0 to {MAX_LAPS}.")
        laps.setObjectName("six_laps")
        self._number(form, "walk_6min.laps", "Laps (out and back to the start line)", laps)
        partial = NumberField(f"Final partial lap ({unit})", low=0,
                              high=from_si(lap_length_m(MAX_COURSE_M), self.units),
                              integer=False,
                              message="Final partial lap: 0 or more, shorter than a lap.")
        partial.setObjectName("six_partial_lap_m")
        self._number(form, "walk_6min.partial_lap_m", f"Final partial lap ({unit})", partial)
        rests = NumberField("Rests taken", low=0, high=MAX_RESTS,
                            message=f"Rests: a whole number from 0 to {MAX_RESTS}.")
        rests.setObjectName("six_rests")
        self._number(form, "walk_6min.rests", "Rests taken", rests)
        note = QLabel("A lap is out to the turn and back to the start line (60 m on a 30 m "
                      "course). Effort, breathlessness, heart rate and SpO2: Outcomes > Record "
                      "6-minute walk.")
        note.setWordWrap(True)
        column.addWidget(note)
        column.addWidget(form)

    def _inputs_of(self, code: str) -> list[QWidget]:
        """The fields of ``code`` that Skip disables."""
        if code == "odi":
            return list(self.odi_fields)
        if code == "rmdq":
            return [self.rmdq_record, self.rmdq_items_box]
        if code == "walk_6min":
            return [f for k, f in self.numbers.items() if k.startswith("walk_6min.")]
        if code in ("nprs_back", "nprs_leg"):
            return [self.numbers[f"nprs.{'back' if code == 'nprs_back' else 'leg'}"]]
        return [self.numbers[f"{code}.value"]]

    def _build_buttons(self) -> None:
        """Draft status, Discard draft, Close (keep draft) and Save (also Ctrl+S), as every
        outcome form has."""
        self.status = QLabel()
        self.status.setAccessibleName("Draft status")
        self.save_button = push_button("&Save", "saveAssessment", "Save")
        self.save_button.setDefault(True)
        self.save_button.clicked.connect(self.save)
        close = push_button("Close (keep draft)", "closeAssessment", "Close, keep draft")
        close.clicked.connect(self.reject)
        discard = push_button("Discard draft", "discardAssessment", "Discard draft")
        discard.clicked.connect(self.discard)
        QShortcut(QKeySequence("Ctrl+S"), self, self.save)
        self.buttons = QHBoxLayout()
        self.buttons.addWidget(self.status, 1)
        self.buttons.addWidget(discard)
        self.buttons.addWidget(close)
        self.buttons.addWidget(self.save_button)

    # --- the draft -------------------------------------------------------------------------

    def _start_autosave(self) -> None:
        """Restore this patient's draft of the screen, then save each edit as the new draft
        (``outcome:<patient>:assessment``, like every outcome form)."""
        self.autosave = DraftAutosaver(
            self.services.drafts, outcome_key(self.patient_id, DRAFT_NAME), self.payload, self
        )
        draft = self.services.drafts.load(self.autosave.key)
        if draft is not None:  # with the time point it was typed for, whatever was asked
            self.restore_payload(draft.payload)
            point = TIMEPOINTS.get(str(self.timepoint.currentData()), "")
            self.status.setText(
                f"Draft restored ({point}): your unsaved entries are back."
            )
        self.date.dateChanged.connect(self.autosave.touch)
        self.timepoint.currentIndexChanged.connect(self.autosave.touch)
        self.notes.textChanged.connect(self.autosave.touch)
        self.on_every_edit(self.autosave.touch)

    def on_every_edit(self, slot: Callable[[], None]) -> None:
        """Call ``slot`` on every edit of an instrument: a value typed, an RMDQ box, a Skip or
        its reason."""
        for field in self.numbers.values():
            field.textChanged.connect(slot)
        for box in (self.rmdq_record, *self.rmdq_items):
            box.toggled.connect(slot)
        for part in self.parts.values():
            part.skip.toggled.connect(slot)
            part.reason.textChanged.connect(slot)

    def payload(self) -> dict[str, Any]:
        on = self.date.value()
        return {
            "assessed_on": on.isoformat() if on else None,
            "timepoint": self.timepoint.currentData(),
            "notes": self.notes.text(),
            "numbers": {key: field.text() for key, field in self.numbers.items()},
            "rmdq_record": self.rmdq_record.isChecked(),
            "rmdq": [b.isChecked() for b in self.rmdq_items],
            "skips": {c: [p.skip.isChecked(), p.reason.text()] for c, p in self.parts.items()},
        }

    def restore_payload(self, data: dict[str, Any]) -> None:
        if data.get("assessed_on"):
            self.date.set_value(dt.date.fromisoformat(data["assessed_on"]))
        index = self.timepoint.findData(data.get("timepoint"))
        if index >= 0:
            self.timepoint.setCurrentIndex(index)
        self.notes.setText(str(data.get("notes", "")))
        for key, text in (data.get("numbers") or {}).items():
            if key in self.numbers:
                self.numbers[key].setText(str(text))
        self.rmdq_record.setChecked(bool(data.get("rmdq_record")))
        for box, value in zip(self.rmdq_items, data.get("rmdq") or [], strict=False):
            box.setChecked(bool(value))
        for code, (ticked, reason) in (data.get("skips") or {}).items():
            if code in self.parts:
                self.parts[code].skip.setChecked(bool(ticked))
                self.parts[code].reason.setText(str(reason))

    def discard(self) -> None:
        if dialogs.confirm(self, "Discard draft", "Discard what was typed on this screen?"):
            self.autosave.discard()
            super().reject()

    def reject(self) -> None:
        self.autosave.flush_pending()
        super().reject()

    # --- showing ---------------------------------------------------------------------------

    def plan(self) -> ReviewPlan:
        return self.services.outcomes.review_plan(
            self.patient_id, self.timepoint.currentData(), today=self.today()
        )

    def show_plan(self) -> None:
        """What the chosen review needs, and each instrument marked scheduled or optional."""
        plan = self.current_plan = self.plan()
        self.setWindowTitle(f"{TITLE} - {TIMEPOINTS[plan.timepoint]} - {self.patient_name}")
        self.show_still_to_do()
        for code, part in self.parts.items():
            wanted = code in plan.instruments
            text = f"Skip: {part.name}" + ("" if wanted else " (optional here)")
            part.skip.setText(text)
            part.skip.setAccessibleName(text)
        for title, codes in GROUPS:
            listed = [c for c in codes if c in plan.instruments]
            self.groups[codes[0]].setTitle(title + (" — scheduled" if listed else " — optional"))

    def entered(self) -> set[str]:
        """The instruments the screen would record or skip now, as Save takes them: values
        typed that are right (an ODI with a score), a Skip ticked with a reason."""
        problems = self.typed_problems(check_date=False)
        entry = self.entry()
        out = {c for c in entry.recorded() if not any(_owner(k) == c for k in problems)}
        if entry.odi is not None and score_odi(entry.odi, self.odi_max_missing).percent is None:
            out.discard("odi")
        out |= {c for c, reason in entry.skips.items() if skip_reason_error(reason) is None}
        return out

    def show_still_to_do(self) -> None:
        """The line of what the review still needs, less what the screen holds now."""
        plan = getattr(self, "current_plan", None)
        if plan is None:  # still building
            return
        if plan.due_date is None:
            self.plan_label.setText(
                f"No {TIMEPOINTS[plan.timepoint].lower()} review is scheduled in this program: "
                "every instrument is optional."
            )
            return
        head = f"{plan.label}, due {plan.due_date.isoformat()}"
        missing = [c for c in plan.missing if c not in self.entered()]
        if not plan.missing:
            text = (f"{head}: done (every instrument recorded or skipped). Anything saved now "
                    "is added to it.")
        elif missing:
            text = f"{head}: still to record or skip: {_names(missing)}."
        else:
            text = f"{head}: nothing left to record or skip: Save completes it."
        self.plan_label.setText(text)

    def update_scores(self) -> None:
        if not hasattr(self, "rmdq_score"):  # still building
            return
        if any(f.problem() for f in self.odi_fields):
            self.odi_score.setText("ODI: fix the sections marked in red.")
        elif not any(f.text().strip() for f in self.odi_fields):
            self.odi_score.setText("ODI: not recorded.")
        else:
            result = score_odi([f.int_value() for f in self.odi_fields], self.odi_max_missing)
            self.odi_score.setText(
                f"ODI: no score yet ({result.answered}/10 sections answered)."
                if result.percent is None
                else f"ODI {format_number(result.percent)}% — {result.band} "
                f"({result.answered}/10 sections answered)"
            )
        yes = sum(b.isChecked() for b in self.rmdq_items)
        self.rmdq_score.setText(
            f"RMDQ {yes} / 24" if self.rmdq_record.isChecked() else "RMDQ: not recorded."
        )

    def check_date(self) -> bool:
        errors = typed_date_errors(self.date, "assessed_on", today=self.today(),
                                   surgery_date=self.surgery_date)
        self.header.show_error("assessed_on", errors.get("assessed_on", ""))
        return not errors

    # --- saving ----------------------------------------------------------------------------

    def entry(self) -> ReviewEntry:
        """What the screen holds, as the service takes it (SI values)."""
        parts, n = self.parts, self.numbers

        def given(code: str) -> bool:
            return not parts[code].skipped

        odi = None
        if given("odi") and any(f.text().strip() for f in self.odi_fields):
            odi = [f.int_value() for f in self.odi_fields]
        rmdq = None
        if given("rmdq") and self.rmdq_record.isChecked():
            rmdq = [b.isChecked() for b in self.rmdq_items]
        walks = {
            code: (to_si(n[f"{code}.value"].value(), self.units)
                   if WALK_LIMITS[code].unit == "m" else n[f"{code}.value"].value())
            for code in SINGLE_WALKS
            if given(code)
        }
        six = None
        if given("walk_6min") and n["walk_6min.laps"].text().strip():
            six = SixMinuteWalkEntry(
                course_length_m=to_si(n["walk_6min.course_length_m"].value(), self.units),
                laps=n["walk_6min.laps"].int_value(),
                partial_lap_m=to_si(n["walk_6min.partial_lap_m"].value(), self.units) or 0.0,
                rests=n["walk_6min.rests"].int_value() or 0,
            )
        return ReviewEntry(
            timepoint=self.timepoint.currentData(),
            assessed_on=self.date.value(),
            odi=odi,
            rmdq=rmdq,
            back_pain=n["nprs.back"].int_value() if given("nprs_back") else None,
            leg_pain=n["nprs.leg"].int_value() if given("nprs_leg") else None,
            walks={k: v for k, v in walks.items() if v is not None},
            six_minute=six,
            skips={c: p.reason.text() for c, p in parts.items() if p.skipped},
            notes=self.notes.text(),
        )

    def typed_problems(self, *, check_date: bool = True) -> dict[str, str]:
        """What is wrong as typed in the fields not skipped (the service never sees it: a field
        that is not a number has no value); with ``check_date``, the date's too (shown)."""
        skipped = {c for c, p in self.parts.items() if p.skipped}
        out = {
            key: problem
            for key, field in self.numbers.items()
            if (problem := field.problem()) and _owner(key) not in skipped
        }
        if check_date and not self.check_date():
            out["assessed_on"] = self.header.errors["assessed_on"].text()
        return out

    def save(self) -> None:
        problems = self.typed_problems()
        if problems:
            self.show_errors(problems)
            return
        entry, today = self.entry(), self.today()
        done = run_action(
            self,
            lambda: self.services.outcomes.record_review(self.patient_id, entry, today=today),
            title=self.windowTitle(),
            form=self.show_errors,
        )
        if done:
            self.saved_ids = done.value
            self.autosave.discard()
            self.accept()

    def show_errors(self, errors: dict[str, str]) -> None:
        """Each message at its field, the others in the line at the top; the first field with
        one takes the focus."""
        shown: set[str] = set()
        for form in (self.header, *self.forms):
            for key in form.errors:
                form.show_error(key, errors.get(key, ""))
                if key in errors:
                    shown.add(key)
        others = [m for k, m in errors.items() if k not in shown]
        text = "Not saved. " + " ".join(others) if errors else ""
        if errors and not others:
            text = "Not saved: see the fields marked in red."
        self.banner.setText(text)
        self.banner.setVisible(bool(text))
        for form in (self.header, *self.forms):
            for key, widget in form.fields.items():
                if key in errors:
                    widget.setFocus(Qt.FocusReason.OtherFocusReason)
                    return


    def forms_error(self, key: str) -> str:
        """The message shown at field ``key`` ("" when none)."""
        for form in (self.header, *self.forms):
            if key in form.errors:
                return form.errors[key].text()
        return ""


def _names(codes: Iterable[str]) -> str:
    return ", ".join(instrument_name(c) for c in codes)


def _owner(key: str) -> str:
    """The instrument the field ``key`` belongs to ("nprs.back" -> "nprs_back")."""
    head, _, field = key.partition(".")
    if head == "nprs":
        return "nprs_back" if field == "back" else "nprs_leg"
    return head


def open_assessment(
    parent: QWidget | None,
    services: Services,
    patient_id: uuid.UUID,
    today: Callable[[], dt.date],
    timepoint: str | None = None,
) -> bool:
    """Show the screen modally for (patient, time point: None for today's); True once saved."""
    if timepoint not in REVIEW_TIMEPOINTS:
        timepoint = None  # "other" or unknown: the screen picks today's
    dialog = AssessmentDialog(services, patient_id, today, timepoint=timepoint, parent=parent)
    dialog.exec()
    return bool(dialog.saved_ids)
