"""SI storage units and their display conversions.

The database stores metres, kilograms, centimetres and seconds (see ARCHITECTURE.md, "Store SI
units; convert at the edges"). These helpers convert and format for a clinic that prefers feet and
pounds. The conversion factors are the exact international definitions (1 ft = 0.3048 m,
1 lb = 0.45359237 kg, 1 in = 2.54 cm).
"""

from __future__ import annotations

import math
from decimal import ROUND_HALF_UP, Context, Decimal
from typing import Literal, get_args

UnitSystem = Literal["metric", "imperial"]
UNIT_SYSTEMS: tuple[str, ...] = get_args(UnitSystem)

METRES_PER_FOOT = 0.3048
KG_PER_POUND = 0.45359237
CM_PER_INCH = 2.54
INCHES_PER_FOOT = 12
#: decimal arithmetic on shown amounts without rounding: any finite float has fewer digits
EXACT = Context(prec=800)


def _finite(value: float, name: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError(f"{name} must be a number, got {value!r}")
    if not math.isfinite(value):
        raise ValueError(f"{name} must be a finite number, got {value!r}")
    return float(value)


def _system(system: str) -> UnitSystem:
    if system == "metric":
        return "metric"
    if system == "imperial":
        return "imperial"
    raise ValueError(f"unit system must be 'metric' or 'imperial', got {system!r}")


def metres_to_feet(metres: float) -> float:
    return _finite(metres, "distance") / METRES_PER_FOOT


def feet_to_metres(feet: float) -> float:
    return _finite(feet, "distance") * METRES_PER_FOOT


def kg_to_lb(kg: float) -> float:
    return _finite(kg, "weight") / KG_PER_POUND


def lb_to_kg(lb: float) -> float:
    return _finite(lb, "weight") * KG_PER_POUND


def cm_to_inches(cm: float) -> float:
    return _finite(cm, "length") / CM_PER_INCH


def inches_to_cm(inches: float) -> float:
    return _finite(inches, "length") * CM_PER_INCH


def format_number(value: float, decimals: int = 1) -> str:
    """Format for people: whole numbers without ``.0``, otherwise ``decimals`` places.

    ``format_number(28.0) == "28"``, ``format_number(2.0999999) == "2.1"``,
    ``format_number(17.25, 2) == "17.25"``. A non-zero value that would print as zero keeps two
    significant digits (``0.04`` -> ``"0.04"``) so a real change is never shown as "0". Negative
    zero prints as ``"0"``.
    """
    number = _finite(value, "value")
    if decimals < 0:
        raise ValueError("decimals must be 0 or more")
    rounded = round(number, decimals)
    if rounded == 0 and number != 0 and abs(number) >= 1e-9:
        return f"{number:.2g}"
    if abs(rounded - round(rounded)) < 10 ** -(decimals + 3):
        return str(round(rounded))
    return f"{rounded:.{decimals}f}".rstrip("0").rstrip(".")


def format_distance(metres: float, system: str = "metric") -> str:
    """``"30 m"`` or ``"98 ft"``; one decimal only below 10 units (a 6-minute walk needs none)."""
    unit_system = _system(system)
    value, unit = (
        (_finite(metres, "distance"), "m")
        if unit_system == "metric"
        else (metres_to_feet(metres), "ft")
    )
    return f"{format_number(value, 1 if abs(value) < 10 else 0)} {unit}"


def distance_unit(system: str = "metric") -> str:
    """The unit a clinic reads distances in: ``"m"`` or ``"ft"``."""
    return "m" if _system(system) == "metric" else "ft"


def distance_in(metres: float, system: str = "metric") -> float:
    """A distance as a number in the clinic's unit (metres as stored, or feet): for plotting."""
    return _finite(metres, "distance") if _system(system) == "metric" else metres_to_feet(metres)


def format_distance_number(metres: float, system: str = "metric") -> str:
    """A measured distance's number for tables and sentences, without its unit: metres as stored
    (one decimal, ``"446.6"``), or whole feet with thousands separators (``"1,465"``; one
    decimal below 10 ft). Add :func:`distance_unit` for the unit."""
    return measured_text(metres, "m", system)


def measured_amount(value: float, unit: str, system: str = "metric") -> Decimal:
    """A measured value exactly as tables and sentences show it, as a decimal number in the shown
    unit: a distance (``unit`` "m") in metres or, for an imperial clinic, feet (whole feet from
    10 ft, one decimal below); anything else (points, %, seconds) to one decimal. Halves round
    up (0.75 reads 0.8 and 46.25 reads 46.3, so an exact 45.5 change still reads 45.5).

    The one rounding every displayed value goes through: a change is the difference of two such
    amounts and is judged against its threshold in the same decimals (domain.scoring), so what is
    shown and what is concluded cannot disagree."""
    number = _finite(value, "value")
    if unit == "m" and _system(system) == "imperial":
        number = metres_to_feet(number)
        step = Decimal(1) if abs(number) >= 10 else Decimal("0.1")
    else:
        step = Decimal("0.1")
    amount = Decimal(number).quantize(step, rounding=ROUND_HALF_UP, context=EXACT)
    return EXACT.plus(amount) if amount else Decimal(0)  # no -0


def decimal_text(value: Decimal, *, grouped: bool = False) -> str:
    """A decimal for people: no exponent, no trailing zeros (``"30"``, ``"29.9"``), thousands
    separated when ``grouped`` (feet: ``"1,465"``); ``-0`` reads ``"0"``."""
    text = format(value, ",f" if grouped else "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def measured_text(value: float, unit: str, system: str = "metric") -> str:
    """:func:`measured_amount` as text (feet thousands-separated)."""
    grouped = unit == "m" and _system(system) == "imperial"
    return decimal_text(measured_amount(value, unit, system), grouped=grouped)


def measured_with_unit(value: float, unit: str, system: str = "metric") -> str:
    """:func:`measured_text` with its unit as every screen and report shows a measured value:
    ``"444.9 m"`` (or feet), ``"12.3 s"``, ``"42.2%"``; points without a unit (``"6"``)."""
    number = measured_text(value, unit, system)
    if unit == "m":
        return f"{number} {distance_unit(system)}"
    if unit == "s":
        return f"{number} s"
    if unit == "%":
        return f"{number}%"
    return number


def format_weight(kg: float, system: str = "metric") -> str:
    """``"17.5 kg"`` or ``"38.6 lb"`` (one decimal, trailing ``.0`` dropped)."""
    unit_system = _system(system)
    if unit_system == "metric":
        return f"{format_number(_finite(kg, 'weight'))} kg"
    return f"{format_number(kg_to_lb(kg))} lb"


def format_height(cm: float, system: str = "metric") -> str:
    """``"175 cm"`` or ``"5 ft 9 in"`` (imperial rounded to the whole inch)."""
    unit_system = _system(system)
    length = _finite(cm, "height")
    if unit_system == "metric":
        return f"{format_number(length, 0)} cm"
    if length < 0:
        raise ValueError(f"height must not be negative, got {cm!r}")
    total_inches = round(cm_to_inches(length))
    feet, inches = divmod(total_inches, INCHES_PER_FOOT)
    return f"{feet} ft {inches} in"


def format_duration(seconds: float) -> str:
    """``"45 s"``, ``"12.3 s"`` below a minute; ``"6 min"`` or ``"1 min 30 s"`` from a minute on."""
    value = _finite(seconds, "duration")
    if value < 0:
        raise ValueError(f"duration must not be negative, got {seconds!r}")
    if value < 60:
        return f"{format_number(value)} s"
    whole = round(value)
    minutes, rest = divmod(whole, 60)
    return f"{minutes} min" if rest == 0 else f"{minutes} min {rest} s"
