"""The rules of a program's status: transitions, dates and reasons, the moved schedule."""

from __future__ import annotations

import datetime as dt

import pytest

from rehab_tracker.domain import program_status as rules
from rehab_tracker.domain.errors import ValidationError
from rehab_tracker.domain.programs import OPEN_STATUSES, is_open
from rehab_tracker.domain.schedule import moved_by_pause, pause_shift_days

START = dt.date(2026, 9, 7)
TODAY = dt.date(2026, 11, 23)
ACTIVE = rules.ProgramFacts("active", START)
PAUSED_TODAY = rules.ProgramFacts("paused", START, paused_on=TODAY)


@pytest.mark.parametrize(
    ("status", "change", "ok"),
    [
        ("active", "pause", True),
        ("planned", "pause", True),
        ("paused", "pause", False),
        ("paused", "resume", True),
        ("active", "resume", False),
        ("active", "complete", True),
        ("paused", "complete", True),
        ("planned", "complete", False),
        ("completed", "complete", False),
        ("active", "stop", True),
        ("paused", "stop", True),
        ("stopped", "stop", False),
        ("completed", "pause", False),
        ("stopped", "resume", False),
    ],
)
def test_transitions(status: str, change: rules.Change, ok: bool) -> None:
    assert rules.allowed(status, change) is ok


def test_a_paused_program_is_still_open_and_an_ended_one_is_closed() -> None:
    assert "paused" in OPEN_STATUSES and is_open("paused")
    assert not is_open("completed") and not is_open("stopped")
    assert rules.is_closed("completed") and rules.is_closed("stopped")
    assert not rules.is_closed("paused")


def test_a_closed_program_refuses_a_transition_with_words() -> None:
    with pytest.raises(ValidationError) as err:
        rules.check_resume(rules.ProgramFacts("completed", START), resume_on=TODAY)
    assert err.value.errors == {"status": "This program is completed: it cannot be resumed."}


def test_pause_needs_a_day_and_a_reason() -> None:
    with pytest.raises(ValidationError) as err:
        rules.check_pause(ACTIVE, paused_on=None, reason="  ", today=TODAY)
    assert set(err.value.errors) == {"paused_on", "reason"}
    assert rules.check_pause(ACTIVE, paused_on=TODAY, reason=" flu ", today=TODAY) == "flu"


@pytest.mark.parametrize(
    ("day", "words"),
    [
        (TODAY + dt.timedelta(days=1), "after today"),
        (START - dt.timedelta(days=1), "before the program's start (2026-09-07)"),
        (dt.date(2026, 11, 19), "before a session logged on (2026-11-20)"),
    ],
)
def test_pause_day_limits(day: dt.date, words: str) -> None:
    with pytest.raises(ValidationError) as err:
        rules.check_pause(
            rules.ProgramFacts("active", START, last_logged=dt.date(2026, 11, 20)),
            paused_on=day,
            reason="revision operation",
            today=TODAY,
        )
    assert words in err.value.errors["paused_on"]


def test_resume_not_before_the_pause() -> None:
    with pytest.raises(ValidationError) as err:
        rules.check_resume(PAUSED_TODAY, resume_on=TODAY - dt.timedelta(days=1))
    assert "before the first day of the pause" in err.value.errors["resume_on"]
    rules.check_resume(PAUSED_TODAY, resume_on=TODAY + dt.timedelta(days=30))


def test_completion_needs_the_end_assessment_or_a_reason_to_skip_it() -> None:
    def complete(recorded: bool, skip: str) -> str | None:
        return rules.check_complete(
            ACTIVE, ended_on=TODAY, today=TODAY, assessment_recorded=recorded, skip_reason=skip
        )

    with pytest.raises(ValidationError) as err:
        complete(False, "")
    assert "end-of-program assessment" in err.value.errors["end_assessment"]
    assert complete(False, "moved away") == "moved away"
    assert complete(True, "ignored") is None


