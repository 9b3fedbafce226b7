"""Use cases of an assessment: ODI, RMDQ, NPRS, walking tests, their schedule and change.

Public API read by the Outcomes tab:

* :meth:`OutcomeService.changes` ``(patient_id) -> list[MeasureChange]``: for every measure with a
  baseline and a later value, the change from baseline interpreted in words with the clinic's
  thresholds (:func:`rehab_tracker.domain.scoring.change_interpretation`).
* :meth:`OutcomeService.history` ``(patient_id) -> list[OutcomeRow]``: every recorded value.
* :meth:`OutcomeService.schedule` ``(patient_id, today=...) -> list[AssessmentDue]``.

Questionnaires store their raw answers with the scoring rule id; walking tests store SI values
(metres or seconds) and their details. Deletes are soft and can be undone (:meth:`restore`).
"""

from __future__ import annotations

import datetime as dt
import functools
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from types import SimpleNamespace
from typing import Any

from sqlalchemy import Connection, Uuid, bindparam, null, select, union_all
from sqlalchemy.orm import Session

from rehab_tracker.data.database import Database
from rehab_tracker.data.models import (
    OutcomeAssessment,
    Program,
    ScheduledAssessment,
    WalkTest,
)
from rehab_tracker.data.types import utcnow
from rehab_tracker.domain.assessments import assessment_state
from rehab_tracker.domain.errors import Collector, ValidationError
from rehab_tracker.domain.instruments import ODI_SECTION_COUNT, RMDQ_ITEM_COUNT, odi_section_label
from rehab_tracker.domain.outcomes import baseline_and_latest, interpret_change, threshold_key
from rehab_tracker.domain.patients import age_on
from rehab_tracker.domain.scoring import (
    IncompleteResponse,
    Interpretation,
    nprs_rule_id,
    odi_band,
    odi_rule_id,
    odi_score,
    rmdq_rule_id,
    rmdq_score,
    six_minute_walk_predicted,
)
from rehab_tracker.domain.sessions import (
    WALK_TEST_LABELS,
    WALK_TESTS,
    SixMinuteWalkEntry,
    check_date,
    validate_six_minute,
    walk_value_error,
)
from rehab_tracker.services import _lookup as lookup
from rehab_tracker.services.errors import NotFoundError
from rehab_tracker.services.settings import SettingsService

TIMEPOINTS: dict[str, str] = {
    "baseline": "Baseline",
    "mid": "Mid-program (week 6)",
    "end": "End of program (week 12)",
    "follow_up": "Follow-up",
    "other": "Other",
}
#: default schedule when the program has none: (timepoint, label, week; day 0 of that week)
DEFAULT_SCHEDULE: tuple[tuple[str, str, int], ...] = (
    ("baseline", "Baseline", 1),
    ("mid", "Mid-program (week 6)", 6),
    ("end", "End of program (week 12)", 12),
)
DEFAULT_INSTRUMENTS = ["odi", "nprs_back", "nprs_leg", "walk_6min"]
QUESTIONNAIRES: tuple[str, ...] = ("odi", "rmdq", "nprs_back", "nprs_leg")
MEASURE_LABELS: dict[str, str] = {
    "odi": "ODI",
    "rmdq": "RMDQ",
    "nprs_back": "Back pain (NPRS)",
    "nprs_leg": "Leg pain (NPRS)",
    **WALK_TEST_LABELS,
}


@dataclass(frozen=True)
class OdiResult:
    """A live ODI score: ``percent`` None when too many sections are missing (``problem``)."""

    percent: float | None
    band: str | None
    answered: int
    rule: str
    problem: str | None


def score_odi(sections: Sequence[int | None], max_missing: int | None) -> OdiResult:
    """The ODI score a form shows live (no database; values already checked 0-5)."""
    rule = odi_rule_id(max_missing)
    answered = sum(1 for s in sections if s is not None)
    try:
        percent = odi_score(list(sections), max_missing=max_missing)
    except (IncompleteResponse, ValueError) as exc:
        return OdiResult(None, None, answered, rule, str(exc))
    return OdiResult(percent, odi_band(percent), answered, rule, None)


