"""Unit conversions and display formatting (SI stored, imperial shown on request)."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rehab_tracker.domain import units


@pytest.mark.parametrize(
    ("function", "value", "expected"),
    [
        (units.metres_to_feet, 0.3048, 1.0),
        (units.metres_to_feet, 30.0, 98.425197),
        (units.feet_to_metres, 50.0, 15.24),
        (units.kg_to_lb, 0.45359237, 1.0),
        (units.kg_to_lb, 20.0, 44.092452),
        (units.lb_to_kg, 10.0, 4.5359237),
        (units.cm_to_inches, 2.54, 1.0),
        (units.cm_to_inches, 175.0, 68.897638),
        (units.inches_to_cm, 12.0, 30.48),
    ],
)
def test_conversions(function, value, expected):
    assert function(value) == pytest.approx(expected, abs=1e-6)


@given(st.floats(min_value=-1e6, max_value=1e6, allow_nan=False))
def test_round_trips(value):
    assert units.feet_to_metres(units.metres_to_feet(value)) == pytest.approx(value, abs=1e-9)
    assert units.lb_to_kg(units.kg_to_lb(value)) == pytest.approx(value, abs=1e-9)
    assert units.inches_to_cm(units.cm_to_inches(value)) == pytest.approx(value, abs=1e-9)


@pytest.mark.parametrize("bad", [math.nan, math.inf, -math.inf, "3", None, True])
@pytest.mark.parametrize(
    "function",
    [units.metres_to_feet, units.feet_to_metres, units.kg_to_lb, units.lb_to_kg,
     units.cm_to_inches, units.inches_to_cm, units.format_number],
)
def test_conversions_refuse_non_numbers(function, bad):
    with pytest.raises(ValueError):
        function(bad)


@pytest.mark.parametrize(
    ("value", "decimals", "expected"),
    [
        (28.0, 1, "28"),
        (28, 1, "28"),
        (2.0999999999, 1, "2.1"),
        (17.25, 2, "17.25"),
        (17.5, 2, "17.5"),
        (-2.1, 1, "-2.1"),
        (0.04, 1, "0.04"),
        (-0.0, 1, "0"),
        (1e-12, 1, "0"),
        (99.96, 1, "100"),
        (46.4, 0, "46"),
    ],
)
def test_format_number(value, decimals, expected):
    assert units.format_number(value, decimals) == expected


def test_format_number_refuses_negative_decimals():
    with pytest.raises(ValueError):
        units.format_number(1.0, -1)


@pytest.mark.parametrize(
    ("metres", "system", "expected"),
    [
        (30, "metric", "30 m"),
        (412.4, "metric", "412 m"),
        (2.25, "metric", "2.2 m"),
        (30, "imperial", "98 ft"),
        (15.24, "imperial", "50 ft"),
        (1, "imperial", "3.3 ft"),
        (-20, "metric", "-20 m"),
    ],
)
def test_format_distance(metres, system, expected):
    assert units.format_distance(metres, system) == expected


def test_format_distance_default_is_metric():
    assert units.format_distance(400) == "400 m"


@pytest.mark.parametrize(
    ("kg", "system", "expected"),
    [(17.5, "metric", "17.5 kg"), (20, "metric", "20 kg"), (17.5, "imperial", "38.6 lb"),
     (0.45359237, "imperial", "1 lb")],
)
def test_format_weight(kg, system, expected):
    assert units.format_weight(kg, system) == expected


@pytest.mark.parametrize(
    ("cm", "system", "expected"),
    [(175, "metric", "175 cm"), (175.4, "metric", "175 cm"), (175, "imperial", "5 ft 9 in"),
     (182.88, "imperial", "6 ft 0 in"), (152.4, "imperial", "5 ft 0 in")],
)
def test_format_height(cm, system, expected):
    assert units.format_height(cm, system) == expected


def test_format_height_refuses_negative_imperial():
    with pytest.raises(ValueError):
        units.format_height(-1, "imperial")


@pytest.mark.parametrize(
    ("seconds", "expected"),
    [(45, "45 s"), (12.34, "12.3 s"), (0, "0 s"), (60, "1 min"), (90, "1 min 30 s"),
     (360, "6 min"), (599.6, "10 min")],
)
def test_format_duration(seconds, expected):
    assert units.format_duration(seconds) == expected


def test_format_duration_refuses_negative():
    with pytest.raises(ValueError):
        units.format_duration(-1)


@pytest.mark.parametrize("function", [units.format_distance, units.format_weight,
                                      units.format_height])
@pytest.mark.parametrize("system", ["si", "Metric", "", "us"])
def test_unknown_unit_system(function, system):
    with pytest.raises(ValueError, match="unit system"):
        function(10, system)


@pytest.mark.parametrize(
    ("metres", "system", "expected"),
    [
        (446.6, "metric", "446.6"),  # metres as stored, one decimal
        (420, "metric", "420"),
        (420, "imperial", "1,378"),  # whole feet, thousands separated
        (1, "imperial", "3.3"),
        (-25.9, "imperial", "-85"),
    ],
)
def test_format_distance_number(metres, system, expected):
    assert units.format_distance_number(metres, system) == expected


def test_distance_unit_and_value():
    assert (units.distance_unit(), units.distance_unit("imperial")) == ("m", "ft")
    assert units.distance_in(30) == 30
    assert units.distance_in(30, "imperial") == pytest.approx(98.425, abs=1e-3)
    with pytest.raises(ValueError):
        units.distance_unit("furlongs")


def test_measured_with_unit_is_the_one_rounding_with_its_unit() -> None:
    from rehab_tracker.domain.units import measured_with_unit

    assert measured_with_unit(444.94, "m") == "444.9 m"
    assert measured_with_unit(444.9, "m", "imperial") == "1,460 ft"
    assert measured_with_unit(12.25, "s") == "12.3 s"
    assert measured_with_unit(42.2222, "%") == "42.2%"
    assert measured_with_unit(6.0, "") == "6"
