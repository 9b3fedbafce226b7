"""Clinically important change thresholds: defaults, sources, and clinic overrides."""

from __future__ import annotations

import math

import pytest

from rehab_tracker.domain.errors import ValidationError
from rehab_tracker.domain.thresholds import (
    DEFAULT_THRESHOLDS,
    MEASURES,
    Threshold,
    with_overrides,
)

EXPECTED = {
    # measure: (label, unit, direction, absolute, relative, range, words in source)
    "odi": ("ODI", "points", "lower_better", 10, 0.3, (0, 100), "Ostelo"),
    "nprs_back": ("Back pain (NPRS)", "points", "lower_better", 2, 0.3, (0, 10), "Ostelo"),
    "nprs_leg": ("Leg pain (NPRS)", "points", "lower_better", 2, 0.3, (0, 10), "Ostelo"),
    "rmdq": ("RMDQ", "points", "lower_better", 5, 0.3, (0, 24), "Ostelo"),
    "walk_5min": ("5-minute walk", "m", "higher_better", 45.5, None, (0, None), "Jakobsson"),
    "walk_6min": ("6-minute walk", "m", "higher_better", 30, None, (0, None), "stenosis"),
    "walk_50ft": ("50-foot walk", "s", "lower_better", 0.6, None, (0, None), "Jakobsson"),
    "tug": ("Timed Up and Go", "s", "lower_better", 1.3, None, (0, None), "Jakobsson"),
    # the trial's performance tests and the PSFS: thresholds that are the clinic's choice
    "sts_5x": (
        "Five-repetition sit-to-stand", "s", "lower_better", 2, None, (0, None), "Clinic default"
    ),
    "sorensen": (
        "Back-extensor hold (modified Biering-Sorensen)", "s", "higher_better", 15, None,
        (0, 240), "Clinic default",
    ),
    "psfs": (
        "Patient-Specific Functional Scale", "points", "higher_better", 2, None, (0, 10),
        "Stratford et al. 1995",
    ),
}


def test_the_default_measures_are_exactly_the_documented_ones():
    assert set(DEFAULT_THRESHOLDS) == set(EXPECTED)
    # the Global Rating of Change is a measure with a label but no threshold: it is itself a
    # rating of change, never compared with a baseline
    assert set(MEASURES) == {*EXPECTED, "grc"}
    assert "grc" not in DEFAULT_THRESHOLDS


def test_every_threshold_that_is_a_choice_says_clinic_default():
    for measure in ("sts_5x", "sorensen", "psfs"):
        assert "Clinic default" in DEFAULT_THRESHOLDS[measure].source


@pytest.mark.parametrize("measure", sorted(EXPECTED))
def test_default_threshold(measure):
    label, unit, direction, absolute, relative, valid_range, source = EXPECTED[measure]
    t = DEFAULT_THRESHOLDS[measure]
    assert t.measure == measure
    assert (t.label, t.unit, t.direction) == (label, unit, direction)
    assert t.absolute == absolute
    assert t.relative == relative
    assert t.valid_range == valid_range
    assert source in t.source
    info = MEASURES[measure]
    assert (info.label, info.unit, info.direction, info.valid_range) == (
        label, unit, direction, valid_range,
    )


def test_defaults_are_read_only():
    with pytest.raises(TypeError):
        DEFAULT_THRESHOLDS["odi"] = DEFAULT_THRESHOLDS["rmdq"]  # type: ignore[index]
    with pytest.raises(AttributeError):
        DEFAULT_THRESHOLDS["odi"].absolute = 5  # type: ignore[misc]


@pytest.mark.parametrize(
    ("measure", "expected"),
    [("odi", "10-point or 30%"), ("nprs_back", "2-point or 30%"), ("walk_6min", "30 m"),
     ("walk_5min", "45.5 m"), ("tug", "1.3 s"), ("walk_50ft", "0.6 s")],
)
def test_describe(measure, expected):
    assert DEFAULT_THRESHOLDS[measure].describe() == expected


def test_describe_parts():
    odi = DEFAULT_THRESHOLDS["odi"]
    assert odi.describe_absolute() == "10-point"
    assert odi.describe_relative() == "30%"
    assert DEFAULT_THRESHOLDS["tug"].describe_relative() == ""