@dataclass(frozen=True)
class OutcomeRow:
    """One recorded measure. ``kind`` "questionnaire" or "walk"; ``value`` in SI or points."""

    id: uuid.UUID
    kind: str
    measure: str
    label: str
    date: dt.date
    timepoint: str
    value: float
    unit: str
    detail: str
    deleted: bool = False

    @property
    def on(self) -> dt.date:
        """The record's date (what domain.outcomes.baseline_and_latest reads)."""
        return self.date


@dataclass(frozen=True)
class MeasureChange:
    """The change of one measure from baseline to the latest value.

    ``measure`` is the instrument or test code (``odi``, ``walk_6min``, ``walk_50ft_fastest``...),
    ``threshold_key`` the threshold it is judged by; ``interpretation.sentence`` is the plain-words
    summary, e.g. "ODI improved 18 points (from 42 to 24), more than the 10-point threshold.";
    ``threshold_source`` cites where the threshold comes from (or that the clinic changed it).
    """

    measure: str
    label: str
    threshold_key: str
    baseline_date: dt.date
    baseline: float
    latest_date: dt.date
    latest: float
    unit: str
    interpretation: Interpretation
    threshold_source: str

    @property
    def sentence(self) -> str:
        return self.interpretation.sentence


@dataclass(frozen=True)
class AssessmentDue:
    """One scheduled assessment: ``state`` "done", "due" (within a week) "overdue" or "upcoming"."""

    id: uuid.UUID | None
    timepoint: str
    label: str
    due_date: dt.date
    instruments: tuple[str, ...]
    state: str


@dataclass(frozen=True)
class SixMinuteWalkResult:
    distance_m: float
    predicted_m: float | None
    lower_limit_m: float | None
    percent_predicted: float | None
    note: str


@functools.cache
def _q() -> SimpleNamespace:
    """The read statements, built once on first use (not at import: start-up time)."""
    # The schedule is read on every patient selection (overview): statements built once.
    _P = bindparam("patient_id", type_=Uuid())
    _G = bindparam("program_id", type_=Uuid())
    _PROGRAMS = (
        select(Program.id, Program.start_date)
        .where(Program.patient_id == _P)
        .order_by(Program.start_date)
    )
    _SCHEDULED = select(
        ScheduledAssessment.id,
        ScheduledAssessment.timepoint,
        ScheduledAssessment.label,
        ScheduledAssessment.due_date,
        ScheduledAssessment.instruments,
    ).where(ScheduledAssessment.program_id == _G)
    # questionnaires (with their timepoint) and walking tests done: one statement
    _DONE: Any = union_all(
        select(OutcomeAssessment.assessed_on, OutcomeAssessment.timepoint).where(
            OutcomeAssessment.patient_id == _P, OutcomeAssessment.deleted_at.is_(None)
        ),
        select(WalkTest.performed_on, null()).where(
            WalkTest.patient_id == _P, WalkTest.deleted_at.is_(None)
        ),
    )
    return SimpleNamespace(
        programs=_PROGRAMS,
        scheduled=_SCHEDULED,
        done=_DONE,
    )


