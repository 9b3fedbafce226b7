"""What counts as a number in a field: the one home of the number checks every rule uses.

A bool is refused everywhere (``True`` is an ``int`` to Python, never a count or a measure to a
clinician), and so are NaN and infinity: no dose, score, cap or walk distance is either.
"""

from __future__ import annotations

import math
from typing import TypeGuard


def is_number(value: object) -> TypeGuard[int | float]:
    """A real, finite number (not a bool, not NaN, not infinite; not an integer too large for
    a float, such as 10**400, which no field means either)."""
    if not isinstance(value, int | float) or isinstance(value, bool):
        return False
    try:
        return math.isfinite(float(value))
    except OverflowError:
        return False


def is_int(value: object) -> TypeGuard[int]:
    """A whole number (not a bool): what a count field (sets, reps, laps, a week) holds."""
    return isinstance(value, int) and not isinstance(value, bool)
