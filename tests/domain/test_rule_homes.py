"""The small rules that have one home in domain/: open programs, the assessment window, the
phase of a date, the week of a session."""

from __future__ import annotations

import datetime as dt

from rehab_tracker.domain.assessments import assessment_state, due_by, needs_doing
from rehab_tracker.domain.programs import OPEN_STATUSES, is_open

TODAY = dt.date(2026, 11, 23)
DAY = dt.timedelta(days=1)


def test_open_programs_are_planned_active_or_paused() -> None:
    assert set(OPEN_STATUSES) == {"planned", "active", "paused"}
    assert is_open("planned") and is_open("active") and is_open("paused")
    assert not is_open("completed") and not is_open("stopped") and not is_open(None)


def test_assessment_window() -> None:
    assert due_by(TODAY) == TODAY + 7 * DAY
    assert assessment_state(TODAY + 8 * DAY, TODAY, []) == "upcoming"
    assert assessment_state(TODAY + 7 * DAY, TODAY, []) == "due"
    assert assessment_state(TODAY, TODAY, []) == "due"
    assert assessment_state(TODAY - DAY, TODAY, []) == "overdue"
    # a record within 14 days either side counts, one 15 days away does not
    assert assessment_state(TODAY - DAY, TODAY, [TODAY - 15 * DAY]) == "done"
    assert assessment_state(TODAY - DAY, TODAY, [TODAY - 16 * DAY]) == "overdue"
    assert assessment_state(TODAY + 3 * DAY, TODAY, [TODAY + 17 * DAY]) == "done"
    # a record marked with the timepoint counts on any date
    assert assessment_state(TODAY - 60 * DAY, TODAY, [], timepoint_recorded=True) == "done"
    assert needs_doing("due") and needs_doing("overdue")
    assert not needs_doing("done") and not needs_doing("upcoming")


def test_phase_on_before_inside_between_after_and_overlapping() -> None:
    from dataclasses import dataclass

    from rehab_tracker.domain.phases import phase_on

    @dataclass
    class Phase:
        name: str
        start_date: dt.date
        end_date: dt.date

    one = Phase("one", TODAY, TODAY + 4 * DAY)
    two = Phase("two", TODAY + 7 * DAY, TODAY + 11 * DAY)
    assert phase_on([], TODAY) is None
    assert phase_on([one, two], TODAY - 9 * DAY) is one  # before the first
    assert phase_on([one, two], TODAY + 4 * DAY) is one  # its last day
    assert phase_on([one, two], TODAY + 5 * DAY) is one  # the gap: the one that ended
    assert phase_on([one, two], TODAY + 7 * DAY) is two
    assert phase_on([one, two], TODAY + 12 * DAY) is None  # over
    edited = Phase("edited", TODAY + 3 * DAY, TODAY + 11 * DAY)
    assert phase_on([one, edited], TODAY + 3 * DAY) is edited  # overlap: the later has begun


def test_the_week_of_a_session_is_its_slots_week_else_its_dates() -> None:
    from rehab_tracker.domain.weeks import program_week, session_week, weeks_since

    start = TODAY
    logged_early = start + 33 * DAY  # Saturday of week 5
    assert program_week(start, logged_early) == 5
    assert session_week(start, logged_early, 6) == 6  # session 16 logged two days early
    assert session_week(start, logged_early) == 5  # an unscheduled session that day
    assert session_week(start, start - DAY) == 0
    assert session_week(None, TODAY) is None and session_week(None, TODAY, 3) == 3
    assert weeks_since(TODAY - 13 * DAY, TODAY) == 1 and weeks_since(None, TODAY) is None


def test_a_logged_set_is_the_session_forms_set_checked_on_construction() -> None:
    import pytest

    from rehab_tracker.domain.errors import ValidationError
    from rehab_tracker.domain.progression import LoggedSet
    from rehab_tracker.domain.sessions import SET_FIELDS, SetEntry, set_values

    entry = SetEntry(reps=8, load_kg=20.0, effort=6)
    logged = LoggedSet(**set_values(entry))
    assert isinstance(logged, SetEntry) and set_values(logged) == set_values(entry)
    assert tuple(set_values(entry)) == SET_FIELDS
    assert SetEntry().empty and not entry.empty
    assert SetEntry(reps=-1).reps == -1  # the form checks later, field by field
    with pytest.raises(ValidationError):
        LoggedSet(reps=-1)


def test_the_span_of_a_phase_is_mapped_once() -> None:
    from types import SimpleNamespace

    from rehab_tracker.domain.phases import SPAN_FIELDS, phase_span

    row = SimpleNamespace(
        id=1, code="p1", name="Phase 1", start_week=1, end_week=4,
        start_date=TODAY, end_date=TODAY + 20 * DAY, goals="",
    )
    assert phase_span(row) == {name: getattr(row, name) for name in SPAN_FIELDS}
    assert "id" not in phase_span(row) and "goals" not in phase_span(row)


def test_the_unit_and_label_of_a_measure() -> None:
    from rehab_tracker.domain.outcomes import measure_label
    from rehab_tracker.domain.thresholds import shown_unit

    assert shown_unit("odi") == "%"
    assert [shown_unit(m) for m in ("rmdq", "nprs_back", "walk_6min", "walk_50ft", "tug")] == [
        "points", "points", "m", "s", "s",
    ]
    assert measure_label("odi") == "ODI" and measure_label("nprs_leg") == "Leg pain (NPRS)"
    assert measure_label("walk_50ft_fastest") == "50-foot walk, fastest speed"


