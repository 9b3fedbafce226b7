"""Progression engine: step back, hold, progress, repeat, and the dose each step leads to.

The rules across sessions (two in a row at high intensity, a week at low, pain across sessions,
missing data) read as rules in test_progression_rules.py; here the tests mostly judge one
session, and a progression is shown on two calm sessions in a row (:func:`ready`)."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rehab_tracker.domain.dosage import STEP_FIELDS, Dosage, ProgressionStep, dose_fields
from rehab_tracker.domain.errors import ValidationError
from rehab_tracker.domain.progression import (
    DOSAGE_FIELDS,
    History,
    LoggedSet,
    Performance,
    Prescription,
    Rules,
    Suggestion,
    hold_for_red_flag,
    raises_dose,
    suggest,
)

CAPS = ("reps_cap", "hold_cap_s", "sets_cap")


def make(dosage_type: str, sets: int, **kwargs: object) -> Prescription:
    """A prescription from flat keywords: the dose's fields, its steps and the caps."""
    steps = {k: kwargs.pop(k) for k in STEP_FIELDS if k in kwargs}
    caps = {k: kwargs.pop(k) for k in CAPS if k in kwargs}
    return Prescription(
        Dosage(dosage_type, sets, **kwargs),  # type: ignore[arg-type]
        ProgressionStep(**steps),  # type: ignore[arg-type]
        **caps,  # type: ignore[arg-type]
    )


def changed(p: Prescription, **changes: object) -> Prescription:
    """``p`` with some of its dose fields, steps or caps changed."""
    flat = {
        **dose_fields(p.dose),
        **{k: getattr(p.step, k) for k in STEP_FIELDS},
        **{k: getattr(p, k) for k in CAPS},
        **changes,
    }
    return make(**flat)


LOADED = make(
    "reps", 3, reps_min=8, reps_max=12, load_kg=20.0, effort_target=6, load_step_kg=2.5,
    reps_step=2,
)
BODYWEIGHT = make("reps", 3, reps_min=8, reps_max=12, effort_target=6, reps_step=2)
HOLD = make(
    "hold", 2, hold_seconds=30, reps_min=5, reps_max=5, effort_target=5, hold_step_s=5,
    reps_step=1,
)
PLAIN_HOLD = make("hold", 3, hold_seconds=20, effort_target=5, hold_step_s=10)
WALK = make("distance", 1, distance_m=400, effort_target=4, distance_step_m=100)
BIKE = make("time", 1, duration_s=600, effort_target=4, duration_step_s=120)


def top_sets(p: Prescription, effort: int = 5, n: int | None = None) -> list[LoggedSet]:
    """Sets that reach the top of the prescription's target at ``effort``."""
    d = p.dose
    one = LoggedSet(
        reps=d.reps_max, hold_seconds=d.hold_seconds, load_kg=d.load_kg,
        distance_m=d.distance_m, duration_s=d.duration_s, effort=effort,
    )
    return [one] * (d.sets if n is None else n)


#: pain recorded before and after a session, low and steady
CALM = dict(back_pain_before=2, back_pain_after=2, leg_pain_before=1, leg_pain_after=1)


def one(perf: Performance) -> History:
    """The history of an exercise logged once."""
    return History([perf])


def calm(sets: list[LoggedSet], **kwargs: object) -> Performance:
    """A session with every pain value recorded, low and steady (``kwargs`` change some)."""
    return Performance(sets, **{**CALM, **kwargs})  # type: ignore[arg-type]


def ready(sets: list[LoggedSet], **kwargs: object) -> History:
    """Two calm sessions in a row with these sets: what high intensity needs to progress."""
    return History([calm(sets, **kwargs)] * 2)


def dosage(d: Dosage) -> dict[str, float]:
    return {name: getattr(d, name) or 0 for name in DOSAGE_FIELDS}


# ---------------------------------------------------------------------------------- step back


