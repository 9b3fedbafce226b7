"""The progression rules across sessions, as a clinician would read them (issue 9 item 2).

The template's own words (resources/templates/usc-12-week.json, each variant's
``progression_note``): high intensity progresses an exercise when every set reached the top of the
target at or below the target effort in two sessions in a row and pain did not rise by the next
session; low intensity only after a full week (three sessions) at the target with no rise in pain,
in half steps where the load allows. Pain is judged across sessions: leg pain above its baseline
or rising since the last session holds; new or worse numbness or weakness steps back and asks for
a review. Missing pain or effort never progresses. High pain holds (a clinic-default ceiling).
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import replace
from itertools import pairwise
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rehab_tracker.domain.dosage import Dosage, ProgressionStep
from rehab_tracker.domain.errors import ValidationError
from rehab_tracker.domain.progression import (
    NEURO_SIGN_FLAGS,
    PAIN_CEILING_DEFAULT,
    PAIN_FIELDS,
    SESSIONS_AT_TARGET,
    History,
    LoggedSet,
    NeuroSign,
    Performance,
    Prescription,
    Rules,
    suggest,
)
from rehab_tracker.domain.redflags import KNOWN_FLAGS_BY_CODE

HIGH, LOW = Rules("high"), Rules("low")
ROMAN_CHAIR = Prescription(
    Dosage("reps", 3, 8, 12, load_kg=20.0, effort_target=6),
    ProgressionStep(load_step_kg=2.5, reps_step=2),
)
LATEST = dt.date(2026, 11, 20)
STEADY = dict(back_pain_before=3, back_pain_after=3, leg_pain_before=2, leg_pain_after=2)


def at_target(days_ago: int = 0, **pain: int | None) -> Performance:
    """A session ``days_ago`` before LATEST where all three sets reached 12 reps at effort 5,
    with steady pain (``pain`` changes some of it)."""
    sets = [LoggedSet(reps=12, load_kg=20.0, effort=5)] * 3
    return Performance(sets, **{**STEADY, **pain}, on=LATEST - dt.timedelta(days=days_ago))


def short_of_target(days_ago: int) -> Performance:
    sets = [LoggedSet(reps=10, load_kg=20.0, effort=5)] * 3
    return Performance(sets, **STEADY, on=LATEST - dt.timedelta(days=days_ago))  # type: ignore[arg-type]


def history(*sessions: Performance, **kwargs: object) -> History:
    return History(sessions, **kwargs)  # type: ignore[arg-type]


# ---------------------------------------------------------------- the template's own numbers


def test_the_rules_are_the_templates_own_words() -> None:
    """The session counts are the template's: two in a row at high intensity, a week of three
    sessions at low (the template schedules three sessions a week)."""
    path = Path(__file__).parents[2] / "resources" / "templates" / "usc-12-week.json"
    template = json.loads(path.read_text(encoding="utf-8"))
    notes = {v["code"]: v["progression_note"] for v in template["variants"]}
    assert "two sessions in a row" in notes["high"]
    assert SESSIONS_AT_TARGET["high"] == 2
    assert "a full week (three sessions)" in notes["low"]
    assert template["sessions_per_week"] == 3 == SESSIONS_AT_TARGET["low"]
    assert "half steps" in notes["low"]
    assert "pain did not rise" in notes["high"] and "no rise in pain" in notes["low"]


# ------------------------------------------------------------------------- high: two in a row


def test_high_intensity_needs_two_sessions_in_a_row_at_target() -> None:
    once = suggest(ROMAN_CHAIR, history(at_target()), HIGH)
    assert once.action == "repeat"
    assert once.dosage == ROMAN_CHAIR.dose
    assert once.reason == (
        "All 3 prescribed sets reached 12 reps at effort 6/10 or less in 1 session, but high "
        "intensity progresses after 2 sessions in a row at the target with no rise in pain "
        "(the template's rule, a clinic default) and no earlier session of this exercise is "
        "logged. Repeat the same dosage (3 x 8-12 @ 20 kg)."
    )
    twice = suggest(ROMAN_CHAIR, history(at_target(), at_target(2)), HIGH)
    assert twice.action == "progress"
    assert twice.dosage == replace(ROMAN_CHAIR.dose, load_kg=22.5)
    assert twice.reason == (
        "All 3 prescribed sets reached 12 reps at effort 6/10 or less in 2 sessions in a row "
        "with no rise in pain (the template's rule for high intensity, a clinic default): add "
        "2.5 kg to 22.5 kg."
    )


def test_a_session_short_of_target_breaks_the_run() -> None:
    result = suggest(ROMAN_CHAIR, history(at_target(), short_of_target(2)), HIGH)
    assert result.action == "repeat"
    assert (
        "the session before (2026-11-18) does not count: 0 of 3 prescribed sets reached 12 reps"
        in result.reason
    )
    # an older run does not help: the sessions must be in a row
    gap = history(at_target(), short_of_target(2), at_target(4), at_target(6))
    assert suggest(ROMAN_CHAIR, gap, HIGH).action == "repeat"


def test_an_earlier_session_with_effort_above_target_or_a_trigger_does_not_count() -> None:
    too_hard = replace(at_target(2), sets=(LoggedSet(reps=12, load_kg=20.0, effort=8),) * 3)
    flare = at_target(2, leg_pain_after=4)
    for earlier, words in [
        (too_hard, "effort was above the target of 6/10"),
        (flare, "leg pain rose from 2 to 4 during the session"),
        (replace(at_target(2), adverse_event=True), "an adverse event was logged"),
    ]:
        result = suggest(ROMAN_CHAIR, history(at_target(), earlier), HIGH)
        assert result.action == "repeat"
        assert words in result.reason


# --------------------------------------------------------------------------- low: a full week


def test_low_intensity_needs_a_full_week_of_three_sessions_at_target() -> None:
    two = history(at_target(), at_target(2))
    result = suggest(ROMAN_CHAIR, two, LOW)
    assert result.action == "repeat"
    assert "in 2 sessions in a row, but low intensity progresses after 3 sessions in a row " \
        "(a full week) at the target" in result.reason
    three = history(at_target(), at_target(2), at_target(4))
    week = suggest(ROMAN_CHAIR, three, LOW)
    assert week.action == "progress"
    assert "in 3 sessions in a row with no rise in pain (the template's rule for low " \
        "intensity, a clinic default)" in week.reason


def test_low_intensity_uses_half_a_load_step() -> None:
    three = history(at_target(), at_target(2), at_target(4))
    week = suggest(ROMAN_CHAIR, three, LOW)
    assert week.dosage == replace(ROMAN_CHAIR.dose, load_kg=21.25)
    assert "add 1.25 kg (half the 2.5 kg load step at low intensity) to 21.25 kg" in week.reason


# -------------------------------------------------------------------- pain across the sessions


@pytest.mark.parametrize("where", ["back", "leg"])
def test_pain_that_rose_since_the_last_session_holds(where: str) -> None:
    rose = at_target(**{f"{where}_pain_before": 4, f"{where}_pain_after": 4})
    result = suggest(ROMAN_CHAIR, history(rose, at_target(2)), HIGH)
    assert result.action == "hold"
    assert result.dosage == ROMAN_CHAIR.dose
    was = STEADY[f"{where}_pain_before"]
    assert result.reason == (
        f"{where.capitalize()} pain at the start of the session rose from {was} on 2026-11-18 "
        "to 4 on 2026-11-20: keep the same dosage (3 x 8-12 @ 20 kg)."
    )


def test_pain_that_rose_by_the_next_session_inside_the_week_breaks_it() -> None:
    """Low intensity: the rise from the first to the second session of the week counts even
    when the third session was steady."""
    week = history(
        at_target(leg_pain_before=3, leg_pain_after=3),
        at_target(2, leg_pain_before=3, leg_pain_after=3),
        at_target(4),
    )
    result = suggest(ROMAN_CHAIR, week, LOW)
    assert result.action == "repeat"
    assert "leg pain at the start of the session rose from 2 on 2026-11-16 to 3 on " \
        "2026-11-18" in result.reason


def test_leg_pain_above_its_baseline_holds() -> None:
    steady = history(at_target(), at_target(2), leg_pain_baseline=1)
    result = suggest(ROMAN_CHAIR, steady, HIGH)
    assert result.action == "hold"
    assert result.reason == (
        "Leg pain of 2/10 is above its baseline of 1/10: keep the same dosage (3 x 8-12 @ 20 kg)."
    )
    at_baseline = history(at_target(), at_target(2), leg_pain_baseline=2)
    assert suggest(ROMAN_CHAIR, at_baseline, HIGH).action == "progress"


def test_stable_high_pain_holds_at_the_clinic_default_ceiling() -> None:
    """The issue's case: stable leg pain 7/10 with back pain 8/10 gave "progress"."""
    high = dict(back_pain_before=8, back_pain_after=8, leg_pain_before=7, leg_pain_after=7)
    steady_high = history(at_target(**high), at_target(2, **high), leg_pain_baseline=2)
    result = suggest(ROMAN_CHAIR, steady_high, HIGH)
    assert PAIN_CEILING_DEFAULT == 7
    assert result.action == "hold"
    assert result.reason == (
        "Back pain before the session was 8/10, back pain after the session was 8/10, leg pain "
        "before the session was 7/10 and leg pain after the session was 7/10: at or above the "
        "pain ceiling (7/10, clinic default); leg pain of 7/10 is above its baseline of 2/10: "
        "keep the same dosage (3 x 8-12 @ 20 kg)."
    )


