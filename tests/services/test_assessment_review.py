"""Issue 11 item 4, the service: one save per review (every instrument recorded and every skip,
in one unit of work), errors of every instrument at once keyed by it, and a review done only
when each of its instruments is recorded or skipped (on SQLite and on PostgreSQL)."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import pytest
from sqlalchemy import func, select

sys.path.insert(0, str(Path(__file__).resolve().parent))
from test_sessions_support import Built, build_patient

from rehab_tracker.data.models import AssessmentSkip, AuditEntry, OutcomeAssessment, WalkTest
from rehab_tracker.domain.errors import ValidationError
from rehab_tracker.domain.sessions import SixMinuteWalkEntry
from rehab_tracker.services.outcomes.review import AssessmentReviews, ReviewEntry

BACKENDS = ["db", pytest.param("pg_db", marks=pytest.mark.postgres)]


@pytest.fixture(params=BACKENDS)
def built(request: pytest.FixtureRequest, today: dt.date) -> Built:
    return build_patient(request.getfixturevalue(request.param), today, weeks_ago=7)


def _counts(b: Built) -> tuple[int, int, int]:
    with b.services.db.reading() as s:
        return tuple(  # type: ignore[return-value]
            int(s.scalar(select(func.count()).select_from(m)) or 0)
            for m in (OutcomeAssessment, WalkTest, AssessmentSkip)
        )


def _baseline(b: Built, today: dt.date):  # type: ignore[no-untyped-def]
    return next(a for a in b.services.outcomes.schedule(b.patient_id, today=today)
                if a.timepoint == "baseline")


def test_a_baseline_review_is_done_once_each_instrument_is_recorded_or_skipped(
    built: Built, today: dt.date
) -> None:
    o = built.services.outcomes
    base = _baseline(built, today)
    assert base.state == "overdue" and base.missing == base.instruments
    plan = o.review_plan(built.patient_id, "baseline", today=today)
    assert plan.instruments == base.instruments and plan.missing == base.instruments
    on = base.due_date
    # the questionnaires and pain first: the walks are still missing
    o.record_review(built.patient_id, ReviewEntry(
        "baseline", on, odi=[2] * 10, back_pain=5, leg_pain=6), today=today)
    base = _baseline(built, today)
    assert base.state == "overdue"
    assert base.missing == ("walk_5min", "walk_50ft_preferred", "walk_50ft_fastest")
    # the walks the next day: one recorded, two skipped with a reason
    ids = o.record_review(built.patient_id, ReviewEntry(
        "baseline", on + dt.timedelta(days=1), walks={"walk_5min": 350.0},
        skips={"walk_50ft_preferred": "Leg pain 8/10 today", "walk_50ft_fastest": "  as above "},
    ), today=today)
    assert len(ids) == 3
    base = _baseline(built, today)
    assert base.state == "done" and base.missing == ()
    with built.services.db.reading() as s:
        skips = s.scalars(select(AssessmentSkip).order_by(AssessmentSkip.instrument)).all()
        assert [(k.instrument, k.reason, k.timepoint, k.program_id) for k in skips] == [
            ("walk_50ft_fastest", "as above", "baseline", built.program_id),
            ("walk_50ft_preferred", "Leg pain 8/10 today", "baseline", built.program_id),
        ]
        audited = s.scalars(select(AuditEntry).where(
            AuditEntry.entity == "assessment_skips", AuditEntry.action == "create")).all()
    assert len(audited) == 2
    # the patient list agrees with the schedule (one rule, one set of records)
    row = next(r for r in built.services.patients.list_patients(today=today)
               if r.id == built.patient_id)
    states = {a.state for a in o.schedule(built.patient_id, today=today)}
    assert row.assessment_due == bool(states & {"due", "overdue"})


def test_every_instruments_errors_at_once_and_nothing_saved(built: Built, today: dt.date) -> None:
    o = built.services.outcomes
    before = _counts(built)
    with pytest.raises(ValidationError) as info:
        o.record_review(built.patient_id, ReviewEntry(
            "mid", today,
            odi=[2, 2, 6, 2, 2, 2, 2, 2, 2, 2],
            back_pain=11,
            walks={"walk_5min": 350.0, "tug": -1.0},
            six_minute=SixMinuteWalkEntry(course_length_m=30.0, laps=None),
            skips={"walk_5min": "tired", "rmdq": " ", "nprs_leg": "Numb leg: not rated"},
        ), today=today)
    errors = info.value.errors
    assert {"odi.section_3", "nprs.back", "tug.value", "walk_6min.laps", "skip.walk_5min",
            "skip.rmdq"} <= set(errors)
    assert "skip.nprs_leg" not in errors
    assert "Recorded and skipped" in errors["skip.walk_5min"]
    assert "Say why" in errors["skip.rmdq"]
    assert _counts(built) == before
    with pytest.raises(ValidationError) as empty:
        o.record_review(built.patient_id, ReviewEntry("mid", today), today=today)
    assert "review" in empty.value.errors
    with pytest.raises(ValidationError) as future:
        o.record_review(built.patient_id, ReviewEntry(
            "mid", today + dt.timedelta(days=1), back_pain=3), today=today)
    assert "assessed_on" in future.value.errors
    assert _counts(built) == before


def test_a_review_is_one_transaction(
    built: Built, today: dt.date, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A failure while writing the last row (a skip) leaves none of the review's rows."""
    before = _counts(built)

    def broken(self, patient_id, code, reason, timepoint):  # type: ignore[no-untyped-def]
        def make(program_id, on):  # type: ignore[no-untyped-def]
            raise RuntimeError("disk gone")
        return make

    monkeypatch.setattr(AssessmentReviews, "_skip_maker", broken)
    with pytest.raises(RuntimeError):
        built.services.outcomes.record_review(built.patient_id, ReviewEntry(
            "mid", today, odi=[1] * 10, back_pain=2, leg_pain=1, walks={"tug": 9.0},
            skips={"walk_5min": "No corridor free today"}), today=today)
    assert _counts(built) == before