def test_leg_pain_rise_steps_back_one_load_step():
    perf = Performance(top_sets(LOADED), leg_pain_before=2, leg_pain_after=4)
    result = suggest(LOADED, one(perf))
    assert result.action == "step_back"
    assert result.dosage == replace(LOADED.dose, load_kg=17.5)
    assert result.reason == (
        "Leg pain rose from 2 to 4 during the session: step back 2.5 kg to 17.5 kg."
    )


@pytest.mark.parametrize(("before", "after"), [(0, 1), (3, 4), (9, 10)])
def test_any_rise_in_leg_pain_steps_back(before, after):
    perf = Performance(top_sets(LOADED), leg_pain_before=before, leg_pain_after=after)
    assert suggest(LOADED, one(perf)).action == "step_back"


@pytest.mark.parametrize(("before", "after", "action"),
                         [(3, 5, "step_back"), (0, 6, "step_back"), (3, 4, "progress"),
                          (5, 3, "progress"), (4, 4, "progress")])
def test_back_pain_needs_a_rise_of_two(before, after, action):
    history = ready(top_sets(LOADED), back_pain_before=before, back_pain_after=after)
    assert suggest(LOADED, history).action == action


@pytest.mark.parametrize(
    ("kwargs"),
    [dict(leg_pain_before=None, leg_pain_after=5), dict(leg_pain_before=2, leg_pain_after=None),
     dict(back_pain_before=None, back_pain_after=9), dict(leg_pain_before=5, leg_pain_after=2)],
)
def test_incomplete_or_falling_pain_does_not_step_back(kwargs):
    assert suggest(LOADED, one(Performance(top_sets(LOADED), **kwargs))).action != "step_back"


def test_adverse_event_steps_back():
    result = suggest(LOADED, one(Performance(top_sets(LOADED), adverse_event=True)))
    assert result.action == "step_back"
    assert result.reason == "An adverse event was logged: step back 2.5 kg to 17.5 kg."


def test_several_triggers_are_all_named():
    perf = Performance(top_sets(LOADED), back_pain_before=3, back_pain_after=6,
                       leg_pain_before=1, leg_pain_after=2, adverse_event=True)
    reason = suggest(LOADED, one(perf)).reason
    assert reason.startswith("Leg pain rose from 1 to 2 during the session; back pain rose "
                             "from 3 to 6 during the session; an adverse event was logged:")


def test_step_back_beats_hold_and_no_sets():
    too_hard = [LoggedSet(reps=12, effort=9)] * 3
    assert suggest(LOADED, one(Performance(too_hard, adverse_event=True))).action == "step_back"
    assert suggest(LOADED, one(Performance([], adverse_event=True))).action == "step_back"


def test_load_never_goes_below_zero():
    light = changed(LOADED, load_kg=1.0)
    result = suggest(light, one(Performance(top_sets(light), adverse_event=True)))
    assert result.dosage.load_kg == 0.0
    assert "step back 1 kg to 0 kg" in result.reason


@pytest.mark.parametrize(
    ("prescription", "changes", "words"),
    [
        (BODYWEIGHT, dict(reps_min=6, reps_max=10), "step back 2 reps to 6-10 reps"),
        (changed(BODYWEIGHT, reps_min=1, reps_max=2), dict(reps_min=1, reps_max=1),
         "step back 1 rep to 1 reps"),
        (changed(BODYWEIGHT, reps_step=None), dict(reps_min=7, reps_max=11),
         "step back 1 rep to 7-11 reps"),
        (changed(BODYWEIGHT, load_kg=5.0), dict(reps_min=6, reps_max=10),
         "step back 2 reps"),  # loaded but no load step: reps go down
        (HOLD, dict(hold_seconds=25), "shorten the hold by 5 s to 25 s"),
        (changed(PLAIN_HOLD, hold_seconds=12), dict(hold_seconds=5), "to 5 s"),
        (changed(PLAIN_HOLD, hold_step_s=None), dict(hold_seconds=15), "by 5 s to 15 s"),
        (WALK, dict(distance_m=300), "step back 100 m to 300 m"),
        (changed(WALK, distance_m=150), dict(distance_m=100), "to 100 m"),
        (BIKE, dict(duration_s=480), "step back 2 min to 8 min"),
    ],
)
def test_bodyweight_step_back(prescription, changes, words):
    result = suggest(prescription, one(Performance(top_sets(prescription), adverse_event=True)))
    assert result.action == "step_back"
    assert result.dosage == replace(prescription.dose, **changes)
    assert words in result.reason


