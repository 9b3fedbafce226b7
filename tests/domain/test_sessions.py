"""Pure session rules: validation, adherence bounds, walking-test ranges, 6MWT distance."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rehab_tracker.domain.errors import ValidationError
from rehab_tracker.domain.sessions import (
    ExerciseEntry,
    SessionEntry,
    SetEntry,
    SixMinuteWalkEntry,
    SlotStatus,
    compute_adherence,
    lap_length_m,
    six_minute_walk_distance,
    validate_session,
    validate_six_minute,
    walk_value_error,
)

TODAY = dt.date(2026, 11, 23)
SURGERY = dt.date(2026, 8, 1)


def check(**kw):
    validate_session(SessionEntry(**{"session_date": TODAY, **kw}), today=TODAY,
                     surgery_date=SURGERY)


def test_valid_session_passes():
    check(pain_back_before=0, pain_leg_after=10)


@pytest.mark.parametrize(
    ("kw", "field"),
    [
        ({"pain_back_before": 11}, "pain_back_before"),
        ({"pain_leg_after": -1}, "pain_leg_after"),
        ({"session_date": TODAY + dt.timedelta(days=1)}, "session_date"),
        ({"session_date": SURGERY - dt.timedelta(days=1)}, "session_date"),
        ({"session_date": None}, "session_date"),
        ({"attended": False}, "missed_reason"),
        ({"location": "moon"}, "location"),
    ],
)
def test_refused(kw, field):
    with pytest.raises(ValidationError) as err:
        check(**kw)
    assert field in err.value.errors


def test_set_errors_are_keyed():
    ex = ExerciseEntry(uuid.uuid4(), "Bridge", "reps", sets=(SetEntry(reps=-1, effort=11),),
                       status="changed")
    with pytest.raises(ValidationError) as err:
        check(exercises=(ex,))
    assert set(err.value.errors) == {"exercises.0.sets.0.reps", "exercises.0.sets.0.effort"}


slots = st.lists(
    st.builds(
        SlotStatus,
        week=st.integers(1, 12),
        scheduled_date=st.dates(dt.date(2026, 8, 1), dt.date(2027, 3, 1)),
        logged=st.booleans(),
        attended=st.booleans(),
    )
).map(lambda xs: [SlotStatus(s.week, s.scheduled_date, s.logged or s.attended, s.attended)
                  for s in xs])


@given(slots)
def test_adherence_is_bounded(xs):
    result = compute_adherence(xs, TODAY)
    assert 0 <= result.attended <= result.planned
    if result.rate is not None:
        assert 0.0 <= result.rate <= 1.0
    assert sum(w.planned for w in result.weeks) == result.planned
    for w in result.weeks:
        assert w.rate is None or 0 <= w.rate <= 1


def test_future_unlogged_slots_are_not_planned():
    xs = [SlotStatus(1, TODAY, True, True), SlotStatus(1, TODAY + dt.timedelta(days=2))]
    result = compute_adherence(xs, TODAY)
    assert (result.planned, result.attended) == (1, 1)
    assert "1 of 1" in result.describe()


@pytest.mark.parametrize(
    ("test", "value", "ok"),
    [
        ("walk_5min", 450.0, True),
        ("walk_5min", 1200.0, False),
        ("walk_5min", 0.0, False),
        ("walk_5min", -5.0, False),
        ("walk_50ft_fastest", 4.0, True),
        ("walk_50ft_preferred", 500.0, False),
        ("tug", 9.0, True),
        ("tug", 0.5, False),
    ],
)
def test_walk_ranges(test, value, ok):
    assert (walk_value_error(test, value) is None) == ok


def test_walk_message_in_feet():
    assert "3281 ft" in (walk_value_error("walk_5min", 1200.0, "imperial") or "")


def test_six_minute_walk_follows_the_ats_worksheet():
    """ATS 2002 worksheet: "Number of laps: __ (x 60 meters) + final partial lap: __ meters =
    total distance". A lap is out and back to the start line: 60 m on the 30 m course."""
    assert lap_length_m(30.0) == 60.0
    # 7 laps x 60 m + a final partial lap of 25 m
    assert six_minute_walk_distance(30.0, 7, 25.0) == 445.0
    assert validate_six_minute(SixMinuteWalkEntry(30.0, 7, 25.0)) == 445.0
    # a shorter corridor: laps x 2 x course length + the final partial lap
    assert validate_six_minute(SixMinuteWalkEntry(20.0, 10, 35.0)) == 435.0
    # the stored details say what a lap was
    assert SixMinuteWalkEntry(30.0, 7, 25.0).details()["lap_length_m"] == 60.0


@given(st.integers(1, 9), st.floats(0, 59.9))
def test_six_minute_distance(laps, partial):
    entry = SixMinuteWalkEntry(30.0, laps, partial)
    distance = validate_six_minute(entry)
    assert distance == pytest.approx(laps * 2 * 30 + partial)
    assert distance == pytest.approx(six_minute_walk_distance(30, laps, partial))


def test_final_partial_lap_is_shorter_than_a_lap():
    # 45 m is past the turn of a 30 m course but short of the start line again: allowed
    assert validate_six_minute(SixMinuteWalkEntry(30.0, 5, 45.0)) == 345.0
    with pytest.raises(ValidationError) as err:
        validate_six_minute(SixMinuteWalkEntry(30.0, 5, 60.0))
    assert "shorter than a lap (60 m" in err.value.errors["partial_lap_m"]


@pytest.mark.parametrize(
    ("entry", "field"),
    [
        (SixMinuteWalkEntry(5.0, 10), "course_length_m"),
        (SixMinuteWalkEntry(30.0, None), "laps"),
        (SixMinuteWalkEntry(30.0, 10, 61.0), "partial_lap_m"),
        (SixMinuteWalkEntry(30.0, 10, spo2_after=120), "spo2_after"),
        (SixMinuteWalkEntry(30.0, 10, effort_after=11), "effort_after"),
        (SixMinuteWalkEntry(30.0, 21), "laps"),  # 1,260 m in 6 minutes
    ],
)
def test_six_minute_refused(entry, field):
    with pytest.raises(ValidationError) as err:
        validate_six_minute(entry)
    assert field in err.value.errors