class OutcomeService:
    def __init__(self, db: Database, actor: str, settings: SettingsService | None = None) -> None:
        self.db = db
        self.actor = actor
        self.settings = settings or SettingsService(db, actor)

    # --- helpers ---------------------------------------------------------------------------

    @staticmethod
    def _program_id(session: Session, patient_id: uuid.UUID) -> uuid.UUID | None:
        ids = list(
            session.scalars(
                select(Program.id)
                .where(Program.patient_id == patient_id)
                .order_by(Program.start_date)
            )
        )
        return ids[-1] if ids else None

    def _check_date(
        self,
        session: Session,
        patient_id: uuid.UUID,
        date: dt.date | None,
        today: dt.date,
        field: str = "assessed_on",
    ) -> None:
        errors = Collector()
        surgery = lookup.latest_surgery_date(session, patient_id)
        check_date(date, field, errors, today=today, surgery_date=surgery, what="The date")
        errors.raise_if_any()

    def _questionnaire(
        self,
        patient_id: uuid.UUID,
        instrument: str,
        assessed_on: dt.date | None,
        answers: dict[str, Any],
        score: float,
        rule: str,
        timepoint: str,
        notes: str,
        today: dt.date,
    ) -> uuid.UUID:
        return self._add_record(
            patient_id,
            assessed_on,
            today,
            "assessed_on",
            timepoint,
            lambda program_id, on: OutcomeAssessment(
                created_by=self.actor,
                patient_id=patient_id,
                program_id=program_id,
                instrument=instrument,
                assessed_on=on,
                timepoint=timepoint,
                answers=answers,
                score=score,
                scoring_rule=rule,
                notes=notes.strip() or None,
            ),
        )

    def _add_record(
        self,
        patient_id: uuid.UUID,
        on: dt.date | None,
        today: dt.date,
        date_field: str,
        timepoint: str,
        make: Callable[[uuid.UUID | None, dt.date], OutcomeAssessment | WalkTest],
    ) -> uuid.UUID:
        """Record one questionnaire or walk test in one unit of work: timepoint and date checked,
        tied to the patient's program; ``make(program_id, date)`` builds the row."""
        if timepoint not in TIMEPOINTS:
            raise ValidationError.single("timepoint", "Choose a timepoint from the list.")
        with self.db.unit_of_work(self.actor) as session:
            lookup.patient(session, patient_id)
            self._check_date(session, patient_id, on, today, date_field)
            assert on is not None
            row = make(self._program_id(session, patient_id), on)
            session.add(row)
            session.flush()
            return row.id

    # --- recording ---------------------------------------------------------------------------

    def record_odi(
        self,
        patient_id: uuid.UUID,
        sections: Sequence[int | None],
        *,
        assessed_on: dt.date | None,
        today: dt.date,
        timepoint: str = "other",
        notes: str = "",
    ) -> uuid.UUID:
        """Score and store an ODI with the clinic's missing-section rule; fields
        ``section_1``..``section_10`` and ``sections`` (too many missing)."""
        errors = Collector()
        values = list(sections)
        if len(values) != ODI_SECTION_COUNT:
            raise ValidationError.single("sections", "The ODI has 10 sections.")
        for i, v in enumerate(values):
            if v is not None and (isinstance(v, bool) or not isinstance(v, int) or not 0 <= v <= 5):
                errors.add(
                    f"section_{i + 1}",
                    f"ODI {odi_section_label(i)}: a whole number from 0 to 5, or empty.",
                )
        errors.raise_if_any()
        max_missing = self.settings.load().odi_max_missing
        result = score_odi(values, max_missing)
        if result.percent is None:
            raise ValidationError.single("sections", result.problem or "Cannot score the ODI.")
        return self._questionnaire(
            patient_id,
            "odi",
            assessed_on,
            {"sections": values},
            result.percent,
            result.rule,
            timepoint,
            notes,
            today,
        )

    def record_rmdq(
        self,
        patient_id: uuid.UUID,
        items: Sequence[bool],
        *,
        assessed_on: dt.date | None,
        today: dt.date,
        timepoint: str = "other",
        notes: str = "",
    ) -> uuid.UUID:
        values = list(items)
        if len(values) != RMDQ_ITEM_COUNT or not all(isinstance(v, bool) for v in values):
            raise ValidationError.single("items", "Answer each of the 24 items yes or no.")
        return self._questionnaire(
            patient_id,
            "rmdq",
            assessed_on,
            {"items": values},
            float(rmdq_score(values)),
            rmdq_rule_id(),
            timepoint,
            notes,
            today,
        )

    def record_nprs(
        self,
        patient_id: uuid.UUID,
        *,
        back: int | None,
        leg: int | None,
        assessed_on: dt.date | None,
        today: dt.date,
        timepoint: str = "other",
        notes: str = "",
    ) -> list[uuid.UUID]:
        """Back and leg pain 0-10 (either may be left empty, not both); one row each."""
        errors = Collector()
        for name, value in (("back", back), ("leg", leg)):
            if value is not None and (
                isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 10
            ):
                errors.add(name, "Pain must be a whole number from 0 to 10.")
        if back is None and leg is None:
            errors.add("back", "Enter back pain, leg pain or both (0 to 10).")
        errors.raise_if_any()
        ids = []
        for instrument, value in (("nprs_back", back), ("nprs_leg", leg)):
            if value is not None:
                ids.append(
                    self._questionnaire(
                        patient_id,
                        instrument,
                        assessed_on,
                        {"value": value},
                        float(value),
                        nprs_rule_id(),
                        timepoint,
                        notes,
                        today,
                    )
                )
        return ids

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
        if test not in WALK_TESTS:
            raise ValidationError.single("test", "Choose a test from the list.")
        units = self.settings.load().units
        problem = walk_value_error(test, value, units)
        if problem is not None:
            raise ValidationError.single("value", problem)
        assert value is not None
        return self._walk(
            patient_id, test, float(value), performed_on, today, timepoint, notes, details or {}
        )

    def _walk(
        self,
        patient_id: uuid.UUID,
        test: str,
        value: float,
        performed_on: dt.date | None,
        today: dt.date,
        timepoint: str,
        notes: str,
        details: dict[str, Any],
    ) -> uuid.UUID:
        return self._add_record(
            patient_id,
            performed_on,
            today,
            "performed_on",
            timepoint,
            lambda program_id, on: WalkTest(
                created_by=self.actor,
                patient_id=patient_id,
                program_id=program_id,
                test=test,
                performed_on=on,
                timepoint=timepoint,
                value=value,
                unit="m" if test in ("walk_5min", "walk_6min") else "s",
                details=details,
                notes=notes.strip() or None,
            ),
        )

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
        distance = validate_six_minute(entry, self.settings.load().units)
        details = dict(entry.details())
        details["distance_m"] = distance
        return self._walk(
            patient_id, "walk_6min", distance, performed_on, today, timepoint, notes, details
        )

    # --- reading ---------------------------------------------------------------------------

    def history(self, patient_id: uuid.UUID, *, include_deleted: bool = False) -> list[OutcomeRow]:
        """Every questionnaire and walking test, oldest first."""
        with self.db.reading() as session:
            # oldest entry first within a day (as the report reads them): same-day ties stay
            # in entry order through the sort below
            q1 = (
                select(OutcomeAssessment)
                .where(OutcomeAssessment.patient_id == patient_id)
                .order_by(OutcomeAssessment.assessed_on, OutcomeAssessment.created_at)
            )
            q2 = (
                select(WalkTest)
                .where(WalkTest.patient_id == patient_id)
                .order_by(WalkTest.performed_on, WalkTest.created_at)
            )
            if not include_deleted:
                q1 = q1.where(OutcomeAssessment.deleted_at.is_(None))
                q2 = q2.where(WalkTest.deleted_at.is_(None))
            rows = [
                OutcomeRow(
                    id=o.id,
                    kind="questionnaire",
                    measure=o.instrument,
                    label=MEASURE_LABELS[o.instrument],
                    date=o.assessed_on,
                    timepoint=o.timepoint,
                    value=o.score,
                    unit="%" if o.instrument == "odi" else "points",
                    detail=_questionnaire_detail(o),
                    deleted=o.deleted_at is not None,
                )
                for o in session.scalars(q1)
            ]
            rows += [
                OutcomeRow(
                    id=w.id,
                    kind="walk",
                    measure=w.test,
                    label=MEASURE_LABELS[w.test],
                    date=w.performed_on,
                    timepoint=w.timepoint,
                    value=w.value,
                    unit=w.unit,
                    detail=_walk_detail(w),
                    deleted=w.deleted_at is not None,
                )
                for w in session.scalars(q2)
            ]
        rows.sort(key=lambda r: (r.date, r.label))
        return rows

    def changes(self, patient_id: uuid.UUID) -> list[MeasureChange]:
        """Change from baseline for every measure that has a baseline and a later value.

        Which records are compared: :func:`rehab_tracker.domain.outcomes.baseline_and_latest`
        (the report's outcome table uses it too). Judged with the clinic's thresholds and worded
        in the clinic's units (feet for an imperial clinic; values stay SI).
        """
        settings = self.settings.load()
        thresholds = settings.thresholds
        by_measure: dict[str, list[OutcomeRow]] = {}
        for row in self.history(patient_id):
            by_measure.setdefault(row.measure, []).append(row)
        result = []
        for measure in [*QUESTIONNAIRES, *WALK_TESTS]:
            pair = baseline_and_latest(by_measure.get(measure, ()))
            if pair is None:
                continue
            base, latest = pair
            key = threshold_key(measure)
            result.append(
                MeasureChange(
                    measure=measure,
                    label=MEASURE_LABELS[measure],
                    threshold_key=key,
                    baseline_date=base.date,
                    baseline=base.value,
                    latest_date=latest.date,
                    latest=latest.value,
                    unit=thresholds[key].unit,
                    interpretation=interpret_change(
                        measure, base.value, latest.value, thresholds, units=settings.units
                    ),
                    threshold_source=thresholds[key].source,
                )
            )
        return result

    def schedule(self, patient_id: uuid.UUID, *, today: dt.date) -> list[AssessmentDue]:
        """The program's assessments (baseline, week 6, week 12, follow-ups) and their state.
        A program without scheduled assessments gets the default three, from its start date."""
        with self.db.reading() as session:
            conn = session.connection()
            programs = conn.execute(_q().programs, {"patient_id": patient_id}).all()
            if not programs:
                return []
            program_id, start = programs[-1]
            return assessment_schedule(conn, patient_id, program_id, start, today)

    def add_follow_up(
        self, patient_id: uuid.UUID, due_date: dt.date | None, *, label: str = "Follow-up"
    ) -> uuid.UUID:
        """A follow-up assessment the clinic adds to the program's schedule."""
        if due_date is None:
            raise ValidationError.single("due_date", "Give the date the follow-up is due.")
        with self.db.unit_of_work(self.actor) as session:
            pid = self._program_id(session, patient_id)
            if pid is None:
                raise ValidationError.single("due_date", "The patient has no program yet.")
            program = session.get(Program, pid)
            assert program is not None
            if due_date < program.start_date:
                raise ValidationError.single(
                    "due_date", "A follow-up cannot be due before the program starts."
                )
            if not program.assessments_due:
                for tp, default_label, week in DEFAULT_SCHEDULE:
                    program.assessments_due.append(
                        ScheduledAssessment(
                            created_by=self.actor,
                            timepoint=tp,
                            label=default_label,
                            due_date=program.start_date + dt.timedelta(weeks=week - 1),
                            instruments=list(DEFAULT_INSTRUMENTS),
                        )
                    )
            row = ScheduledAssessment(
                created_by=self.actor,
                timepoint="follow_up",
                label=label.strip() or "Follow-up",
                due_date=due_date,
                instruments=list(DEFAULT_INSTRUMENTS),
            )
            program.assessments_due.append(row)
            session.flush()
            return row.id

    # --- delete / undo -------------------------------------------------------------------------

    def _row(self, session: Session, kind: str, row_id: uuid.UUID) -> OutcomeAssessment | WalkTest:
        row: OutcomeAssessment | WalkTest | None
        if kind == "questionnaire":
            row = session.get(OutcomeAssessment, row_id)
        else:
            row = session.get(WalkTest, row_id)
        if row is None:
            raise NotFoundError("that assessment no longer exists")
        return row

    def delete(self, kind: str, row_id: uuid.UUID) -> None:
        """Soft delete of an assessment (``kind`` from :class:`OutcomeRow`); undo: restore."""
        with self.db.unit_of_work(self.actor) as session:
            self._row(session, kind, row_id).deleted_at = utcnow()

    def restore(self, kind: str, row_id: uuid.UUID) -> None:
        with self.db.unit_of_work(self.actor) as session:
            self._row(session, kind, row_id).deleted_at = None