@pytest.mark.parametrize(
    "prescription",
    [
        changed(BODYWEIGHT, reps_min=1, reps_max=1),
        changed(PLAIN_HOLD, hold_seconds=5),
        changed(PLAIN_HOLD, hold_seconds=3),  # below the floor already: never raised to 5
        changed(WALK, distance_m=100),
        changed(WALK, distance_step_m=None),
        changed(BIKE, duration_step_s=0),
    ],
)
def test_step_back_at_the_floor_keeps_the_dosage(prescription):
    result = suggest(prescription, one(Performance(top_sets(prescription), adverse_event=True)))
    assert result.action == "step_back"
    assert result.dosage == prescription.dose
    assert "already at its lowest" in result.reason


def test_hold_exercise_at_hold_floor_steps_back_counted_holds():
    p = changed(HOLD, hold_seconds=5, reps_min=4, reps_max=6)
    result = suggest(p, one(Performance(top_sets(p), adverse_event=True)))
    assert result.dosage == replace(p.dose, reps_min=3, reps_max=5)


# ------------------------------------------------------------------------------- no sets, hold


@pytest.mark.parametrize("history", [one(Performance()), one(calm([])), History()])
def test_no_sets_logged_repeats(history):
    result = suggest(LOADED, history)
    assert result == Suggestion("repeat", LOADED.dose,
                                "No sets logged last session: repeat the same dosage.")
    assert "no sets logged last session" in result.reason.lower()


def test_effort_above_target_holds():
    sets = [*top_sets(LOADED, n=2), LoggedSet(reps=12, load_kg=20, effort=7)]
    result = suggest(LOADED, one(Performance(sets)))
    assert result.action == "hold"
    assert result.dosage is LOADED.dose
    assert result.reason == ("Effort reached 7/10 in set 3, above the target of 6/10: keep the "
                             "same dosage (3 x 8-12 @ 20 kg).")


def test_effort_above_target_in_several_sets():
    sets = [LoggedSet(reps=8, effort=7), LoggedSet(reps=8, effort=6), LoggedSet(reps=7, effort=9),
            LoggedSet(reps=6, effort=8)]
    reason = suggest(LOADED, one(Performance(sets))).reason
    assert "Effort reached 9/10 in sets 1, 3 and 4" in reason


def test_effort_at_target_does_not_hold():
    assert suggest(LOADED, ready(top_sets(LOADED, effort=6))).action == "progress"


def test_hold_beats_progress_even_when_all_sets_reached_the_top():
    assert suggest(LOADED, one(Performance(top_sets(LOADED, effort=7)))).action == "hold"


def test_no_effort_target_never_holds_and_does_not_need_effort():
    p = changed(LOADED, effort_target=None)
    sets = [LoggedSet(reps=12, effort=10)] * 3
    result = suggest(p, ready(sets))
    assert result.action == "progress"
    assert "effort" not in result.reason
    assert suggest(p, ready([LoggedSet(reps=12)] * 3)).action == "progress"


# ------------------------------------------------------------------------------------- progress