def test_a_clinic_can_set_its_own_ceiling_and_the_reason_says_so() -> None:
    sixes = dict(back_pain_before=6, back_pain_after=6)
    steady_six = history(at_target(**sixes), at_target(2, **sixes))
    assert suggest(ROMAN_CHAIR, steady_six, HIGH).action == "progress"
    result = suggest(ROMAN_CHAIR, steady_six, Rules("high", pain_ceiling=6))
    assert result.action == "hold"
    assert "at or above the pain ceiling (6/10, clinic setting)" in result.reason


# ------------------------------------------------------------------- numbness and weakness


def test_new_or_worse_numbness_or_weakness_steps_back_and_asks_for_review() -> None:
    sign = NeuroSign(LATEST + dt.timedelta(days=1), "leg weakness getting worse")
    result = suggest(ROMAN_CHAIR, history(at_target(), at_target(2), neuro_signs=[sign]), HIGH)
    assert result.action == "step_back"
    assert result.dosage == replace(ROMAN_CHAIR.dose, load_kg=17.5)
    assert result.reason == (
        "New or worse numbness or weakness reported on 2026-11-21 (leg weakness getting "
        "worse): step back 2.5 kg to 17.5 kg. Review the patient (leg strength, sensation and "
        "reflexes) before progressing again."
    )


