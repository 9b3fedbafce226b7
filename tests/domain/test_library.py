"""Exercise library: the shipped file's content and the parser's validation rules."""

from __future__ import annotations

import copy
import json
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from rehab_tracker.domain.dosage import Dosage, parse_dosage
from rehab_tracker.domain.errors import ValidationError
from rehab_tracker.domain.library import (
    BODY_REGIONS,
    exercise_to_dict,
    parse_exercise,
    parse_library,
    validate_exercise_fields,
)

RESOURCES = Path(__file__).resolve().parents[2] / "resources"
PHASES = ("motor_control", "strength", "strength_function")


@pytest.fixture(scope="module")
def raw_library() -> dict[str, Any]:
    data: dict[str, Any] = json.loads((RESOURCES / "exercises.json").read_text(encoding="utf-8"))
    return data


@pytest.fixture()
def raw(raw_library: dict[str, Any]) -> dict[str, Any]:
    return copy.deepcopy(raw_library)


def _exercise(**changes: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "code": "test_bridge",
        "name": "Test bridge",
        "body_region": "trunk",
        "equipment": ["mat"],
        "dosage_type": "reps",
        "instructions": ["Lie down.", "Lift the hips.", "Lower slowly."],
        "cautions": ["Keep a neutral spine."],
        "default_dosage": {
            "motor_control": {
                "sets": 2,
                "reps_min": 8,
                "reps_max": 12,
                "load_kg": None,
                "effort_target": 4,
            }
        },
        "progression": {"reps_step": 2, "load_step_kg": None, "note": "Add reps."},
        "media": [],
    }
    base.update(changes)
    return base


# ------------------------------------------------------------------------- the shipped library


def test_shipped_library_parses_with_enough_exercises(raw: dict[str, Any]) -> None:
    library = parse_library(raw)
    assert len(library) >= 28
    assert raw["schema_version"] == 1
    assert raw["disclaimer"].strip()


def test_shipped_library_covers_every_region_and_required_exercise(raw: dict[str, Any]) -> None:
    library = parse_library(raw)
    regions = Counter(e.body_region for e in library)
    assert set(regions) == set(BODY_REGIONS)
    assert regions["back_extensors"] >= 5
    assert regions["trunk"] >= 8
    assert regions["lower_extremity"] >= 8
    codes = {e.code for e in library}
    roman_angles = [c for c in codes if c.startswith("roman_chair_extension_")]
    assert len(roman_angles) >= 3, "variable-angle Roman chair at several angles"
    for needed in (
        "roman_chair_isometric_hold",
        "bridge",
        "single_leg_bridge",
        "front_plank",
        "side_plank",
        "bird_dog",
        "dead_bug",
        "curl_up",
        "pallof_press",
        "goblet_squat",
        "box_squat",
        "split_squat",
        "step_up",
        "leg_press",
        "romanian_deadlift",
        "hip_hinge_dowel",
        "calf_raise",
        "side_lying_hip_abduction",
        "banded_hip_abduction",
        "treadmill_walk",
        "stationary_bike",
        "sciatic_nerve_slider_seated",
    ):
        assert needed in codes, needed
    assert any(c.startswith("prone_") for c in codes)


def test_shipped_exercises_are_complete(raw: dict[str, Any]) -> None:
    for spec in parse_library(raw):
        assert 3 <= len(spec.instructions) <= 6, spec.code
        assert spec.cautions, spec.code
        assert spec.media == ()
        assert spec.progression.note
        assert set(spec.phases) == set(PHASES), spec.code
        for phase in PHASES:
            dose = spec.dosage_for(phase)
            assert dose is not None and dose.dosage_type == spec.dosage_type
            assert dose.effort_target is not None and 0 <= dose.effort_target <= 10


def test_shipped_library_round_trips(raw: dict[str, Any]) -> None:
    for spec in parse_library(raw):
        assert parse_exercise(exercise_to_dict(spec)) == spec


# ---------------------------------------------------------------------------------- validation


def test_valid_exercise_parses() -> None:
    spec = parse_exercise(_exercise())
    assert spec.code == "test_bridge"
    dose = spec.dosage_for("motor_control")
    assert dose == Dosage("reps", 2, reps_min=8, reps_max=12, effort_target=4)
    assert spec.dosage_for("strength") is None
    assert dose.describe() == "2 x 8-12, effort 4/10"


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"body_region": "neck"}, "body_region"),
        ({"dosage_type": "laps"}, "dosage_type"),
        ({"name": "  "}, "name"),
        ({"code": "Bad Code"}, "code"),
        ({"instructions": []}, "instructions"),
        ({"instructions": ["ok", ""]}, "instructions"),
        ({"media": ["javascript:alert(1)"]}, "media[0]"),
        ({"media": ["ftp://example.org/x.mp4"]}, "media[0]"),
        ({"media": ["../../etc/passwd"]}, "media[0]"),
        ({"progression": {"reps_step": 2}}, "progression.note"),
        ({"progression": {"note": "x", "hold_step_s": 5}}, "progression.hold_step_s"),
        ({"surprise": 1}, "surprise"),
    ],
)
def test_bad_exercise_field_is_named(changes: dict[str, Any], field: str) -> None:
    with pytest.raises(ValidationError) as info:
        parse_exercise(_exercise(**changes))
    assert field in info.value.errors, info.value.errors
    assert "test_bridge" in info.value.errors[field] or field == "code"