@pytest.mark.parametrize(
    ("prescription", "changes", "reason"),
    [
        (LOADED, dict(load_kg=22.5),
         "All 3 prescribed sets reached 12 reps at effort 6/10 or less in 2 sessions in a row "
         "with no rise in pain (the template's rule for high intensity, a clinic default): add "
         "2.5 kg to 22.5 kg."),
        (BODYWEIGHT, dict(reps_min=10, reps_max=14),
         "add 2 reps (10-14 reps)."),
        (changed(BODYWEIGHT, reps_max=19), dict(reps_min=9, reps_max=20), "add 1 rep (9-20 reps)"),
        (changed(BODYWEIGHT, reps_max=20), dict(sets=4), "add a set (4 sets)"),
        (changed(BODYWEIGHT, reps_step=None), dict(sets=4), "add a set"),
        (HOLD, dict(hold_seconds=35),
         "All 2 prescribed sets reached the 30 s hold for 5 reps at effort 5/10 or less in 2 "
         "sessions in a row"),
        (changed(HOLD, hold_seconds=58), dict(hold_seconds=60), "hold 2 s longer (60 s)"),
        (changed(HOLD, hold_seconds=60), dict(reps_min=6, reps_max=6), "add 1 rep (6 reps)"),
        (changed(HOLD, hold_seconds=90), dict(reps_min=6, reps_max=6), "add 1 rep"),
        (changed(PLAIN_HOLD, hold_seconds=60), dict(sets=4), "add a set"),
        (changed(HOLD, load_kg=4.0, load_step_kg=1.0), dict(load_kg=5.0), "add 1 kg to 5 kg"),
        (WALK, dict(distance_m=500),
         "The prescribed set reached 400 m at effort 4/10 or less in 2 sessions"),
        (BIKE, dict(duration_s=720), "reached 10 min at effort 4/10 or less in 2 sessions"),
    ],
)
def test_progress(prescription, changes, reason):
    result = suggest(prescription, ready(top_sets(prescription, effort=4)))
    assert result.action == "progress"
    assert result.dosage == replace(prescription.dose, **changes)
    assert reason in result.reason


@pytest.mark.parametrize(
    "prescription",
    [
        changed(BODYWEIGHT, reps_max=20, sets=4),
        changed(BODYWEIGHT, reps_min=25, reps_max=30, sets=5),  # above the caps already
        changed(PLAIN_HOLD, hold_seconds=60, sets=4),
        changed(WALK, distance_step_m=None),
        changed(BIKE, duration_step_s=None),
    ],
)
def test_nothing_left_to_progress_repeats(prescription):
    result = suggest(prescription, ready(top_sets(prescription, effort=4)))
    assert result.action == "repeat"
    assert result.dosage == prescription.dose
    assert "harder variation" in result.reason


def test_extra_sets_beyond_the_prescription_are_fine():
    sets = [LoggedSet(reps=10, effort=5), *top_sets(LOADED)]
    assert suggest(LOADED, ready(sets)).action == "progress"


# --------------------------------------------------------------------------------------- repeat


@pytest.mark.parametrize(
    ("sets", "words"),
    [
        ([LoggedSet(reps=12, effort=5)] * 2, "2 of 3 prescribed sets reached 12 reps"),
        ([LoggedSet(reps=12, effort=5)] * 2 + [LoggedSet(reps=11, effort=5)], "2 of 3"),
        ([LoggedSet(reps=12, load_kg=17.5, effort=5)] * 3, "0 of 3"),  # lighter than prescribed
        ([LoggedSet(reps=None, effort=5)] * 3, "0 of 3"),
    ],
)
def test_not_at_the_top_repeats(sets, words):
    result = suggest(LOADED, ready(sets))
    assert result.action == "repeat"
    assert result.dosage is LOADED.dose
    assert words in result.reason
    assert "repeat the same dosage (3 x 8-12 @ 20 kg)" in result.reason


def test_heavier_than_prescribed_still_counts():
    sets = [LoggedSet(reps=12, load_kg=22.5, effort=5)] * 3
    assert suggest(LOADED, ready(sets)).action == "progress"