def test_sessions_before_reported_numbness_or_weakness_do_not_count() -> None:
    """After the step back, the patient starts a new run: the session before the sign does not
    count towards a progression."""
    sign = NeuroSign(LATEST - dt.timedelta(days=1), "pain or numbness in both legs")
    result = suggest(ROMAN_CHAIR, history(at_target(), at_target(2), neuro_signs=[sign]), HIGH)
    assert result.action == "repeat"
    assert "new or worse numbness or weakness reported on 2026-11-19" in result.reason


def test_the_signs_are_questions_of_the_red_flag_screen() -> None:
    for code in NEURO_SIGN_FLAGS:
        label = KNOWN_FLAGS_BY_CODE[code].label
        assert "numbness" in label or "weakness" in label, code


# --------------------------------------------------------------------- not enough data


@pytest.mark.parametrize("missing", PAIN_FIELDS)
def test_missing_pain_never_progresses(missing: str) -> None:
    gap = at_target(**{missing: None})
    result = suggest(ROMAN_CHAIR, history(gap, at_target(2)), HIGH)
    assert result.action == "repeat"
    assert result.dosage == ROMAN_CHAIR.dose
    where, _pain, when = missing.split("_")
    assert result.reason == (
        f"Not enough data to progress: {where} pain {when} the session was not recorded. "
        "Repeat the same dosage (3 x 8-12 @ 20 kg)."
    )
    # missing in the earlier session of the two: not enough data either
    earlier = suggest(ROMAN_CHAIR, history(at_target(), replace(gap, on=LATEST - dt.timedelta(2))))
    assert earlier.action == "repeat"
    assert "does not count: not enough data" in earlier.reason


def test_missing_effort_never_progresses() -> None:
    unlogged = replace(at_target(), sets=(LoggedSet(reps=12, load_kg=20.0),) * 3)
    result = suggest(ROMAN_CHAIR, history(unlogged, at_target(2)), HIGH)
    assert result.action == "repeat"
    assert result.reason == (
        "Not enough data to progress: effort was not logged for sets 1, 2 and 3. Repeat the "
        "same dosage (3 x 8-12 @ 20 kg)."
    )