@pytest.mark.parametrize(
    ("dose", "field"),
    [
        ({"sets": 0, "reps_min": 8, "reps_max": 12}, "sets"),
        ({"sets": True, "reps_min": 8, "reps_max": 12}, "sets"),
        ({"sets": 2, "reps_min": 12, "reps_max": 8}, "reps_max"),
        ({"sets": 2, "reps_min": 8}, "reps_max"),
        ({"sets": 2, "reps_min": 8, "reps_max": 12, "hold_seconds": 10}, "hold_seconds"),
        ({"sets": 2, "reps_min": 8, "reps_max": 12, "effort_target": 11}, "effort_target"),
        ({"sets": 2, "reps_min": 8, "reps_max": 12, "effort_target": -1}, "effort_target"),
        ({"sets": 2, "reps_min": 8, "reps_max": 12, "load_kg": -5}, "load_kg"),
        ({"sets": 2, "reps_min": 8, "reps_max": 12, "load_kg": "heavy"}, "load_kg"),
        ({"sets": 2, "reps_min": -3, "reps_max": 12}, "reps_min"),
    ],
)
def test_bad_default_dosage_names_phase_and_field(dose: dict[str, Any], field: str) -> None:
    with pytest.raises(ValidationError) as info:
        parse_exercise(_exercise(default_dosage={"strength": dose}))
    key = f"default_dosage.strength.{field}"
    assert key in info.value.errors, info.value.errors
    assert "test_bridge" in info.value.errors[key]


def test_dosage_fields_must_fit_the_dosage_type() -> None:
    hold = parse_dosage({"sets": 3, "hold_seconds": 20, "reps_min": 3, "reps_max": 4}, "hold")
    assert hold.describe() == "3 x 3-4 x 20 s hold"
    with pytest.raises(ValidationError) as info:
        parse_dosage({"sets": 1, "duration_s": 600, "distance_m": 1000}, "time")
    assert "distance_m" in info.value.errors
    with pytest.raises(ValidationError) as info:
        parse_dosage({"sets": 1, "distance_m": 1000, "load_kg": 5}, "distance")
    assert "load_kg" in info.value.errors
    with pytest.raises(ValidationError) as info:
        parse_dosage({"sets": 1}, "hold")
    assert "hold_seconds" in info.value.errors
    # The type can be inferred from which field is filled.
    assert parse_dosage({"sets": 1, "duration_s": 600}).dosage_type == "time"


def test_library_rejects_duplicate_codes(raw: dict[str, Any]) -> None:
    raw["exercises"].append(copy.deepcopy(raw["exercises"][0]))
    with pytest.raises(ValidationError) as info:
        parse_library(raw)
    (key,) = info.value.errors
    assert key.endswith(".code")
    assert raw["exercises"][0]["code"] in info.value.errors[key]


def test_library_reports_errors_of_every_exercise_by_code(raw: dict[str, Any]) -> None:
    raw["exercises"][0]["body_region"] = "elbow"
    raw["exercises"][1]["dosage_type"] = "laps"
    first, second = raw["exercises"][0]["code"], raw["exercises"][1]["code"]
    with pytest.raises(ValidationError) as info:
        parse_library(raw)
    assert f"{first}.body_region" in info.value.errors
    assert f"{second}.dosage_type" in info.value.errors


def test_library_schema_version_is_checked(raw: dict[str, Any]) -> None:
    raw["schema_version"] = 2
    with pytest.raises(ValidationError) as info:
        parse_library(raw)
    assert "schema_version" in info.value.errors


def test_validate_exercise_fields_for_the_edit_form() -> None:
    validate_exercise_fields(
        code="wall_sit",
        name="Wall sit",
        body_region="lower_extremity",
        dosage_type="hold",
        instructions="Lean on a wall.\nSlide down.\nHold.",
    )
    with pytest.raises(ValidationError) as info:
        validate_exercise_fields(
            code="wall_sit",
            name="",
            body_region="arm",
            dosage_type="sprint",
            instructions="",
        )
    assert set(info.value.errors) == {"name", "body_region", "dosage_type", "instructions"}