def test_the_six_minute_walk_prediction_says_what_it_needs() -> None:
    from rehab_tracker.domain.scoring import predict_six_minute_walk, six_minute_walk_predicted

    p = predict_six_minute_walk("female", 48, 1.68, 70.0)
    assert (p.predicted_m, p.lower_limit_m) == six_minute_walk_predicted("female", 48, 168, 70)
    assert p.missing == () and not p.extrapolated
    gap = predict_six_minute_walk("other", 85, None, 70.0)
    assert gap.predicted_m is None and gap.missing == ("sex", "height") and gap.extrapolated
    assert predict_six_minute_walk("male", 0, 1.8, 80.0).predicted_m == (
        six_minute_walk_predicted("male", 1, 180, 80)[0]
    )


def test_the_odi_missing_section_rule() -> None:
    from rehab_tracker.domain.scoring import is_max_missing

    assert is_max_missing(None) and is_max_missing(0) and is_max_missing(3)
    assert not any(is_max_missing(v) for v in (True, False, -1, 1.0, "1"))


def test_a_collector_adds_another_checks_errors_first_one_wins() -> None:
    from rehab_tracker.domain.errors import Collector

    c = Collector()
    c.add("a.x", "first")
    c.add_all({"x": "second", "y": "other"}, prefix="a.")
    assert c.errors == {"a.x": "first", "a.y": "other"}


def test_a_code_used_twice_in_a_shipped_list() -> None:
    import pytest

    from rehab_tracker.domain.errors import ValidationError
    from rehab_tracker.domain.library import parse_coded_list

    def parse(item: dict[str, str]) -> str:
        if "bad" in item:
            raise ValidationError.single("name", "bad name")
        return item["code"]

    assert parse_coded_list([{"code": "a"}, {"code": "b"}], "items", parse, str) == ("a", "b")
    with pytest.raises(ValidationError) as info:
        parse_coded_list(
            [{"code": "a"}, {"code": "a"}, {"code": "Bad", "bad": "1"}],
            "items",
            parse,
            lambda code, first, again: f"{code} again at {again} (first {first})",
        )
    assert info.value.errors == {"items[1].code": "a again at 1 (first 0)",
                                 "items[2].name": "bad name"}


def test_a_review_is_done_only_when_each_of_its_instruments_is_recorded_or_skipped() -> None:
    """Issue 11 item 4: an assessment lists its instruments; it is done when every one of them
    has a record or a skip (with a reason) that counts for it (the assessment's timepoint, or a
    date within 14 days of the due date), and not before."""
    from rehab_tracker.domain.assessments import missing_instruments, schedule_progress

    due = TODAY - 2 * DAY
    wanted = ("odi", "nprs_back", "walk_5min")
    scheduled = [("mid", due, wanted)]
    odi = (TODAY, "mid", "odi")
    assert missing_instruments("mid", due, wanted, [odi]) == ("nprs_back", "walk_5min")
    assert schedule_progress(scheduled, [odi], TODAY) == [("overdue", ("nprs_back", "walk_5min"))]
    # a record of another timepoint far from the date does not count; one near the date does
    far = (TODAY - 40 * DAY, "baseline", "nprs_back")
    near = (due + 14 * DAY, "other", "nprs_back")
    assert missing_instruments("mid", due, wanted, [odi, far]) == ("nprs_back", "walk_5min")
    assert missing_instruments("mid", due, wanted, [odi, near]) == ("walk_5min",)
    skip = (TODAY, "mid", "walk_5min")  # skips are given as records of their instrument
    assert schedule_progress(scheduled, [odi, near, skip], TODAY) == [("done", ())]
    # a neurological screen is not one of the default instruments: it never completes a review
    # by itself (CLINICAL.md names ODI and walking as the program's outcomes)
    assert missing_instruments("mid", due, wanted, [(TODAY, "mid", "neuro")]) == wanted
    # an assessment listing no instruments is done by any record that counts (the old rule)
    assert schedule_progress([("end", due, ())], [(TODAY, "end", "tug")], TODAY) == [
        ("done", ())
    ]


def test_the_timepoint_a_form_defaults_to_is_the_first_due_and_not_complete() -> None:
    """Every form and the assessment screen: the first time point (earliest due date) that is
    due or overdue and not complete (every instrument recorded or skipped); never one already
    done (the walkthrough of issue 11 opened the screen at a baseline recorded days before,
    because it lay nearest today); else "other". The same for every instrument."""
    from rehab_tracker.domain.assessments import default_timepoint

    schedule = [("baseline", TODAY - 40 * DAY, "done"), ("mid", TODAY - 3 * DAY, "overdue"),
                ("end", TODAY + 40 * DAY, "upcoming")]
    assert default_timepoint(schedule) == "mid"
    # a baseline done 5 days ago lies nearer today than the mid-program review due in 6 days:
    # the review still to do wins
    near = [("baseline", TODAY - 5 * DAY, "done"), ("mid", TODAY + 6 * DAY, "due")]
    assert default_timepoint(near) == "mid"
    # two open: the first; once it is complete, the next
    both = [("baseline", TODAY - 40 * DAY, "overdue"), ("mid", TODAY - 3 * DAY, "overdue")]
    assert default_timepoint(both) == "baseline"
    assert default_timepoint([("baseline", TODAY - 40 * DAY, "done"), both[1]]) == "mid"
    # every one done, or only upcoming ones: nothing is due
    done = [(tp, due, "done") for tp, due, _s in schedule]
    assert default_timepoint(done) == "other"
    assert default_timepoint([("end", TODAY + 40 * DAY, "upcoming")]) == "other"
