"""The explicit status of each exercise of a session (issue 11 item 2), pure rules."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest

from rehab_tracker.domain.dosage import Dosage
from rehab_tracker.domain.errors import ValidationError
from rehab_tracker.domain.sessions import (
    NOTHING_RECORDED,
    ExerciseEntry,
    SessionEntry,
    SetEntry,
    mark_all_done,
    planned_sets,
    status_of_sets,
    validate_session,
)

TODAY = dt.date(2026, 11, 23)
PLAN = (SetEntry(reps=12), SetEntry(reps=12))


def exercise(status: str, sets=PLAN) -> ExerciseEntry:
    return ExerciseEntry(uuid.uuid4(), "Bridge", "reps", sets=sets, status=status, planned=PLAN)


def check(*exercises: ExerciseEntry, attended: bool = True) -> None:
    entry = SessionEntry(TODAY, attended=attended, missed_reason="ill", exercises=exercises)
    validate_session(entry, today=TODAY, surgery_date=None)


def test_planned_sets_are_the_top_of_the_range_with_the_prescribed_amounts():
    dose = Dosage("hold", sets=3, reps_min=8, reps_max=10, hold_seconds=10.0, load_kg=0.0)
    assert planned_sets(dose) == (SetEntry(reps=10, hold_seconds=10.0),) * 3
    walk = Dosage("distance", sets=1, distance_m=400.0)
    assert planned_sets(walk) == (SetEntry(distance_m=400.0),)


@pytest.mark.parametrize(
    ("sets", "status"),
    [
        (PLAN, "done"),
        ((SetEntry(reps=12, effort=5), SetEntry(reps=12, effort=6)), "done"),  # effort aside
        ((SetEntry(reps=12), SetEntry(reps=10)), "changed"),
        ((SetEntry(reps=12),), "changed"),  # a set left out
        ((*PLAN, SetEntry(reps=12)), "changed"),  # a set added
        ((SetEntry(reps=12, load_kg=2.0), SetEntry(reps=12)), "changed"),
    ],
)
def test_the_status_follows_the_dose_typed(sets, status):
    assert status_of_sets(PLAN, sets) == status


def test_all_done_marks_only_the_exercises_not_recorded():
    changed = exercise("changed", (SetEntry(reps=7),))
    entry = SessionEntry(TODAY, exercises=(changed, exercise("not_recorded"), exercise("not_done")))
    after = mark_all_done(entry).exercises
    assert [e.status for e in after] == ["changed", "done", "not_done"]
    assert after[0].sets == (SetEntry(reps=7),) and after[1].sets == PLAN


def test_an_attended_session_with_nothing_recorded_is_refused():
    with pytest.raises(ValidationError) as err:
        check(exercise("not_recorded"), exercise("not_recorded"))
    assert err.value.errors == {"exercises": NOTHING_RECORDED}
    check(exercise("not_recorded"), exercise("not_done"))  # saying it was not done is recorded
    check(exercise("not_recorded"), attended=False)  # a missed session records no exercise


def test_a_done_exercise_needs_sets_and_only_done_ones_are_checked():
    with pytest.raises(ValidationError) as err:
        check(exercise("changed", (SetEntry(),)))
    assert "Not done" in err.value.errors["exercises.0"]
    bad = (SetEntry(reps=-1),)
    check(exercise("not_done", bad), exercise("done"))  # not saved, so not checked
    with pytest.raises(ValidationError) as err:
        check(exercise("changed", bad))
    assert "exercises.0.sets.0.reps" in err.value.errors
    with pytest.raises(ValidationError) as err:
        check(exercise("maybe"))
    assert "unknown status" in err.value.errors["exercises.0"]
