"""Program template parsing and schedule layout."""

from __future__ import annotations

import copy
import json
from collections import Counter
from datetime import date, timedelta
from itertools import pairwise
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rehab_tracker.domain.errors import ValidationError
from rehab_tracker.domain.library import parse_library
from rehab_tracker.domain.schedule import plan_schedule, suggest_start_date
from rehab_tracker.domain.template import (
    ProgramTemplate,
    parse_template,
    phase_for_week,
    template_to_dict,
)
from rehab_tracker.domain.weeks import program_week

RESOURCES = Path(__file__).resolve().parents[2] / "resources"


def _load(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((RESOURCES / name).read_text(encoding="utf-8"))
    return data


LIBRARY = parse_library(_load("exercises.json"))
TYPES = {e.code: e.dosage_type for e in LIBRARY}
RAW_TEMPLATE = _load("templates/usc-12-week.json")
TEMPLATE = parse_template(RAW_TEMPLATE, TYPES)

SURGERY = date(2026, 3, 2)  # a Monday
TODAY = date(2026, 3, 20)


@pytest.fixture()
def raw() -> dict[str, Any]:
    return copy.deepcopy(RAW_TEMPLATE)


def _errors(raw: dict[str, Any]) -> dict[str, str]:
    with pytest.raises(ValidationError) as info:
        parse_template(raw, TYPES)
    return info.value.errors


# --------------------------------------------------------------------------- shipped template


def test_shipped_template_structure() -> None:
    t = TEMPLATE
    assert t.code == "usc-12-week"
    assert (t.weeks, t.sessions_per_week, t.total_sessions) == (12, 3, 36)
    assert (t.start_weeks_min, t.start_weeks_max) == (4, 6)
    assert (t.exercise_start_days_min, t.exercise_start_days_max) == (2, 3)
    assert t.education_session is True
    assert set(t.variant_codes) == {"high", "low"}
    assert [(a.code, a.week) for a in t.assessments] == [("baseline", 0), ("mid", 6), ("end", 12)]
    assert "not the trial" in t.dosage_note
    assert any("Kulig" in s for s in t.sources)
    assert any("Selkowitz" in s for s in t.sources)
    assert any("Oosterhuis" in s for s in t.sources)


def test_shipped_template_is_modelled_on_the_trial_not_trial_like() -> None:
    """The trial's per-exercise dosage is not published (issue 9 item 8): the template says it
    is modelled on the trial and its doses are clinic defaults, never "trial-like"."""
    texts = [TEMPLATE.description, *(v.description for v in TEMPLATE.variants)]
    assert not any("trial-like" in text.lower() for text in texts)
    assert "follows the trial's approach" not in TEMPLATE.description
    high = next(v for v in TEMPLATE.variants if v.code == "high")
    assert high.description.startswith("Modelled on the trial's")
    assert "not published" in high.description and "clinic defaults" in high.description
    assert "two sessions in a row" in high.description  # as its progression note says
    assert "modelled on" in TEMPLATE.description and "not the trial" in TEMPLATE.dosage_note


def test_shipped_phases_are_contiguous_and_goal_directed() -> None:
    weeks = [w for phase in TEMPLATE.phases for w in phase.weeks]
    assert weeks == list(range(1, 13))
    assert [p.code for p in TEMPLATE.phases] == ["motor_control", "strength", "strength_function"]
    for phase in TEMPLATE.phases:
        assert phase.goals
        assert len(phase.items) >= 8


def test_shipped_template_uses_only_library_exercises_with_both_variants() -> None:
    assert TEMPLATE.exercise_codes() <= set(TYPES)
    for phase in TEMPLATE.phases:
        regions = {e.body_region for e in LIBRARY if e.code in phase.exercise_codes}
        assert {"back_extensors", "trunk", "lower_extremity", "endurance"} <= regions, phase.code
        assert any(c.startswith("roman_chair") for c in phase.exercise_codes)
        for item in phase.items:
            high, low = item.dosage_for("high"), item.dosage_for("low")
            assert high.dosage_type == low.dosage_type == TYPES[item.exercise_code]
            assert low.sets <= high.sets
            assert (low.effort_target or 0) <= (high.effort_target or 0)


def test_low_variant_is_gentler_overall() -> None:
    def total(variant: str, attr: str) -> int:
        return sum(
            getattr(item.dosage_for(variant), attr) or 0
            for phase in TEMPLATE.phases
            for item in phase.items
        )

    assert total("low", "sets") < total("high", "sets")
    assert total("low", "effort_target") < total("high", "effort_target")


def test_template_round_trips() -> None:
    assert parse_template(template_to_dict(TEMPLATE), TYPES) == TEMPLATE


# ------------------------------------------------------------------------------ parser errors


def test_unknown_exercise_is_refused(raw: dict[str, Any]) -> None:
    raw["phases"][1]["items"][0]["exercise"] = "levitation"
    errors = _errors(raw)
    assert "phases[1].items[0].exercise" in errors
    assert "levitation" in errors["phases[1].items[0].exercise"]


def test_exercise_set_without_types_still_checks_existence(raw: dict[str, Any]) -> None:
    assert parse_template(raw, set(TYPES)) == TEMPLATE
    with pytest.raises(ValidationError):
        parse_template(raw, set(TYPES) - {"bridge"})


def test_gap_between_phases_is_refused(raw: dict[str, Any]) -> None:
    raw["phases"][1]["weeks"] = {"first": 6, "last": 8}
    errors = _errors(raw)
    assert "week 5" in errors["phases"]


def test_overlapping_phases_are_refused(raw: dict[str, Any]) -> None:
    raw["phases"][1]["weeks"] = {"first": 4, "last": 8}
    assert "overlaps" in _errors(raw)["phases"]


def test_phases_must_reach_the_last_week(raw: dict[str, Any]) -> None:
    raw["phases"][2]["weeks"] = {"first": 9, "last": 11}
    assert "12 weeks" in _errors(raw)["phases"]


def test_missing_variant_is_refused(raw: dict[str, Any]) -> None:
    raw["variants"] = [v for v in raw["variants"] if v["code"] != "low"]
    assert "variants" in _errors(raw)


def test_missing_dose_for_a_variant_is_refused(raw: dict[str, Any]) -> None:
    del raw["phases"][0]["items"][2]["dosage"]["low"]
    assert "phases[0].items[2].dosage.low" in _errors(raw)


def test_dose_of_wrong_type_for_exercise_is_refused(raw: dict[str, Any]) -> None:
    item = raw["phases"][0]["items"][0]
    assert TYPES[item["exercise"]] == "hold"
    item["dosage"]["high"] = {"sets": 2, "reps_min": 8, "reps_max": 10}
    errors = _errors(raw)
    assert "phases[0].items[0].dosage.high.hold_seconds" in errors


def test_duplicate_exercise_in_a_phase_is_refused(raw: dict[str, Any]) -> None:
    raw["phases"][0]["items"].append(copy.deepcopy(raw["phases"][0]["items"][0]))
    assert any(k.endswith(".exercise") for k in _errors(raw))


# ------------------------------------------------------------------------- weeks and phases


def test_program_week() -> None:
    start = date(2026, 4, 1)
    assert program_week(None, start) is None
    assert program_week(start, start - timedelta(days=1)) == 0
    assert program_week(start, start) == 1
    assert program_week(start, start + timedelta(days=6)) == 1
    assert program_week(start, start + timedelta(days=7)) == 2
    assert program_week(start, start + timedelta(days=83)) == 12
    assert program_week(start, start + timedelta(days=84)) == 13


def test_phase_for_week() -> None:
    assert phase_for_week(TEMPLATE, 1).code == "motor_control"
    assert phase_for_week(TEMPLATE, 4).code == "motor_control"
    assert phase_for_week(TEMPLATE, 5).code == "strength"
    assert phase_for_week(TEMPLATE, 12).code == "strength_function"
    for bad in (0, 13):
        with pytest.raises(ValueError):
            phase_for_week(TEMPLATE, bad)


def test_suggest_start_date() -> None:
    # Surgery Monday 2 March: +4 weeks is Monday 30 March.
    assert suggest_start_date(SURGERY, TODAY) == date(2026, 3, 30)
    # Surgery on a Wednesday: the next Monday after +4 weeks.
    assert suggest_start_date(date(2026, 3, 4), TODAY) == date(2026, 4, 6)
    # Never before today.
    assert suggest_start_date(SURGERY, date(2026, 5, 5)) == date(2026, 5, 11)
    assert suggest_start_date(SURGERY, date(2026, 5, 4)) == date(2026, 5, 4)
    # Conservative pathway: next Monday from today.
    assert suggest_start_date(None, TODAY) == date(2026, 3, 23)


# ------------------------------------------------------------------------------- plan_schedule


def test_plan_for_a_typical_patient() -> None:
    start = date(2026, 3, 30)  # Monday, 4 weeks after surgery
    plan = plan_schedule(TEMPLATE, "high", SURGERY, start, today=TODAY)
    assert plan.warnings == ()
    assert plan.early_start_reason is None
    assert plan.education is not None and plan.education.date == start
    assert plan.education.kind == "education"
    assert plan.exercise_start == date(2026, 4, 1)  # Wednesday, 2 days later
    assert [s.number for s in plan.sessions] == list(range(1, 37))
    assert Counter(s.week for s in plan.sessions) == {w: 3 for w in range(1, 13)}
    assert plan.sessions[11].week == 4 and plan.sessions[12].week == 5
    assert plan.sessions[12].phase_code == "strength"
    assert [(p.code, p.start, p.end) for p in plan.phases] == [
        ("motor_control", date(2026, 4, 1), date(2026, 4, 27)),
        ("strength", date(2026, 4, 29), date(2026, 5, 25)),
        ("strength_function", date(2026, 5, 27), date(2026, 6, 22)),
    ]
    assessments = {a.code: a for a in plan.assessments}
    assert assessments["baseline"].due == start
    assert assessments["mid"].week == 6
    assert plan.week_on(assessments["mid"].due) == 6
    assert assessments["end"].due == plan.end_date == date(2026, 6, 22)


@pytest.mark.parametrize(
    ("weekday_of_start", "days_to_first"),
    [(0, 2), (1, 3), (2, 2), (4, 3), (5, 2), (6, 3)],
)
def test_first_session_two_or_three_days_after_education(
    weekday_of_start: int, days_to_first: int
) -> None:
    start = date(2026, 3, 30) + timedelta(days=weekday_of_start)
    plan = plan_schedule(TEMPLATE, "low", SURGERY, start, today=TODAY)
    assert (plan.exercise_start - start).days == days_to_first
    assert not plan.warnings


def test_thursday_start_with_mon_wed_fri_warns_about_the_gap() -> None:
    start = date(2026, 4, 2)  # Thursday: Sat/Sun are not training days
    plan = plan_schedule(TEMPLATE, "high", SURGERY, start, today=TODAY)
    assert (plan.exercise_start - start).days == 4
    assert any("4 days" in w for w in plan.warnings)


def test_early_start_without_reason_is_refused() -> None:
    early = SURGERY + timedelta(weeks=3)
    with pytest.raises(ValidationError) as info:
        plan_schedule(TEMPLATE, "high", SURGERY, early, today=TODAY)
    assert set(info.value.errors) == {"start_date"}
    with pytest.raises(ValidationError):
        plan_schedule(TEMPLATE, "high", SURGERY, early, today=TODAY, early_start_reason="   ")


def test_early_start_with_reason_is_recorded() -> None:
    early = SURGERY + timedelta(weeks=3)
    plan = plan_schedule(
        TEMPLATE, "high", SURGERY, early, today=TODAY, early_start_reason=" Surgeon cleared "
    )
    assert plan.early_start_reason == "Surgeon cleared"
    assert len(plan.sessions) == 36


def test_start_before_surgery_is_refused_even_with_reason() -> None:
    with pytest.raises(ValidationError) as info:
        plan_schedule(
            TEMPLATE,
            "high",
            SURGERY,
            SURGERY - timedelta(days=1),
            today=TODAY,
            early_start_reason="anything",
        )
    assert "start_date" in info.value.errors


def test_late_start_is_a_warning_not_an_error() -> None:
    late = SURGERY + timedelta(weeks=8)
    plan = plan_schedule(TEMPLATE, "high", SURGERY, late, today=TODAY)
    assert len(plan.sessions) == 36
    assert any("later than" in w for w in plan.warnings)
    on_limit = plan_schedule(TEMPLATE, "high", SURGERY, SURGERY + timedelta(weeks=6), today=TODAY)
    assert on_limit.warnings == ()


def test_conservative_pathway_has_no_timing_rule() -> None:
    plan = plan_schedule(TEMPLATE, "low", None, date(2026, 3, 23), today=TODAY)
    assert len(plan.sessions) == 36
    assert plan.surgery_date is None and plan.warnings == ()


def test_bad_intensity_and_weekdays_are_refused() -> None:
    start = date(2026, 3, 30)
    with pytest.raises(ValidationError) as info:
        plan_schedule(TEMPLATE, "extreme", SURGERY, start, today=TODAY, weekdays=(0, 0, 2))
    assert set(info.value.errors) == {"intensity", "weekdays"}
    with pytest.raises(ValidationError):
        plan_schedule(TEMPLATE, "high", SURGERY, start, today=TODAY, weekdays=(0, 2))
    with pytest.raises(ValidationError):
        plan_schedule(TEMPLATE, "high", SURGERY, start, today=TODAY, weekdays=(0, 2, 7))


def test_past_start_and_future_surgery_warn() -> None:
    plan = plan_schedule(TEMPLATE, "high", SURGERY, date(2026, 3, 30), today=date(2026, 4, 10))
    assert any("in the past" in w for w in plan.warnings)
    plan = plan_schedule(TEMPLATE, "high", SURGERY, date(2026, 3, 30), today=date(2026, 2, 1))
    assert any("after today" in w for w in plan.warnings)


# ------------------------------------------------------------------------------- properties

weekday_sets = st.lists(st.integers(0, 6), min_size=3, max_size=3, unique=True).map(tuple)


@settings(max_examples=200, deadline=None)
@given(
    surgery=st.dates(min_value=date(2000, 1, 1), max_value=date(2090, 1, 1)),
    offset_days=st.integers(min_value=28, max_value=42),
    weekdays=weekday_sets,
    intensity=st.sampled_from(["high", "low"]),
)
def test_plan_properties(
    surgery: date, offset_days: int, weekdays: tuple[int, ...], intensity: str
) -> None:
    template: ProgramTemplate = TEMPLATE
    start = surgery + timedelta(days=offset_days)
    plan = plan_schedule(template, intensity, surgery, start, today=start, weekdays=weekdays)
    sessions = plan.sessions
    assert len(sessions) == 36
    assert [s.number for s in sessions] == list(range(1, 37))
    assert all(s.date.weekday() in weekdays for s in sessions)
    assert all(a.date < b.date for a, b in pairwise(sessions))
    assert Counter(s.week for s in sessions) == {w: 3 for w in range(1, 13)}
    for s in sessions:
        assert s.phase_code == phase_for_week(template, s.week).code
        assert program_week(plan.exercise_start, s.date) == s.week
    assert plan.education is not None
    assert plan.education.date == start < sessions[0].date
    gap = (sessions[0].date - start).days
    assert gap >= 2
    assert (gap <= 3) == (not any("after the education" in w for w in plan.warnings))
    assert plan.early_start_reason is None
    assert not any("later than" in w for w in plan.warnings)
    assert plan.assessments[0].due == start
    assert plan.assessments[-1].due == sessions[-1].date


@settings(max_examples=100, deadline=None)
@given(
    surgery=st.dates(min_value=date(2000, 1, 1), max_value=date(2090, 1, 1)),
    offset_days=st.integers(min_value=0, max_value=27),
)
def test_any_start_before_four_weeks_needs_a_reason(surgery: date, offset_days: int) -> None:
    start = surgery + timedelta(days=offset_days)
    with pytest.raises(ValidationError) as info:
        plan_schedule(TEMPLATE, "high", surgery, start, today=start)
    assert "start_date" in info.value.errors
    plan = plan_schedule(TEMPLATE, "high", surgery, start, today=start, early_start_reason="ok")
    assert plan.early_start_reason == "ok"


@given(
    surgery=st.dates(min_value=date(2000, 1, 1), max_value=date(2090, 1, 1)),
    today=st.dates(min_value=date(2000, 1, 1), max_value=date(2090, 6, 1)),
)
def test_suggested_start_is_a_valid_monday(surgery: date, today: date) -> None:
    start = suggest_start_date(surgery, today)
    assert start.weekday() == 0
    assert start >= today
    assert start >= surgery + timedelta(weeks=4)
    assert start - timedelta(days=7) < max(today, surgery + timedelta(weeks=4))


def test_phase_names_are_the_templates_names() -> None:
    from rehab_tracker.data import resources
    from rehab_tracker.domain.template import phase_display_name, phase_names

    names = phase_names([resources.load_template("usc-12-week")])
    assert names == {
        "motor_control": "Motor control and endurance",
        "strength": "Strength",
        "strength_function": "Strength and function",
    }
    assert phase_display_name("strength", names) == "Strength"
    assert phase_display_name("return_to_work", names) == "Return to work"