def test_stop_needs_a_reason_and_a_day_not_before_the_pause() -> None:
    with pytest.raises(ValidationError) as err:
        rules.check_stop(
            rules.ProgramFacts("paused", START, paused_on=dt.date(2026, 11, 2)),
            ended_on=dt.date(2026, 11, 1),
            reason="",
            today=TODAY,
        )
    assert set(err.value.errors) == {"ended_on", "reason"}
    assert "first day of the pause" in err.value.errors["ended_on"]


def test_end_assessment_recorded_by_timepoint_or_near_the_end_day() -> None:
    end = dt.date(2026, 11, 30)
    assert rules.end_assessment_recorded([(dt.date(2026, 10, 1), "end")], end)
    assert rules.end_assessment_recorded([(dt.date(2026, 11, 20), None)], end)
    assert rules.end_assessment_recorded([(dt.date(2026, 11, 25), "other")], end)
    assert not rules.end_assessment_recorded([(dt.date(2026, 10, 1), "mid")], end)
    # marked for another time point: not the end-of-program assessment, however close
    assert not rules.end_assessment_recorded([(dt.date(2026, 11, 28), "mid")], end)
    assert not rules.end_assessment_recorded([(dt.date(2026, 11, 1), None)], end)  # too early
    assert not rules.end_assessment_recorded([], end)


def test_doses_of_an_ended_program_stay() -> None:
    rules.refuse_dose_edit("active")
    rules.refuse_dose_edit("paused")
    with pytest.raises(ValidationError, match="stopped early: its doses cannot be changed"):
        rules.refuse_dose_edit("stopped")


def test_logging_refusal() -> None:
    assert rules.logging_refusal("active", paused_on=None, ended_on=None) is None
    paused = rules.logging_refusal("paused", paused_on=TODAY, ended_on=None)
    assert paused is not None and "paused since 2026-11-23" in paused
    assert "Resume Program" in paused
    done = rules.logging_refusal("completed", paused_on=None, ended_on=TODAY)
    assert done is not None and "completed on 2026-11-23" in done


def test_due_until_stops_at_the_pause_or_the_end() -> None:
    pause = dt.date(2026, 11, 2)
    assert rules.due_until("active", paused_on=None, ended_on=None, today=TODAY) == TODAY
    assert rules.due_until("paused", paused_on=pause, ended_on=None, today=TODAY) == pause
    assert rules.due_until("stopped", paused_on=None, ended_on=pause, today=TODAY) == pause
    later = TODAY + dt.timedelta(days=3)
    assert rules.due_until("completed", paused_on=None, ended_on=later, today=TODAY) == TODAY


@pytest.mark.parametrize(
    ("first", "resume", "shift"),
    [
        (dt.date(2026, 11, 2), dt.date(2026, 11, 12), 14),  # 10 days: two whole weeks
        (dt.date(2026, 11, 2), dt.date(2026, 11, 9), 7),  # exactly one week
        (dt.date(2026, 11, 2), dt.date(2026, 11, 3), 7),  # one day still moves a week
        (dt.date(2026, 11, 4), dt.date(2026, 11, 4), 0),  # the next session is the resume day
        (dt.date(2026, 11, 6), dt.date(2026, 11, 4), 0),  # a pause between two sessions
        (None, dt.date(2026, 11, 4), 0),  # nothing left to move
    ],
)
def test_pause_shift_keeps_weekdays(first: dt.date | None, resume: dt.date, shift: int) -> None:
    assert pause_shift_days(first, resume) == shift
    if first is not None:
        moved = moved_by_pause(first, first, shift)
        assert moved.weekday() == first.weekday() and moved >= resume


def test_moved_by_pause_leaves_earlier_days() -> None:
    pause = dt.date(2026, 11, 2)
    assert moved_by_pause(dt.date(2026, 10, 30), pause, 14) == dt.date(2026, 10, 30)
    assert moved_by_pause(pause, pause, 14) == dt.date(2026, 11, 16)