def test_rules_are_checked() -> None:
    with pytest.raises(ValidationError) as info:
        Rules("medium", pain_ceiling=11)  # type: ignore[arg-type]
    assert set(info.value.errors) == {"intensity", "pain_ceiling"}
    with pytest.raises(ValidationError) as info:
        History([at_target()], leg_pain_baseline=12)
    assert "leg_pain_baseline" in info.value.errors


# ------------------------------------------------------------------------------ properties

pain = st.integers(0, 10)
optional_pain = st.none() | pain


@st.composite
def sessions(draw: st.DrawFn, n: int, pain_values: st.SearchStrategy[int | None]) -> History:
    """``n`` sessions two days apart, newest first, each with every set at the target (effort
    at or below it) and the pain drawn from ``pain_values``."""
    out = []
    for i in range(n):
        values = {name: draw(pain_values) for name in PAIN_FIELDS}
        effort = draw(st.integers(0, 6))
        sets = [LoggedSet(reps=12, load_kg=20.0, effort=effort)] * 3
        out.append(Performance(sets, **values, on=LATEST - dt.timedelta(days=2 * i)))
    return History(out, leg_pain_baseline=draw(optional_pain))


@st.composite
def near_steady(draw: st.DrawFn, n: int = 3) -> History:
    """``n`` sessions at the target whose pain wanders a point around a level (so every rule,
    progress included, is reached often)."""
    level = {where: draw(st.integers(0, 8)) for where in ("back", "leg")}
    out = []
    for i in range(n):
        values: dict[str, int] = {}
        for where, base in level.items():
            before = max(0, base + draw(st.sampled_from([-1, 0, 0, 0, 1])))
            values[f"{where}_pain_before"] = before
            values[f"{where}_pain_after"] = max(0, before - draw(st.sampled_from([0, 0, 1])))
        sets = [LoggedSet(reps=12, load_kg=20.0, effort=draw(st.integers(4, 6)))] * 3
        out.append(Performance(sets, **values, on=LATEST - dt.timedelta(days=2 * i)))
    return History(out, leg_pain_baseline=draw(st.none() | st.integers(0, 10)))


@given(sessions(3, optional_pain), st.sampled_from([HIGH, LOW]))
def test_property_never_progress_when_a_pain_value_is_missing(h: History, rules: Rules) -> None:
    needed = h.sessions[: rules.sessions_needed]
    if any(v is None for s in needed for v in s.pain.values()):
        assert suggest(ROMAN_CHAIR, h, rules).action != "progress"


@given(sessions(1, pain), st.sampled_from([HIGH, LOW]))
def test_property_a_single_session_at_target_never_progresses(h: History, rules: Rules) -> None:
    assert suggest(ROMAN_CHAIR, h, rules).action != "progress"


@given(sessions(2, pain))
def test_property_two_sessions_never_progress_at_low_intensity(h: History) -> None:
    assert suggest(ROMAN_CHAIR, h, LOW).action != "progress"


@given(near_steady(), st.sampled_from([HIGH, LOW]), st.integers(1, 10))
def test_property_a_progression_means_calm_sessions_in_a_row(
    h: History, rules: Rules, ceiling: int
) -> None:
    """Whenever the engine progresses, every session it needed had pain below the ceiling, leg
    pain not above its baseline, and no pain rose from one session to the next."""
    rules = Rules(rules.intensity, ceiling)
    result = suggest(ROMAN_CHAIR, h, rules)
    if result.action != "progress":
        return
    needed = h.sessions[: rules.sessions_needed]
    assert len(needed) == rules.sessions_needed
    for s in needed:
        assert all(v is not None and v < ceiling for v in s.pain.values())
        if h.leg_pain_baseline is not None:
            assert max(s.leg_pain_before or 0, s.leg_pain_after or 0) <= h.leg_pain_baseline
    for newer, older in pairwise(needed):
        assert (newer.back_pain_before or 0) <= (older.back_pain_before or 0)
        assert (newer.leg_pain_before or 0) <= (older.leg_pain_before or 0)


@given(sessions(3, pain), st.sampled_from([HIGH, LOW]), st.integers(0, 3))
def test_property_numbness_or_weakness_since_the_last_session_always_steps_back(
    h: History, rules: Rules, days_after: int
) -> None:
    sign = NeuroSign(LATEST + dt.timedelta(days=days_after), "leg weakness getting worse")
    result = suggest(ROMAN_CHAIR, replace(h, neuro_signs=(sign,)), rules)
    assert result.action == "step_back"
    assert "Review the patient" in result.reason
