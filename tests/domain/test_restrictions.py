"""Surgeon restrictions as rules a clinician can read: when one is in force, what it forbids, and
that no progression suggestion ever goes past one."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rehab_tracker.domain.dosage import Dosage
from rehab_tracker.domain.progression import DOSAGE_FIELDS, Suggestion, raises_dose
from rehab_tracker.domain.restrictions import (
    KINDS,
    MOVEMENTS,
    ExerciseFacts,
    Restriction,
    active_on,
    cap_suggestion,
    check_dose,
    restriction_errors,
)

UNTIL = dt.date(2026, 12, 20)
LIFT_5 = Restriction("lifting", UNTIL, limit=5, starts_on=dt.date(2026, 11, 1))
NO_TWIST = Restriction("no_twisting", UNTIL)
NO_BEND = Restriction("no_loaded_flexion", UNTIL)
SIT_20 = Restriction("sitting", UNTIL, limit=20)

GOBLET = ExerciseFacts("Goblet squat", ("loaded_flexion",))
PALLOF = ExerciseFacts("Pallof press", ("rotation",))
BIKE = ExerciseFacts("Stationary bike", ("sitting",))
BRIDGE = ExerciseFacts("Bridge")


def reps(load: float | None = None, sets: int = 3) -> Dosage:
    return Dosage("reps", sets, reps_min=8, reps_max=12, load_kg=load)


def ride(minutes: float) -> Dosage:
    return Dosage("time", 1, duration_s=minutes * 60)


# --------------------------------------------------------------------------------- in force


def test_a_restriction_is_in_force_from_its_start_to_its_end_date_inclusive() -> None:
    assert active_on([LIFT_5], dt.date(2026, 10, 31)) == ()
    assert active_on([LIFT_5], dt.date(2026, 11, 1)) == (LIFT_5,)
    assert active_on([LIFT_5], UNTIL) == (LIFT_5,)
    assert active_on([LIFT_5], UNTIL + dt.timedelta(days=1)) == ()


def test_screen_text_names_limit_end_date_and_who_set_it() -> None:
    assert LIFT_5.describe() == "Lifting limit 5 kg until 2026-12-20 (surgeon)"
    assert SIT_20.describe() == "Sitting limit 20 min until 2026-12-20 (surgeon)"
    other = Restriction("other", UNTIL, detail="No swimming", set_by="Dr Spine")
    assert other.describe() == "No swimming until 2026-12-20 (Dr Spine)"


def test_the_home_sheet_says_it_in_plain_words() -> None:
    assert LIFT_5.plain_words() == "Do not lift anything heavier than 5 kg until 20 December 2026."
    assert SIT_20.plain_words() == (
        "Do not sit for longer than 20 minutes at a time until 20 December 2026."
    )
    assert NO_TWIST.plain_words() == "Avoid twisting your back until 20 December 2026."


# ------------------------------------------------------------------------------- validation


@pytest.mark.parametrize(
    ("restriction", "field", "words"),
    [
        (Restriction("lifting", UNTIL), "limit", "from 0 to 50 kg"),
        (Restriction("lifting", UNTIL, limit=80), "limit", "from 0 to 50 kg"),
        (Restriction("sitting", UNTIL, limit=2.5), "limit", "whole number from 5 to 240 min"),
        (Restriction("no_twisting", UNTIL, limit=3), "limit", "leave it empty"),
        (Restriction("no_twisting", None), "until", "date the restriction ends"),
        (
            Restriction("lifting", dt.date(2026, 10, 1), limit=5, starts_on=dt.date(2026, 11, 1)),
            "until",
            "cannot be before the start",
        ),
        (Restriction("other", UNTIL), "detail", "surgeon's words"),
        (Restriction("juggling", UNTIL), "kind", "Choose one of"),
    ],
)
def test_a_restriction_the_rules_refuse_names_its_field(restriction, field, words) -> None:
    errors = restriction_errors(restriction)
    assert field in errors and words in errors[field], errors


def test_a_sound_restriction_has_no_errors() -> None:
    for r in (LIFT_5, NO_TWIST, NO_BEND, SIT_20, Restriction("other", UNTIL, detail="x")):
        assert restriction_errors(r) == {}


# ----------------------------------------------------------------------------- dose checks


def test_a_load_above_the_lifting_limit_breaches_it_and_one_at_it_does_not() -> None:
    assert check_dose(BRIDGE, reps(5), [LIFT_5]) == []
    (breach,) = check_dose(BRIDGE, reps(7.5), [LIFT_5])
    assert breach.restriction == LIFT_5
    assert breach.message == (
        "Lifting limit 5 kg until 2026-12-20 (surgeon): Bridge is dosed at 7.5 kg."
    )


def test_an_exercise_whose_movement_is_ruled_out_breaches_at_any_dose() -> None:
    assert check_dose(PALLOF, reps(), [NO_TWIST])
    assert check_dose(GOBLET, reps(), [NO_BEND])
    assert check_dose(GOBLET, reps(), [NO_TWIST]) == []  # squatting is not twisting
    assert check_dose(BRIDGE, reps(), [NO_TWIST, NO_BEND]) == []


def test_the_sitting_limit_is_one_bout_of_an_exercise_done_sitting() -> None:
    assert check_dose(BIKE, ride(20), [SIT_20]) == []
    assert check_dose(BIKE, ride(25), [SIT_20])
    walk = ExerciseFacts("Treadmill walking")
    assert check_dose(walk, ride(45), [SIT_20]) == []


# --------------------------------------------------------------------------- the caps


def test_a_progression_past_the_lifting_limit_is_held_at_the_limit() -> None:
    suggestion = Suggestion("progress", reps(7.5), "All 3 sets reached 12 reps: add 2.5 kg.")
    capped = cap_suggestion(BRIDGE, reps(5), suggestion, [LIFT_5])
    assert capped.action == "hold"
    assert capped.dosage == reps(5)
    assert capped.reason.startswith("Hold: Lifting limit 5 kg until 2026-12-20 (surgeon).")


def test_a_progression_that_stays_within_the_limit_is_kept_and_one_that_crosses_is_capped() -> None:
    ok = Suggestion("progress", reps(5), "add 2.5 kg.")
    assert cap_suggestion(BRIDGE, reps(2.5), ok, [LIFT_5]) == ok
    over = Suggestion("progress", reps(7), "add 3 kg.")
    capped = cap_suggestion(BRIDGE, reps(4), over, [LIFT_5])
    assert (capped.action, capped.dosage) == ("progress", reps(5))
    assert capped.reason.startswith("Progress, capped: Lifting limit 5 kg")


def test_a_dose_already_past_the_limit_is_suggested_back_down_to_it() -> None:
    keep = Suggestion("repeat", reps(10), "repeat.")
    capped = cap_suggestion(BRIDGE, reps(10), keep, [LIFT_5])
    assert (capped.action, capped.dosage) == ("step_back", reps(5))


def test_an_exercise_a_restriction_rules_out_is_held_whatever_the_rules_suggested() -> None:
    suggestion = Suggestion("progress", reps(sets=4), "add a set.")
    capped = cap_suggestion(PALLOF, reps(), suggestion, [NO_TWIST])
    assert (capped.action, capped.dosage) == ("hold", reps())
    assert capped.reason.startswith("Hold: No twisting until 2026-12-20 (surgeon).")
    assert "pause it or choose another exercise" in capped.reason


def test_a_bike_ride_is_kept_within_the_sitting_limit() -> None:
    suggestion = Suggestion("progress", ride(25), "add 5 min.")
    capped = cap_suggestion(BIKE, ride(20), suggestion, [SIT_20])
    assert (capped.action, capped.dosage) == ("hold", ride(20))


def test_without_restrictions_a_suggestion_is_untouched() -> None:
    suggestion = Suggestion("progress", reps(50), "add 2.5 kg.")
    assert cap_suggestion(GOBLET, reps(47.5), suggestion, []) is suggestion


# ------------------------------------------------------------------------------- the rule

loads = st.none() | st.sampled_from([0.0, 1.0, 2.5, 4.0, 5.0, 7.5, 10.0, 20.0])


@st.composite
def doses(draw: st.DrawFn, kind: str) -> Dosage:
    if kind == "time":
        return Dosage("time", draw(st.integers(1, 4)), duration_s=draw(st.floats(60, 3600)))
    if kind == "hold":
        return Dosage("hold", draw(st.integers(1, 4)), hold_seconds=draw(st.floats(5, 60)),
                      load_kg=draw(loads))
    low = draw(st.integers(1, 15))
    return Dosage("reps", draw(st.integers(1, 5)), reps_min=low,
                  reps_max=low + draw(st.integers(0, 5)), load_kg=draw(loads))


@st.composite
def restriction_sets(draw: st.DrawFn) -> list[Restriction]:
    chosen = draw(st.lists(st.sampled_from(sorted(KINDS)), max_size=4))
    out = []
    for kind in chosen:
        limit = None
        if kind == "lifting":
            limit = draw(st.sampled_from([0, 2, 4, 5, 10]))
        elif kind == "sitting":
            limit = draw(st.integers(5, 60))
        out.append(Restriction(kind, UNTIL, limit=limit, detail="as told" * (kind == "other")))
    return out


@st.composite
def cases(draw: st.DrawFn):
    kind = draw(st.sampled_from(["reps", "hold", "time"]))
    movements = tuple(draw(st.sets(st.sampled_from(sorted(MOVEMENTS)))))
    exercise = ExerciseFacts("Exercise", movements)
    current = draw(doses(kind))
    action = draw(st.sampled_from(["progress", "hold", "step_back", "repeat"]))
    suggested = draw(doses(kind))
    return exercise, current, Suggestion(action, suggested, "The rules' reason."), draw(
        restriction_sets()
    )


@given(cases())
def test_a_restriction_caps_every_suggestion(case) -> None:
    """Whatever the progression rules suggest, the suggestion shown goes past no active
    restriction: a load or sitting time is at most its limit, and an exercise whose movement is
    ruled out is held (never raised) with the restriction named first in the reason."""
    exercise, current, suggestion, active = case
    capped = cap_suggestion(exercise, current, suggestion, active)
    limits = [r for r in active if r.kind in ("lifting", "sitting")]
    assert check_dose(exercise, capped.dosage, limits) == []
    breaches = check_dose(exercise, suggestion.dosage, active)
    if not breaches:
        assert capped == suggestion
        return
    assert capped.reason.split(":")[0] in ("Hold", "Step back", "Progress, capped")
    assert breaches[0].restriction.describe() in capped.reason
    ruled_out = [b for b in breaches if b.restriction.kind in ("no_twisting", "no_loaded_flexion")]
    if ruled_out:
        assert capped.action == "hold"
        assert not raises_dose(current, capped.dosage)
    # a cap only ever lowers what the rules suggested, and keeps the dose's kind
    assert capped.dosage.dosage_type == suggestion.dosage.dosage_type
    if not ruled_out:
        assert all(
            (getattr(capped.dosage, f) or 0) <= (getattr(suggestion.dosage, f) or 0)
            for f in DOSAGE_FIELDS
        )
        # still called a progress only when it still raises the current dose
        assert (capped.action == "progress") == raises_dose(current, capped.dosage)
