"""The assessment screen's use cases (issue 11 item 4): what a review at a time point needs, and
saving what was recorded and skipped at it in one unit of work.

Rules: :mod:`rehab_tracker.domain.review` (the instruments, the skip reason) and
:mod:`rehab_tracker.domain.assessments` (when a review is done, the default time point). Each
instrument's values are checked by the same code its own form uses (:meth:`odi_row`,
:meth:`nprs_rows`, :meth:`walk_row`, ...); its errors come back keyed ``<instrument>.<field>``
(``odi.section_3``, ``walk_5min.value``, ``walk_6min.laps``), a skip's as ``skip.<instrument>``,
and nothing is saved while any is wrong. Every row written (records and skips) is audited.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import partial

from rehab_tracker.data.models import AssessmentSkip
from rehab_tracker.domain.assessments import default_timepoint
from rehab_tracker.domain.errors import Collector, ValidationError
from rehab_tracker.domain.review import REVIEW_INSTRUMENTS, REVIEW_TIMEPOINTS, skip_reason_error
from rehab_tracker.domain.roles import Permission
from rehab_tracker.domain.sessions import SixMinuteWalkEntry
from rehab_tracker.services.access import requires
from rehab_tracker.services.outcomes.questionnaires import Questionnaires
from rehab_tracker.services.outcomes.records import TIMEPOINTS, RowMaker
from rehab_tracker.services.outcomes.schedule import AssessmentSchedule
from rehab_tracker.services.outcomes.walks import WalkTests

#: the one-value walking tests of the screen (SI values: metres, seconds)
SINGLE_WALKS: tuple[str, ...] = ("walk_5min", "walk_50ft_preferred", "walk_50ft_fastest", "tug")


@dataclass(frozen=True)
class ReviewEntry:
    """What the assessment screen saves: each instrument recorded (its values; None or absent:
    not recorded) or skipped (``skips``: instrument -> reason), at one date and time point."""

    timepoint: str
    assessed_on: dt.date | None
    odi: Sequence[int | None] | None = None
    rmdq: Sequence[bool] | None = None
    back_pain: int | None = None
    leg_pain: int | None = None
    #: the one-value walking tests (:data:`SINGLE_WALKS`), SI values
    walks: Mapping[str, float | None] = field(default_factory=dict)
    six_minute: SixMinuteWalkEntry | None = None
    skips: Mapping[str, str] = field(default_factory=dict)
    notes: str = ""

    def recorded(self) -> set[str]:
        """The instruments this entry records."""
        out = {k for k, v in self.walks.items() if v is not None}
        for code, value in (("odi", self.odi), ("rmdq", self.rmdq), ("nprs_back", self.back_pain),
                            ("nprs_leg", self.leg_pain), ("walk_6min", self.six_minute)):
            if value is not None:
                out.add(code)
        return out


@dataclass(frozen=True)
class ReviewPlan:
    """A review as the screen opens it: the scheduled assessment of the time point (None when the
    program has none for it), its instruments and those neither recorded nor skipped yet."""

    timepoint: str
    label: str
    due_date: dt.date | None
    state: str | None
    instruments: tuple[str, ...]
    missing: tuple[str, ...]


class AssessmentReviews(Questionnaires, WalkTests, AssessmentSchedule):
    def review_timepoint(self, patient_id: uuid.UUID, *, today: dt.date) -> str:
        """The time point the screen opens at today: the one every outcome form defaults to
        (the first review due or overdue and not complete); when none is due, the next review
        of the four not complete, else the last one scheduled (what is saved is added to it);
        "baseline" when the program schedules none."""
        due = [a for a in self.schedule(patient_id, today=today)
               if a.timepoint in REVIEW_TIMEPOINTS]
        chosen = default_timepoint((a.timepoint, a.due_date, a.state) for a in due)
        if chosen in REVIEW_TIMEPOINTS:
            return chosen
        by_date = sorted(due, key=lambda a: a.due_date)
        later = next((a for a in by_date if a.state != "done"), by_date[-1] if by_date else None)
        return later.timepoint if later is not None else "baseline"

    def review_plan(self, patient_id: uuid.UUID, timepoint: str, *, today: dt.date) -> ReviewPlan:
        """The review at ``timepoint`` (the earliest not done, for repeated follow-ups)."""
        if timepoint not in REVIEW_TIMEPOINTS:
            raise ValidationError.single("timepoint", "Choose a time point from the list.")
        found = [a for a in self.schedule(patient_id, today=today) if a.timepoint == timepoint]
        chosen = next((a for a in found if a.state != "done"), found[-1] if found else None)
        if chosen is None:
            return ReviewPlan(timepoint, TIMEPOINTS[timepoint], None, None, (), ())
        return ReviewPlan(
            timepoint, chosen.label, chosen.due_date, chosen.state, chosen.instruments,
            chosen.missing,
        )

    @requires(Permission.OUTCOMES)
    def record_review(
        self, patient_id: uuid.UUID, entry: ReviewEntry, *, today: dt.date
    ) -> list[uuid.UUID]:
        """Save every instrument recorded and every skip of ``entry`` in one unit of work (all
        or nothing); returns the new rows' ids. Errors of every instrument at once (see the
        module docstring); ``review`` when nothing is recorded or skipped."""
        if entry.timepoint not in REVIEW_TIMEPOINTS:
            raise ValidationError.single("timepoint", "Choose a time point from the list.")
        errors = Collector()
        makes = self._review_rows(patient_id, entry, errors)
        makes += self._skip_rows(patient_id, entry, errors)
        errors.raise_if_any()
        if not makes:
            raise ValidationError.single(
                "review", "Nothing to save: record an instrument or skip it with a reason."
            )
        return self._add_records(
            patient_id, entry.assessed_on, today, "assessed_on", entry.timepoint, makes
        )

    def _review_rows(
        self, patient_id: uuid.UUID, entry: ReviewEntry, errors: Collector
    ) -> list[RowMaker]:
        """The rows of the recorded instruments; each one's errors under its prefix."""
        makes: list[RowMaker] = []
        for test in set(entry.walks) - set(SINGLE_WALKS):
            errors.add(f"{test}.value", "Not a walking test of the screen.")
        for prefix, build in self._review_builds(patient_id, entry):
            try:
                made = build()
            except ValidationError as exc:
                for key, message in exc.errors.items():
                    errors.add(f"{prefix}.{key}", message)
                continue
            makes.extend(made if isinstance(made, list) else [made])
        return makes

    def _review_builds(
        self, patient_id: uuid.UUID, entry: ReviewEntry
    ) -> list[tuple[str, Callable[[], RowMaker | list[RowMaker]]]]:
        """(error prefix, the instrument's own check and row) of each recorded instrument."""
        tp, notes = entry.timepoint, entry.notes
        builds: list[tuple[str, Callable[[], RowMaker | list[RowMaker]]]] = []
        if entry.odi is not None:
            builds.append(("odi", partial(self.odi_row, patient_id, entry.odi, tp, notes)))
        if entry.rmdq is not None:
            builds.append(("rmdq", partial(self.rmdq_row, patient_id, entry.rmdq, tp, notes)))
        if entry.back_pain is not None or entry.leg_pain is not None:
            builds.append(("nprs", partial(
                self.nprs_rows, patient_id, entry.back_pain, entry.leg_pain, tp, notes
            )))
        for test in SINGLE_WALKS:
            value = entry.walks.get(test)
            if value is not None:
                builds.append((test, partial(self.walk_row, patient_id, test, value, tp, notes)))
        if entry.six_minute is not None:
            six = partial(self.six_minute_row, patient_id, entry.six_minute, tp, notes)
            builds.append(("walk_6min", six))
        return builds

    def _skip_rows(
        self, patient_id: uuid.UUID, entry: ReviewEntry, errors: Collector
    ) -> list[RowMaker]:
        """A row per skipped instrument, with its reason; a skip of a recorded instrument, or
        without a reason, is refused at it."""
        recorded = entry.recorded()
        makes: list[RowMaker] = []
        for code, reason in entry.skips.items():
            key = f"skip.{code}"
            if code not in REVIEW_INSTRUMENTS:
                errors.add(key, "Choose an instrument of the screen.")
                continue
            if code in recorded:
                errors.add(key, "Recorded and skipped: clear the values or untick Skip.")
                continue
            problem = skip_reason_error(reason)
            if problem is not None:
                errors.add(key, problem)
                continue
            makes.append(self._skip_maker(patient_id, code, " ".join(reason.split()),
                                          entry.timepoint))
        return makes

    def _skip_maker(
        self, patient_id: uuid.UUID, code: str, reason: str, timepoint: str
    ) -> RowMaker:
        return lambda program_id, on: AssessmentSkip(
            created_by=self.actor,
            patient_id=patient_id,
            program_id=program_id,
            instrument=code,
            skipped_on=on,
            timepoint=timepoint,
            reason=reason,
        )