@pytest.mark.parametrize(
    ("prescription", "bad_set"),
    [
        (HOLD, LoggedSet(reps=5, hold_seconds=25, effort=4)),
        (HOLD, LoggedSet(reps=4, hold_seconds=30, effort=4)),
        (HOLD, LoggedSet(reps=5, effort=4)),
        (WALK, LoggedSet(distance_m=399, effort=4)),
        (BIKE, LoggedSet(duration_s=590, effort=4)),
        (BIKE, LoggedSet(effort=4)),
    ],
)
def test_short_of_target_repeats(prescription, bad_set):
    sets = [*top_sets(prescription, effort=4, n=prescription.dose.sets - 1), bad_set]
    assert suggest(prescription, ready(sets)).action == "repeat"


def test_missing_effort_blocks_progress():
    sets = [*top_sets(LOADED, n=2), LoggedSet(reps=12, load_kg=20)]
    result = suggest(LOADED, ready(sets))
    assert result.action == "repeat"
    assert result.reason == (
        "Not enough data to progress: effort was not logged for set 3. Repeat the same dosage "
        "(3 x 8-12 @ 20 kg)."
    )


# ----------------------------------------------------------------------------------- validation


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        (dict(dosage_type="weights", sets=3), "dosage_type"),
        (dict(dosage_type="reps", sets=0, reps_min=8, reps_max=12), "sets"),
        (dict(dosage_type="reps", sets=True, reps_min=8, reps_max=12), "sets"),
        (dict(dosage_type="reps", sets=3), "reps_max"),
        (dict(dosage_type="reps", sets=3, reps_min=12, reps_max=8), "reps_max"),
        (dict(dosage_type="reps", sets=3, reps_min=0, reps_max=8), "reps_min"),
        (dict(dosage_type="reps", sets=3, reps_min=8.5, reps_max=12), "reps_min"),
        (dict(dosage_type="reps", sets=3, reps_min=8, reps_max=12, load_kg=-1), "load_kg"),
        (dict(dosage_type="reps", sets=3, reps_min=8, reps_max=12, load_kg=float("nan")),
         "load_kg"),
        (dict(dosage_type="reps", sets=3, reps_min=8, reps_max=12, effort_target=11),
         "effort_target"),
        (dict(dosage_type="reps", sets=3, reps_min=8, reps_max=12, load_step_kg=-2.5),
         "load_step_kg"),
        (dict(dosage_type="reps", sets=3, reps_min=8, reps_max=12, reps_cap=0), "reps_cap"),
        (dict(dosage_type="hold", sets=3), "hold_seconds"),
        (dict(dosage_type="hold", sets=3, hold_seconds=0), "hold_seconds"),
        (dict(dosage_type="hold", sets=3, hold_seconds=10, reps_min=5), "reps_max"),
        (dict(dosage_type="hold", sets=3, hold_seconds=10, hold_cap_s=2), "hold_cap_s"),
        (dict(dosage_type="distance", sets=1), "distance_m"),
        (dict(dosage_type="time", sets=1, duration_s=-5), "duration_s"),
        (dict(dosage_type="time", sets=1, duration_s=60, sets_cap=0), "sets_cap"),
    ],
)
def test_invalid_prescription(kwargs, field):
    with pytest.raises(ValidationError) as info:
        make(**kwargs)
    assert field in info.value.errors


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [(dict(reps=-1), "reps"), (dict(reps=2.5), "reps"), (dict(effort=11), "effort"),
     (dict(effort=-1), "effort"), (dict(load_kg=-1), "load_kg"),
     (dict(hold_seconds=float("inf")), "hold_seconds")],
)
def test_invalid_logged_set(kwargs, field):
    with pytest.raises(ValidationError) as info:
        LoggedSet(**kwargs)
    assert field in info.value.errors


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [(dict(back_pain_before=11), "back_pain_before"), (dict(leg_pain_after=-1), "leg_pain_after"),
     (dict(leg_pain_before=2.5), "leg_pain_before"), (dict(adverse_event=1), "adverse_event"),
     (dict(sets=[{"reps": 10}]), "sets[0]")],
)
def test_invalid_performance(kwargs, field):
    with pytest.raises(ValidationError) as info:
        Performance(**kwargs)
    assert field in info.value.errors


