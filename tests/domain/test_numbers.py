"""The one home of the number checks: bools, NaN and infinity are never a field's number."""

from __future__ import annotations

import math

import pytest

from rehab_tracker.domain.numbers import is_int, is_number


@pytest.mark.parametrize("value", [0, 3, -2, 2.5, 1e300, 0.0])
def test_finite_numbers_are_numbers(value: object) -> None:
    assert is_number(value)


@pytest.mark.parametrize("value", [True, False, math.nan, math.inf, -math.inf, "3", None, [1]])
def test_bools_nan_infinity_and_text_are_not(value: object) -> None:
    assert not is_number(value)


def test_whole_numbers() -> None:
    assert is_int(0) and is_int(-4) and is_int(10**30)
    assert not any(is_int(v) for v in (True, False, 2.0, math.nan, "2", None))
