"""The small rules that have one home in domain/: open programs, the assessment window, the
phase of a date, the week of a session."""

from __future__ import annotations

import datetime as dt

from rehab_tracker.domain.assessments import assessment_state, due_by, needs_doing
from rehab_tracker.domain.programs import OPEN_STATUSES, is_open

TODAY = dt.date(2026, 11, 23)
DAY = dt.timedelta(days=1)


def test_open_programs_are_planned_or_active() -> None:
    assert set(OPEN_STATUSES) == {"planned", "active"}
    assert is_open("planned") and is_open("active")
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