def assessment_schedule(
    conn: Connection,
    patient_id: uuid.UUID,
    program_id: uuid.UUID,
    start: dt.date,
    today: dt.date,
) -> list[AssessmentDue]:
    """:meth:`OutcomeService.schedule` inside an open read (the session overview reuses it)."""
    scheduled: list[tuple[uuid.UUID | None, str, str, dt.date, tuple[str, ...]]] = [
        (aid, tp, label, due, tuple(instruments or ()))
        for aid, tp, label, due, instruments in conn.execute(
            _q().scheduled, {"program_id": program_id}
        ).all()
    ]
    if not scheduled:
        scheduled = [
            (None, tp, label, start + dt.timedelta(weeks=week - 1), tuple(DEFAULT_INSTRUMENTS))
            for tp, label, week in DEFAULT_SCHEDULE
        ]
    done_dates: list[dt.date] = []
    done_tp: set[str] = set()
    for done_on, timepoint in conn.execute(_q().done, {"patient_id": patient_id}).all():
        done_dates.append(done_on)
        if timepoint is not None:
            done_tp.add(timepoint)
    result = []
    for aid, tp, label, due, instruments in sorted(scheduled, key=lambda s: s[3]):
        state = assessment_state(
            due, today, done_dates, timepoint_recorded=tp in done_tp and tp != "follow_up"
        )
        result.append(AssessmentDue(aid, tp, label, due, instruments, state))
    return result