def test_performance_stores_sets_as_a_tuple():
    perf = Performance([LoggedSet(reps=1)])
    assert perf.sets == (LoggedSet(reps=1),)


@pytest.mark.parametrize(
    ("prescription", "text"),
    [(LOADED, "3 x 8-12 @ 20 kg"), (BODYWEIGHT, "3 x 8-12"), (HOLD, "2 x 5 x 30 s hold"),
     (PLAIN_HOLD, "3 x 20 s hold"), (WALK, "1 x 400 m"), (BIKE, "1 x 10 min"),
     (changed(LOADED, load_kg=17.25), "3 x 8-12 @ 17.25 kg")],
)
def test_describe(prescription, text):
    assert prescription.describe() == text


# ------------------------------------------------------------------------------------ properties

optional_pain = st.none() | st.integers(0, 10)


@st.composite
def prescriptions(draw: st.DrawFn) -> Prescription:
    kind = draw(st.sampled_from(["reps", "hold", "distance", "time"]))
    step = st.none() | st.sampled_from([0, 0.5, 1.0, 2.5, 5.0, 10.0])
    reps_min = draw(st.integers(1, 25))
    counted = kind == "reps" or (kind == "hold" and draw(st.booleans()))
    loadable = kind in ("reps", "hold")  # a walk or a bike ride takes no load
    return make(
        kind,
        sets=draw(st.integers(1, 6)),
        reps_min=reps_min if counted else None,
        reps_max=reps_min + draw(st.integers(0, 6)) if counted else None,
        hold_seconds=draw(st.floats(1, 120)) if kind == "hold" else None,
        distance_m=draw(st.floats(1, 2000)) if kind == "distance" else None,
        duration_s=draw(st.floats(1, 3600)) if kind == "time" else None,
        load_kg=draw(st.none() | st.floats(0, 100)) if loadable else None,
        effort_target=draw(st.none() | st.integers(0, 10)),
        load_step_kg=draw(step),
        reps_step=draw(st.none() | st.integers(0, 5)),
        hold_step_s=draw(step),
        distance_step_m=draw(step),
        duration_step_s=draw(step),
    )


@st.composite
def performances(draw: st.DrawFn, p: Prescription) -> Performance:
    def logged() -> LoggedSet:
        if draw(st.booleans()):  # near the target, so progress is reachable
            base = top_sets(p, effort=draw(st.none() | st.integers(0, 10)), n=1)[0]
            return replace(base, reps=draw(st.sampled_from([base.reps, (base.reps or 1) - 1])))
        return LoggedSet(
            reps=draw(st.none() | st.integers(0, 40)),
            hold_seconds=draw(st.none() | st.floats(0, 200)),
            load_kg=draw(st.none() | st.floats(0, 120)),
            distance_m=draw(st.none() | st.floats(0, 3000)),
            duration_s=draw(st.none() | st.floats(0, 4000)),
            effort=draw(st.none() | st.integers(0, 10)),
        )

    return Performance(
        [logged() for _ in range(draw(st.integers(0, 7)))],
        back_pain_before=draw(optional_pain),
        back_pain_after=draw(optional_pain),
        leg_pain_before=draw(optional_pain),
        leg_pain_after=draw(optional_pain),
        adverse_event=draw(st.booleans()),
    )


