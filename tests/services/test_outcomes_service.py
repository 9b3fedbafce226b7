"""OutcomeService: scoring, bad input, schedule, change from baseline with clinic thresholds."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
from test_sessions_support import build_patient

from rehab_tracker.domain.errors import ValidationError
from rehab_tracker.domain.sessions import SixMinuteWalkEntry


def test_odi_scored_with_rule_and_band(db, today):
    b = build_patient(db, today)
    o = b.services.outcomes
    oid = o.record_odi(b.patient_id, [3, 2, 3, 2, 2, 2, 2, None, 2, 2], assessed_on=b.start,
                       today=today, timepoint="baseline")
    row = next(r for r in o.history(b.patient_id) if r.id == oid)
    assert row.value == pytest.approx(20 / 45 * 100)
    assert "severe" in row.detail and "scored with at most 1 section missing" in row.detail


@pytest.mark.parametrize(
    ("call", "field", "words"),
    [
        (lambda o, b, t: o.record_odi(b.patient_id, [6] + [0] * 9, assessed_on=t, today=t),
         "section_1", "0 to 5"),
        (lambda o, b, t: o.record_odi(b.patient_id, [None] * 3 + [1] * 7, assessed_on=t,
                                      today=t), "sections", "at most 1"),
        (lambda o, b, t: o.record_nprs(b.patient_id, back=11, leg=2, assessed_on=t, today=t),
         "back", "0 to 10"),
        (lambda o, b, t: o.record_walk(b.patient_id, "walk_5min", 1200.0, performed_on=t,
                                       today=t), "value", "1000 m"),
        (lambda o, b, t: o.record_walk(b.patient_id, "tug", -3.0, performed_on=t, today=t),
         "value", "between 3 and 180"),
        (lambda o, b, t: o.record_nprs(b.patient_id, back=2, leg=2,
                                       assessed_on=t + dt.timedelta(days=1), today=t),
         "assessed_on", "future"),
        (lambda o, b, t: o.record_nprs(b.patient_id, back=2, leg=2,
                                       assessed_on=dt.date(2020, 1, 1), today=t),
         "assessed_on", "before the surgery"),
        (lambda o, b, t: o.record_six_minute_walk(
            b.patient_id, SixMinuteWalkEntry(30.0, 25, 0.0), performed_on=t, today=t),
         "laps", "1200 m"),
    ],
)
def test_bad_input_is_refused_and_nothing_saved(db, today, call, field, words):
    b = build_patient(db, today)
    with pytest.raises(ValidationError) as err:
        call(b.services.outcomes, b, today)
    assert words in err.value.errors[field]
    assert b.services.outcomes.history(b.patient_id) == []


def test_changes_from_baseline_in_words(db, today):
    b = build_patient(db, today, weeks_ago=12)
    o = b.services.outcomes
    base, end = b.start, today
    o.record_odi(b.patient_id, [4, 4, 4, 4, 4, 4, 4, 4, 4, 5], assessed_on=base, today=today,
                 timepoint="baseline")  # 82%
    o.record_odi(b.patient_id, [3, 3, 3, 3, 3, 3, 3, 3, 3, 3], assessed_on=end, today=today,
                 timepoint="end")  # 60%
    o.record_nprs(b.patient_id, back=6, leg=7, assessed_on=base, today=today,
                  timepoint="baseline")
    o.record_nprs(b.patient_id, back=5, leg=2, assessed_on=end, today=today, timepoint="end")
    o.record_six_minute_walk(b.patient_id, SixMinuteWalkEntry(30.0, 6, 42.0),
                             performed_on=base, today=today, timepoint="baseline")
    o.record_six_minute_walk(b.patient_id, SixMinuteWalkEntry(30.0, 7, 30.0),
                             performed_on=end, today=today, timepoint="end")
    changes = {c.measure: c for c in o.changes(b.patient_id)}
    assert changes["odi"].sentence.startswith("ODI improved 22 points")
    assert "more than the 10-point" in changes["odi"].sentence
    assert changes["odi"].interpretation.reached
    assert not changes["nprs_back"].interpretation.reached
    assert changes["nprs_leg"].interpretation.reached
    assert changes["walk_6min"].baseline == 402 and changes["walk_6min"].latest == 450
    assert "Ostelo" in changes["odi"].threshold_source
    # the clinic raises the ODI threshold: the same change is now judged against it
    b.services.settings.set_threshold_overrides({"odi": {"absolute": 25, "relative": None}})
    odi = next(c for c in o.changes(b.patient_id) if c.measure == "odi")
    assert not odi.interpretation.reached
    assert "changed by 22 points (from 82 to 60), below the 25-point threshold." in odi.sentence
    assert odi.threshold_source.startswith("Clinic setting")


def test_missing_section_rule_is_a_setting(db, today):
    b = build_patient(db, today)
    b.services.settings.set_odi_max_missing(None)
    oid = b.services.outcomes.record_odi(b.patient_id, [None] * 5 + [2] * 5, assessed_on=today,
                                         today=today)
    row = next(r for r in b.services.outcomes.history(b.patient_id) if r.id == oid)
    assert "scored with any number of sections missing" in row.detail and row.value == 40


def test_six_minute_walk_predicted(db, today):
    b = build_patient(db, today)
    res = b.services.outcomes.six_minute_walk_result(
        b.patient_id, SixMinuteWalkEntry(30.0, 7, 10.0), on=today
    )
    assert res.distance_m == 430
    assert res.predicted_m is not None and res.lower_limit_m == pytest.approx(res.predicted_m - 139)
    assert 0 < (res.percent_predicted or 0) < 150


def test_schedule_due_overdue_done_and_follow_up(db, today):
    b = build_patient(db, today, weeks_ago=7)
    o = b.services.outcomes
    states = {a.timepoint: a.state for a in o.schedule(b.patient_id, today=today)}
    assert states.get("baseline") == "overdue"
    o.record_nprs(b.patient_id, back=3, leg=3, assessed_on=b.start + dt.timedelta(days=2),
                  today=today, timepoint="baseline")
    # pain alone does not complete the baseline review: its other instruments are missing
    [baseline] = [a for a in o.schedule(b.patient_id, today=today) if a.timepoint == "baseline"]
    assert baseline.state == "overdue" and "odi" in baseline.missing
    assert "nprs_back" not in baseline.missing and "nprs_leg" not in baseline.missing
    for code in baseline.missing:
        if code == "odi":
            o.record_odi(b.patient_id, [1] * 10, assessed_on=b.start, today=today,
                         timepoint="baseline")
        else:
            o.record_walk(b.patient_id, code, 300.0 if code == "walk_5min" else 12.0,
                          performed_on=b.start, today=today, timepoint="baseline")
    states = {a.timepoint: a.state for a in o.schedule(b.patient_id, today=today)}
    assert states["baseline"] == "done"
    o.add_follow_up(b.patient_id, today + dt.timedelta(weeks=20), label="6-month follow-up")
    labels = [a.label for a in o.schedule(b.patient_id, today=today)]
    assert "6-month follow-up" in labels


def test_delete_and_undo(db, today):
    b = build_patient(db, today)
    o = b.services.outcomes
    wid = o.record_walk(b.patient_id, "tug", 9.5, performed_on=today, today=today)
    o.delete("walk", wid)
    assert o.history(b.patient_id) == []
    o.restore("walk", wid)
    assert [r.id for r in o.history(b.patient_id)] == [wid]


def test_outcomes_follow_the_current_program_as_the_overview_does(db, today):
    """A running program beats a later-starting closed one (services._lookup.current_program):
    the Outcomes tab's schedule, a new record's program and a follow-up all belong to the
    program the Sessions overview shows, not to the one that starts last."""
    from rehab_tracker.data.models import OutcomeAssessment, Program

    b = build_patient(db, today, weeks_ago=7)
    with db.unit_of_work("tester") as session:
        running = session.get(Program, b.program_id)
        assert running is not None
        status, running.status = running.status, "stopped"
        running.ended_on = today  # a stopped program has its end day (ck_programs_ended_on)
    later = b.services.programs.create_from_template(
        b.patient_id, "usc-12-week", "high", b.start + dt.timedelta(weeks=2), today=today
    )
    with db.unit_of_work("tester") as session:
        closed = session.get(Program, later)
        assert closed is not None
        closed.status, closed.ended_on = "stopped", today
        running = session.get(Program, b.program_id)
        assert running is not None
        running.status, running.ended_on = status, None

    o = b.services.outcomes
    overview = b.services.sessions.overview(b.patient_id, today=today)
    assert overview.program_id == b.program_id
    assert o.schedule(b.patient_id, today=today) == overview.assessments
    assert min(a.due_date for a in overview.assessments) == b.start

    [oid] = o.record_nprs(b.patient_id, back=3, leg=None, assessed_on=today, today=today)
    with db.reading() as session:
        assert session.get(OutcomeAssessment, oid).program_id == b.program_id  # type: ignore[union-attr]
    o.add_follow_up(b.patient_id, today + dt.timedelta(weeks=20), label="6-month follow-up")
    overview = b.services.sessions.overview(b.patient_id, today=today)
    assert "6-month follow-up" in [a.label for a in overview.assessments]
    assert o.schedule(b.patient_id, today=today) == overview.assessments


def test_walk_detail_says_what_a_lap_was():
    """Records made before the ATS lap (no lap length stored) counted single lengths."""
    from rehab_tracker.data.models import WalkTest
    from rehab_tracker.services.outcomes.walks import walk_detail

    new = WalkTest(test="walk_6min", details=SixMinuteWalkEntry(30.0, 7, 12.0).details())
    assert walk_detail(new) == "7 laps of 60 m (out and back on the 30 m course) + 12 m"
    old = WalkTest(test="walk_6min", details={"course_length_m": 30.0, "laps": 14,
                                              "partial_lap_m": 12.0, "rests": 1})
    assert walk_detail(old) == "14 lengths of the 30 m course + 12 m, 1 rests"