def predicted_for(
    distance: float, sex: str, age: int, height_m: float | None, weight_kg: float | None
) -> SixMinuteWalkResult:
    """% of predicted and the lower limit of normal, or a note saying what is missing."""
    if sex not in ("male", "female") or height_m is None or weight_kg is None:
        missing = []
        if sex not in ("male", "female"):
            missing.append("sex (male or female)")
        if height_m is None:
            missing.append("height")
        if weight_kg is None:
            missing.append("weight")
        return SixMinuteWalkResult(
            distance,
            None,
            None,
            None,
            "% of predicted needs the patient's " + ", ".join(missing) + ".",
        )
    predicted, lower = six_minute_walk_predicted(sex, max(age, 1), height_m * 100.0, weight_kg)
    percent = distance / predicted * 100 if predicted > 0 else None
    note = "Enright-Sherrill 1998 reference equation"
    if not 40 <= age <= 80:
        note += " (derived at ages 40-80; extrapolated)"
    return SixMinuteWalkResult(distance, predicted, lower, percent, note)


def _questionnaire_detail(o: OutcomeAssessment) -> str:
    if o.instrument == "odi":
        answered = sum(1 for s in o.answers.get("sections", []) if s is not None)
        return f"{odi_band(o.score)}; {answered}/10 sections; {o.scoring_rule}"
    if o.instrument == "rmdq":
        return f"{int(o.score)}/24 yes"
    return "0-10 scale"


def _walk_detail(w: WalkTest) -> str:
    d = w.details or {}
    if w.test == "walk_6min" and d.get("laps") is not None:
        parts = [f"{d.get('laps')} laps of {d.get('course_length_m')} m"]
        if d.get("partial_lap_m"):
            parts.append(f"+ {d.get('partial_lap_m')} m")
        if d.get("rests"):
            parts.append(f"{d.get('rests')} rests")
        if d.get("stop_reason"):
            parts.append(f"stopped: {d.get('stop_reason')}")
        return ", ".join(parts)
    return ""