def test_override_absolute_and_relative():
    result = with_overrides({"odi": {"absolute": 13, "relative": 0.33}})
    assert result["odi"].absolute == 13
    assert result["odi"].relative == 0.33
    assert "Clinic setting" in result["odi"].source
    assert "Ostelo" in result["odi"].source
    assert result["nprs_back"] is DEFAULT_THRESHOLDS["nprs_back"]
    assert DEFAULT_THRESHOLDS["odi"].absolute == 10  # defaults untouched


def test_override_can_switch_relative_rule_off_and_on():
    result = with_overrides({"odi": {"relative": None}, "walk_6min": {"relative": 0.1}})
    assert result["odi"].relative is None
    assert result["walk_6min"].relative == 0.1


def test_override_with_the_same_values_keeps_the_source():
    result = with_overrides({"odi": {"absolute": 10}})
    assert result["odi"] == DEFAULT_THRESHOLDS["odi"]


def test_override_applied_twice_does_not_nest_the_source():
    once = with_overrides({"odi": {"absolute": 12}})
    twice = with_overrides({"odi": {"absolute": 14}}, base=once)
    assert twice["odi"].absolute == 14
    assert twice["odi"].source.count("Clinic setting") == 1


def test_empty_override_returns_a_copy_of_the_defaults():
    result = with_overrides({})
    assert result == dict(DEFAULT_THRESHOLDS)
    result["odi"] = DEFAULT_THRESHOLDS["rmdq"]
    assert DEFAULT_THRESHOLDS["odi"].measure == "odi"


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"odi": {"absolute": 0}}, "odi.absolute"),
        ({"odi": {"absolute": -1}}, "odi.absolute"),
        ({"odi": {"absolute": None}}, "odi.absolute"),
        ({"odi": {"absolute": math.nan}}, "odi.absolute"),
        ({"odi": {"absolute": math.inf}}, "odi.absolute"),
        ({"odi": {"absolute": True}}, "odi.absolute"),
        ({"odi": {"absolute": "10"}}, "odi.absolute"),
        ({"odi": {"relative": 0}}, "odi.relative"),
        ({"odi": {"relative": 1}}, "odi.relative"),
        ({"odi": {"relative": 30}}, "odi.relative"),
        ({"odi": {"relative": -0.1}}, "odi.relative"),
        ({"odi": {"relative": math.nan}}, "odi.relative"),
        ({"odi": {"relative": False}}, "odi.relative"),
        ({"odi": {"source": 1.0}}, "odi.source"),
        ({"vas": {"absolute": 15}}, "vas"),
        ({"odi": 10}, "odi"),
    ],
)
def test_invalid_overrides(overrides, field):
    with pytest.raises(ValidationError) as info:
        with_overrides(overrides)
    assert field in info.value.errors
    assert info.value.errors[field]


def test_every_problem_is_reported_at_once():
    with pytest.raises(ValidationError) as info:
        with_overrides({"odi": {"absolute": -1, "relative": 2}, "tug": {"absolute": 0}})
    assert set(info.value.errors) == {"odi.absolute", "odi.relative", "tug.absolute"}


def test_threshold_is_plain_data():
    t = Threshold("x", "X", "m", "higher_better", 1.0, None, (0.0, None), "test")
    assert t.describe() == "1 m"


@pytest.mark.parametrize(
    ("measure", "words"),
    [
        ("odi", ("Ostelo et al. 2008", "not applied to worsening")),
        ("walk_5min", ("Jakobsson et al. 2019", "lumbar fusion cohort tested 6 months after "
                       "surgery", "5-minute walk was not responsive")),
        ("walk_50ft", ("Jakobsson et al. 2019", "lumbar fusion", "not a discectomy population")),
        ("tug", ("Jakobsson et al. 2019", "Gautschi et al. 2017", "3.4 s")),
        ("walk_6min", ("McIlroy et al. 2025", "26-35 m", "lumbar spinal stenosis",
                       "not a discectomy population", "clinic default")),
    ],
)
def test_sources_say_which_study_and_population(measure, words):
    """Each threshold names its study and how far its population is from a discectomy
    (CLINICAL.md): shown in the clinic's threshold table and the report's notes."""
    source = DEFAULT_THRESHOLDS[measure].source
    for word in words:
        assert word in source