@st.composite
def histories(draw: st.DrawFn, p: Prescription) -> History:
    """One to three sessions, newest first (a day apart), and maybe a baseline."""
    n = draw(st.integers(1, 3))
    latest = dt.date(2026, 11, 20)
    sessions = [
        replace(draw(performances(p)), on=latest - dt.timedelta(days=2 * i)) for i in range(n)
    ]
    return History(sessions, leg_pain_baseline=draw(optional_pain))


@st.composite
def cases(draw: st.DrawFn) -> tuple[Prescription, History, Rules]:
    p = draw(prescriptions())
    rules = Rules(draw(st.sampled_from(["high", "low"])), draw(st.integers(1, 10)))
    return p, draw(histories(p)), rules


@given(cases())
def test_properties_of_every_suggestion(case):
    p, history, rules = case
    result = suggest(p, history, rules)
    before, after = dosage(p.dose), dosage(result.dosage)
    assert result.reason.strip()
    assert result.reason.endswith(".")
    assert all(value >= 0 for value in after.values())
    if result.dosage.reps_min is not None:
        assert result.dosage.reps_min >= 1
        assert result.dosage.reps_min <= (result.dosage.reps_max or 0)
    if result.action == "step_back":
        assert all(after[k] <= before[k] for k in DOSAGE_FIELDS)
    elif result.action == "progress":
        assert all(after[k] >= before[k] for k in DOSAGE_FIELDS)
        assert after != before
    else:
        assert result.dosage == p.dose
    # the engine's output is itself a valid prescription of the same kind
    assert result.dosage.dosage_type == p.dose.dosage_type
    assert replace(p, dose=result.dosage).dose == result.dosage


@given(cases())
def test_step_back_exactly_when_a_trigger_is_present(case):
    """Without numbness or weakness reported: step back exactly when the last session had a
    trigger."""
    p, history, rules = case
    perf = history.sessions[0]
    leg = (perf.leg_pain_before is not None and perf.leg_pain_after is not None
           and perf.leg_pain_after > perf.leg_pain_before)
    back = (perf.back_pain_before is not None and perf.back_pain_after is not None
            and perf.back_pain_after - perf.back_pain_before >= 2)
    triggered = leg or back or perf.adverse_event
    assert (suggest(p, history, rules).action == "step_back") == triggered


@given(prescriptions())
def test_top_performance_without_symptoms_never_steps_back_or_holds(p):
    target = p.dose.effort_target if p.dose.effort_target is not None else 5
    result = suggest(p, ready(top_sets(p, effort=target)))
    assert result.action in ("progress", "repeat")
    if result.action == "repeat":
        assert "harder variation" in result.reason


# ------------------------------------------------------------------------ red flag not cleared


@pytest.mark.parametrize("p", [LOADED, BODYWEIGHT, HOLD, PLAIN_HOLD, WALK, BIKE])
def test_an_open_red_flag_holds_every_exercise_at_its_prescribed_dose(p: Prescription) -> None:
    """While a positive red-flag screen is not cleared, every suggestion is "hold" and keeps
    the prescribed dose: no progression, and no step back either (the dose is not changed
    until a clinician records the clearance)."""
    flagged_on = dt.date(2026, 11, 20)
    result = hold_for_red_flag(p.dose, flagged_on)
    assert result.action == "hold"
    assert result.dosage == p.dose
    assert result.reason.startswith("Hold: red flag on 2026-11-20 not yet cleared.")
    assert f"Keep the prescribed dose ({p.describe()})" in result.reason
    assert "clearance" in result.reason


def test_a_progression_is_any_raised_part_of_the_dose() -> None:
    d = LOADED.dose
    assert not raises_dose(d, d)
    assert raises_dose(d, replace(d, load_kg=22.5))
    assert raises_dose(d, replace(d, sets=4))
    assert not raises_dose(d, replace(d, reps_min=6, reps_max=10))  # a step back
    assert raises_dose(d, replace(d, reps_min=6, reps_max=14))  # one part up is enough