def _complete(b: Built, timepoint: str, today: dt.date) -> None:
    """Skip every instrument of the review at ``timepoint`` on its due date (complete,
    nothing measured)."""
    o = b.services.outcomes
    plan = o.review_plan(b.patient_id, timepoint, today=today)
    assert plan.due_date is not None
    o.record_review(b.patient_id, ReviewEntry(
        timepoint, plan.due_date, skips={c: "Patient declined" for c in plan.missing}),
        today=today)


def test_the_screen_opens_at_the_first_review_due_and_not_complete(
    built: Built, today: dt.date
) -> None:
    """Never at a review already complete (the walkthrough of issue 11 opened it at a done
    baseline): the first due or overdue one not complete; when none is, the next one not
    complete."""
    o = built.services.outcomes
    mid = next(a for a in o.schedule(built.patient_id, today=today) if a.timepoint == "mid")
    day = mid.due_date
    # the baseline is overdue and not complete: it comes first, for the screen and every form
    assert o.review_timepoint(built.patient_id, today=day) == "baseline"
    _complete(built, "baseline", day)
    assert o.review_timepoint(built.patient_id, today=day) == "mid"
    plan = o.review_plan(built.patient_id, "mid", today=day)
    assert (plan.label, plan.due_date) == (mid.label, mid.due_date)
    # partly recorded: still the mid-program review
    o.record_review(built.patient_id, ReviewEntry("mid", day, odi=[1] * 10), today=day)
    assert o.review_timepoint(built.patient_id, today=day) == "mid"
    _complete(built, "mid", day)
    # nothing due: the next review not complete (the end of program), not a done one
    assert o.review_timepoint(built.patient_id, today=day) == "end"
    with pytest.raises(ValidationError):
        o.review_plan(built.patient_id, "other", today=today)
