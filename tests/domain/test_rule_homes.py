"""The small rules that have one home in domain/: open programs and the assessment window."""

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
